"""Expected receipts read back: inbound supply with what is still to come, soonest first,
so an analyst sees what will turn up and when (design section 6)."""

from __future__ import annotations

import duckdb
import pandas as pd

from .errors import ValidationError
from .frames import fetch_frame
from .schema import table_exists

COLUMNS = ["ref", "line_no", "sku", "qty", "due_date", "received_qty", "open_qty"]
# A file made before expected receipts existed, opened for viewing only, has no table:
# it reads as no expected receipts rather than as an error.
_NONE = ("(SELECT NULL::VARCHAR AS ref, NULL::INTEGER AS line_no, NULL::VARCHAR AS sku, "
         "NULL::BIGINT AS qty, NULL::DATE AS due_date, NULL::BIGINT AS received_qty "
         "WHERE false)")


def _source(cur: duckdb.DuckDBPyConnection) -> str:
    return "expected_receipts" if table_exists(cur, "expected_receipts") else _NONE


def open_receipts_sql(cur: duckdb.DuckDBPyConnection) -> str:
    """Every expected receipt line with its open quantity, in no set order."""
    return f"""SELECT ref, line_no, sku, qty, due_date, received_qty,
                      greatest(qty - received_qty, 0)::BIGINT AS open_qty
               FROM {_source(cur)}"""


def expected_receipts_query(cur: duckdb.DuckDBPyConnection) -> tuple[str, list]:
    """Every line, due date first; the open quantity never goes below 0 (an over-receipt
    leaves nothing more to come)."""
    return f"SELECT * FROM ({open_receipts_sql(cur)}) ORDER BY due_date, ref, line_no", []


def expected_receipts(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    sql, params = expected_receipts_query(cur)
    return fetch_frame(cur, sql, params)


def book_receipt(cur: duckdb.DuckDBPyConnection, ref: str, sku: str, qty: int
                 ) -> tuple[int, int]:
    """Books `qty` of `sku` received under `ref` against its earliest open line of that SKU
    (the last line, when all are received in full). Returns (line_no, units over the line's
    open quantity): over-receipt is allowed, and reported."""
    line = cur.execute("""
        SELECT line_no, greatest(qty - received_qty, 0) AS open_qty
        FROM expected_receipts WHERE ref = ? AND sku = ?
        ORDER BY open_qty = 0, CASE WHEN open_qty > 0 THEN due_date END,
                 CASE WHEN open_qty > 0 THEN line_no ELSE -line_no END
        LIMIT 1""", [ref, sku]).fetchall()
    if not line:
        known = cur.execute("SELECT count(*) FROM expected_receipts WHERE ref = ?",
                            [ref]).fetchall()[0][0]
        raise ValidationError(
            f"Expected receipt {ref} has no line for SKU {sku}" if known
            else f"There is no expected receipt {ref}", column="ref", value=ref)
    line_no, open_qty = line[0]
    cur.execute("""UPDATE expected_receipts SET received_qty = received_qty + ?
                   WHERE ref = ? AND line_no = ? AND sku = ?""", [qty, ref, line_no, sku])
    return int(line_no), max(qty - int(open_qty), 0)
