"""Browser-test fixtures: one demo database built per session, a real Streamlit server on a
fresh copy of it, Debian's Chromium through Playwright, and an `App` driver that waits on the
app's own run state (never on sleeps). A failing test leaves a screenshot, the page text and
the server log under test-artifacts/."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"
SCREENS = ARTIFACTS / "screens"
VIEWPORT = {"width": 1600, "height": 1000}
SERVER_START_TIMEOUT = 60  # seconds; a cold Streamlit import on a busy 2-core box is slow
STEP_TIMEOUT_MS = 20_000  # the longest any one step (a rerun, a page switch) may take
MAX_SNAP_HEIGHT = 4000  # px; the tallest screenshot taken for people
CONTENT_HEIGHT = """() => Math.max(0, ...[...document.querySelectorAll(
  "[data-testid='stMain'], [data-testid='stAppViewContainer'], [data-testid='stSidebarContent']"
)].map(e => e.scrollHeight))"""
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
ROW_HEIGHT = 35  # the grids' row height in px; the header is row 0

# The app is ready when its websocket is up, no script is running, and every lazily
# loaded widget has replaced its skeleton.
APP_IDLE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector("[data-testid='stSkeleton']") === null;
}"""
# What a person reads in an element: its text without the names of Material icons, which
# are ligatures (the text "home" drawn as a house) and would otherwise read as words.
TEXT_READ = """(e) => {
  const copy = e.cloneNode(true);
  copy.querySelectorAll("[data-testid='stIconMaterial'], [data-testid='stHeadingIcon']")
    .forEach(i => { if (/^[a-z0-9_]+$/.test(i.textContent.trim())) i.remove(); });
  document.body.appendChild(copy);  // innerText needs the copy laid out
  const text = copy.innerText;
  copy.remove();
  return text.trim();
}"""
# The grids are canvases; glide-data-grid keeps an accessible <table> copy of the visible
# cells inside the canvas. Read it as {header: text} per row. The grid is found afresh on
# each poll (by selector and index): a rerun may replace its element.
READ_GRID = """([selector, index]) => {
  const grid = document.querySelectorAll(selector)[index];
  const table = grid && grid.querySelector('canvas table');
  if (!table || table.querySelector('thead th') === null) return null;
  const headers = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
  const rows = [...table.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
    [...tr.querySelectorAll('td')].map((td, i) => [headers[i], td.innerText.trim()])));
  return {count: Number(table.getAttribute('aria-rowcount')) - 1, headers, rows};
}"""


# -- failure artifacts ---------------------------------------------------------------------
PHASE_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


def _failed(node) -> bool:
    reports = node.stash.get(PHASE_REPORTS, {})
    return any(r.failed for r in reports.values())


def _artifact_name(node) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid.split("::", 1)[-1])[:120]


# -- the demo database ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo warehouse, built once: loading six weeks of history takes seconds."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    wh = engine.open(str(path))
    try:
        wh.load_demo()
    finally:
        wh.close()
    return path


