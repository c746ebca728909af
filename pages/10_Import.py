"""Import: the analyst's own warehouse from CSV, Excel or Parquet files. Upload, say what
each file holds and which column feeds which field, see every bad row, then add to the
warehouse or replace it (after a confirmation)."""

from __future__ import annotations

import streamlit as st

from engine.column_mapping import KIND_LABELS
from engine.import_templates import TEMPLATE_FORMATS, TEMPLATE_KINDS
from ui import data, importing, snapshots
from ui.labels import plural
from ui.layout import page
from ui.state import after_write, attempt, can_write, user, why_not_write, write_help
from ui.text import escape_md

RESULT_KEY = "import_result"
MB = st.get_option("server.maxUploadSize")

path = page("Import", ":material/upload_file:",
            "Bring your warehouse in from your WMS or ERP: items, opening stock, orders with "
            "their lines (two files, or one file with a row per line), and expected receipts "
            "(purchase-order or transfer lines with their due dates). CSV, Excel (.xlsx) or "
            "Parquet, each file up to "
            f"{MB:,} MB.")

if RESULT_KEY in st.session_state:
    st.success(st.session_state.pop(RESULT_KEY), icon=":material/check_circle:")  # our words
if not can_write():
    st.warning(escape_md(why_not_write()) + " You can check files, not import them.",
               icon=":material/lock:")

with st.expander("Templates: the columns the desk reads, with example rows"):
    for kind in TEMPLATE_KINDS:
        cols = st.columns([3, 1, 1, 1], vertical_alignment="center")
        cols[0].markdown(KIND_LABELS[kind])
        for col, fmt in zip(cols[1:], TEMPLATE_FORMATS, strict=True):
            col.download_button(fmt.upper() if fmt == "csv" else f".{fmt}",
                                importing.template(kind, fmt),
                                file_name=f"{kind}_template.{fmt}", key=f"tpl_{kind}_{fmt}",
                                icon=":material/download:")

with st.expander("Snapshots: the whole warehouse, history included, as one file"):
    snapshots.section(path)

uploads = st.file_uploader(
    f"Files to import (CSV, .xlsx or Parquet; up to {MB:,} MB each)",
    accept_multiple_files=True, key=importing.uploader_key(),
    help="A file larger than the limit is refused before it is read: split it, or save it "
         "as Parquet, which is much smaller than CSV or Excel.")
if not uploads:
    st.info("Upload one file per kind: for example items.csv, stock.xlsx and orders.csv "
            "(one row per order line) to import a whole warehouse at once.",
            icon=":material/upload_file:")
    st.stop()

files = []
for upload in uploads:
    with st.container(border=True, key=f"import_file_{upload.file_id}"):
        sheet = None
        st.markdown(f"**{escape_md(upload.name)}**")
        first = importing.read(upload, None)
        if not isinstance(first, str) and first.sheets and len(first.sheets) > 1:
            sheet = st.selectbox("Sheet", first.sheets, key=f"import_sheet_{upload.file_id}")
        read = importing.read(upload, sheet) if sheet else first
        if isinstance(read, str):
            st.error(escape_md(read), icon=":material/error:")
            continue
        st.caption(f"{plural(read.rows, 'row')} · {plural(len(read.headers), 'column')}")
        files.append(importing.mapping_widgets(read, upload.file_id))
        st.dataframe(read.preview(), height=180, hide_index=True)

if not files:
    st.stop()

empty = data.is_empty(path)
mode = st.radio("Into the warehouse", ["add", "replace"], horizontal=True, key="import_mode",
                format_func={"add": "Add to what is there",
                             "replace": "Replace the whole warehouse"}.get,
                disabled=empty)
replace = mode == "replace" and not empty
confirmed = True
if replace:
    confirmed = st.checkbox("Yes, remove every item, stock entry, order, run and audit row "
                            "now in the warehouse, and import these files instead",
                            key="import_confirm_replace")

report = importing.report(files, replace)
if report is None:
    st.stop()
if not report.ok:
    bad_rows = report.problems[["file", "row"]].drop_duplicates()
    st.error(f"{plural(len(report.problems), 'problem')} in {plural(len(bad_rows), 'row')}: "
             "nothing can be imported until every one is fixed. Fix the file and upload it "
             "again.", icon=":material/error:")
    st.dataframe(report.problems, hide_index=True, key="import_problems",
                 column_config={"row": st.column_config.NumberColumn(
                     "row", help="Row in the file as a spreadsheet numbers it: the header "
                                 "is row 1", format="%d")})
    st.download_button("Download the report (CSV)", importing.problems_csv(report.problems),
                       file_name="import_report.csv", mime="text/csv",
                       icon=":material/download:", key="import_report_csv")
    st.stop()

counts = report.counts
ready = ", ".join(plural(n, {"items": "item", "inventory": "stock row", "orders": "order",
                             "lines": "order line",
                             "expected_receipts": "expected receipt line"}[k])
                  for k, n in counts.items())
notes = []
if report.zero_stock_rows:
    notes.append(f"{plural(report.zero_stock_rows, 'stock row')} of quantity 0 will be "
                 "skipped")
if report.empty_rows:
    notes.append(f"{plural(report.empty_rows, 'empty row')} will be skipped")
st.success(f"Every row is valid. Ready to import {ready}."
           + (" " + "; ".join(notes) + "." if notes else ""), icon=":material/task_alt:")

label = "Replace the warehouse" if replace else "Import"
if st.button(label, type="primary", key="import_go", icon=":material/upload:",
             disabled=not can_write() or not confirmed,
             help=write_help("Write every file in one transaction")):
    ok, result = attempt(lambda: importing.run_import(files, replace, user()))
    if ok:
        done = f"Imported {ready}" + (" into an emptied warehouse" if replace else "") + "."
        if result.zero_stock_rows:
            done += f" Skipped {plural(result.zero_stock_rows, 'stock row')} of quantity 0."
        st.session_state[RESULT_KEY] = done
        importing.clear_uploads()
        after_write(done)
        st.rerun()
