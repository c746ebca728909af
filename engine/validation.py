"""Checking import frames in DuckDB: every problem names the row, the column and the value.

Frames are first seen as text so that a wrong type is reported, not guessed around; the
checks are SQL over the whole frame, and the first offending row (1-based) is reported.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd

from .errors import ValidationError
from .inputs import MAX_ON_HAND, first_unencodable, out_of_bounds

# Whole numbers beyond this are refused by every import: exact as DOUBLE and as BIGINT.
WHOLE_LIMIT = MAX_ON_HAND


@dataclass(frozen=True)
class Rule:
    """Rows of a staged import that break one rule: `sql` selects (row_no, value)."""

    column: str
    sql: str
    problem: str


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, whole, bool, date, number
    required: bool = True  # the column must be present
    nullable: bool = False  # a present column may have empty cells
    low: int = -WHOLE_LIMIT  # bounds of a whole column (section 8 of the design)
    high: int = WHOLE_LIMIT
    text_ok: bool = True  # a CSV may spell numbers, flags and dates as text; a grid may not


_CAST = {
    "text": "{v}",
    "whole": "CAST(TRY_CAST({v} AS DOUBLE) AS BIGINT)",
    "bool": "TRY_CAST({v} AS BOOLEAN)",
    "date": "CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE)",
    "number": "TRY_CAST({v} AS DOUBLE)",
}
_BAD = {
    "text": None,
    # "3.0000000000000001" is 3.0 as a DOUBLE: a written fraction is refused before the cast.
    "whole": "TRY_CAST({v} AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST({v} AS DOUBLE)) "
             "OR TRY_CAST({v} AS DOUBLE) <> floor(TRY_CAST({v} AS DOUBLE)) "
             "OR regexp_matches(CAST({v} AS VARCHAR), '^[+-]?[0-9]*\\.[0-9]*[1-9][0-9]*$')",
    # DuckDB would also read yes/no, y/n, t/f and 1/0; a file says true or false.
    "bool": "lower(CAST({v} AS VARCHAR)) NOT IN ('true', 'false')",
    # Not 'infinity' (no read could show it) nor words such as 'epoch': a date starts with
    # its four-digit year and a dash, since DuckDB reads '30/11/26' as 26 Nov of the year 30.
    "date": "TRY_CAST({v} AS TIMESTAMP) IS NULL OR NOT isfinite(TRY_CAST({v} AS TIMESTAMP)) "
            "OR NOT regexp_matches(CAST({v} AS VARCHAR), '^[0-9]{{4}}-')",
    "number": "TRY_CAST({v} AS DOUBLE) IS NULL OR NOT isfinite(TRY_CAST({v} AS DOUBLE))",
}
# Dates a caller can read back as a Python date.
DATE_YEARS = (1, 9999)
_TYPE = {"text": "VARCHAR", "whole": "BIGINT", "bool": "BOOLEAN", "date": "DATE",
         "number": "DOUBLE"}
_KIND_WORDS = {"text": "a text", "whole": "a whole number", "bool": "true or false",
               "date": "a date", "number": "a number"}
# What pandas finds in an object column of each kind that needs no closer look.
_INFERRED_OK = {
    "text": {"string", "integer", "empty"},
    "whole": {"integer", "floating", "mixed-integer-float", "decimal", "empty"},
    "number": {"integer", "floating", "mixed-integer-float", "decimal", "empty"},
    "bool": {"boolean", "empty"},
    "date": {"date", "datetime", "datetime64", "empty"},
}


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


def _is_typed(values: pd.Series, kind: str) -> bool:
    """Columns already of the right type pass as they are (fast on millions of rows)."""
    if kind == "whole":
        return pd.api.types.is_integer_dtype(values.dtype)
    if kind == "bool":
        return pd.api.types.is_bool_dtype(values.dtype)
    if kind == "number":
        return pd.api.types.is_numeric_dtype(values.dtype) \
            and not pd.api.types.is_bool_dtype(values.dtype)
    if kind == "date":
        return pd.api.types.is_datetime64_any_dtype(values.dtype)
    return False


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, np.datetime64) and bool(np.isnat(value)))


def _cell_fits(value: object, column: Column) -> bool:
    """A cell is read only if it is of the column's kind: a list, bytes or a float in a text
    column, a number in a flag column, would otherwise be stored as whatever str() makes."""
    kind = column.kind
    if _missing(value):
        return True
    if isinstance(value, str):
        return kind == "text" or column.text_ok
    if isinstance(value, (bool, np.bool_)):
        return kind == "bool"
    if isinstance(value, numbers.Integral):
        return kind in ("text", "whole", "number")
    if isinstance(value, (numbers.Real, Decimal)):
        return kind in ("whole", "number")
    return kind == "date" and isinstance(value, (date, np.datetime64))


def _check_cells(values: pd.Series, column: Column, frame_name: str) -> None:
    """Refuse the first cell that is not of the column's kind. pandas' own scan decides the
    common cases; a closer look, cell by cell, only when it finds a mix."""
    allowed = _INFERRED_OK[column.kind] | (
        {"string"} if column.text_ok or column.kind == "text" else set())
    if pd.api.types.infer_dtype(values, skipna=True) in allowed:
        return
    for row, value in enumerate(values.tolist(), start=1):
        if not _cell_fits(value, column):
            raise fail(frame_name, row, column.name, value,
                       f"is not {_KIND_WORDS[column.kind]}")


def _as_checkable(values: pd.Series, column: Column, frame_name: str) -> pd.Series:
    """A typed column as it is; anything else is seen as text, so that a wrong type is
    reported, not guessed around."""
    if _is_typed(values, column.kind):
        return values
    _check_cells(values, column, frame_name)
    try:
        text = values.astype("object").astype("string").str.strip()
    except (UnicodeEncodeError, ArithmeticError):  # a lone surrogate, a Decimal('sNaN')
        raise _unreadable(values, column, frame_name) from None
    return text.mask(text == "")


def _unreadable(values: pd.Series, column: Column, frame_name: str) -> ValidationError:
    """The first cell that pandas cannot turn into text: looked for cell by cell, once the
    whole column has failed."""
    cells = values.tolist()
    row = first_unencodable(cells)
    if row is not None:
        return fail(frame_name, row, column.name, cells[row - 1],
                    "is not valid text (it holds an unpaired surrogate)")
    for row, value in enumerate(cells, start=1):
        try:
            pd.Series([value], dtype=object).astype("string")
        except (UnicodeEncodeError, ArithmeticError):
            return fail(frame_name, row, column.name, value,
                        f"is not {_KIND_WORDS[column.kind]}")
    return fail(frame_name, None, column.name, None, "cannot be read")


HOLDS_NUL = "contains(CAST({v} AS VARCHAR), chr(0))"
NUL_CHARACTER = "holds a NUL character (\\x00), which no warehouse store can keep"


def stage(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, frame_name: str,
          columns: list[Column], table: str) -> int:
    """Check types and presence; create temp `table` with typed columns and `row_no`."""
    if not isinstance(df, pd.DataFrame):
        raise ValidationError(f"{frame_name}: expected a DataFrame, got {type(df).__name__}")
    twice = df.columns[df.columns.duplicated()]
    if len(twice):
        raise fail(frame_name, None, str(twice[0]), None, "appears twice among the columns")
    for column in columns:
        if column.required and column.name not in df.columns:
            raise fail(frame_name, None, column.name, None, "is missing from the columns")
    present = [c for c in columns if c.name in df.columns]
    text = pd.DataFrame({c.name: _as_checkable(df[c.name], c, frame_name) for c in present})
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
            if column.kind == "text":
                found = cur.execute(f"""
                    SELECT row_no, {v} FROM _import_text
                    WHERE {HOLDS_NUL.format(v=v)}
                    ORDER BY row_no LIMIT 1""").fetchall()
                if found:
                    raise fail(frame_name, int(found[0][0]), column.name, found[0][1],
                               NUL_CHARACTER)
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
            if column.kind == "date":
                first, last = DATE_YEARS
                found = cur.execute(f"""
                    SELECT row_no, {v} FROM _import_text
                    WHERE {v} IS NOT NULL
                      AND year(TRY_CAST({v} AS TIMESTAMP)) NOT BETWEEN {first} AND {last}
                    ORDER BY row_no LIMIT 1""").fetchall()
                if found:
                    raise fail(frame_name, int(found[0][0]), column.name, found[0][1],
                               f"must be a date in the years {first} to {last}")
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


# Numbers an export wrote with thousands separators: refused, not guessed (1,200 may be 1.2).
SEPARATED = r"^[+-]?[0-9]{1,3}([,'][0-9]{3})+([.][0-9]+)?$".replace("'", "''")
_REPORT_WORDS = {**_KIND_WORDS, "date": "a date written as YYYY-MM-DD (e.g. 2026-11-01)"}


def _bad_cell_sql(column: Column, v: str) -> str:
    """True where a text cell is not of the column's kind or is out of its bounds."""
    tests = []
    if _BAD[column.kind]:
        tests.append(_BAD[column.kind].format(v=v))
    if column.kind == "text":
        tests.append(HOLDS_NUL.format(v=v))
    if column.kind == "whole":
        tests.append(f"TRY_CAST({v} AS DOUBLE) NOT BETWEEN {column.low} AND {column.high}")
    if column.kind == "date":
        first, last = DATE_YEARS
        tests.append(f"year(TRY_CAST({v} AS TIMESTAMP)) NOT BETWEEN {first} AND {last}")
    return " OR ".join(f"coalesce({t}, false)" for t in tests) or "false"


