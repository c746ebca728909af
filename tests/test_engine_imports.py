"""Imports refuse bad input with a message naming row, column and value, and write nothing."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import build

import engine


def _orders(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame({"order_no": ["1", "2"], "order_date": ["2026-11-01", "2026-11-02"],
                          "priority": [1, 2], "status": ["On Order", "On Order"]})
    for column, values in overrides.items():
        frame[column] = values
    return frame


def _lines(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame({"order_no": ["1", "2"], "line_no": [1, 1], "sku": ["A", "A"],
                          "ordered_qty": [3, 4]})
    for column, values in overrides.items():
        frame[column] = values
    return frame


@pytest.fixture
def stocked(wh):
    build(wh, {"A": True}, [("A", "Available", 5)], [], [])
    return wh


def _nothing_written(wh) -> None:
    assert wh.count_orders() == 0
    assert wh.audit_log()["action"].isin(["order_imported"]).sum() == 0


@pytest.mark.parametrize(("orders", "lines", "row", "column", "value", "words"), [
    (_orders().drop(columns="priority"), _lines(), None, "priority", None, "missing"),
    (_orders(priority=[1, "high"]), _lines(), 2, "priority", "high", "whole number"),
    (_orders(priority=[1, 2.5]), _lines(), 2, "priority", "2.5", "whole number"),
    (_orders(priority=[1, 7]), _lines(), 2, "priority", 7, "between 1"),
    (_orders(status=["On Order", "Lost"]), _lines(), 2, "status", "Lost", "order status"),
    (_orders(order_no=["1", "1"]), _lines(), 2, "order_no", "1", "twice"),
    (_orders(order_no=["1", "X-2"]), _lines(), 2, "order_no", "X-2", "order number"),
    (_orders(order_date=["2026-11-01", "soon"]), _lines(), 2, "order_date", "soon", "a date"),
    (_orders(), _lines(ordered_qty=[3, 0]), 2, "ordered_qty", 0, "greater than zero"),
    (_orders(), _lines(ordered_qty=[-1, 4]), 1, "ordered_qty", -1, "greater than zero"),
    (_orders(), _lines(sku=["A", "ZZ"]), 2, "sku", "ZZ", "not a known SKU"),
    (_orders(), _lines(order_no=["1", "1"]), 2, "line_no", 1, "twice"),
    (_orders(), _lines(order_no=["1", "3"]), 2, "order_no", "3", "not among the orders"),
    (_orders(), _lines(sku=["A", None]), 2, "sku", None, "missing"),
])
def test_bad_orders_are_refused_with_row_column_and_value(stocked, orders, lines, row, column,
                                                           value, words):
    with pytest.raises(engine.ValidationError) as caught:
        stocked.import_orders(orders, lines)
    error = caught.value
    assert (error.row, error.column) == (row, column)
    if value is not None:
        assert str(error.value) == str(value)
        assert repr(str(value)) in str(error) or str(value) in str(error)
    assert column in str(error) and words in str(error)
    if row is not None:
        assert f"row {row}" in str(error)
    _nothing_written(stocked)


def test_duplicate_of_an_existing_order_is_refused(stocked):
    stocked.import_orders(_orders(), _lines())
    with pytest.raises(engine.ValidationError, match="already exists"):
        stocked.import_orders(_orders(order_no=["2", "5"]), _lines(order_no=["2", "5"]))
    assert stocked.count_orders() == 2


def test_bad_inventory_is_refused(wh):
    build(wh, {"A": True}, [], [], [])
    cases = [
        (pd.DataFrame({"sku": ["A"], "status": ["Lost"], "qty": [1]}), "status"),
        (pd.DataFrame({"sku": ["A"], "status": ["Frozen"], "qty": [-1]}), "qty"),
        (pd.DataFrame({"sku": ["Q"], "status": ["Frozen"], "qty": [1]}), "sku"),
        (pd.DataFrame({"sku": ["A", "A"], "status": ["Frozen", "Frozen"], "qty": [1, 2]}), "sku"),
        (pd.DataFrame({"sku": ["A"], "status": ["Available"], "qty": [3], "reserved": [1]}),
         "reserved"),
        (pd.DataFrame({"sku": ["A"], "qty": [3]}), "status"),
    ]
    for frame, column in cases:
        with pytest.raises(engine.ValidationError) as caught:
            wh.import_inventory(frame)
        assert caught.value.column == column, frame
    assert wh.inventory().empty


def test_bad_items_are_refused(wh):
    with pytest.raises(engine.ValidationError) as caught:
        wh.import_items(pd.DataFrame({"sku": ["A", "B"], "backorder": [True, "perhaps"]}))
    assert (caught.value.row, caught.value.column, caught.value.value) == (
        2, "backorder", "perhaps")
    with pytest.raises(engine.ValidationError, match="twice"):
        wh.import_items(pd.DataFrame({"sku": ["A", "A"], "backorder": [True, False]}))
    assert wh.items().empty


def test_a_good_import_keeps_optional_columns(wh):
    build(wh, {"A": True}, [], [], [])
    orders = _orders(order_no=["140", "140.002"], status=["On Order", "Back Order"],
                     parent_order_no=[None, "140"], customer=["Acme", "Acme"],
                     ship_complete=[True, False])
    wh.import_orders(orders, _lines(order_no=["140", "140.002"]))
    imported = wh.orders(sort="order_no").set_index("order_no")
    assert imported.loc["140", "ship_complete"]
    assert imported.loc["140.002", "ship_code"] == "Unshippable backorder"
    assert imported.loc["140.002", "parent_order_no"] == "140"


def test_bad_inventory_events_are_refused(wh):
    build(wh, {"A": True}, [("A", "Available", 2)], [], [])
    with pytest.raises(engine.ValidationError, match="Unknown SKU"):
        wh.receive("ZZ", 1)
    with pytest.raises(engine.ValidationError, match="greater than zero"):
        wh.receive("A", 0)
    with pytest.raises(engine.ValidationError, match="whole number"):
        wh.adjust("A", 1.5)
    with pytest.raises(engine.ValidationError, match="must be one of Available"):
        wh.change_status("A", 1, "Available", "Lost")
    with pytest.raises(engine.ValidationError, match="backorder_grouping"):
        wh.run_fulfillment(["1"], backorder_grouping="per_sku")
    assert wh.ledger()["kind"].tolist() == ["import"]


def test_inventory_rows_of_zero_are_skipped_not_refused(wh):
    """A WMS stock snapshot lists SKUs with nothing on hand (DESIGN section 8)."""
    build(wh, {"A": True, "B": True}, [], [], [])
    written = wh.import_inventory(pd.DataFrame(
        {"sku": ["A", "B"], "status": ["Available", "Frozen"], "qty": [5, 0]}))
    assert written == 1
    stock = wh.inventory()
    assert stock.loc[stock["sku"] == "B", "qty"].sum() == 0
    assert len(wh.ledger(sku="B")) == 0
