"""Orders: the order grid. Filtering, sorting and paging happen in DuckDB; ticks feed Run
Fulfillment and Release Back Order; priority and ship-complete edits are saved through the
engine with an audit row. The view (filters, sort, page) is kept for the session, so the
screen looks as the analyst left it when they come back."""

from __future__ import annotations

import math

import streamlit as st

from engine import ORDER_COLUMNS_SORTABLE, ORDER_STATUSES, OrderFilter
from ui import data, fulfil, orders, record, release
from ui.export import export_read
from ui.grid import (
    LABELS,
    ROW_HEIGHT,
    cell_edits,
    column_config,
    grid_frame,
    no_header_sort,
    ticks,
)
from ui.labels import plural
from ui.layout import PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help

KEEP = "session"  # widgets of the view keep their values when the analyst leaves the page
NAMED_SORTS = {"open_first": "Open orders first, by rank",
               "rank": "Rank (priority, date, number)"}
SORTS = {**NAMED_SORTS, **{c: label for c, label in LABELS.items()
                           if c in ORDER_COLUMNS_SORTABLE}}

path = page("Orders", ":material/list_alt:", "Tick orders to run fulfillment or release "
            "backorders. Priority and Ship complete are editable until an order is processed.")
stop_if_empty(path)
orders.apply_query_params()

with st.sidebar:
    st.header("Filters")
    st.multiselect("Status", ORDER_STATUSES, key=orders.F["statuses"], persist_state=KEEP)
    st.multiselect("Ship code", data.ship_codes(path), key=orders.F["ship_codes"],
                   persist_state=KEEP)
    st.multiselect("Priority", [1, 2, 3, 4, 5], key=orders.F["priorities"],
                   help="1 is most urgent", persist_state=KEEP)
    st.text_input("SKU", key=orders.F["sku"], placeholder="e.g. TR-GR, or a start: tr-g",
                  help="Orders with a line of this SKU; case does not matter, and the start "
                       "of a SKU is enough", persist_state=KEEP)
    st.date_input("Order date from", value=None, key=orders.F["date_from"],
                  persist_state=KEEP)
    st.date_input("Order date to", value=None, key=orders.F["date_to"], persist_state=KEEP)
    st.selectbox("ETA", list(orders.ETA_CHOICES), index=None, key=orders.F["eta"],
                 format_func=orders.ETA_CHOICES.get, placeholder="Any",
                 persist_state=KEEP,
                 help="Back Order orders by when they are expected to ship, if every "
                      "expected receipt arrives on its due date")
    st.date_input("Ship by (at the latest)", value=None, key=orders.F["ship_by_to"],
                  persist_state=KEEP, help="Orders due to ship by this date or earlier")
    st.checkbox("Releasable now", key=orders.F["releasable_only"], persist_state=KEEP,
                help="Backorders whose every SKU is covered by free Available stock")
    st.text_input("Search", key=orders.F["search"], persist_state=KEEP,
                  placeholder="order number, customer or SKU")

f = orders.current_filter()
top = st.columns([3, 2, 1, 1, 1], vertical_alignment="bottom")
by = top[1].selectbox("Sort by", list(SORTS), key=orders.SORT_KEY, persist_state=KEEP,
                      format_func=SORTS.get,
                      help="Sorts all matching orders, not only this page")
direction = top[2].selectbox("Direction", [orders.ASCENDING, orders.DESCENDING],
                             key=orders.DIRECTION_KEY, persist_state=KEEP,
                             disabled=by in NAMED_SORTS)
sort = orders.sort_spec(by, direction, NAMED_SORTS)
page_size = top[3].selectbox("Rows per page", [25, 50, 100, 200], key=orders.PAGE_SIZE_KEY,
                             persist_state=KEEP)
orders.track_view(f, sort, page_size)
total = data.count_orders(path, f)
pages = max(math.ceil(total / page_size), 1)
st.session_state[orders.PAGE_NO_KEY] = min(st.session_state.get(orders.PAGE_NO_KEY, 1), pages)
page_no = top[4].number_input("Page", min_value=1, max_value=pages, step=1,
                              key=orders.PAGE_NO_KEY, persist_state=KEEP)
orders.track_page(page_no)
top[0].markdown(f"**{total:,}** matching orders · page {page_no} of {pages}")

