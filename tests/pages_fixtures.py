"""Fixtures for the AppTest page tests: a database file per test (a copy of one demo
database built per session, a small hand-made warehouse, or an empty one), BACKORDER_DB
pointing at it, and Streamlit's process-wide caches cleared around every test."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

TIMEOUT = 30
ORDERS = "pages/1_Orders.py"
FULFILLMENT = "pages/2_Fulfillment.py"
RELEASE = "pages/3_Release.py"
ANALYTICS = "pages/4_Analytics.py"
ITEMS = "pages/5_Items.py"
INVENTORY = "pages/6_Inventory.py"
TITLES = {None: "📦 Backorder desk", ORDERS: "📋 Orders", FULFILLMENT: "🚚 Run Fulfillment",
          RELEASE: "↩️ Release Back Order", ANALYTICS: "📈 Backorder analytics",
          ITEMS: "🏷️ Items", INVENTORY: "🏭 Inventory"}


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Caches are shared across tests in one process: start and end each test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory) -> Path:
    """The demo warehouse, built once per session (loading it takes seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    wh = engine.open(str(path))
    wh.load_demo(seed=0)
    wh.close()
    return path


@pytest.fixture
def demo_db(demo_source, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_source, path)
    monkeypatch.setenv("BACKORDER_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    """An existing but empty database: the app must not seed it and must say it is empty."""
    path = tmp_path / "empty.duckdb"
    engine.open(str(path)).close()
    monkeypatch.setenv("BACKORDER_DB", str(path))
    return path


@pytest.fixture
def small_db(tmp_path, monkeypatch) -> Path:
    """Three items, a little stock, three On Order orders: exact numbers to assert on.
    A (backorder ok): 5 Available. B (backorder ok): 2 Available, 3 Frozen.
    C (no backorder): 1 Available. Orders 1: A 4 + C 3; 2: A 6 (priority 2); 3: B 5."""
    path = tmp_path / "small.duckdb"
    wh = engine.open(str(path))
    wh.import_items(pd.DataFrame({"sku": ["A", "B", "C"], "description": ["Alpha", "Beta",
                                                                          "Gamma"],
                                  "backorder": [True, True, False],
                                  "unit_price": [1.0, 2.0, 3.0]}))
    wh.import_inventory(pd.DataFrame({"sku": ["A", "B", "B", "C"],
                                      "status": ["Available", "Available", "Frozen",
                                                 "Available"],
                                      "qty": [5, 2, 3, 1]}))
    wh.import_orders(
        pd.DataFrame({"order_no": ["1", "2", "3"], "order_date": ["2026-11-01"] * 3,
                      "priority": [1, 2, 3], "status": ["On Order"] * 3,
                      "customer": ["Acme", "Bolt", "Cord"]}),
        pd.DataFrame({"order_no": ["1", "1", "2", "3"], "line_no": [1, 2, 1, 1],
                      "sku": ["A", "C", "A", "B"], "ordered_qty": [4, 3, 6, 5]}))
    wh.close()
    monkeypatch.setenv("BACKORDER_DB", str(path))
    return path


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
