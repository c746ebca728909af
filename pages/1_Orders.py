"""Orders: the order grid. Filtering and paging happen in DuckDB; ticks feed Run
Fulfillment and Release Back Order; priority and ship-complete edits are saved through the
engine with an audit row."""

from __future__ import annotations

import math

import streamlit as st

from engine import ORDER_SORTS, ORDER_STATUSES, OrderFilter
from ui import data, fulfil, orders, release
from ui.colors import ORDER_STATUS_COLORS, badge
from ui.grid import (
    ROW_HEIGHT,
    cell_edits,
    column_config,
    grid_frame,
    history_config,
    lines_config,
    ticks,
)
from ui.layout import PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help
from ui.text import escape_md

path = page("Orders", "📋", "Tick orders to run fulfillment or release backorders. Priority "
            "and Ship complete are editable until an order is processed.")
stop_if_empty(path)
orders.apply_query_params()

with st.sidebar:
    st.header("Filters")
    st.multiselect("Status", ORDER_STATUSES, key=orders.F["statuses"])
    st.multiselect("Ship code", data.ship_codes(path), key=orders.F["ship_codes"])
    st.multiselect("Priority", [1, 2, 3, 4, 5], key=orders.F["priorities"],
                   help="1 is most urgent")
    st.text_input("SKU", key=orders.F["sku"], placeholder="e.g. TR-GR")
    st.date_input("Order date from", value=None, key=orders.F["date_from"])
    st.date_input("Order date to", value=None, key=orders.F["date_to"])
    st.checkbox("Releasable now", key=orders.F["releasable_only"],
                help="Backorders whose every SKU is covered by free Available stock")
    st.text_input("Search", key=orders.F["search"],
                  placeholder="order number, customer or SKU")

f = orders.current_filter()
top = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
sort = top[1].selectbox("Sort", list(ORDER_SORTS), key="orders_sort",
                        format_func=lambda s: {"open_first": "Open orders first, by rank",
                                               "rank": "Rank (priority, date, number)",
                                               "order_no": "Order number",
                                               "newest": "Newest first",
                                               "oldest": "Oldest first"}.get(s, s))
page_size = top[2].selectbox("Rows per page", [25, 50, 100, 200], key="orders_page_size")
orders.track_view(f, sort, page_size)
total = data.count_orders(path, f)
pages = max(math.ceil(total / page_size), 1)
st.session_state[orders.PAGE_NO_KEY] = min(st.session_state.get(orders.PAGE_NO_KEY, 1), pages)
page_no = top[3].number_input("Page", min_value=1, max_value=pages, step=1,
                              key=orders.PAGE_NO_KEY)
orders.track_page(page_no)
top[0].markdown(f"**{total:,}** matching orders · page {page_no} of {pages}")

bar = st.container()  # filled after the grid, so it acts on this run's ticks
frame = data.orders(path, f, page_size, (page_no - 1) * page_size, sort)
original = grid_frame(frame, orders.shown_ticks())
if frame.empty:
    st.info("No order matches these filters.", icon="🔎")
    edited = original
else:
    edited = st.data_editor(
        original, key=orders.GRID_KEY, hide_index=True, row_height=ROW_HEIGHT,
        column_config=column_config(editable=can_write()), disabled=False, num_rows="fixed",
        height=min(ROW_HEIGHT * (len(original) + 1) + 3, ROW_HEIGHT * 26 + 3),
        alt="Orders on this page; tick Select to act on them")
    orders.sync_ticks(*ticks(edited))
pending = cell_edits(original, edited) if not frame.empty else {}

pager = st.columns([1, 1, 6])
pager[0].button("◀ Previous", key="orders_prev", disabled=page_no <= 1,
                on_click=orders.step_page, args=(-1, pages))
pager[1].button("Next ▶", key="orders_next", disabled=page_no >= pages,
                on_click=orders.step_page, args=(1, pages))

with bar:
    chosen = orders.selected()
    st.markdown(f"**{len(chosen):,}** selected")
    actions = st.columns(6)
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
            orders.set_selected(orders.selected() + data.order_nos(path, f))
            st.rerun()
    if actions[3].button("Clear selection", key="orders_clear", disabled=not chosen):
        orders.clear_selection()
        st.rerun()
    if actions[4].button(f"Save edits ({len(pending)})", key="orders_save",
                         disabled=not pending or not can_write(),
                         help=write_help("Save priority and ship-complete changes")):
        ok, changed = attempt(lambda: warehouse().edit_orders(pending, user=user()))
        if ok:
            after_write(f"Saved changes to {changed} order(s)")
            st.rerun()
    if actions[5].button("Discard edits", key="orders_discard", disabled=not pending):
        st.session_state.pop(orders.GRID_KEY, None)
        st.rerun()

st.divider()
st.subheader("Order detail")
detail_no = st.text_input("Order number", key=orders.DETAIL_KEY,
                          placeholder="e.g. 140.001 (or tick exactly one order)").strip()
if not detail_no and len(orders.selected()) == 1:
    detail_no = orders.selected()[0]
if detail_no:
    info = data.order(path, detail_no)
    if info is None:
        st.warning(f"Order {escape_md(detail_no)} was not found.")
    else:
        st.markdown(
            f"### {escape_md(info['order_no'])} {badge(info['status'], ORDER_STATUS_COLORS)}\n"
            f"Priority **{info['priority']}** · ordered {info['order_date']:%d %b %Y} · "
            f"{escape_md(info['customer'] or 'no customer')} · ship code "
            f"*{escape_md(info['ship_code'] or '—')}* · "
            f"ship complete **{'yes' if info['ship_complete'] else 'no'}**"
            + (f" · backorder of **{escape_md(info['parent_order_no'])}**"
               if info["parent_order_no"] else ""))
        if info["status"] == "Back Order" and st.button(
                "Release Back Order", key="orders_detail_release", type="tertiary",
                icon="↩️", help=f"Review {escape_md(detail_no)} for release"):
            release.start([detail_no], origin=PAGES["orders"])
            st.switch_page(release.PAGE)
        lines_tab, history_tab = st.tabs(["Lines", "History"])
        lines_tab.dataframe(data.order_lines(path, detail_no), hide_index=True,
                            column_config=lines_config(), alt=f"Lines of order {detail_no}")
        history_tab.dataframe(data.order_history(path, detail_no), hide_index=True,
                              column_config=history_config(),
                              alt=f"History of order {detail_no}")
else:
    st.caption("Type an order number, or tick exactly one order, to see its lines and history.")
