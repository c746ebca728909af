"""Run Fulfillment and its results. The analyst picks the orders, an allocation policy and a
backorder grouping; Preview shows what the run would do and Compare puts settings side by
side, writing nothing (ui.preview); Run applies the chosen setting. The run goes on as a job
(ui.jobs): its progress shows here, it survives clicks and leaving the screen, and its
results open when it ends. Results are filtered by severity and kind in DuckDB; earlier
runs can be opened again."""

from __future__ import annotations

import math

import streamlit as st

from engine import BACKORDER_GROUPINGS, DEFAULT_POLICY, POLICIES, OrderFilter
from ui import data, fulfil, jobs, preview
from ui.alert_table import show_alerts
from ui.export import export_read
from ui.labels import (
    GROUPING_LABELS,
    GROUPING_SHORT,
    SEVERITY_LABELS,
    plural,
    policy_label,
    words,
)
from ui.layout import PAGES, page, stop_if_empty
from ui.state import can_write, write_help
from ui.text import escape_md

POLICY_HELP = "How short stock is shared out:\n\n" + "\n\n".join(
    f"**{p.label}**: {p.description}" for p in POLICIES.values())
ALERTS_PER_PAGE = 500
SOURCES = ("Selected orders", "On Order orders matching a filter")
SHOWN_NUMBERS = 8  # order numbers named in the group's description

path = page("Run Fulfillment", ":material/local_shipping:", "Allocate Available stock to a "
            "group of On Order orders. Short lines go to backorder, or are shorted when the "
            "item may not backorder.")
stop_if_empty(path)
fulfil.take_end()  # this session's run ended (here or while the analyst was elsewhere)
preview.take_ends()  # and its preview or comparison
runs = data.runs(path)
changes_now = data.change_count(path)  # any write since a preview makes it out of date


def describe_filter(f: OrderFilter) -> str:
    parts = []
    if f.priorities:
        parts.append("priority " + ", ".join(str(p) for p in f.priorities))
    if f.date_from:
        parts.append(f"ordered from {f.date_from:%d %b %Y}")
    if f.date_to:
        parts.append(f"ordered to {f.date_to:%d %b %Y}")
    if f.sku:
        parts.append(f"a SKU starting {f.sku}")
    return "; ".join(parts)


