"""Download buttons that export the whole of what a grid or chart shows under its filter,
not only the page on screen, as CSV, Excel or Parquet.

The file is made when the button is clicked (Streamlit runs the callable then), by the
engine straight from DuckDB into a temporary file, so nothing is built on every rerun and
a large export never sits in the session."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pandas as pd

from engine import BackorderError, frame_to_file
from engine.exports import EXCEL_MAX_ROWS, MEDIA_TYPES

from .state import warehouse_at

FORMATS = {"CSV": "csv", "Excel": "xlsx", "Parquet": "parquet"}
log = logging.getLogger("ui.export")


def _file_bytes(write) -> bytes:
    """Runs in Streamlit's download thread, where nothing can be shown: a refusal becomes
    the file's text, so the analyst still reads why."""
    with tempfile.TemporaryDirectory(prefix="backorder-export-") as folder:
        target = Path(folder) / "export"
        try:
            write(str(target))
        except BackorderError as exc:
            return f"The export could not be made: {exc}\n".encode()
        except Exception:  # noqa: BLE001 - logged; the analyst gets words, not a traceback
            log.exception("export failed")
            return b"The export could not be made; the server log says why.\n"
        return target.read_bytes()


def _format_picker(container, key: str, rows: int | None) -> tuple[str, str, bool]:
    """The format's name goes on the button too: the analyst sees what they will get."""
    name = container.segmented_control("Format", list(FORMATS), key=f"{key}_format",
                                       default="CSV", label_visibility="collapsed",
                                       required=True)
    fmt = FORMATS[name]
    return fmt, name, fmt == "xlsx" and rows is not None and rows > EXCEL_MAX_ROWS


def export_read(container, path: str, what: str, file_stem: str, key: str,
                rows: int | None = None, label: str = "Download", **options) -> None:
    """A format picker and a button exporting `what` (see `engine.EXPORTS`) with the grid's
    own options (`filter=`, `sort=`, `run_id=`, ...)."""
    fmt, name, too_big = _format_picker(container, key, rows)
    container.download_button(
        f"{label} ({name})", key=key, icon=":material/download:", on_click="ignore",
        data=lambda: _file_bytes(
            lambda target: warehouse_at(path).export(what, target, fmt, **options)),
        file_name=f"{file_stem}.{fmt}", mime=MEDIA_TYPES[fmt], disabled=too_big,
        help=(f"{rows:,} rows do not fit in an Excel sheet; choose CSV or Parquet"
              if too_big else f"All {rows:,} rows" if rows is not None else None))


def export_frame(container, frame: pd.DataFrame, file_stem: str, key: str,
                 label: str = "Download") -> None:
    """The same for a frame the screen already holds: a review, a confirmation, a chart's
    data."""
    fmt, name, too_big = _format_picker(container, key, len(frame))
    container.download_button(
        f"{label} ({name})", key=key, icon=":material/download:", on_click="ignore",
        data=lambda: _file_bytes(lambda target: frame_to_file(frame, target, fmt)),
        file_name=f"{file_stem}.{fmt}", mime=MEDIA_TYPES[fmt], disabled=too_big)
