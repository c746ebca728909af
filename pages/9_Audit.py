"""Audit: who did what, and when. Filtered and paged in DuckDB; the CSV holds every row of
the filter, not only the page on screen."""

from __future__ import annotations

import math

import streamlit as st

from engine import AuditFilter
from ui import data
from ui.export import export_read
from ui.labels import DATETIME_FORMAT, plural, words
from ui.layout import page, stop_if_empty

PAGE_SIZE = 100

path = page("Audit", ":material/history:", "Every change to an order, an item or stock, "
            "newest first: who made it, when, and what it was.")
stop_if_empty(path)

cols = st.columns(3)
order_no = cols[0].text_input("Order", key="audit_f_order",
                              placeholder="e.g. 140.001").strip() or None
sku = cols[1].text_input("SKU", key="audit_f_sku", placeholder="e.g. TR-GR").strip() or None
who = cols[2].text_input("User", key="audit_f_user", placeholder="part of a name").strip() \
    or None
cols = st.columns([2, 1, 1])
actions = cols[0].multiselect("Action", data.audit_actions(path), key="audit_f_actions",
                              format_func=words, placeholder="Any action")
date_from = cols[1].date_input("From", value=None, key="audit_f_from", format="DD/MM/YYYY")
date_to = cols[2].date_input("To", value=None, key="audit_f_to", format="DD/MM/YYYY")
f = AuditFilter(order_no=order_no, sku=sku, user=who, actions=actions or None,
                date_from=date_from, date_to=date_to)

total = data.count_audit(path, f)
if not total:
    st.info("No change matches these filters.", icon=":material/search_off:")
    st.stop()
pages = max(math.ceil(total / PAGE_SIZE), 1)
st.session_state["audit_page"] = min(st.session_state.get("audit_page", 1), pages)
top = st.columns([3, 1, 2], vertical_alignment="bottom")
page_no = int(top[1].number_input("Page", min_value=1, max_value=pages, step=1,
                                  key="audit_page"))
top[0].markdown(f"**{plural(total, 'change')}** · page {page_no} of {pages:,}")
with top[2].popover(f"Download all {plural(total, 'change')}", icon=":material/download:"):
    export_read(st, path, "audit", "audit", "audit_download", rows=total, label="Changes",
                filter=f)

log = data.audit_log(path, f, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
st.dataframe(
    log.assign(action=log["action"].map(words)), hide_index=True, key="audit_table",
    alt="Changes, newest first",
    column_config={
        "at": st.column_config.DatetimeColumn("When", format=DATETIME_FORMAT),
        "user": st.column_config.TextColumn("User"),
        "action": st.column_config.TextColumn("Action"),
        "order_no": st.column_config.TextColumn("Order"),
        "sku": st.column_config.TextColumn("SKU"),
        "qty": st.column_config.NumberColumn("Units"),
        "run_id": st.column_config.NumberColumn("Run"),
        "receipt_id": st.column_config.NumberColumn("Receipt"),
        "detail": st.column_config.TextColumn("Detail", width="large"),
    })
