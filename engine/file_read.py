"""An uploaded file (its bytes and name) read as a table of text: CSV, Excel (.xlsx) or
Parquet. Every cell arrives as text, so that the checks, not the reader, decide what a value
means (a reader that guesses types would turn 'N/A' in a number column into a silent gap).
Each refusal says what is wrong with the file in an analyst's words.
"""

from __future__ import annotations

import codecs
import datetime
import io
import os
import re
import tempfile
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from .errors import ValidationError

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet",
           ".pq": "parquet"}
_ZIP = b"PK\x03\x04"  # an .xlsx is a zip archive
_PARQUET = b"PAR1"
# A header cell that is a number or a date: the first row is data, not column names.
_DATA_LIKE = re.compile(r"^[+-]?[0-9][0-9,.]*$|^[0-9]{4}-[0-9]{2}-[0-9]{2}|^[0-9]{1,2}/[0-9]{1,2}/")


@dataclass
class Upload:
    """A file as read: every column text, in file order; its name and, for a workbook,
    the sheet read and the sheets it has."""

    name: str
    table: pa.Table
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return list(self.table.column_names)

    @property
    def rows(self) -> int:
        return self.table.num_rows

    def preview(self, rows: int = 20) -> pd.DataFrame:
        return self.table.slice(0, rows).to_pandas()


def _refuse(name: str, problem: str) -> ValidationError:
    return ValidationError(f"{name}: {problem}")


def file_format(name: str) -> str:
    """csv, xlsx or parquet, from the file's extension."""
    ext = os.path.splitext(name.lower())[1]
    if ext == ".xls":
        raise _refuse(name, "is an old Excel .xls workbook; save it as .xlsx (Excel "
                            "Workbook) or CSV and upload that")
    if ext not in FORMATS:
        raise _refuse(name, "is not a CSV, Excel (.xlsx) or Parquet file (the name should "
                            "end in .csv, .xlsx or .parquet)")
    return FORMATS[ext]


def read_upload(data: bytes, name: str, sheet: str | None = None) -> Upload:
    """The file as text columns; `sheet` picks a workbook's sheet (default: the first)."""
    kind = file_format(name)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise _refuse(name, "the file is empty")
    if kind == "csv":
        upload = Upload(name, _read_csv(_utf8(data, name), name))
    elif kind == "parquet":
        upload = Upload(name, _read_parquet(data, name))
    else:
        upload = _read_xlsx(data, name, sheet)
    _check_header(upload)
    return upload


