"""Inventory: receive (optionally against an expected receipt), adjust, change status, and
the auto-release setting: which of these events release waiting backorders by themselves
(receipts only, by default). Each form shows the SKU's stock before the change, keeps what
was typed when a change is refused, and asks again before a change of unusual size. A
receipt goes on as a job (it may release many backorders). After a change that released
nothing by itself, the backorders now releasable are offered for review."""

from __future__ import annotations

import streamlit as st

from engine import STOCK_STATUSES
from ui import data, jobs, release, stock
from ui.colors import STOCK_STATUS_COLORS, as_badges, badge_column
from ui.export import export_read
from ui.labels import DATETIME_FORMAT, plural, words
from ui.layout import PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help
from ui.text import escape_md

SHOW_RELEASABLE = "inventory_show_releasable"
RELEASABLE_ROWS = 1_000
LAST_RECEIPT = "inventory_last_receipt"
LAST_CHANGE = "inventory_last_change"  # an adjustment or status change that auto-released
RECEIPT_ERROR = "inventory_receipt_error"  # why the last receipt was refused
PENDING = "inventory_pending"  # a large change waiting for the analyst's confirmation
CLEAR = "inventory_clear"  # the form whose inputs go, now that its change was made
FORM_INPUTS = {"receive": {"inv_recv_qty": 1, "inv_recv_reason": "", "inv_recv_ref": ""},
               "adjust": {"inv_adj_delta": 0, "inv_adj_reason": ""},
               "status": {"inv_st_qty": 1, "inv_st_reason": ""}}
RECEIPT_JOB = "receipt"
ON_HAND_ROWS = 500  # the on-hand table is searched in DuckDB, never loaded whole

path = page("Inventory", ":material/warehouse:")
stop_if_empty(path)
wh = warehouse()
setting = stock.auto_release(path)
st.caption(f"{setting.describe()}. " + stock.released_by_hand(setting)
           + "Change this under Auto-release, below the forms.")


def receipt_ended(job: jobs.Job) -> None:
    """Show what a receipt released (or why it was refused)."""
    if job.state != "done":  # shown with the results below (a quick one reruns first)
        st.session_state[RECEIPT_ERROR] = job.error
        return
    receipt = job.result
    st.session_state[LAST_RECEIPT] = {"sku": receipt.sku, "qty": receipt.qty,
                                      "id": receipt.receipt_id, "released": receipt.released,
                                      "ref": receipt.ref, "line": receipt.ref_line_no,
                                      "over": receipt.over_received}
    st.session_state.pop(LAST_CHANGE, None)
    # With auto-release on receipts off, what the receipt made releasable is offered.
    st.session_state[SHOW_RELEASABLE] = not stock.auto_release(path).on_receipt
    st.session_state[CLEAR] = "receive"
    after_write(f"Received {plural(receipt.qty, 'unit')} of {receipt.sku}; released "
                f"{plural(len(receipt.released), 'backorder')}")


ended = jobs.take_finished(RECEIPT_JOB)
if ended is not None:
    receipt_ended(ended)
for key, value in FORM_INPUTS.get(st.session_state.pop(CLEAR, None), {}).items():
    st.session_state[key] = value  # before the widgets: the made change's inputs go
stock.sku_from_url(path)
skus = stock.sku_choices(path)


