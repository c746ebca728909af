"""The Orders grid: a page of orders indexed by order_no with a leading Select column.

Browser tests click the canvas by cell position, so the Select column stays first and rows
stay 35 px high. The grid shows one page of a set sorted in DuckDB, so its header clicks
(which would sort only this page) are turned off; the Sort control sorts the whole set.
Pure functions here are tested without Streamlit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .colors import ORDER_STATUS_COLORS, as_badges, badge_column
from .labels import DATE_FORMAT, DATETIME_FORMAT, words

SELECT = "Select"
ROW_HEIGHT = 35
EDITABLE = ("priority", "ship_complete")
WHY = "why_waiting"
LATE = "late_by_days"
NO_SUPPLY = "no known supply"  # what Covered by says of a backorder nothing covers yet
COLUMNS = [SELECT, "order", "status", "eta", LATE, WHY, "covered_by", "ship_by", "priority",
           "ship_complete", "order_date",
           "age_days", "ship_code", "customer", "lines", "units", "units_allocated",
           "units_backordered", "units_shorted", "value", "skus", "parent_order_no"]
# What a person reads for each column, by the engine's column name (the Sort control uses
# these for every visible column the engine can sort the whole filtered set by).
LABELS = {
    "order_no": "Order", "status": "Status", "priority": "Priority",
    "ship_complete": "Ship complete", "order_date": "Order date",
    "age_days": "Waiting (days)", "ship_code": "Ship code", "customer": "Customer",
    "lines": "Lines", "units": "Units", "units_allocated": "Allocated",
    "units_backordered": "Back-ordered", "units_shorted": "Shorted", "value": "Value",
    "skus": "SKUs", "parent_order_no": "Parent", "eta": "ETA", LATE: "Late by (days)",
    "covered_by": "Covered by", "ship_by": "Ship by",
}


def grid_frame(page: pd.DataFrame, selected: set[str] | list[str],
               reasons: dict[str, str] | None = None) -> pd.DataFrame:
    """The page of orders as the grid shows it: indexed by order_no (so ticks follow orders,
    not positions), Select first, status as a coloured badge, and for each Back Order
    when it is expected to ship (ETA, what covers it, how late that is against its ship-by
    date) and why it waits (`reasons`, by order number)."""
    chosen = set(selected)
    frame = page.set_index("order_no", drop=False)
    frame.index.name = "order_no"
    frame = frame.rename(columns={"order_no": "order"})
    frame.insert(0, SELECT, [n in chosen for n in frame.index])
    frame["order_date"] = pd.to_datetime(frame["order_date"]).dt.date
    frame[WHY] = [(reasons or {}).get(n) for n in frame.index]
    waiting = frame["status"] == "Back Order"
    for column in ("eta", "ship_by"):
        if column in frame.columns:
            frame[column] = [None if pd.isna(d) else pd.Timestamp(d).date()
                             for d in frame[column]]
    if "eta" in frame.columns:
        frame[LATE] = [late_text(d) if w else None
                       for d, w in zip(frame.get(LATE, [None] * len(frame)), waiting,
                                       strict=True)]
        frame["covered_by"] = [
            (c if isinstance(c, str) and c else NO_SUPPLY) if w else None
            for c, w in zip(frame.get("covered_by", [None] * len(frame)), waiting,
                            strict=True)]
    frame = as_badges(frame, "status")
    return frame[[c for c in COLUMNS if c in frame.columns]]


def late_text(days: object) -> str | None:
    """'late by 3 days' when the ETA falls after the ship-by date, else nothing."""
    if days is None or pd.isna(days) or int(days) <= 0:
        return None
    return f"late by {int(days)} day{'' if int(days) == 1 else 's'}"


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
    number = st.column_config.NumberColumn
    return {
        SELECT: st.column_config.CheckboxColumn("Select", help="Tick orders to act on",
                                                width="small", pinned=True),
        "order": st.column_config.TextColumn("Order", disabled=True, pinned=True),
        "status": badge_column("Status", ORDER_STATUS_COLORS),
        "eta": st.column_config.DateColumn(
            "ETA", format=DATE_FORMAT, disabled=True,
            help="For a Back Order: the day it would be released if every expected receipt "
                 "arrived on its due date; empty when no known supply covers it"),
        LATE: st.column_config.TextColumn(
            "Late", disabled=True,
            help="How many days the ETA falls after the order's ship-by date"),
        WHY: st.column_config.TextColumn(
            "Why waiting", disabled=True, width="medium",
            help="For a Back Order: each SKU whose free stock does not cover it"),
        "covered_by": st.column_config.TextColumn(
            "Covered by", disabled=True,
            help="For a Back Order: free stock, or the expected receipts that complete it"),
        "ship_by": st.column_config.DateColumn("Ship by", format=DATE_FORMAT, disabled=True,
                                               help="The day the order should ship by"),
        "priority": number(
            "Priority", min_value=1, max_value=5, step=1, format="%d", disabled=not editable,
            help="1 is most urgent; editable until the order is processed"),
        "ship_complete": st.column_config.CheckboxColumn(
            "Ship complete", help="Ship whole or not at all; editable until processed",
            disabled=not editable),
        "order_date": st.column_config.DateColumn("Order date", format=DATE_FORMAT,
                                                  disabled=True),
        "age_days": number("Waiting (days)", format="%d", disabled=True,
                           help="Days a Back Order has waited since it was created"),
        "ship_code": st.column_config.TextColumn("Ship code", disabled=True),
        "customer": st.column_config.TextColumn("Customer", disabled=True),
        "lines": number("Lines", disabled=True),
        "units": number("Units", disabled=True),
        "units_allocated": number("Allocated", disabled=True),
        "units_backordered": number("Back-ordered", disabled=True),
        "units_shorted": number("Shorted", disabled=True),
        "value": number("Value", format="dollar", disabled=True,
                        help="Units ordered × unit price"),
        "skus": st.column_config.TextColumn("SKUs", disabled=True),
        "parent_order_no": st.column_config.TextColumn("Parent", disabled=True),
    }


def no_header_sort(container_key: str) -> None:
    """Turn off sorting by header click in the grid inside `container_key`.

    Streamlit 1.67 offers no switch for it on an editable grid (only num_rows="add" or
    "dynamic" turn it off, and they let analysts add rows), and a header click would sort
    only the page on screen while the page says thousands match. A transparent layer over
    the header row takes those clicks; the Sort control above the grid sorts the whole set."""
    st.html(f"""<style>
      .st-key-{container_key} [data-testid="stDataFrameResizable"] {{ position: relative; }}
      .st-key-{container_key} [data-testid="stDataFrameResizable"]::after {{
        content: ""; position: absolute; left: 0; right: 0; top: 0;
        height: {ROW_HEIGHT}px; z-index: 5; cursor: default;
      }}
    </style>""")


def lines_config() -> dict[str, object]:
    """Labels for an order's lines in the record."""
    return {"order_no": None, "line_no": "Line", "sku": "SKU", "description": "Description",
            "ordered_qty": "Ordered", "allocated_qty": "Allocated", "shorted_qty": "Shorted",
            "backorder_qty": "Back-ordered",
            "backorder_value": st.column_config.NumberColumn("Back-ordered value",
                                                             format="dollar")}


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """An order's audit rows with actions in words ('Backorder created', not
    'backorder_created')."""
    return history.assign(action=history["action"].map(words))


def history_config() -> dict[str, object]:
    """Labels for an order's audit history in the record."""
    return {"at": st.column_config.DatetimeColumn("At", format=DATETIME_FORMAT),
            "user": "By", "action": "Action", "order_no": "Order", "sku": "SKU",
            "qty": "Quantity", "run_id": "Run", "receipt_id": "Receipt", "detail": "Detail"}
