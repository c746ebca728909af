"""The Expected receipts screen's helpers: cached reads of the receipt plan, of what one
receipt will release and of the ETA outlook (each takes the database path, like ui/data.py,
and `after_write` clears them with every other cache), the receipt picked by a table row or
by a `?ref=` link, and links to the orders a receipt will release."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .data import TTL
from .labels import plural
from .state import warehouse_at
from .text import escape_md

REF_KEY = "receipts_ref"  # the receipt whose section shows (the picker's widget key)
TABLE_KEY = "receipts_plan"  # the plan table's selection
SEEN_ROWS = "_receipts_plan_rows"  # the table rows last acted on, so a rerun does not repeat
QP_KEY = "_receipts_qp_ref"  # the ?ref= link last applied
QTY_FOR = "_receipts_qty_for"  # (ref, line) whose open quantity the form was filled with
LAST = "receipts_last"  # what the last receipt made on this screen did
ORDERS_PAGE = "Orders"  # the URL path of the Orders screen; ?order= opens a record


@st.cache_data(ttl=TTL, show_spinner=False)
def plan(path: str) -> pd.DataFrame:
    """Open expected receipt lines, soonest due first, with what each will release."""
    return warehouse_at(path).receipt_plan()


@st.cache_data(ttl=TTL, show_spinner=False)
def releases(path: str, ref: str) -> pd.DataFrame:
    """The backorders receipt `ref` will release, in rank order."""
    return warehouse_at(path).receipt_releases(ref)


@st.cache_data(ttl=TTL, show_spinner=False)
def all_refs(path: str) -> list[str]:
    """Every expected receipt's ref, received in full or not."""
    return list(dict.fromkeys(warehouse_at(path).expected_receipts()["ref"].tolist()))


@st.cache_data(ttl=TTL, show_spinner=False)
def outlook(path: str, days: int = 28) -> pd.DataFrame:
    """Backorders and units expected to release per day, and the no-supply backlog."""
    return warehouse_at(path).eta_outlook(days)


def open_refs(lines: pd.DataFrame) -> list[str]:
    """The open receipts' refs in the plan's order (soonest due line first)."""
    return list(dict.fromkeys(lines["ref"].tolist()))


def order_link(order_no: object) -> str | None:
    """A relative link that opens the order's record on the Orders screen."""
    return f"{ORDERS_PAGE}?order={order_no}" if isinstance(order_no, str) and order_no else None


def ref_from_url(path: str, refs: list[str]) -> None:
    """`?ref=PO-7701` picks that receipt, once per link (a rerun does not undo what the
    analyst picked since). An unknown ref, or one received in full, is said so."""
    wanted = (st.query_params.get("ref") or "").strip()
    if not wanted or st.session_state.get(QP_KEY) == wanted:
        return
    st.session_state[QP_KEY] = wanted
    match = next((r for r in refs if r.lower() == wanted.lower()), None)
    if match is not None:
        st.session_state[REF_KEY] = match
        return
    known = next((r for r in all_refs(path) if r.lower() == wanted.lower()), None)
    if known is not None:
        st.info(f"Expected receipt {escape_md(known)} has been received in full: nothing "
                "more is expected on it.", icon=":material/task_alt:")
    else:
        st.warning(f"There is no expected receipt {escape_md(wanted)}.",
                   icon=":material/search_off:")


def ref_from_table(lines: pd.DataFrame, selection: object) -> None:
    """A row picked in the plan table picks its receipt (only when the pick changed)."""
    chosen = selection.get("selection", {}) if isinstance(selection, dict) else \
        getattr(selection, "selection", None)
    rows = list((chosen.get("rows") if isinstance(chosen, dict)
                 else getattr(chosen, "rows", None)) or [])
    if rows == st.session_state.get(SEEN_ROWS, []):
        return
    st.session_state[SEEN_ROWS] = rows
    if rows and 0 <= rows[0] < len(lines):
        st.session_state[REF_KEY] = lines["ref"].iloc[rows[0]]


def keep_url(ref: str | None) -> None:
    """The URL names the receipt on screen, so it can be bookmarked or shared."""
    if ref:
        if st.query_params.get("ref") != ref:
            st.query_params["ref"] = ref
        st.session_state[QP_KEY] = ref
    elif "ref" in st.query_params:
        del st.query_params["ref"]


def drop_stale_pick(refs: list[str]) -> None:
    """A receipt received in full leaves the list; so does its pick."""
    if REF_KEY in st.session_state and st.session_state[REF_KEY] not in refs:
        st.session_state[REF_KEY] = None  # set, not dropped: the picker must show it too


def fill_quantity(ref: str, line_no: int, open_qty: int, key: str) -> None:
    """The quantity defaults to what is still open on the line, each time another line
    (or receipt) is picked; what the analyst typed for this line stays."""
    if st.session_state.get(QTY_FOR) != (ref, line_no):
        st.session_state[QTY_FOR] = (ref, line_no)
        st.session_state[key] = max(open_qty, 1)


def outcome_text(result) -> str:
    """What a receipt against an expected receipt did, in one sentence (as text)."""
    released = list(result.released)
    booked = f" against {result.ref} line {result.ref_line_no}" if result.ref else ""
    text = f"Received {plural(result.qty, 'unit')} of {result.sku}{booked}. " + (
        f"Released by itself: {', '.join(released)}." if released
        else "No waiting backorder was released by it.")
    return text