def apply(change: dict) -> None:
    """Make a change the analyst submitted (and confirmed, when it was large)."""
    kind, sku = change["kind"], change["sku"] or ""
    if kind == "receive":
        name = jobs.who()
        job = name and jobs.launch(
            RECEIPT_JOB, f"Receipt of {plural(change['qty'], 'unit')} of {sku}", name,
            lambda progress: wh.receive(sku, change["qty"], user=name,
                                        reason=change["reason"], ref=change.get("ref")))
        if job:
            if not job.running:
                jobs.take_finished(RECEIPT_JOB)
                receipt_ended(job)
            st.rerun()
        return
    if kind == "adjust":
        ok, result = attempt(lambda: wh.adjust(sku, change["qty"], reason=change["reason"],
                                               user=user(), status=change["status"]))
        done = f"Adjusted {sku} {change['status']} by {change['qty']:+,d}"
    else:
        ok, result = attempt(lambda: wh.change_status(sku, change["qty"], change["from"],
                                                      change["to"], user=user(),
                                                      reason=change["reason"]))
        done = (f"Moved {plural(change['qty'], 'unit')} of {sku} from {change['from']} to "
                f"{change['to']}")
    if ok:
        released = list(getattr(result, "released", None) or [])
        st.session_state.pop(LAST_RECEIPT, None)
        st.session_state[LAST_CHANGE] = {"what": done, "released": released,
                                          "event": ("adjustments" if kind == "adjust"
                                                    else "status changes")}
        st.session_state[SHOW_RELEASABLE] = True
        st.session_state[CLEAR] = kind
        after_write(done + (f"; released {plural(len(released), 'backorder')}" if released
                            else ""))
        st.rerun()


def submit(change: dict) -> None:
    """Apply the change, or first ask when it is of unusual size."""
    why = stock.why_confirm(change["qty"], stock.on_hand(path, change["sku"]))
    if why and change["sku"]:
        st.session_state[PENDING] = {**change, "why": why}
        st.rerun()
    apply(change)


running = jobs.mine(RECEIPT_JOB)
if running is not None and running.running:
    jobs.progress_panel(running.job_id)

pending = st.session_state.get(PENDING)
if pending:
    with st.container(border=True, key="inventory_confirm"):
        if pending["kind"] == "receive":
            what = (f"receive {plural(pending['qty'], 'unit')} of {pending['sku']}"
                    + (f" against {pending['ref']}" if pending.get("ref") else ""))
        elif pending["kind"] == "adjust":
            what = f"adjust {pending['sku']} {pending['status']} by {pending['qty']:+,d} units"
        else:
            what = (f"move {plural(pending['qty'], 'unit')} of {pending['sku']} from "
                    f"{pending['from']} to {pending['to']}")
        st.warning(f"Please confirm: {escape_md(what)}? {escape_md(pending['why'])}.",
                   icon=":material/warning:")
        yes, no, _ = st.columns([2, 2, 4])
        if yes.button(f"Yes, {escape_md(what)}", key="inventory_confirm_yes", type="primary",
                      disabled=not can_write()):
            st.session_state.pop(PENDING, None)
            apply(pending)
        if no.button("No, change it", key="inventory_confirm_no"):
            st.session_state.pop(PENDING, None)
            st.rerun()

receive_tab, adjust_tab, status_tab = st.tabs(["Receive", "Adjust", "Change status"])
with receive_tab:
    form_col, stock_col = st.columns([3, 2], gap="large")
    with stock_col:  # beside the form, so the form does not move when it shows
        stock.panel(path, st.session_state.get("inv_recv_sku"), "inv_recv_stock")
    with form_col:
        sku = st.selectbox("SKU", skus, index=None, key="inv_recv_sku", placeholder="Pick a SKU",
                           on_change=stock.same_sku, args=("inv_recv_sku",))
        with st.form("inventory_receive_form", clear_on_submit=False):
            qty = st.number_input("Quantity received", min_value=1, step=1, key="inv_recv_qty")
            reason = st.text_input("Reference", key="inv_recv_reason", placeholder="e.g. PO 4711")
            ref = st.text_input("Against expected receipt", key="inv_recv_ref",
                                placeholder="optional, e.g. PO-7701",
                                help="Book the units against this purchase order or "
                                     "transfer's open quantity (see Expected receipts)")
            if st.form_submit_button("Receive", type="primary", disabled=not can_write(),
                                     help=write_help("Receive into Available; releases what "
                                                     "it can when auto-release on receipts "
                                                     "is on")):
                submit({"kind": "receive", "sku": sku, "qty": int(qty),
                        "reason": reason.strip() or None, "ref": ref.strip() or None})

