"""Expected receipts: the purchase-order and transfer lines the warehouse waits for, soonest
due first (overdue ones flagged), and the backorders each will release if it arrives on its
due date. Picking a receipt (a row, the picker, or a `?ref=` link) shows what it will
release, with links to those orders, and a form to receive against it."""

from __future__ import annotations

import streamlit as st

from ui import receipts
from ui.colors import as_badges, badge_column
from ui.export import export_read
from ui.labels import DATE_FORMAT, plural
from ui.layout import PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, clear_grids, user, warehouse, write_help
from ui.text import escape_md

DUE_COLORS = {"Overdue": "red", "Expected": "blue"}
QTY_KEY = "receipts_recv_qty"
LINE_KEY = "receipts_recv_line"
REASON_KEY = "receipts_recv_reason"
CLEAR = "_receipts_clear"

path = page("Expected receipts", ":material/move_to_inbox:", "Inbound supply, soonest due "
            "first, and the backorders each receipt will release if it arrives on its due "
            "date and nothing else changes.")
stop_if_empty(path)
wh = warehouse()
if st.session_state.pop(CLEAR, False):
    st.session_state[REASON_KEY] = ""

lines = receipts.plan(path)
refs = receipts.open_refs(lines)
receipts.drop_stale_pick(refs)
receipts.ref_from_url(path, refs)

last = st.session_state.get(receipts.LAST)
if last:
    st.success(escape_md(last["text"]), icon=":material/inventory:")
    if last["over"]:
        st.warning(f"{plural(last['over'], 'unit')} more than {escape_md(last['ref'])} line "
                   f"{last['line']} still expected: booked as an over-receipt.",
                   icon=":material/warning:")
    if last["ref"] not in refs:
        st.caption(f"{escape_md(last['ref'])} has nothing more to come, so it has left the "
                   "open receipts.")

if lines.empty:
    st.info("No expected receipt is open: no purchase-order or transfer line is still to "
            "come. Import them on the Import screen (kind: expected receipts) to see when "
            "backorders will ship.", icon=":material/inbox:")
    st.page_link(PAGES["import"], label="Import expected receipts",
                 icon=":material/upload_file:")
    st.stop()

overdue_refs = lines.loc[lines["overdue"], "ref"].nunique()
with st.container(horizontal=True, key="receipts_metrics"):
    st.metric("Open receipts", f"{len(refs):,}", border=True,
              help="Purchase orders and transfers with units still to come")
    st.metric("Overdue", f"{overdue_refs:,}", border=True,
              help="Receipts with a line past its due date and still open")
    st.metric("Backorders they will release", f"{int(lines['backorders'].sum()):,}",
              border=True, help="If every receipt arrives on its due date")
    st.metric("Units released", f"{int(lines['backorder_units'].sum()):,}", border=True)

top = st.columns([3, 1], vertical_alignment="bottom")
top[0].markdown(f"**{plural(len(lines), 'open line')}** in "
                f"{plural(len(refs), 'receipt')}, soonest due first. Pick a row to see what "
                "its receipt will release.")
with top[1].popover("Download expected receipts", icon=":material/download:"):
    export_read(st, path, "expected_receipts", "expected_receipts", "receipts_download",
                label="Expected receipts")

table = as_badges(lines.assign(due=lines["overdue"].map({True: "Overdue", False: "Expected"}),
                               first_backorders=lines["first_backorders"].fillna("")), "due")
picked = st.dataframe(
    table, hide_index=True, key=receipts.TABLE_KEY, on_select="rerun",
    selection_mode="single-row", alt="Open expected receipts, soonest due first",
    column_order=["due", "ref", "line_no", "sku", "due_date", "qty", "received_qty",
                  "open_qty", "backorders", "backorder_units", "first_backorders"],
    column_config={
        "due": badge_column("Due", DUE_COLORS),
        "ref": st.column_config.TextColumn("Receipt"),
        "line_no": st.column_config.NumberColumn("Line"),
        "sku": st.column_config.TextColumn("SKU"),
        "due_date": st.column_config.DateColumn("Due date", format=DATE_FORMAT),
        "qty": st.column_config.NumberColumn("Expected"),
        "received_qty": st.column_config.NumberColumn("Received"),
        "open_qty": st.column_config.NumberColumn("Still to come"),
        "backorders": st.column_config.NumberColumn(
            "Backorders released", help="How many backorders this line will release"),
        "backorder_units": st.column_config.NumberColumn("Units released"),
        "first_backorders": st.column_config.TextColumn(
            "First backorders", width="large", help="The first few, soonest first"),
    })
receipts.ref_from_table(lines, picked)

