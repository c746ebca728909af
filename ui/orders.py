"""State of the Orders screen: the selection (kept in our own key, across pages of the grid),
the view (filters, sort, page) kept for the session, filters seeded from deep links, paging
that restarts when the filter changes, and the order whose record is open."""

from __future__ import annotations

from datetime import date

import streamlit as st

from engine import ORDER_STATUSES, OrderFilter
from engine.reads import ETA_FILTERS

from .state import clear_grids
from .text import escape_md

SELECTED_KEY = "orders_selected"
GRID_KEY = "orders_grid"
PAGE_NO_KEY = "orders_page_no"
PAGE_SIZE_KEY = "orders_page_size"
SORT_KEY = "orders_sort"  # a named sort or a grid column
DIRECTION_KEY = "orders_sort_direction"
VIEW_KEY = "_orders_view"
OPEN_KEY = "orders_open_no"  # the order whose record is open (a dialog)
OPEN_INPUT_KEY = "orders_open_input"
F = {  # widget keys of the filters
    "statuses": "orders_f_status", "ship_codes": "orders_f_ship",
    "priorities": "orders_f_priority", "sku": "orders_f_sku", "date_from": "orders_f_from",
    "date_to": "orders_f_to", "releasable_only": "orders_f_releasable",
    "search": "orders_f_search", "eta": "orders_f_eta", "ship_by_to": "orders_f_ship_by_to",
}
ETA_CHOICES = {  # the ETA filter's options, as the analyst reads them
    "late": "Late (ETA after ship-by)", "no supply": "No known supply",
    "releasable now": "Releasable now (free stock)", "expected": "Expected (a receipt covers it)",
}
SHOWN_TICKS_KEY = "orders_grid_shown_ticks"
SELECT_ALL_CAP = 50_000  # a selection larger than this is refused rather than held in a session
DESCENDING = "High to low"
ASCENDING = "Low to high"


def selected() -> list[str]:
    return list(st.session_state.get(SELECTED_KEY, []))


def shown_ticks() -> list[str]:
    """The ticks the grid is built with, fixed while the grid keeps its widget state.
    Rebuilding it from the live selection after each tick would hand the browser new data,
    which drops the grid's edits and reruns: a button clicked just then would be lost.
    Every path that clears the grid's state (new view, page, write) takes a fresh copy."""
    if GRID_KEY not in st.session_state or SHOWN_TICKS_KEY not in st.session_state:
        st.session_state[SHOWN_TICKS_KEY] = selected()
    return list(st.session_state[SHOWN_TICKS_KEY])


def set_selected(order_nos: list[str]) -> None:
    """Replace the selection; the grid's own ticks are dropped so they cannot contradict it."""
    st.session_state[SELECTED_KEY] = [str(n) for n in dict.fromkeys(order_nos)]
    clear_grids(GRID_KEY)


def clear_selection() -> None:
    set_selected([])


def sync_ticks(ticked: list[str], unticked: list[str]) -> None:
    """Fold this page's ticks into the selection, which spans every page of the grid."""
    gone = set(unticked)
    keep = [n for n in selected() if n not in gone]
    st.session_state[SELECTED_KEY] = list(dict.fromkeys(keep + ticked))


def apply_query_params() -> None:
    """Deep links (?status=Back Order, ?releasable=1, ?order=140.001, ?sku=TR-GR, ?eta=late)
    seed the filters, or open an order's record, before the widgets render. They are taken
    out of the URL once applied, so the same link followed again applies again, and a rerun
    does not undo what the analyst changed since."""
    params = {k: st.query_params.get_all(k)
              for k in ("status", "releasable", "order", "sku", "eta")}
    if not any(params.values()):
        return
    if params["status"]:  # only real statuses: a link cannot put junk into the filter
        st.session_state[F["statuses"]] = [s for s in params["status"] if s in ORDER_STATUSES]
    if params["releasable"]:
        st.session_state[F["releasable_only"]] = params["releasable"][0] in ("1", "true")
    if params["sku"]:
        st.session_state[F["sku"]] = params["sku"][0]
    if params["eta"] and params["eta"][0] in ETA_FILTERS:  # a known ETA filter only
        st.session_state[F["eta"]] = params["eta"][0]
    if params["order"]:
        open_record(params["order"][0])
    for key in params:
        if key in st.query_params:
            del st.query_params[key]


