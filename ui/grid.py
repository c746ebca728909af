"""The Orders grid: a page of orders indexed by order_no with a leading Select column.

Browser tests click the canvas by cell position, so the Select column stays first and rows
stay 35 px high. Pure functions here are tested without Streamlit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .colors import ORDER_STATUS_COLORS, as_badges, badge_column

SELECT = "Select"
ROW_HEIGHT = 35
EDITABLE = ("priority", "ship_complete")
COLUMNS = [SELECT, "order", "status", "priority", "ship_complete", "order_date", "ship_code",
           "customer", "lines", "units", "units_allocated", "units_backordered",
           "units_shorted", "skus", "parent_order_no"]


def grid_frame(page: pd.DataFrame, selected: set[str] | list[str]) -> pd.DataFrame:
    """The page of orders as the grid shows it: indexed by order_no (so ticks follow orders,
    not positions), Select first, status as a coloured badge."""
    chosen = set(selected)
    frame = page.set_index("order_no", drop=False)
    frame.index.name = "order_no"
    frame = frame.rename(columns={"order_no": "order"})
    frame.insert(0, SELECT, [n in chosen for n in frame.index])
    frame["order_date"] = pd.to_datetime(frame["order_date"]).dt.date
    frame = as_badges(frame, "status")
    return frame[[c for c in COLUMNS if c in frame.columns]]


def ticks(edited: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(ticked, unticked) order numbers on this page."""
    if edited.empty:
        return [], []
    mask = edited[SELECT].astype(bool)
    return edited.index[mask].tolist(), edited.index[~mask].tolist()


def cell_edits(original: pd.DataFrame, edited: pd.DataFrame) -> dict[str, dict[str, object]]:
    """{order_no: {column: new value}} for priority and ship_complete, matched by order_no."""
    changes: dict[str, dict[str, object]] = {}
    for column in EDITABLE:
        before = original[column]
        after = edited[column].reindex(before.index)
        differs = after.notna() & (after != before)
        for order_no, value in after[differs].items():
            value = bool(value) if column == "ship_complete" else int(value)
            changes.setdefault(str(order_no), {})[column] = value
    return changes


def column_config(editable: bool = True) -> dict[str, object]:
    """The Orders grid's columns; with `editable` False (viewing only, or not logged in)
    only Select can be ticked."""
    return {
        SELECT: st.column_config.CheckboxColumn("Select", help="Tick orders to act on",
                                                width="small", pinned=True),
        "order": st.column_config.TextColumn("Order", disabled=True, pinned=True),
        "status": badge_column("Status", ORDER_STATUS_COLORS),
        "priority": st.column_config.NumberColumn(
            "Priority", min_value=1, max_value=5, step=1, format="%d", disabled=not editable,
            help="1 is most urgent; editable until the order is processed"),
        "ship_complete": st.column_config.CheckboxColumn(
            "Ship complete", help="Ship whole or not at all; editable until processed",
            disabled=not editable),
        "order_date": st.column_config.DateColumn("Order date", disabled=True),
        "ship_code": st.column_config.TextColumn("Ship code", disabled=True),
        "customer": st.column_config.TextColumn("Customer", disabled=True),
        "lines": st.column_config.NumberColumn("Lines", disabled=True),
        "units": st.column_config.NumberColumn("Units", disabled=True),
        "units_allocated": st.column_config.NumberColumn("Allocated", disabled=True),
        "units_backordered": st.column_config.NumberColumn("Back-ordered", disabled=True),
        "units_shorted": st.column_config.NumberColumn("Shorted", disabled=True),
        "skus": st.column_config.TextColumn("SKUs", disabled=True),
        "parent_order_no": st.column_config.TextColumn("Parent", disabled=True),
    }


def lines_config() -> dict[str, object]:
    """Labels for an order's lines in the detail panel."""
    return {"order_no": None, "line_no": "Line", "sku": "SKU", "description": "Description",
            "ordered_qty": "Ordered", "allocated_qty": "Allocated", "shorted_qty": "Shorted",
            "backorder_qty": "Back-ordered",
            "backorder_value": st.column_config.NumberColumn("Back-ordered value",
                                                             format="%.2f")}


def history_config() -> dict[str, object]:
    """Labels for an order's audit history in the detail panel."""
    return {"at": st.column_config.DatetimeColumn("At", format="YYYY-MM-DD HH:mm"),
            "user": "User", "action": "Action", "order_no": "Order", "sku": "SKU",
            "qty": "Qty", "run_id": "Run", "receipt_id": "Receipt", "detail": "Detail"}
