"""Expected receipts read back: inbound supply with what is still to come, soonest first,
so an analyst sees what will turn up and when (design section 6)."""

from __future__ import annotations

import duckdb
import pandas as pd

from .frames import fetch_frame

COLUMNS = ["ref", "line_no", "sku", "qty", "due_date", "received_qty", "open_qty"]
# A file made before expected receipts existed, opened for viewing only, has no table:
# it reads as no expected receipts rather than as an error.
_NONE = ("(SELECT NULL::VARCHAR AS ref, NULL::INTEGER AS line_no, NULL::VARCHAR AS sku, "
         "NULL::BIGINT AS qty, NULL::DATE AS due_date, NULL::BIGINT AS received_qty "
         "WHERE false)")


def _source(cur: duckdb.DuckDBPyConnection) -> str:
    present = cur.execute("""SELECT count(*) FROM duckdb_tables()
                             WHERE table_name = 'expected_receipts'
                               AND schema_name = 'main' AND NOT temporary""").fetchall()[0][0]
    return "expected_receipts" if present else _NONE


def expected_receipts_query(cur: duckdb.DuckDBPyConnection) -> tuple[str, list]:
    """Every line, due date first; the open quantity never goes below 0 (an over-receipt
    leaves nothing more to come)."""
    return f"""
        SELECT ref, line_no, sku, qty, due_date, received_qty,
               greatest(qty - received_qty, 0)::BIGINT AS open_qty
        FROM {_source(cur)}
        ORDER BY due_date, ref, line_no""", []


def expected_receipts(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    sql, params = expected_receipts_query(cur)
    return fetch_frame(cur, sql, params)
