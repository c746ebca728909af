"""Inventory: receive (which releases waiting backorders by itself), adjust, change status.
After an adjustment or status change, the backorders now releasable are offered for review,
since those events release nothing on their own."""

from __future__ import annotations

import streamlit as st

from engine import STOCK_STATUSES
from ui import data, release
from ui.colors import STOCK_STATUS_COLORS, as_badges, badge_column
from ui.layout import PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help
from ui.text import escape_md

SHOW_RELEASABLE = "inventory_show_releasable"
LAST_RECEIPT = "inventory_last_receipt"
ON_HAND_ROWS = 500  # the on-hand table is searched in DuckDB, never loaded whole

path = page("Inventory", "🏭", "Receipts release waiting backorders at once. Adjustments and "
            "status changes do not: release those backorders by hand.")
stop_if_empty(path)
skus = data.skus(path)
wh = warehouse()

receive_tab, adjust_tab, status_tab = st.tabs(["Receive", "Adjust", "Change status"])
with receive_tab, st.form("inventory_receive_form", clear_on_submit=True):
    sku = st.selectbox("SKU", skus, index=None, key="inv_recv_sku", placeholder="Pick a SKU")
    qty = st.number_input("Quantity received", min_value=1, step=1, key="inv_recv_qty")
    reason = st.text_input("Reference", key="inv_recv_reason", placeholder="e.g. PO 4711")
    if st.form_submit_button("Receive", type="primary", disabled=not can_write(),
                             help=write_help("Receive into Available; releases what it can")):
        ok, receipt = attempt(lambda: wh.receive(sku or "", int(qty), user=user(),
                                                 reason=reason or None))
        if ok and receipt is not None:
            st.session_state[LAST_RECEIPT] = {"sku": receipt.sku, "qty": receipt.qty,
                                              "id": receipt.receipt_id,
                                              "released": receipt.released}
            st.session_state[SHOW_RELEASABLE] = False
            after_write(f"Received {receipt.qty} {receipt.sku}; released "
                        f"{len(receipt.released)} backorder(s)")
            st.rerun()

with adjust_tab, st.form("inventory_adjust_form", clear_on_submit=True):
    sku = st.selectbox("SKU", skus, index=None, key="inv_adj_sku", placeholder="Pick a SKU")
    status = st.selectbox("Stock status", STOCK_STATUSES, key="inv_adj_status")
    delta = st.number_input("Change (+ adds, − removes)", step=1, value=0, key="inv_adj_delta")
    reason = st.text_input("Reason", key="inv_adj_reason", placeholder="e.g. cycle count")
    if st.form_submit_button("Adjust", type="primary", disabled=not can_write(),
                             help=write_help("Add or remove units of one status")):
        ok, _ = attempt(lambda: wh.adjust(sku or "", int(delta), reason=reason or None,
                                          user=user(), status=status))
        if ok:
            st.session_state[SHOW_RELEASABLE] = True
            after_write(f"Adjusted {sku} {status} by {int(delta):+d}")
            st.rerun()

with status_tab, st.form("inventory_status_form", clear_on_submit=True):
    sku = st.selectbox("SKU", skus, index=None, key="inv_st_sku", placeholder="Pick a SKU")
    qty = st.number_input("Quantity", min_value=1, step=1, key="inv_st_qty")
    cols = st.columns(2)
    from_status = cols[0].selectbox("From", STOCK_STATUSES, index=1, key="inv_st_from")
    to_status = cols[1].selectbox("To", STOCK_STATUSES, index=0, key="inv_st_to")
    reason = st.text_input("Reason", key="inv_st_reason", placeholder="e.g. count finished")
    if st.form_submit_button("Change status", type="primary", disabled=not can_write(),
                             help=write_help("Move units from one status to another")):
        ok, _ = attempt(lambda: wh.change_status(sku or "", int(qty), from_status, to_status,
                                                 user=user(), reason=reason or None))
        if ok:
            st.session_state[SHOW_RELEASABLE] = True
            after_write(f"Moved {int(qty)} {sku} from {from_status} to {to_status}")
            st.rerun()

receipt = st.session_state.get(LAST_RECEIPT)
if receipt:
    released = receipt["released"]
    st.success(f"Receipt {receipt['id']}: {receipt['qty']} {escape_md(receipt['sku'])} into "
               "Available. "
               + (f"Released by itself: {escape_md(', '.join(released))}." if released
                  else "No waiting backorder could be released by it."), icon="📦")

if st.session_state.get(SHOW_RELEASABLE):
    with st.container(border=True):
        st.subheader("Backorders releasable now")
        releasable = data.releasable_now(path)
        if releasable.empty:
            st.info("No backorder has all its stock free yet.", icon="ℹ️")
        else:
            st.caption("Stock is free for these backorders; nothing releases them until you "
                       "do.")
            st.container(key="inventory_releasable").dataframe(
                         releasable, hide_index=True,
                         column_order=["order_no", "priority", "order_date", "customer",
                                       "skus", "units", "value", "reason"],
                         alt="Backorders releasable now")
            if st.button("Release Back Order", key="inventory_release", type="primary",
                         help="Review these backorders in the release form"):
                release.start(releasable["order_no"].tolist(), origin=PAGES["inventory"])
                st.switch_page(release.PAGE)

stock_col, ledger_col = st.columns(2, gap="large")
with stock_col:
    st.subheader("On hand")
    find = st.text_input("Find SKU", key="inventory_find", placeholder="part of a SKU")
    stock = data.inventory(path, find.strip() or None, ON_HAND_ROWS + 1)
    if len(stock) > ON_HAND_ROWS:
        st.caption(f"Showing the first {ON_HAND_ROWS:,} rows; narrow them with Find SKU.")
    st.dataframe(as_badges(stock.head(ON_HAND_ROWS), "status"), hide_index=True,
                 key="inventory_on_hand", alt="On-hand stock by SKU and status",
                 column_config={"sku": "SKU", "status": badge_column("Status",
                                                                      STOCK_STATUS_COLORS),
                                "qty": "On hand", "reserved": "Reserved"})
with ledger_col:
    st.subheader("Recent ledger")
    st.dataframe(as_badges(data.ledger(path, 200), "status"), hide_index=True,
                 key="inventory_ledger", alt="The latest inventory ledger entries, newest first",
                 column_config={"entry_id": "Entry", "at": st.column_config.DatetimeColumn(
                                    "At", format="YYYY-MM-DD HH:mm"),
                                "user": "User", "kind": "Kind", "sku": "SKU",
                                "status": badge_column("Status", STOCK_STATUS_COLORS),
                                "qty": "Qty", "receipt_id": "Receipt", "reason": "Reason"})