def open_record(order_no: str) -> None:
    """Show `order_no`'s record (the page opens it in a dialog on its next run)."""
    st.session_state[OPEN_KEY] = str(order_no).strip()


def close_record() -> None:
    st.session_state.pop(OPEN_KEY, None)


def open_order_no() -> str | None:
    return st.session_state.get(OPEN_KEY) or None


def open_typed() -> None:
    """Callback of the 'Open order' box: open what was typed, then empty the box."""
    typed = (st.session_state.get(OPEN_INPUT_KEY) or "").strip()
    if typed:
        open_record(typed)
    st.session_state[OPEN_INPUT_KEY] = ""


def current_filter() -> OrderFilter:
    """The filter the widgets describe (read from their keys after they render)."""
    s = st.session_state
    date_from: date | None = s.get(F["date_from"])
    date_to: date | None = s.get(F["date_to"])
    eta = s.get(F["eta"])
    return OrderFilter(
        statuses=list(s.get(F["statuses"]) or []) or None,
        ship_codes=list(s.get(F["ship_codes"]) or []) or None,
        priorities=[int(p) for p in s.get(F["priorities"]) or []] or None,
        sku=(s.get(F["sku"]) or "").strip() or None,
        date_from=date_from, date_to=date_to,
        search=(s.get(F["search"]) or "").strip() or None,
        releasable_only=bool(s.get(F["releasable_only"])),
        eta=eta if eta in ETA_FILTERS else None,
        ship_by_to=s.get(F["ship_by_to"]),
    )


def sort_spec(by: str, direction: str, named: dict) -> str:
    """The engine's sort: a named sort as it is, a column with '-' when descending."""
    if by in named:
        return by
    return f"-{by}" if direction == DESCENDING else by


def track_view(f: OrderFilter, sort: str, page_size: int) -> None:
    """Back to page 1 when the filter, sort or page size changes; call before the pager."""
    view = repr((f, sort, page_size))
    if st.session_state.get(VIEW_KEY) != view:
        st.session_state[VIEW_KEY] = view
        st.session_state[PAGE_NO_KEY] = 1
        clear_grids(GRID_KEY)


def step_page(delta: int, pages: int) -> None:
    """Button callback: move the pager and forget the old page's grid state."""
    current = int(st.session_state.get(PAGE_NO_KEY, 1))
    st.session_state[PAGE_NO_KEY] = min(max(current + delta, 1), max(pages, 1))
    clear_grids(GRID_KEY)


def track_page(page_no: int) -> None:
    """A new page of rows starts with a clean grid; ticks live on in the selection."""
    if st.session_state.get("_orders_last_page") != page_no:
        st.session_state["_orders_last_page"] = page_no
        clear_grids(GRID_KEY)


def summary(order_nos: list[str], statuses: dict[str, int] | None, word: str = "selected",
            shown: int = 3) -> str:
    """'312 selected: 140.001, 150.001, 161 and 309 more · 280 Back Order, 32 On Order':
    a count and a few numbers, however large the selection (Markdown, data escaped)."""
    if not order_nos:
        return f"**0** {word}"
    head = ", ".join(escape_md(n) for n in order_nos[:shown])
    more = f" and {len(order_nos) - shown:,} more" if len(order_nos) > shown else ""
    text = f"**{len(order_nos):,}** {word}: {head}{more}"
    if statuses:
        text += " · " + ", ".join(f"{n:,} {escape_md(s)}" for s, n in statuses.items())
    return text
