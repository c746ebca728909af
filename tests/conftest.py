"""Engine fixtures: a real store per test (a DuckDB file, or a PostgreSQL database), and a
compact way to lay out a warehouse."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import stores  # noqa: E402

import data.demo  # noqa: E402,F401 - registers the demo behind wh.load_demo()
import engine  # noqa: E402


@pytest.fixture
def location(tmp_path) -> str:
    """Where this test's warehouse is kept: a new DuckDB file, or a new PostgreSQL
    database when BACKORDER_TEST_STORE names a server (tests/stores.py)."""
    where = stores.new_location(tmp_path)
    yield where
    if stores.on_postgres():
        stores.drop_database(where)


@pytest.fixture
def wh(location):
    warehouse = engine.open(location)
    yield warehouse
    warehouse.close()


@pytest.fixture(scope="session", autouse=True)
def _no_test_databases_left():
    yield
    if stores.on_postgres():
        stores.drop_leftovers()


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, the tests of what only a DuckDB file does (its locks, its upgrades,
    a snapshot restored into a new file) are skipped, with that reason."""
    if not stores.on_postgres():
        return
    skip = pytest.mark.skip(reason="about the DuckDB file store")
    for item in items:
        if item.get_closest_marker("file_store"):
            item.add_marker(skip)


def build(wh, items: dict[str, bool], stock: list[tuple[str, str, int]],
          orders: list[dict], lines: list[tuple[str, int, str, int]]) -> None:
    """items: {sku: backorder allowed}; stock: (sku, status, qty);
    orders: dicts with order_no and optional priority/order_date/ship_complete/status/customer;
    lines: (order_no, line_no, sku, ordered_qty)."""
    wh.import_items(pd.DataFrame({
        "sku": list(items), "description": [f"Item {s}" for s in items],
        "backorder": list(items.values()), "unit_price": [10.0] * len(items)}))
    if stock:
        wh.import_inventory(pd.DataFrame(stock, columns=["sku", "status", "qty"]))
    if orders:
        frame = pd.DataFrame([{
            "priority": 3, "order_date": "2026-11-01", "status": "On Order",
            "ship_complete": False, "customer": "Acme", **o} for o in orders])
        wh.import_orders(frame, pd.DataFrame(lines, columns=["order_no", "line_no", "sku",
                                                             "ordered_qty"]))


def order(wh, order_no: str) -> dict:
    found = wh.order(order_no)
    assert found is not None, f"order {order_no} missing"
    return found


def lines_of(wh, order_no: str) -> pd.DataFrame:
    return wh.order_lines(order_no).set_index("line_no")


def free(wh, sku: str) -> int:
    items = wh.items()
    return int(items.loc[items["sku"] == sku, "free"].iloc[0])
