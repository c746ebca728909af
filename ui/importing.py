"""The Import screen's helpers: files read once per upload, the mapping step's widgets, the
check and the import through the shared Warehouse, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from engine import BackorderError, guard
from engine.column_mapping import FIELDS, KIND_LABELS, Mapping, guess_kind, guess_mapping
from engine.file_read import Upload, read_upload
from engine.import_check import FileToImport, ImportReport
from engine.import_templates import template_bytes

from .state import warehouse
from .text import escape_md

READS_KEY = "import_reads"  # {(file_id, sheet): Upload or the error message}
REPORT_KEY = "import_report"  # (signature, ImportReport)
NOT_IN_FILE = "(not in the file)"
UPLOADER_ROUND = "import_uploader_round"  # bumped after an import to clear the uploader


def uploader_key() -> str:
    return f"import_files_{st.session_state.get(UPLOADER_ROUND, 0)}"


def clear_uploads() -> None:
    """After an import: a fresh, empty uploader and no stale report."""
    st.session_state[UPLOADER_ROUND] = st.session_state.get(UPLOADER_ROUND, 0) + 1
    st.session_state.pop(READS_KEY, None)
    st.session_state.pop(REPORT_KEY, None)


def read(file, sheet: str | None) -> Upload | str:
    """The uploaded file as read, once per upload and sheet; a refusal as its message."""
    reads = st.session_state.setdefault(READS_KEY, {})
    key = (file.file_id, sheet)
    if key not in reads:
        with st.spinner(f"Reading {file.name}…"):
            try:
                reads[key] = guard.guarded(read_upload)(file.getvalue(), file.name, sheet)
            except BackorderError as exc:
                reads[key] = str(exc)
    return reads[key]


def mapping_widgets(upload: Upload, file_id: str) -> FileToImport:
    """The kind (guessed) and, per field, the file's column that feeds it (guessed)."""
    headers = upload.headers
    kinds = list(KIND_LABELS)
    kind = st.selectbox("What the file holds", kinds, index=kinds.index(guess_kind(headers)),
                        format_func=KIND_LABELS.get, key=f"import_kind_{file_id}")
    guessed = guess_mapping(headers, kind)
    options = [NOT_IN_FILE, *headers]
    chosen: dict[str, str | None] = {}
    with st.expander("Columns: which column of the file feeds each field", expanded=False):
        cols = st.columns(4)
        for i, column in enumerate(FIELDS[kind]):
            label = column.name + ("" if column.required else " (optional)")
            default = guessed.columns.get(column.name) or NOT_IN_FILE
            picked = cols[i % 4].selectbox(label, options, index=options.index(default),
                                           key=f"import_map_{file_id}_{kind}_{column.name}")
            chosen[column.name] = None if picked == NOT_IN_FILE else picked
    mapping = Mapping(kind, chosen)
    unused = mapping.unused(headers)
    if unused:
        st.caption("Not imported (no field takes them): "
                   + escape_md(", ".join(unused)))
    return FileToImport(upload, mapping)


def signature(files: list[FileToImport], replace: bool) -> tuple:
    return (replace, tuple((f.upload.name, id(f.upload), f.kind,
                            tuple(sorted((k, v or "") for k, v in f.mapping.columns.items())))
                           for f in files))


def report(files: list[FileToImport], replace: bool) -> ImportReport | None:
    """The check of `files`, kept until the files, their mapping or the mode change; a
    refusal of the set of files is shown as a message (None)."""
    sig = signature(files, replace)
    kept = st.session_state.get(REPORT_KEY)
    if kept and kept[0] == sig:
        return kept[1]
    with st.status("Checking every row…", expanded=False) as status:
        bar = st.progress(0.0)
        try:
            result = warehouse().check_import(files, replace, _progress(bar))
        except BackorderError as exc:
            status.update(label="The files cannot be imported together", state="error")
            st.session_state[REPORT_KEY] = (sig, None)
            st.error(escape_md(exc), icon=":material/error:")
            return None
        status.update(label="Checked", state="complete")
    st.session_state[REPORT_KEY] = (sig, result)
    return result


def _progress(bar) -> Callable[[float, str], None]:
    def show(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=escape_md(message))
    return show


def run_import(files: list[FileToImport], replace: bool, user: str) -> ImportReport:
    """The write, with a progress bar; raises BackorderError (shown by `attempt`)."""
    with st.status("Importing…", expanded=True) as status:
        bar = st.progress(0.0)
        result = warehouse().import_files(files, replace, user=user, progress=_progress(bar))
        status.update(label="Imported", state="complete")
    return result


def problems_csv(problems: pd.DataFrame) -> bytes:
    return problems.to_csv(index=False).encode("utf-8")


@st.cache_data(show_spinner=False)
def template(kind: str, fmt: str) -> bytes:
    return template_bytes(kind, fmt)
