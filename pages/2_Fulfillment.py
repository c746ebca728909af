"""Run Fulfillment and its results: run a group of On Order orders with a progress bar,
then read the run's summary and alerts; earlier runs can be opened again."""

from __future__ import annotations

import math

import streamlit as st

from engine import BACKORDER_GROUPINGS, OrderFilter
from ui import data, fulfil
from ui.colors import SEVERITY_COLORS, as_badges, badge_column
from ui.layout import PAGES, page, stop_if_empty
from ui.state import can_write, write_help
from ui.text import escape_md

GROUPING_LABELS = {"per_line": "One backorder per short line (140.001, 140.002, …)",
                   "per_order": "One backorder per order, holding all its short lines"}
ALERTS_PER_PAGE = 500
SOURCES = ("Selected orders", "On Order orders matching a filter")

path = page("Run Fulfillment", "🚚", "Allocate Available stock to a group of On Order orders. "
            "Short lines go to backorder, or are shorted when the item may not backorder.")
stop_if_empty(path)

with st.container(border=True):
    st.subheader("Run")
    handed = fulfil.group()
    source = st.radio("Orders to run", SOURCES, key=fulfil.SOURCE_KEY, horizontal=True,
                      index=0 if handed else 1)
    if source == SOURCES[0]:
        group_filter = OrderFilter(order_nos=handed, statuses=["On Order"])
        if not handed:
            st.info("No orders selected. Tick On Order orders in the Orders grid, or run on "
                    "a filter.", icon="☝️")
            st.page_link(PAGES["orders"], label="Choose orders", icon="📋",
                         query_params={"status": "On Order"})
    else:
        cols = st.columns(4)
        priorities = cols[0].multiselect("Priority", [1, 2, 3, 4, 5], key="fulfil_f_priority")
        date_from = cols[1].date_input("Order date from", value=None, key="fulfil_f_from")
        date_to = cols[2].date_input("Order date to", value=None, key="fulfil_f_to")
        sku = cols[3].text_input("SKU", key="fulfil_f_sku").strip() or None
        group_filter = OrderFilter(statuses=["On Order"], priorities=priorities or None,
                                   date_from=date_from, date_to=date_to, sku=sku)
    count = data.count_orders(path, group_filter) if group_filter.order_nos != [] else 0
    st.markdown(f"**{count:,}** On Order orders in this group")
    grouping = st.radio("Backorder grouping", BACKORDER_GROUPINGS, key="fulfil_grouping",
                        format_func=GROUPING_LABELS.get)
    if st.button("Run Fulfillment", key="fulfil_run", type="primary",
                 disabled=count == 0 or not can_write(),
                 help=write_help("Allocate stock to this group now")):
        bar = st.progress(0.0, text="Starting the run")
        if fulfil.run(data.order_nos(path, group_filter), grouping,
                      lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0),
                                                             text=escape_md(message))):
            st.rerun()

st.header("Fulfillment Results")
runs = data.runs(path)
if runs.empty:
    st.info("No fulfillment run yet. Its summary and alerts will show here.", icon="ℹ️")
    st.stop()

run_ids = [int(r) for r in runs["run_id"]]
shown = fulfil.shown_run()
labels = {int(r.run_id): f"Run {r.run_id} · {r.at:%d %b %Y %H:%M} · {r.user or '—'}"
          for r in runs.itertuples()}
fulfil.pick_default(shown if shown in run_ids else run_ids[0], run_ids)
run_id = st.selectbox("Run", run_ids, key=fulfil.PICK_KEY, format_func=labels.get,
                      help="Open an earlier run again")
summary = runs.loc[runs["run_id"] == run_id].iloc[0]

with st.container(horizontal=True):
    st.metric("Orders processed", f"{summary['orders_processed']:,}", border=True)
    st.metric("Units allocated", f"{summary['units_allocated']:,}", border=True)
    st.metric("Backorders created", f"{summary['backorders_created']:,}", border=True)
    st.metric("Units shorted", f"{summary['units_shorted']:,}", border=True)
    st.metric("Orders cancelled", f"{summary['orders_cancelled']:,}", border=True,
              help="Nothing could be allocated: fully backordered or fully shorted")
    st.metric("Left On Order", f"{summary['orders_remaining']:,}", border=True,
              help="Ship complete could not be met")
st.caption(f"{summary['orders_requested']:,} orders requested · grouping "
           f"{escape_md(summary['backorder_grouping'])}")

total = data.alert_count(path, run_id)
st.subheader(f"Alerts ({total:,})")
if not total:
    st.success("This run raised no alerts: every line was filled.", icon="✅")
    st.stop()
pages = max(math.ceil(total / ALERTS_PER_PAGE), 1)
page_no = 1
if pages > 1:  # a large run has millions of alerts: they are paged in DuckDB
    st.session_state["fulfil_alerts_page"] = min(
        st.session_state.get("fulfil_alerts_page", 1), pages)
    page_no = int(st.number_input(f"Page of {pages:,}", min_value=1, max_value=pages, step=1,
                                  key="fulfil_alerts_page"))
alerts = data.alerts(path, run_id, ALERTS_PER_PAGE, (page_no - 1) * ALERTS_PER_PAGE)
table = as_badges(alerts, "severity")
table["new_order_link"] = [f"Orders?order={n}" if isinstance(n, str) and n else None
                           for n in alerts["new_order_no"]]
st.dataframe(
    table, hide_index=True, key="fulfil_alerts", alt="Alerts of the fulfillment run",
    column_order=["severity", "kind", "order_no", "sku", "qty", "new_order_link", "message"],
    column_config={
        "severity": badge_column("Severity", SEVERITY_COLORS),
        "kind": st.column_config.TextColumn("Kind"),
        "order_no": st.column_config.TextColumn("Order"),
        "sku": st.column_config.TextColumn("SKU"),
        "qty": st.column_config.NumberColumn("Back-ordered / shorted qty"),
        "new_order_link": st.column_config.LinkColumn("New order", display_text=r"order=(.*)$"),
        "message": st.column_config.TextColumn("Message", width="large"),
    })
new_orders = [n for n in alerts["new_order_no"].dropna().unique().tolist() if n]
cols = st.columns([2, 1, 3], vertical_alignment="bottom")
if new_orders:
    target = cols[0].selectbox("New backorder", new_orders, key="fulfil_open_no")
    if cols[1].button("Open order", key="fulfil_open"):
        st.switch_page(PAGES["orders"], query_params={"order": target})
cols[2].download_button("Download alerts (CSV)" if pages == 1
                        else "Download this page of alerts (CSV)", alerts.to_csv(index=False),
                        file_name=f"run_{run_id}_alerts.csv", mime="text/csv",
                        key="fulfil_alerts_csv", on_click="ignore")
