"""How long each screen takes to render in a real browser on an SF 1 database with many
backorders releasable (the bench's post-run database with extra stock). Not part of CI.

    make bench-browser                          # after `make bench` (SF 1)
    .venv/bin/python bench/browser_check.py --db path/to/file.duckdb

Starts `streamlit run app.py` on a copy of the database, opens every screen by its URL in
Debian's Chromium (Playwright), and times each from navigation until the screen's title
shows and Streamlit has stopped running its script (no skeleton left). Each screen is
opened first right after the server started (its reads not yet cached by the app), then
twice more. Results go to bench/results/browser.json and bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report, tpch  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1600, "height": 1000}
TIMEOUT_MS = 180_000  # a screen slower than this is reported as failed, not waited for
# (URL path, page title): every screen of ui/layout.py's menu.
SCREENS = [
    ("", "Backorder desk"), ("Orders", "Orders"), ("Fulfillment", "Run Fulfillment"),
    ("Release", "Release Back Order"), ("Analytics", "Backorder analytics"),
    ("Items", "Items"), ("Inventory", "Inventory"), ("Ship", "Ship orders"),
    ("Cancel", "Cancel orders"), ("Audit", "Audit"), ("Import", "Import"),
]
APP_IDLE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector("[data-testid='stSkeleton']") === null;
}"""


def default_db(tag: str) -> Path:
    """The releasable SF 1 database the bench left, made by the engine the server runs
    (`tag`: "tree" for the working tree, else a commit)."""
    return tpch.DATA / f"work-{tag}-sf1" / "releasable.duckdb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    out = open(log, "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=root, env={**os.environ, "BACKORDER_DB": str(db), "PYTHONPATH": str(root)},
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Streamlit ended:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError("Streamlit did not answer its health check in 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


def open_screen(page, url: str, path: str, title: str) -> tuple[float | None, str]:
    """Seconds from navigation until the title shows and the script is idle; or None and
    what went wrong."""
    from playwright.sync_api import Error, expect

    started = time.perf_counter()
    try:
        page.goto(f"{url}/{path}")
        expect(page.locator("[data-testid='stMain'] h1").first).to_contain_text(
            title, timeout=TIMEOUT_MS)
        page.wait_for_function(APP_IDLE, timeout=TIMEOUT_MS)
    except (Error, AssertionError) as exc:
        return None, str(exc).splitlines()[0]
    seconds = time.perf_counter() - started
    boxes = page.locator("[data-testid='stException']")
    return seconds, (boxes.first.inner_text()[:200] if boxes.count() else "")


def check(root: Path, db: Path, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        if Path(f"{db}.wal").exists():
            raise SystemExit(f"{db}.wal exists: the database was not closed")
        shutil.copyfile(db, copy)
        proc, url = start_server(root, copy, Path(tmp) / "streamlit.log")
        results: dict[str, dict] = {}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                screens = [(path, title) for path, title in SCREENS  # those root has
                           if not path or any((root / "pages").glob(f"*_{path}.py"))]
                for round_no in range(rounds):
                    for path, title in screens:
                        seconds, problem = open_screen(page, url, path, title)
                        label = f"/{path} ({title})"
                        entry = results.setdefault(label, {"seconds": [], "problems": []})
                        entry["seconds"].append(seconds)
                        if problem:
                            entry["problems"].append(problem)
                        shown = "failed" if seconds is None else f"{seconds:.2f} s"
                        print(f"round {round_no + 1} {label:<36} {shown} {problem}",
                              file=sys.stderr, flush=True)
                browser.close()
        finally:
            stop_server(proc)
    for entry in results.values():
        times = entry["seconds"]
        entry["first"] = times[0]
        again = [t for t in times[1:] if t is not None]
        entry["again"] = statistics.median(again) if again else None
        entry["worst"] = None if None in times else max(times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="default: the bench's SF 1 releasable database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--at-commit", metavar="REV",
                        help="serve the project as committed at REV (as run_bench.py does)")
    args = parser.parse_args()
    from bench.run_bench import snapshot, working_tree_version

    root, version = (snapshot(args.at_commit) if args.at_commit
                     else (ROOT, working_tree_version()))
    db = args.db or default_db(version.split()[0] if args.at_commit else "tree")
    if not db.exists():
        raise SystemExit(f"{db} is missing: run `make bench` (SF 1) first, or pass --db")
    screens = check(root, db, args.rounds)
    scale = re.search(r"-sf([0-9.]+)$", db.parent.name)
    out = {"scale": float(scale.group(1)) if scale else None, "db": str(db),
           "date": datetime.now().isoformat(timespec="minutes"), "engine_version": version,
           "screens": screens}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "browser.json").write_text(json.dumps(out, indent=1) + "\n")
    print(report.browser_table(out))
    report.update_readme()


if __name__ == "__main__":
    main()