with st.container(border=True):
    st.subheader("Run")
    job = jobs.going(fulfil.JOB_KIND)
    if job is not None:
        jobs.progress_panel(job.job_id)
    handed = fulfil.group()
    last = fulfil.last_done()
    if last and last.get("run_id"):
        st.success(f"Run {last['run_id']} is done: it ran "
                   f"{plural(last.get('orders', 0), 'order')}. Its results are below.",
                   icon=":material/check_circle:")
    source = st.radio("Orders to run", SOURCES, key=fulfil.SOURCE_KEY, horizontal=True,
                      index=0 if handed or (last and last.get("source") == SOURCES[0]) else 1)
    if source == SOURCES[0]:
        group_filter = OrderFilter(order_nos=handed, statuses=["On Order"])
        if not handed:
            st.info("Nothing is selected now. Tick On Order orders in the Orders grid, or "
                    "run on a filter.",
                    icon=":material/touch_app:")
            st.page_link(PAGES["orders"], label="Choose orders", icon=":material/list_alt:",
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
    cols = st.columns(2)
    policy = cols[0].radio("Allocation policy", list(POLICIES), key="fulfil_policy",
                           index=list(POLICIES).index(DEFAULT_POLICY), format_func=policy_label,
                           help=POLICY_HELP, persist_state="session")
    grouping = cols[1].radio("Backorder grouping", BACKORDER_GROUPINGS, key="fulfil_grouping",
                             format_func=GROUPING_LABELS.get, persist_state="session")
    cols[0].caption(POLICIES[policy].description)
    now = preview.Setting.of(source, group_filter, count, changes_now, policy, grouping)
    # What the Run button will do, in words, before it is clicked.
    if source == SOURCES[0]:
        numbers = data.order_nos(path, group_filter, SHOWN_NUMBERS) if count else []
        named = ", ".join(numbers) + (f" and {count - len(numbers):,} more"
                                      if count > len(numbers) else "")
        what = (f"the {plural(count, 'selected On Order order')}: {escape_md(named)}"
                if count else "nothing: no selected order is On Order")
    else:
        narrowed = describe_filter(group_filter)
        what = (f"**every** On Order order ({count:,}): no filter is set" if not narrowed
                else f"the {plural(count, 'On Order order')} matching "
                     f"{escape_md(narrowed)}")
    st.container(key="fulfil_group").markdown(
        f"**{plural(count, 'On Order order')}** in this group. Run Fulfillment will "
        f"allocate stock to {what}, with {GROUPING_SHORT[grouping]}.")
    if job is not None:
        st.warning(f"{escape_md(job.label)} is going ({escape_md(job.who_when())}). Run "
                   "Fulfillment is back when it ends.", icon=":material/hourglass_top:")
    preview.stale_warning(now)
    with st.container(horizontal=True):
        if st.button("Preview", key="fulfil_preview", icon=":material/preview:",
                     disabled=count == 0 or preview.running(preview.PREVIEW_JOB) is not None,
                     help="See what Run Fulfillment would do with this policy and grouping. "
                          "Nothing is written."):
            if preview.start_preview(data.order_nos(path, group_filter), now):
                st.rerun()  # shows the preview's progress, or the preview if it has ended
        if st.button("Run Fulfillment", key="fulfil_run", type="primary",
                     disabled=count == 0 or job is not None or not can_write(),
                     help=write_help(f"Allocate stock to this group now, by "
                                     f"{policy_label(policy)}")):
            started = fulfil.start(data.order_nos(path, group_filter), grouping, source,
                                   policy)
            if started is not None:
                st.rerun()  # shows the run's progress, or its results if it already ended
    preview.preview_panel(now)

preview.compare_panel(now, lambda: data.order_nos(path, group_filter))

st.header("Fulfillment Results")
if runs.empty:
    st.info("No fulfillment run yet. Its summary and alerts will show here.",
            icon=":material/info:")
    st.stop()

run_ids = [int(r) for r in runs["run_id"]]
shown = fulfil.shown_run()
labels = {int(r.run_id): f"Run {r.run_id} · {r.at:%d %b %Y %H:%M} · {policy_label(r.policy)} · "
                         f"{r.user or '—'}" for r in runs.itertuples()}
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
st.caption(f"{plural(int(summary['orders_requested']), 'order')} requested · "
           f"{GROUPING_SHORT.get(summary['backorder_grouping'], '')} · "
           f"allocated by {escape_md(policy_label(summary['policy']))}")

counts = data.alert_counts(path, run_id)
all_alerts = int(counts["alerts"].sum())
st.subheader(f"Alerts ({all_alerts:,})")
if not all_alerts:
    st.success("This run raised no alerts: every line was filled.",
               icon=":material/check_circle:")
    st.stop()
by_severity = counts.groupby("severity")["alerts"].sum().to_dict()
by_kind = counts.groupby("kind")["alerts"].sum().to_dict()
filters = st.columns(2)
severities = filters[0].multiselect(
    "Severity", [s for s in SEVERITY_LABELS if s in by_severity], key="fulfil_f_severity",
    format_func=lambda s: f"{SEVERITY_LABELS[s]} ({by_severity.get(s, 0):,})",
    placeholder="Any severity")
kinds = filters[1].multiselect(
    "Kind", sorted(by_kind), key="fulfil_f_kind",
    format_func=lambda k: f"{words(k)} ({by_kind.get(k, 0):,})", placeholder="Any kind")
wanted = (run_id, tuple(severities), tuple(kinds))
total = data.count_run_alerts(path, *wanted) if severities or kinds else all_alerts
if severities or kinds:
    st.markdown(f"**{total:,}** of {all_alerts:,} alerts match")
if not total:
    st.info("No alert of this run matches these filters.", icon=":material/search_off:")
    st.stop()
pages = max(math.ceil(total / ALERTS_PER_PAGE), 1)
page_no = 1
if pages > 1:  # a large run has millions of alerts: they are paged in DuckDB
    st.session_state["fulfil_alerts_page"] = min(
        st.session_state.get("fulfil_alerts_page", 1), pages)
    page_no = int(st.number_input(f"Page of {pages:,}", min_value=1, max_value=pages, step=1,
                                  key="fulfil_alerts_page"))
alerts = data.run_alerts(path, *wanted, ALERTS_PER_PAGE, (page_no - 1) * ALERTS_PER_PAGE)
show_alerts(alerts, key="fulfil_alerts", alt="Alerts of the fulfillment run",
            link_new_orders=True)
new_orders = [n for n in alerts["new_order_no"].dropna().unique().tolist() if n]
cols = st.columns([2, 1, 3], vertical_alignment="bottom")
if new_orders:
    target = cols[0].selectbox("New backorder", new_orders, key="fulfil_open_no")
    if cols[1].button("Open order", key="fulfil_open", icon=":material/open_in_new:"):
        st.switch_page(PAGES["orders"], query_params={"order": target})
with cols[2].popover(f"Download all {total:,} alerts", icon=":material/download:"):
    export_read(st, path, "alerts", f"run_{run_id}_alerts", "fulfil_alerts_download",
                rows=total, label="Alerts", run_id=run_id, severities=list(severities),
                kinds=list(kinds))
