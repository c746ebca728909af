"""Helpers for the AppTest page tests: run a page from the entrypoint, follow a page
switch, tick grid cells through the editor's state, and read the app's own Warehouse."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from ui.text import WORD_JOINER  # noqa: E402

TIMEOUT = 30
ORDERS = "pages/1_Orders.py"
FULFILLMENT = "pages/2_Fulfillment.py"
RELEASE = "pages/3_Release.py"
ANALYTICS = "pages/4_Analytics.py"
ITEMS = "pages/5_Items.py"
INVENTORY = "pages/6_Inventory.py"
SHIP = "pages/7_Ship.py"
CANCEL = "pages/8_Cancel.py"
AUDIT = "pages/9_Audit.py"
RECEIPTS = "pages/11_Expected_receipts.py"
# Titles carry their icon in st.title's `icon` (a Material icon), not in the text.
TITLES = {None: "Backorder desk", ORDERS: "Orders", FULFILLMENT: "Run Fulfillment",
          RELEASE: "Release Back Order", ANALYTICS: "Backorder analytics",
          ITEMS: "Items", INVENTORY: "Inventory", SHIP: "Ship orders",
          CANCEL: "Cancel orders", AUDIT: "Audit", RECEIPTS: "Expected receipts"}


def open_db(path: Path) -> engine.Warehouse:
    """A second handle for assertions. The app's handle lives in st.cache_resource, so
    read through that same Warehouse to avoid opening the file twice."""
    from ui.state import _open
    return _open(str(path))


def app(page: str | None = None) -> AppTest:
    """Run the app on `page` (None is Home), starting from the entrypoint as a browser does."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


def follow(at: AppTest, page: str | None) -> AppTest:
    """After the script called st.switch_page, check we landed on `page` and keep later
    runs there (AppTest otherwise reruns the page it was last switched to)."""
    assert not at.exception, at.exception
    assert title(at) == TITLES[page], title(at)
    at.switch_page(page or "app.py")
    return at


def tick(at: AppTest, key: str, rows: list[int], column: str = "Select",
         value: object = True) -> AppTest:
    """Edit grid cells as a browser would: the editor's state keyed by row position."""
    at.session_state[key] = {"edited_rows": {r: {column: value} for r in rows},
                             "added_rows": [], "deleted_rows": []}
    return at.run()


def shown(markdown: str) -> str:
    """What a reader sees of Markdown whose data parts ui.text.escape_md escaped: the
    backslashes before punctuation and the invisible word joiners are gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")