with adjust_tab:
    form_col, stock_col = st.columns([3, 2], gap="large")
    with stock_col:  # beside the form, so the form does not move when it shows
        stock.panel(path, st.session_state.get("inv_adj_sku"), "inv_adj_stock")
    with form_col:
        sku = st.selectbox("SKU", skus, index=None, key="inv_adj_sku", placeholder="Pick a SKU",
                           on_change=stock.same_sku, args=("inv_adj_sku",))
        with st.form("inventory_adjust_form", clear_on_submit=False):
            status = st.selectbox("Stock status", STOCK_STATUSES, key="inv_adj_status")
            delta = st.number_input("Change (+ adds, − removes)", step=1, value=0,
                                    key="inv_adj_delta")
            reason = st.text_input("Reason", key="inv_adj_reason", placeholder="e.g. cycle count")
            if st.form_submit_button("Adjust", type="primary", disabled=not can_write(),
                                     help=write_help("Add or remove units of one status")):
                submit({"kind": "adjust", "sku": sku, "qty": int(delta), "status": status,
                        "reason": reason.strip() or None})

with status_tab:
    form_col, stock_col = st.columns([3, 2], gap="large")
    with stock_col:  # beside the form, so the form does not move when it shows
        stock.panel(path, st.session_state.get("inv_st_sku"), "inv_st_stock")
    with form_col:
        sku = st.selectbox("SKU", skus, index=None, key="inv_st_sku", placeholder="Pick a SKU",
                           on_change=stock.same_sku, args=("inv_st_sku",))
        with st.form("inventory_status_form", clear_on_submit=False):
            qty = st.number_input("Quantity", min_value=1, step=1, key="inv_st_qty")
            cols = st.columns(2)
            from_status = cols[0].selectbox("From", STOCK_STATUSES, index=1, key="inv_st_from")
            to_status = cols[1].selectbox("To", STOCK_STATUSES, index=0, key="inv_st_to")
            reason = st.text_input("Reason", key="inv_st_reason", placeholder="e.g. count finished")
            if st.form_submit_button("Change status", type="primary", disabled=not can_write(),
                                     help=write_help("Move units from one status to another")):
                submit({"kind": "status", "sku": sku, "qty": int(qty), "from": from_status,
                        "to": to_status, "reason": reason.strip() or None})

refused = st.session_state.pop(RECEIPT_ERROR, None)
if refused:
    st.error(escape_md(refused), icon=":material/error:")
receipt = st.session_state.get(LAST_RECEIPT)
if receipt and not refused:
    released = receipt["released"]
    against = (f" against {escape_md(receipt['ref'])} line {receipt['line']}"
               if receipt.get("ref") else "")
    st.success(f"Receipt {receipt['id']}: {plural(receipt['qty'], 'unit')} of "
               f"{escape_md(receipt['sku'])} into Available{against}. "
               + (f"Released by itself: {escape_md(', '.join(released))}." if released
                  else "No waiting backorder could be released by it."),
               icon=":material/inventory:")
    if receipt.get("over"):
        st.warning(f"{plural(receipt['over'], 'unit')} more than {escape_md(receipt['ref'])} "
                   f"line {receipt['line']} still expected: booked as an over-receipt.",
                   icon=":material/warning:")
change = st.session_state.get(LAST_CHANGE)
if change and change["released"]:
    st.success(f"{escape_md(change['what'])}. Released by itself (auto-release on "
               f"{change['event']}): {escape_md(', '.join(change['released']))}.",
               icon=":material/lock_open:")