ref = st.selectbox("Receipt", refs, index=None, key=receipts.REF_KEY,
                   placeholder="Pick a receipt, or its row above")
receipts.keep_url(ref)
if ref is None:
    st.stop()

mine = lines[lines["ref"] == ref].reset_index(drop=True)
with st.container(border=True, key="receipts_section"):
    due = mine["due_date"].min()
    late = bool(mine["overdue"].any())
    st.subheader(f"Receipt {escape_md(ref)}", anchor=False)
    st.caption(f"{plural(len(mine), 'open line')}, due {due:%-d %b %Y}"
               + (" — overdue: expected any moment." if late else "."))
    st.dataframe(mine, hide_index=True, key="receipts_lines", alt=f"Open lines of {ref}",
                 column_order=["line_no", "sku", "due_date", "qty", "received_qty",
                               "open_qty", "backorders", "backorder_units"],
                 column_config={
                     "line_no": "Line", "sku": st.column_config.TextColumn("SKU"),
                     "due_date": st.column_config.DateColumn("Due date", format=DATE_FORMAT),
                     "qty": "Expected", "received_qty": "Received",
                     "open_qty": "Still to come", "backorders": "Backorders released",
                     "backorder_units": "Units released"})

    released = receipts.releases(path, ref)
    st.markdown(f"**Backorders it will release** ({len(released):,})")
    if released.empty:
        st.info("It will release no backorder: none waits for what it brings, or those "
                "waiting are covered sooner by free stock or an earlier receipt.",
                icon=":material/info:")
    else:
        st.dataframe(
            released.assign(order=released["order_no"].map(receipts.order_link)),
            hide_index=True, key="receipts_releases",
            alt=f"Backorders receipt {ref} will release",
            column_order=["order", "line_no", "eta", "priority", "customer", "units",
                          "ship_by", "late_by_days", "days_waiting"],
            column_config={
                "order": st.column_config.LinkColumn(
                    "Order", display_text=r"order=(.*)$",
                    help="Open the order's record on the Orders screen"),
                "line_no": st.column_config.NumberColumn("Receipt line"),
                "eta": st.column_config.DateColumn("ETA", format=DATE_FORMAT),
                "priority": st.column_config.NumberColumn("Priority"),
                "customer": st.column_config.TextColumn("Customer"),
                "units": st.column_config.NumberColumn("Units"),
                "ship_by": st.column_config.DateColumn("Ship by", format=DATE_FORMAT),
                "late_by_days": st.column_config.NumberColumn(
                    "Late by (days)", help="Days past its ship-by date the ETA falls"),
                "days_waiting": st.column_config.NumberColumn("Days waiting")})

    st.markdown("**Receive against this receipt**")
    line_nos = mine["line_no"].tolist()
    if st.session_state.get(LINE_KEY) not in line_nos:
        st.session_state[LINE_KEY] = line_nos[0]
    by_line = mine.set_index("line_no")
    line_no = st.selectbox(
        "Line", line_nos, key=LINE_KEY,
        format_func=lambda n: f"Line {n}: {by_line.loc[n, 'sku']} "
                              f"({by_line.loc[n, 'open_qty']:,} still to come)")
    line = by_line.loc[line_no]
    receipts.fill_quantity(ref, int(line_no), int(line["open_qty"]), QTY_KEY)
    with st.form("receipts_receive_form", clear_on_submit=False):
        qty = st.number_input(f"Quantity of {line['sku']} received", min_value=1, step=1,
                              key=QTY_KEY)
        reason = st.text_input("Note", key=REASON_KEY, placeholder="e.g. delivery note 5521")
        submitted = st.form_submit_button(
            "Receive", type="primary", disabled=not can_write(),
            help=write_help(f"Receive into Available, booked against {ref}; releases what "
                            "it can when auto-release on receipts is on"))
    if submitted:
        ok, result = attempt(lambda: wh.receive(
            str(line["sku"]), int(qty), user=user(), reason=reason.strip() or None, ref=ref))
        if ok:
            st.session_state[receipts.LAST] = {
                "text": receipts.outcome_text(result), "over": int(result.over_received),
                "ref": result.ref, "line": result.ref_line_no,
                "released": list(result.released)}
            st.session_state.pop(receipts.QTY_FOR, None)
            st.session_state.pop(receipts.SEEN_ROWS, None)
            st.session_state[CLEAR] = True  # the note goes before the widgets next run
            clear_grids(receipts.TABLE_KEY)
            after_write(f"Received {plural(result.qty, 'unit')} of {result.sku} against "
                        f"{ref}; released {plural(len(result.released), 'backorder')}")
            st.rerun()
