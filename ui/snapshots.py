"""A snapshot travels through the browser as one .zip of its Parquet files and manifest."""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from engine import BackorderError

from .state import after_write, attempt, can_write, user, warehouse_at, write_help
from .text import escape_md

log = logging.getLogger("ui.snapshots")


def snapshot_zip(path: str) -> bytes:
    """Made when the download is clicked (in Streamlit's download thread)."""
    with tempfile.TemporaryDirectory(prefix="backorder-snapshot-") as folder:
        target = Path(folder) / "snapshot"
        try:
            warehouse_at(path).export_snapshot(str(target))
        except BackorderError as exc:
            return f"The snapshot could not be made: {exc}\n".encode()
        except Exception:  # noqa: BLE001 - logged; the analyst gets words, not a traceback
            log.exception("snapshot failed")
            return b"The snapshot could not be made; the server log says why.\n"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # Parquet is packed
            for file in sorted(target.iterdir()):
                archive.write(file, file.name)
        return buffer.getvalue()


def _unpack(data: bytes, folder: Path) -> None:
    """Only plain file names at the top of the archive: nothing can land outside it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                name = Path(member.filename).name
                if member.is_dir() or name != member.filename or name.startswith("."):
                    raise BackorderError(f"{member.filename!r} in the .zip is not a file of a "
                                         "snapshot: a snapshot .zip holds only the files "
                                         "the desk wrote.")
                (folder / name).write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise BackorderError("That file is not a .zip: upload the .zip the desk's snapshot "
                             "download made.") from None


def replace_from_zip(path: str, data: bytes) -> dict:
    with tempfile.TemporaryDirectory(prefix="backorder-restore-") as folder:
        _unpack(data, Path(folder))
        return warehouse_at(path).replace_with_snapshot(folder, user=user())


def section(path: str) -> None:
    """Download the warehouse as a snapshot, or replace it by one."""
    st.download_button("Download a snapshot (.zip)", data=lambda: snapshot_zip(path),
                       file_name="backorder_snapshot.zip", mime="application/zip",
                       key="snapshot_download", on_click="ignore",
                       icon=":material/download:",
                       help="Every table of the warehouse, history included, as Parquet "
                            "files with a manifest, all from one moment")
    upload = st.file_uploader("Replace this warehouse by a snapshot (.zip)", type=["zip"],
                              key="snapshot_upload")
    if upload is None:
        return
    sure = st.checkbox("Yes: replace every order, item, stock entry and the whole history by "
                       "the snapshot's", key="snapshot_confirm")
    if st.button("Replace by the snapshot", key="snapshot_replace", type="primary",
                 disabled=not sure or not can_write(), icon=":material/restore:",
                 help=write_help("Checked first: a snapshot that breaks a rule changes "
                                 "nothing")):
        ok, manifest = attempt(lambda: replace_from_zip(path, upload.getvalue()))
        if ok and manifest is not None:
            when = escape_md(str(manifest.get("created_at", "an unknown time")))  # file data
            after_write(f"The warehouse is now the snapshot of {when}")
            st.rerun()