with st.expander("Auto-release", icon=":material/bolt:"):
    st.caption("Which changes release the backorders waiting for a SKU by themselves, "
               "in rank order, as soon as its stock is Available. Off for adjustments and "
               "status changes by default, as in the WMS.")
    chosen = stock.auto_release_toggles(setting, disabled=not can_write())
    st.markdown(f"Now: **{escape_md(setting.describe())}**")
    if st.button("Save auto-release", key="inventory_auto_save", type="primary",
                 disabled=not can_write() or chosen == setting,
                 help=write_help("Save the three choices; the change is audited")):
        ok, saved = attempt(lambda: wh.set_auto_release(
            on_receipt=chosen.on_receipt, on_adjustment=chosen.on_adjustment,
            on_status_change=chosen.on_status_change, user=user()))
        if ok:
            after_write(f"Auto-release saved: {saved.describe()}")
            st.rerun()

if st.session_state.get(SHOW_RELEASABLE):
    with st.container(border=True):
        st.subheader("Backorders releasable now")
        releasable = data.releasable_now(path)
        if releasable.empty:
            st.info("No backorder has all its stock free yet.", icon=":material/info:")
        else:
            shown = releasable.head(RELEASABLE_ROWS)  # a browser grid of 700 k rows is slow
            st.caption(f"Stock is free for {plural(len(releasable), 'backorder')}; nothing "
                       "releases them until you do."
                       + (f" The first {RELEASABLE_ROWS:,} in rank order are shown; the "
                          "download has them all." if len(releasable) > RELEASABLE_ROWS
                          else ""))
            with st.popover("Download releasable now", icon=":material/download:"):
                export_read(st, path, "releasable_now", "releasable_now",
                            "inventory_releasable_download", label="Releasable now")
            st.container(key="inventory_releasable").dataframe(
                shown, hide_index=True,
                column_order=["order_no", "priority", "order_date", "customer",
                              "skus", "units", "value", "reason"],
                column_config={
                    "order_no": "Order", "priority": "Priority",
                    "order_date": st.column_config.DateColumn("Order date",
                                                              format="D MMM YYYY"),
                    "customer": "Customer", "skus": "SKUs", "units": "Units",
                    "value": st.column_config.NumberColumn("Value", format="$%.2f"),
                    "reason": "Reason"},
                alt="Backorders releasable now")
            if st.button("Release Back Order", key="inventory_release", type="primary",
                         help="Review these backorders in the release form"):
                release.start(releasable["order_no"].tolist(), origin=PAGES["inventory"])
                st.switch_page(release.PAGE)

stock_col, ledger_col = st.columns(2, gap="large")
with stock_col:
    st.subheader("On hand")
    find = st.text_input("Find SKU", key="inventory_find", placeholder="part of a SKU")
    on_hand = data.inventory(path, find.strip() or None, ON_HAND_ROWS + 1)
    with st.popover("Download on-hand stock", icon=":material/download:"):
        export_read(st, path, "inventory", "inventory", "inventory_download",
                    label="On hand", search=find.strip() or None)
    if len(on_hand) > ON_HAND_ROWS:
        st.caption(f"Showing the first {ON_HAND_ROWS:,} rows; narrow them with Find SKU.")
    st.dataframe(as_badges(on_hand.head(ON_HAND_ROWS), "status"), hide_index=True,
                 key="inventory_on_hand", alt="On-hand stock by SKU and status",
                 column_config={"sku": "SKU", "status": badge_column("Status",
                                                                      STOCK_STATUS_COLORS),
                                "qty": "On hand", "reserved": "Reserved"})
with ledger_col:
    st.subheader("Recent ledger")
    ledger = data.ledger(path, 200)
    with st.popover("Download the whole ledger", icon=":material/download:"):
        export_read(st, path, "ledger", "ledger", "ledger_download", label="Ledger")
    st.dataframe(as_badges(ledger.assign(kind=ledger["kind"].map(words)), "status"),
                 hide_index=True, key="inventory_ledger",
                 alt="The latest inventory ledger entries, newest first",
                 column_config={"entry_id": "Entry", "at": st.column_config.DatetimeColumn(
                                    "At", format=DATETIME_FORMAT),
                                "user": "User", "kind": "Kind", "sku": "SKU",
                                "status": badge_column("Status", STOCK_STATUS_COLORS),
                                "qty": "Units", "receipt_id": "Receipt", "reason": "Reason"})
