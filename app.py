"""Home: what needs an analyst now. Also opens (and on first start seeds) the database."""

from __future__ import annotations

import streamlit as st

from ui import data, release
from ui.colors import SEVERITY_COLORS
from ui.labels import SEVERITY_LABELS, money, plural, words
from ui.layout import HOME, PAGES, page
from ui.state import after_write, attempt, can_write, warehouse, write_help
from ui.text import escape_md

path = page("Backorder desk", ":material/home:",
            "What needs attention now: backorders waiting, the ones you can release, and "
            "the last fulfillment run.")

if data.is_empty(path):
    st.info("The warehouse is empty: no items, stock or orders yet. Import your data "
            "from CSV, Excel or Parquet files, or load the demo warehouse to look around.",
            icon=":material/inbox:")
    st.page_link(PAGES["import"], label="Import your data", icon=":material/upload_file:")
    if st.button("Load demo data", key="home_load_demo", type="primary",
                 disabled=not can_write(), help=write_help("Six weeks of demo history")):
        with st.spinner("Loading six weeks of demo history…"):
            ok, _ = attempt(warehouse().load_demo)
        if ok:
            after_write("Demo warehouse loaded")
            st.rerun()
    st.stop()

att = data.attention(path)
totals = att["backorders"]
releasable = att["releasable"]

with st.container(horizontal=True):
    st.metric("Backorders waiting", f"{totals['orders']:,}", border=True,
              help="Open orders in status Back Order")
    st.metric("Units waiting", f"{totals['units']:,}", border=True)
    st.metric("Value waiting", money(totals["value"]), border=True,
              help="Units waiting × unit price")
    st.metric("Waiting over a day", f"{totals['older_than_a_day']:,}", border=True,
              help="Backorders created more than 24 hours ago")
    st.metric("Releasable now", f"{len(releasable):,}", border=True,
              help="Open backorders whose every SKU is covered by free Available stock")
    st.metric("Shorted, not allowed", f"{att['items_short_not_allowed']:,}",
              border=True, help="Items with shorted units whose backorder flag is off")

left, right = st.columns([3, 2], gap="large")
with left, st.container(border=True):
    st.subheader("Releasable now")
    if releasable.empty:
        st.success("No backorder can be released right now: none has its stock free.",
                   icon=":material/thumb_up:")
    else:
        st.caption("These backorders have all their stock free. Each is one click from the "
                   "release form.")
        if st.button("Release Back Order", key="home_release_all", type="primary",
                     help="Review and release every backorder releasable now"):
            release.start(releasable["order_no"].tolist(), origin=HOME)
            st.switch_page(release.PAGE)
        shown = releasable.head(10)
        for row in shown.itertuples():
            order_col, what_col, button_col = st.columns([2, 5, 2], vertical_alignment="center")
            order_col.markdown(f"**{escape_md(row.order_no)}** · priority {row.priority}")
            what_col.caption(f"{escape_md(row.skus)} · {plural(int(row.units), 'unit')} · "
                             f"{escape_md(row.customer or '')}")
            if button_col.button("Release", key=f"home_release_{row.order_no}",
                                 help=f"Review {escape_md(row.order_no)} in the release form"):
                release.start([row.order_no], origin=HOME)
                st.switch_page(release.PAGE)
        if len(releasable) > len(shown):
            st.page_link(PAGES["orders"], label=f"All {len(releasable)} in the Orders grid",
                         icon=":material/list_alt:", query_params={"releasable": "1"})

with right:
    with st.container(border=True):
        st.subheader("Last fulfillment run")
        last = att["last_run"]
        if last is None:
            st.info("No fulfillment run yet.", icon=":material/info:")
        else:
            st.markdown(f"Run **{last['run_id']}** at {last['at']:%d %b %Y %H:%M}")
            counts = last["by_severity"]
            st.markdown("  ".join(
                f":{SEVERITY_COLORS[sev]}-badge[{SEVERITY_LABELS[sev]}] **{counts.get(sev, 0)}**"
                for sev in ("error", "warning", "info")))
            kinds = ", ".join(f"{escape_md(words(k))} {v}"
                              for k, v in last["by_kind"].items())
            st.caption(kinds or "No alerts")
        st.page_link(PAGES["fulfillment"], label="Fulfillment results",
                     icon=":material/local_shipping:")
    with st.container(border=True):
        st.subheader("Shorted, backorder not allowed")
        st.write(f"{plural(att['items_short_not_allowed'], 'item')} lost demand because "
                 "they may not backorder.")
        st.page_link(PAGES["items"], label="Review their backorder flag", icon=":material/sell:",
                     query_params={"view": "shorted"})
    st.page_link(PAGES["orders"], label="All open backorders", icon=":material/list_alt:",
                 query_params={"status": "Back Order"})
