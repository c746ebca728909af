"""Read models written to a file for download: CSV, Excel or Parquet.

DuckDB writes CSV and Parquet itself (`COPY … TO`), straight from the query, so a
million-row export never passes through Python. Excel has no such writer: the rows go from
Arrow batches into openpyxl's streaming (write-only) workbook, one batch in memory at a
time, and a sheet holds at most 1,048,576 rows, so a larger export is refused with a word
about CSV or Parquet."""

from __future__ import annotations

import os
from collections.abc import Sequence

import duckdb
import pandas as pd

from .errors import BackorderError

EXPORT_FORMATS = ("csv", "xlsx", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet holds the header
BATCH_ROWS = 50_000


class ExportError(BackorderError):
    """An export that cannot be written; no file is left behind."""


def check_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"Exports are {', '.join(EXPORT_FORMATS)}, not {fmt!r}.")
    return fmt


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def query_to_file(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None,
                  path: str | os.PathLike, fmt: str) -> int:
    """Writes the rows of `sql` to `path`; returns how many there were."""
    check_format(fmt)
    path = str(path)
    try:
        if fmt == "xlsx":
            return _excel(cur, sql, params, path)
        options = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT parquet"
        result = cur.execute(f"COPY ({sql}) TO {_quote(path)} ({options})",
                             list(params or [])).fetchall()
        return int(result[0][0]) if result else 0
    except BaseException:
        if os.path.exists(path):
            os.remove(path)
        raise


def frame_to_file(frame: pd.DataFrame, path: str | os.PathLike, fmt: str) -> int:
    """For what a screen already holds (a review, a confirmation): through DuckDB too, so
    every format is written the same way."""
    con = duckdb.connect()
    try:
        con.register("export_frame", frame)
        return query_to_file(con, "SELECT * FROM export_frame", None, path, fmt)
    finally:
        con.close()


def _excel(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None,
           path: str) -> int:
    from openpyxl import Workbook

    rows = cur.execute(f"SELECT count(*) FROM ({sql})", list(params or [])).fetchall()[0][0]
    if rows > EXCEL_MAX_ROWS:
        raise ExportError(f"{rows:,} rows do not fit in an Excel sheet (at most "
                          f"{EXCEL_MAX_ROWS:,}): export them as CSV or Parquet.")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("export")
    reader = cur.sql(sql, params=list(params or [])).to_arrow_reader(BATCH_ROWS)
    sheet.append(list(reader.schema.names))
    for batch in reader:
        columns = [_excel_values(batch.column(i)) for i in range(batch.num_columns)]
        for row in zip(*columns, strict=True):  # openpyxl takes rows; no bulk writer exists
            sheet.append(row)
    book.save(path)
    return int(rows)


def _excel_values(column) -> list:
    """Excel has no time zones and no 64-bit integers beyond 15 digits of precision; dates
    and times go as naive values, everything else as Python values."""
    values = column.to_pylist()
    if values and hasattr(column.type, "tz") and column.type.tz is not None:
        return [v.replace(tzinfo=None) if v is not None else None for v in values]
    return values