def _utf8(data: bytes, name: str) -> bytes:
    """The text as UTF-8 without a byte-order mark; UTF-16 (with its BOM, as Excel's
    "Unicode text" writes it) is converted; anything else that is not UTF-8 is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(name, "starts as UTF-16 text but is not valid UTF-16") from None
    if data.startswith(_ZIP) or data.startswith(_PARQUET):
        raise _refuse(name, "is not a CSV text file (it looks like an Excel workbook or a "
                            "Parquet file: give it its own extension)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _refuse(name, f"line {line} is not UTF-8 text (byte 0x{data[exc.start]:02X}); "
                            "save the file as 'CSV UTF-8' and upload it again") from None
    return data


def _temp_file(data: bytes, suffix: str) -> str:
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="backorder-upload-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return path


def _read_csv(data: bytes, name: str) -> pa.Table:
    """DuckDB's reader: fast on millions of rows, finds the delimiter (',' ';' tab '|').
    The header is read as a row, so that a name given twice is seen, not renamed."""
    path = _temp_file(data, ".csv")
    con = duckdb.connect()
    try:
        table = con.sql(f"""SELECT * FROM read_csv('{path}', all_varchar = true,
                                                   header = false, encoding = 'utf-8')"""
                        ).to_arrow_table()
    except duckdb.Error as exc:
        raise _refuse(name, "cannot be read as CSV: " + _first_line(exc)) from None
    finally:
        con.close()
        os.unlink(path)
    if table.num_rows == 0:
        raise _refuse(name, "the file is empty")
    headers = [(v or "").strip() for v in table.slice(0, 1).to_pylist()[0].values()]
    _check_names(name, headers)
    return table.slice(1).rename_columns(headers)


def _check_names(name: str, headers: list[str]) -> None:
    for position, header in enumerate(headers, start=1):
        if not header:
            raise _refuse(name, f"the header has no name for column {position}; every "
                                "column needs a name")
    twice = sorted({h for h in headers if headers.count(h) > 1})
    if twice:
        raise _refuse(name, f"the column name '{twice[0]}' appears twice in the header")


def _read_parquet(data: bytes, name: str) -> pa.Table:
    if not data.startswith(_PARQUET):
        raise _refuse(name, "is not a Parquet file")
    path = _temp_file(data, ".parquet")
    con = duckdb.connect()
    try:
        return con.sql(f"SELECT COLUMNS(*)::VARCHAR FROM read_parquet('{path}')"
                       ).to_arrow_table()
    except duckdb.Error as exc:
        raise _refuse(name, "cannot be read as Parquet: " + _first_line(exc)) from None
    finally:
        con.close()
        os.unlink(path)


def sheet_names(data: bytes, name: str) -> list[str]:
    """The sheets of a workbook, in order."""
    import openpyxl

    if not data.startswith(_ZIP):
        raise _refuse(name, "is not an Excel .xlsx workbook")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _refuse(name, f"cannot be read as an Excel workbook ({type(exc).__name__})"
                      ) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Upload:
    sheets = sheet_names(data, name)
    if sheet is None:
        sheet = sheets[0]
    elif sheet not in sheets:
        raise _refuse(name, f"the workbook has no sheet '{sheet}'; its sheets are "
                            + ", ".join(f"'{s}'" for s in sheets))
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=None, dtype=object,
                              engine="openpyxl")
    except Exception as exc:
        raise _refuse(name, f"sheet '{sheet}' cannot be read ({type(exc).__name__})") from None
    frame = frame.dropna(axis=1, how="all")  # rows stay: their numbers are the sheet's
    if frame.empty:
        raise _refuse(name, f"sheet '{sheet}' is empty")
    headers = [_excel_text(v) or "" for v in frame.iloc[0].tolist()]
    _check_names(name, headers)
    body = frame.iloc[1:]
    columns = {h: _excel_column(body.iloc[:, i]) for i, h in enumerate(headers)}
    return Upload(name, pa.table(columns), sheet, sheets)


def _excel_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value).strip() or None


def _excel_column(values: pd.Series) -> pa.Array:
    """A sheet's column as text: a date cell as its date (2026-11-01), a whole number as
    digits (3, not 3.0), anything else as written."""
    dates = values.map(lambda v: isinstance(v, datetime.date)).astype(bool)
    text = values.astype("string")
    if dates.any():
        stamps = pd.to_datetime(values[dates])
        text[dates] = stamps.dt.strftime("%Y-%m-%d").where(stamps.dt.normalize() == stamps,
                                                           stamps.astype("string"))
    whole = values.map(lambda v: isinstance(v, float) and v.is_integer()).astype(bool)
    if whole.any():
        text[whole] = values[whole].astype("int64").astype("string")
    return pa.array(text, type=pa.string(), from_pandas=True)


def _check_header(upload: Upload) -> None:
    headers = upload.headers
    if not headers or (upload.rows == 0 and headers == ["column0"]):
        raise _refuse(upload.name, "the file is empty")
    looks_like_data = [h for h in headers if _DATA_LIKE.match(h.strip())]
    unnamed = [h for h in headers if re.fullmatch(r"column\d+", h)]
    if looks_like_data or (unnamed and len(unnamed) == len(headers)):
        shown = ", ".join(repr(h) for h in (looks_like_data or unnamed)[:3])
        raise _refuse(upload.name, f"the first row ({shown}) looks like data, not column "
                                   "names: the file needs a header row (download a template "
                                   "to see one)")
    if upload.rows == 0:
        raise _refuse(upload.name, "the file has a header but no rows")


def _first_line(exc: Exception) -> str:
    lines = [s.strip() for s in str(exc).splitlines() if s.strip()]
    text = lines[0] if lines else type(exc).__name__
    return re.sub(r"^[A-Za-z ]*Error: ", "", text)