bar = st.container()  # filled after the grid, so it acts on this run's ticks
frame = data.orders(path, f, page_size, (page_no - 1) * page_size, sort)
reasons = data.waiting_reasons(path, tuple(frame.loc[frame["status"] == "Back Order",
                                                     "order_no"]))
original = grid_frame(frame, orders.shown_ticks(), reasons)
if frame.empty:
    st.info("No order matches these filters.", icon=":material/search_off:")
    edited = original
else:
    with st.container(key="orders_grid_box"):
        no_header_sort("orders_grid_box")
        edited = st.data_editor(
            original, key=orders.GRID_KEY, hide_index=True, row_height=ROW_HEIGHT,
            column_config=column_config(editable=can_write()), disabled=False,
            num_rows="fixed", placeholder="",
            height=min(ROW_HEIGHT * (len(original) + 1) + 3, ROW_HEIGHT * 26 + 3),
            alt="Orders on this page; tick Select to act on them")
    orders.sync_ticks(*ticks(edited))
pending = cell_edits(original, edited) if not frame.empty else {}

pager = st.columns([1, 1, 6])
pager[0].button("Previous", key="orders_prev", disabled=page_no <= 1,
                icon=":material/chevron_left:", on_click=orders.step_page, args=(-1, pages))
pager[1].button("Next", key="orders_next", disabled=page_no >= pages,
                icon=":material/chevron_right:", on_click=orders.step_page, args=(1, pages))
with pager[2].popover(f"Download all {total:,} matching", icon=":material/download:",
                      disabled=total == 0):
    export_read(st, path, "orders", "orders", "orders_download", rows=total,
                label="Orders", filter=f, sort=sort)
    export_read(st, path, "order_lines", "order_lines", "orders_lines_download",
                label="Their lines", filter=f)

with bar:
    chosen = orders.selected()
    actions = st.columns([1.3, 1.3, 1.3, 1.2, 1.1, 1.1, 1.3])
    if actions[0].button("Run Fulfillment", key="orders_run", type="primary",
                         disabled=not chosen or not can_write(),
                         help=write_help("Run fulfillment on the selected On Order orders")):
        on_order = data.order_nos(path, OrderFilter(order_nos=chosen, statuses=["On Order"]))
        if not on_order:
            st.warning("None of the selected orders is On Order; only On Order orders run.")
        else:
            fulfil.hand_over(on_order)
            st.switch_page(fulfil.PAGE)
    if actions[1].button("Release Back Order", key="orders_release", disabled=not chosen,
                         help="Review the selected backorders for release"):
        release.start(chosen, origin=PAGES["orders"])
        st.switch_page(release.PAGE)
    if actions[2].button("Select all matching", key="orders_select_all", disabled=total == 0,
                         help=f"Add all {total:,} matching orders to the selection"):
        if total > orders.SELECT_ALL_CAP:
            st.warning(f"{total:,} orders match; narrow the filters to under "
                       f"{orders.SELECT_ALL_CAP:,} before selecting them all.")
        else:
            orders.set_selected(orders.selected() + data.order_nos(path, f, sort=sort))
            st.rerun()
    if actions[3].button("Clear selection", key="orders_clear", disabled=not chosen):
        orders.clear_selection()
        st.rerun()
    if actions[4].button(f"Save edits ({len(pending)})", key="orders_save",
                         disabled=not pending or not can_write(),
                         help=write_help("Save priority and ship-complete changes")):
        ok, changed = attempt(lambda: warehouse().edit_orders(pending, user=user()))
        if ok:
            after_write(f"Saved changes to {plural(changed, 'order')}")
            st.rerun()
    if actions[5].button("Discard edits", key="orders_discard", disabled=not pending):
        st.session_state.pop(orders.GRID_KEY, None)
        st.rerun()
    one = chosen[0] if len(chosen) == 1 else None
    actions[6].button(f"Open {one}" if one else "Open order", key="orders_open",
                      disabled=one is None, icon=":material/open_in_new:",
                      on_click=orders.open_record, args=(one,),
                      help="Tick one order to open its record")
    # The summary sits between the buttons and the grid, where the grid's toolbar shows.
    counts = data.status_counts(path, tuple(chosen)) if chosen else None
    st.container(key="orders_selection").markdown(orders.summary(chosen, counts))

with st.sidebar:
    st.text_input("Open order", key=orders.OPEN_INPUT_KEY, on_change=orders.open_typed,
                  placeholder="e.g. 140.001, then Enter",
                  help="Shows the order's record: lines, history, parent and backorders")

record.show(path)