def typed_sql(column: Column, v: str) -> str:
    """A text cell as the column's type; NULL where a cell rule refuses it."""
    cast = _CAST[column.kind].replace("CAST(TRY_CAST", "TRY_CAST(TRY_CAST").format(v=v)
    return f"CASE WHEN {_bad_cell_sql(column, v)} THEN NULL ELSE {cast} END"


def cell_rules(column: Column, v: str) -> list[Rule]:
    """Every check `stage` makes on one column, as rules over a text table {t} whose empty
    cells are NULL: each offending row, not only the first."""
    rows = f"SELECT row_no, {v} FROM {{t}} WHERE {v} IS NOT NULL"
    rules = []
    if not column.nullable:
        rules.append(Rule(column.name, f"SELECT row_no, {v} FROM {{t}} WHERE {v} IS NULL",
                          "value is missing"))
    if column.kind in ("whole", "number"):
        rules.append(Rule(column.name,
                          f"{rows} AND regexp_full_match({v}, '{SEPARATED}')",
                          "is written with thousands separators: write 1200, not 1,200"))
    if _BAD[column.kind]:
        separated = f"regexp_full_match({v}, '{SEPARATED}')"
        rules.append(Rule(column.name, f"""{rows} AND ({_BAD[column.kind].format(v=v)})
                          AND NOT ({separated if column.kind in ("whole", "number")
                                    else "false"})""",
                          f"is not {_REPORT_WORDS[column.kind]}"))
    if column.kind == "whole":
        number = f"TRY_CAST({v} AS DOUBLE)"
        rules.append(Rule(column.name, f"{rows} AND {number} > {column.high}",
                          out_of_bounds(column.high + 1, column.low, column.high)))
        rules.append(Rule(column.name, f"{rows} AND {number} < {column.low}",
                          out_of_bounds(column.low - 1, column.low, column.high)))
    if column.kind == "text":
        rules.append(Rule(column.name, f"{rows} AND {HOLDS_NUL.format(v=v)}", NUL_CHARACTER))
    if column.kind == "date":
        first, last = DATE_YEARS
        rules.append(Rule(column.name, f"""{rows} AND year(TRY_CAST({v} AS TIMESTAMP))
                                           NOT BETWEEN {first} AND {last}""",
                          f"must be a date in the years {first} to {last}"))
    return rules