def copy_db(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


@dataclass(frozen=True)
class DemoFacts:
    """What the demo warehouse holds that the tests act on."""

    releasable: tuple[str, ...]  # backorders releasable now, in rank order
    blocked: str  # a single-SKU backorder that lacks stock
    blocked_reason: str  # the review's reason for it, e.g. "SKU SD-WH needs 3: 0 free"
    receipt_sku: str  # the blocked backorder's SKU
    receipt_qty: int  # enough for the first two backorders waiting on that SKU
    receipt_releases: tuple[str, ...]  # what the engine releases on that receipt


@pytest.fixture(scope="session")
def demo_facts(demo_db, tmp_path_factory) -> DemoFacts:
    """Read with the engine from a scratch copy, so the tests do not hard-code demo order
    numbers; the receipt made there is the oracle for the one made in the app."""
    scratch = copy_db(demo_db, tmp_path_factory.mktemp("facts") / "facts.duckdb")
    wh = engine.open(str(scratch))
    try:
        waiting = wh.releasable_now(include_blocked=True)
        releasable = tuple(waiting.loc[waiting["releasable"], "order_no"])
        single_sku = waiting[~waiting["releasable"] & ~waiting["skus"].str.contains(",")]
        blocked = single_sku.iloc[0]
        review = wh.review_release([releasable[0], blocked["order_no"]]).set_index("order_no")
        assert review["outcome"].to_dict() == {releasable[0]: "ok",
                                               blocked["order_no"]: "warning"}
        same_sku = single_sku[single_sku["skus"] == blocked["skus"]]
        qty = int(same_sku["units"].head(2).sum())
        receipt = wh.receive(blocked["skus"], qty, user="oracle")
        assert receipt.released, "the oracle receipt should release something"
        return DemoFacts(
            releasable=releasable, blocked=blocked["order_no"],
            blocked_reason=review.loc[blocked["order_no"], "reason"],
            receipt_sku=blocked["skus"], receipt_qty=qty,
            receipt_releases=tuple(receipt.released))
    finally:
        wh.close()


LARGE_RUN_ORDERS = 300_000  # On Order orders: a run over them takes seconds


@pytest.fixture(scope="session")
def large_db(tmp_path_factory) -> Path:
    """Hundreds of thousands of On Order orders (three lines each, 500 SKUs, stock short),
    so that a fulfillment run takes long enough to leave it while it goes."""
    import random

    import pandas as pd

    path = tmp_path_factory.mktemp("large") / "large.duckdb"
    rng = random.Random(7)
    skus = [f"L{n:03d}" for n in range(500)]
    order_nos = [str(n) for n in range(1, LARGE_RUN_ORDERS + 1)]
    wh = engine.open(str(path))
    try:
        wh.import_items(pd.DataFrame({"sku": skus, "backorder": [n % 5 != 0 for n in
                                                                 range(len(skus))]}))
        wh.import_inventory(pd.DataFrame({"sku": skus, "status": "Available",
                                          "qty": [rng.randint(0, 300) for _ in skus]}))
        wh.import_orders(
            pd.DataFrame({"order_no": order_nos, "order_date": "2026-11-01",
                          "status": "On Order",
                          "priority": [1 + n % 5 for n in range(len(order_nos))]}),
            pd.DataFrame({"order_no": [o for o in order_nos for _ in range(3)],
                          "line_no": [1, 2, 3] * len(order_nos),
                          "sku": [rng.choice(skus) for _ in range(3 * len(order_nos))],
                          "ordered_qty": [rng.randint(1, 9) for _ in
                                          range(3 * len(order_nos))]}))
    finally:
        wh.close()
    return path


@pytest.fixture
def fresh_db(demo_db, tmp_path) -> Path:
    """A private copy of the demo database that one test may change."""
    return copy_db(demo_db, tmp_path / "warehouse.duckdb")


# -- the Streamlit server ------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A `streamlit run app.py` process serving one database file."""

    db: Path
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Terminate, then kill if it lingers; safe to call twice. After this the database
        file can be opened by the test itself."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def open_db(self) -> engine.Warehouse:
        """The server's database, opened by the test once the server is stopped."""
        self.stop()
        return engine.open(str(self.db))


def start_server(db: Path, log: Path, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = ()) -> Server:
    """`env` adds environment variables (BACKORDER_READ_ONLY=1), `args` Streamlit options
    (--secrets.files for authentication)."""
    port = free_port()
    env = {**os.environ, "BACKORDER_DB": str(db), "PYTHONPATH": str(ROOT), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py",  # the venv running pytest
         "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    server = Server(db, port, process, log)
    listening = threading.Event()

    def pump() -> None:  # keeps the pipe drained and notices when the server listens
        with log.open("wb") as out:
            for line in process.stdout:
                out.write(line)
                out.flush()
                if b"Local URL" in line:
                    listening.set()
        listening.set()  # the process ended: stop waiting

    threading.Thread(target=pump, daemon=True).start()
    try:
        if not listening.wait(SERVER_START_TIMEOUT) or process.poll() is not None:
            raise RuntimeError(f"Streamlit did not start:\n{log.read_text(errors='replace')}")
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:
            if response.read().strip() != b"ok":
                raise RuntimeError("Streamlit's health check did not answer ok")
    except BaseException:
        server.stop()
        raise
    return server


def _keep_server_log(node, server: Server) -> None:
    if _failed(node) and server.log.exists():
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(server.log, ARTIFACTS / f"{_artifact_name(node)}.server.log")


@pytest.fixture
def server(request, fresh_db, tmp_path) -> Iterator[Server]:
    """A server of its own for a test that changes data; always stopped afterwards."""
    srv = start_server(fresh_db, tmp_path / "streamlit.log")
    try:
        yield srv
    finally:
        srv.stop()
        _keep_server_log(request.node, srv)


@pytest.fixture
def start_app(request, browser, page, tmp_path) -> Iterator[Callable[..., App]]:
    """Start a server of the test's own on any database file, with extra environment or
    Streamlit options, and drive it: `start_app(db, env={...}, args=(...))`. Every
    server started is stopped afterwards, and its log kept if the test failed."""
    servers: list[Server] = []

    def start(db: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> App:
        log = tmp_path / f"streamlit-{len(servers)}.log"
        servers.append(start_server(db, log, env=env, args=args))
        return App(page, servers[-1])

    try:
        yield start
    finally:
        _capture_page(request.node, page)
        for srv in servers:
            srv.stop()
            _keep_server_log(request.node, srv)


@pytest.fixture(scope="module")
def shared_server(demo_db, tmp_path_factory) -> Iterator[Server]:
    """One server for a module whose tests only read, so they need not pay a start each."""
    folder = tmp_path_factory.mktemp("shared")
    srv = start_server(copy_db(demo_db, folder / "warehouse.duckdb"), folder / "streamlit.log")
    try:
        yield srv
    finally:
        srv.stop()


# -- the browser ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(request, browser):
    """A fresh browser context per test (its own Streamlit session). On failure: a full-page
    screenshot and the page's text go to test-artifacts/."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        _capture_page(request.node, pg)
        context.close()


CAPTURED = pytest.StashKey[bool]()


def _capture_page(node, pg) -> None:
    """On failure, once per test: a screenshot and the page's text, while the server
    still runs (a fixture that stops its own servers calls this first)."""
    if not _failed(node) or node.stash.get(CAPTURED, False):
        return
    node.stash[CAPTURED] = True
    ARTIFACTS.mkdir(exist_ok=True)
    name = _artifact_name(node)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.txt").write_text(f"URL: {pg.url}\n\n{pg.inner_text('body')}")
    except Exception as exc:  # the page may be gone; the report must still be written
        (ARTIFACTS / f"{name}.txt").write_text(f"Could not capture the page: {exc}")


# -- the driver ----------------------------------------------------------------------------
class App:
    """Drives the dashboard the way an analyst does, and waits on the app's own state.

    Waiting rule: an action only acts. Then `see` waits for the outcome the user would see,
    which only shows once the script run the action caused has rendered, and then for the
    app to be idle. Waiting on the run state alone is not enough: a quick run can finish
    before the browser ever shows it running, and st.rerun / st.switch_page run twice with
    an idle moment between."""

    def __init__(self, page, server: Server):
        self.page = page
        self.server = server

    # -- navigation and waiting -----------------------------------------------------------
    @property
    def main(self):
        return self.page.locator("[data-testid='stMain']")

    @property
    def sidebar(self):
        return self.page.locator("[data-testid='stSidebar']")

    @property
    def title(self):
        return self.main.locator("h1").first

    @property
    def menu(self):
        """The desk's own sidebar menu (ui/layout.py): Home, Orders, …"""
        return self.page.locator(".st-key-desk_menu")

    def text_of(self, locator) -> list[str]:
        """What a person reads in each element of `locator`, icon names left out."""
        return [e.evaluate(TEXT_READ) for e in locator.element_handles()]

    def nav(self, label: str, title: str | None = None) -> None:
        """Go to a screen by its sidebar menu link, as an analyst does; with `title`,
        wait until it shows."""
        self.menu.get_by_role("link", name=label, exact=True).click()
        if title:
            self.see(self.title, text=title)

    def wait_idle(self) -> None:
        """No script running, websocket connected, no widget still loading."""
        self.page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
        self.page.wait_for_function(APP_IDLE, timeout=STEP_TIMEOUT_MS)

    def open(self, path: str = "", title: str | None = None) -> float:
        """Open a URL of the app directly (a deep link); returns seconds until it is ready."""
        started = time.perf_counter()
        self.page.goto(f"{self.server.url}/{path.lstrip('/')}")
        if title:
            self.see(self.title, text=title)
        self.wait_idle()
        return time.perf_counter() - started

    def see(self, target, text: str | re.Pattern | None = None):
        """Wait until `target` (a locator, or text in the main area) shows, and contains
        `text` if given; then wait for the app to be idle."""
        from playwright.sync_api import expect

        locator = self.main.get_by_text(target) if isinstance(target, str | re.Pattern) \
            else target
        if text is None:
            expect(locator.first).to_be_visible(timeout=STEP_TIMEOUT_MS)
        else:
            expect(locator.first).to_contain_text(text, timeout=STEP_TIMEOUT_MS)
        self.wait_idle()
        return locator

    def see_exactly(self, text: str):
        """`see` for an element whose whole text is `text` (whitespace may differ)."""
        words = [re.escape(w) for w in text.split()]
        return self.see(re.compile(r"^\s*" + r"\s+".join(words) + r"\s*$"))

    def badge_hue(self, text: str) -> str:
        """The colour family ('green', 'orange', 'red', 'blue') of a Markdown badge."""
        badge = self.main.locator(".stMarkdownBadge", has_text=text).first
        color = badge.evaluate("(e) => getComputedStyle(e).color")
        r, g, b = (int(v) for v in re.findall(r"\d+", color)[:3])
        if g >= r and g >= b:
            return "green"
        if r > g and r > b:
            return "orange" if g > b else "red"
        return "blue"

    def assert_no_exception(self) -> None:
        boxes = self.page.locator("[data-testid='stException']")
        assert boxes.count() == 0, f"exception on screen: {boxes.first.inner_text()}"

    # -- widgets ---------------------------------------------------------------------------
    def button(self, name: str, key: str | None = None, scope=None):
        """A visible button by its label; `key` picks one of several with the same label."""
        where = scope or self.page
        if key:
            where = where.locator(f".st-key-{key}")
        return where.get_by_role("button", name=name, exact=True)

    def fill(self, label: str, text: str, scope=None) -> None:
        """Type into a text input and press Enter, which reruns the script."""
        box = (scope or self.page).get_by_role("textbox", name=label, exact=True)
        box.fill(text)
        box.press("Enter")

    def choose(self, label: str, option: str, scope=None) -> None:
        """Pick an option of a selectbox or multiselect by typing it and clicking it."""
        box = (scope or self.page).get_by_role("combobox", name=label, exact=True)
        box.click()
        box.fill(option)
        self.page.get_by_role("option", name=option, exact=True).click()
        if self.page.get_by_role("listbox").count():
            self.page.keyboard.press("Escape")  # a multiselect stays open for more picks

    # -- screens, dialogs and widget values ------------------------------------------------
    @property
    def dialog(self):
        """The open st.dialog (an order's record, say)."""
        return self.page.get_by_role("dialog")

    def in_viewport(self, locator) -> bool:
        """True when `locator`'s top edge and at least 200 px of it are inside the window:
        where the analyst is looking, not somewhere to scroll to."""
        box = locator.bounding_box()
        size = self.page.viewport_size
        return (box is not None and 0 <= box["y"] < size["height"] - 200
                and box["x"] >= 0 and box["x"] < size["width"])

    def tags(self, key: str) -> list[str]:
        """The chosen options of the multiselect with widget key `key`."""
        return self.page.locator(f".st-key-{key} [data-tag]").all_inner_texts()

    def value(self, role: str, label: str, scope=None) -> str:
        """What a textbox, combobox (selectbox) or spinbutton shows."""
        return (scope or self.page).get_by_role(role, name=label, exact=True).input_value()

    # -- grids -----------------------------------------------------------------------------
    def grid(self, label: str) -> Grid:
        """The grid whose accessible name (the `alt` the page gives it) starts with `label`."""
        return Grid(self, "[data-testid='stDataFrameResizable']"
                          f"[aria-label^={json.dumps(label)}]")

    # -- pictures for people ---------------------------------------------------------------
    def snap(self, name: str) -> None:
        """A screenshot of the whole screen under test-artifacts/screens/, for a person to
        look at. Streamlit scrolls inside its main area, so the window is made as tall as
        the content for the picture, then put back."""
        SCREENS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(CONTENT_HEIGHT)
        tall = min(max(height, VIEWPORT["height"]), MAX_SNAP_HEIGHT)
        self.page.set_viewport_size({**VIEWPORT, "height": tall})
        self.page.evaluate(NEXT_FRAMES)
        try:
            self.page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
        finally:
            self.page.set_viewport_size(VIEWPORT)
            self.page.evaluate(NEXT_FRAMES)


class Grid:
    """A Streamlit grid (st.dataframe / st.data_editor): a canvas, read through its
    accessible table and clicked by cell position."""

    def __init__(self, app: App, selector: str):
        self.app = app
        self.page = app.page
        self.where = [selector, 0]
        self.locator = app.page.locator(selector).first

    def _poll(self, condition: str):
        """Wait until `condition` (JS over `grid`, what READ_GRID returns) is truthy, and
        return its value."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.locator.hover()  # glide-data-grid fills its accessible table once live
        try:
            return self.page.wait_for_function(
                f"""(where) => {{
                  const grid = ({READ_GRID})(where);
                  return grid !== null && ({condition});
                }}""", arg=self.where).json_value()
        except PlaywrightTimeout:
            shown = self.page.evaluate(READ_GRID, self.where)
            raise AssertionError(f"grid never met `{condition}`; it shows {shown}") from None

    def rows(self, count: int) -> list[dict[str, str]]:
        """The visible rows as {column header: text}, once the grid holds `count` rows. The
        accessible copy trails the canvas by a moment, so this waits for it."""
        return self._poll(f"grid.count === {int(count)} && grid.rows")

    def wait_for_row(self, **cells: str) -> dict[str, str]:
        """Wait until a visible row shows all of `cells` ({column: text}; an underscore in
        a name stands for a space), and return that row."""
        wanted = {k.replace("_", " "): v for k, v in cells.items()}
        return self._poll(
            f"grid.rows.find(r => Object.entries({json.dumps(wanted)})"
            ".every(([k, v]) => r[k] === v)) || false")

    def point(self, row: int, x_offset: float) -> tuple[float, float]:
        """Page coordinates inside a cell: rows are ROW_HEIGHT px, the header is row 0."""
        self.locator.scroll_into_view_if_needed()
        box = self.locator.bounding_box()
        assert box is not None, "the grid is not on screen"
        return box["x"] + x_offset, box["y"] + row * ROW_HEIGHT + ROW_HEIGHT / 2

    def tick(self, row: int = 1) -> None:
        """Click the checkbox of the first, pinned column (Select on Orders, Backorder
        allowed on Items) of a data row; 1 is the top.
        Follow with `see` of what the tick changes."""
        x, y = self.point(row, x_offset=38)
        self.page.mouse.click(x, y)


@pytest.fixture
def app(browser, server, page) -> App:
    """The dashboard on a database of this test's own. (Fixture order matters: the page is
    captured on failure before its server stops.)"""
    return App(page, server)


@pytest.fixture
def shared_app(request, browser, shared_server, page) -> Iterator[App]:
    """The dashboard on the module's shared, read-only database."""
    yield App(page, shared_server)
    _keep_server_log(request.node, shared_server)


@pytest.fixture(scope="module")
def oracle(demo_db):
    """The engine on the demo data the shared server started from, for viewing only: the
    numbers a screen must show."""
    wh = engine.open(str(demo_db), read_only=True)
    try:
        yield wh
    finally:
        wh.close()
