"""Checking import frames in DuckDB: every problem names the row, the column and the value.

Frames are first seen as text so that a wrong type is reported, not guessed around; the
checks are SQL over the whole frame, and the first offending row (1-based) is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from .errors import ValidationError
from .inputs import MAX_ON_HAND, out_of_bounds

# Whole numbers beyond this are refused by every import: exact as DOUBLE and as BIGINT.
WHOLE_LIMIT = MAX_ON_HAND


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, whole, bool, date, number
    required: bool = True  # the column must be present
    nullable: bool = False  # a present column may have empty cells
    low: int = -WHOLE_LIMIT  # bounds of a whole column (section 8 of the design)
    high: int = WHOLE_LIMIT


_CAST = {
    "text": "{v}",
    "whole": "CAST(TRY_CAST({v} AS DOUBLE) AS BIGINT)",
    "bool": "TRY_CAST({v} AS BOOLEAN)",
    "date": "CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE)",
    "number": "TRY_CAST({v} AS DOUBLE)",
}
_BAD = {
    "text": None,
    "whole": "TRY_CAST({v} AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST({v} AS DOUBLE)) "
             "OR TRY_CAST({v} AS DOUBLE) <> floor(TRY_CAST({v} AS DOUBLE))",
    "bool": "TRY_CAST({v} AS BOOLEAN) IS NULL",
    "date": "TRY_CAST({v} AS TIMESTAMP) IS NULL",
    "number": "TRY_CAST({v} AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST({v} AS DOUBLE))",
}
_TYPE = {"text": "VARCHAR", "whole": "BIGINT", "bool": "BOOLEAN", "date": "DATE",
         "number": "DOUBLE"}
_KIND_WORDS = {"whole": "a whole number", "bool": "true or false", "date": "a date",
               "number": "a number"}


def fail(frame_name: str, row: int | None, column: str | None, value: object,
         problem: str) -> ValidationError:
    where = f"{frame_name}"
    if row is not None:
        where += f" row {row}"
    if column is not None:
        where += f", column '{column}'"
    shown = "" if value is None else f" {value!r}"
    return ValidationError(f"{where}:{shown} {problem}",
                           row=row, column=column, value=value)


def _as_checkable(values: pd.Series, kind: str) -> pd.Series:
    """Columns already of the right type pass as they are (fast on millions of rows);
    anything else is seen as text, so that a wrong type is reported, not guessed around."""
    if kind == "whole" and pd.api.types.is_integer_dtype(values.dtype):
        return values
    if kind == "bool" and pd.api.types.is_bool_dtype(values.dtype):
        return values
    if kind == "number" and pd.api.types.is_numeric_dtype(values.dtype) \
            and not pd.api.types.is_bool_dtype(values.dtype):
        return values
    if kind == "date" and pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    text = values.astype("object").astype("string").str.strip()
    return text.mask(text == "")


def stage(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, frame_name: str,
          columns: list[Column], table: str) -> int:
    """Check types and presence; create temp `table` with typed columns and `row_no`."""
    if not isinstance(df, pd.DataFrame):
        raise ValidationError(f"{frame_name}: expected a DataFrame, got {type(df).__name__}")
    for column in columns:
        if column.required and column.name not in df.columns:
            raise fail(frame_name, None, column.name, None, "is missing from the columns")
    present = [c for c in columns if c.name in df.columns]
    text = pd.DataFrame({c.name: _as_checkable(df[c.name], c.kind) for c in present})
    text["row_no"] = np.arange(1, len(df) + 1)
    cur.register("_import_text", text)
    try:
        for column in present:
            v = f'"{column.name}"'
            if not column.nullable:
                row = cur.execute(f"SELECT min(row_no) FROM _import_text WHERE {v} IS NULL"
                                  ).fetchall()[0][0]
                if row is not None:
                    raise fail(frame_name, int(row), column.name, None, "value is missing")
            bad = _BAD[column.kind]
            if bad:
                found = cur.execute(f"""
                    SELECT row_no, {v} FROM _import_text
                    WHERE {v} IS NOT NULL AND ({bad.format(v=v)})
                    ORDER BY row_no LIMIT 1""").fetchall()
                if found:
                    raise fail(frame_name, int(found[0][0]), column.name, found[0][1],
                               f"is not {_KIND_WORDS[column.kind]}")
            if column.kind == "whole":  # checked as DOUBLE: exact within the bounds
                low, high = column.low, column.high
                found = cur.execute(f"""
                    SELECT row_no, {v} FROM _import_text
                    WHERE {v} IS NOT NULL AND TRY_CAST({v} AS DOUBLE)
                          NOT BETWEEN {low} AND {high}
                    ORDER BY row_no LIMIT 1""").fetchall()
                if found:
                    raise fail(frame_name, int(found[0][0]), column.name, found[0][1],
                               out_of_bounds(float(found[0][1]), low, high))
        selects = [f'{_CAST[c.kind].format(v=chr(34) + c.name + chr(34))} AS "{c.name}"'
                   for c in present]
        selects += [f'CAST(NULL AS {_TYPE[c.kind]}) AS "{c.name}"'
                    for c in columns if c not in present]
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                    f"SELECT row_no, {', '.join(selects)} FROM _import_text")
    finally:
        cur.unregister("_import_text")
    return len(df)


def first_violation(cur: duckdb.DuckDBPyConnection, frame_name: str, column: str,
                    sql: str, problem: str) -> None:
    """`sql` selects (row_no, value) of offending rows; raise on the first one."""
    found = cur.execute(f"SELECT * FROM ({sql}) ORDER BY 1 LIMIT 1").fetchall()
    if found:
        raise fail(frame_name, int(found[0][0]), column, found[0][1], problem)


def duplicates(cur: duckdb.DuckDBPyConnection, frame_name: str, table: str, keys: list[str],
               column: str, problem: str = "appears twice in the import") -> None:
    """Raise on the first row whose `keys` an earlier row of `table` already had."""
    first_violation(cur, frame_name, column, f"""
        SELECT row_no, {column} FROM (
            SELECT row_no, {column},
                   row_number() OVER (PARTITION BY {', '.join(keys)} ORDER BY row_no) AS seen
            FROM {table}) WHERE seen > 1""", problem)
