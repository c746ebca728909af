"""Audit rows are written in bulk from a SELECT, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

import duckdb

from . import ids

AUDIT_COLUMNS = "action, order_no, sku, qty, run_id, receipt_id, detail"


def record(cur: duckdb.DuckDBPyConnection, at: datetime, user: str | None, select_sql: str,
           params: list | None = None) -> None:
    """`select_sql` yields the columns of AUDIT_COLUMNS, in that order."""
    ids.insert_numbered(cur, "audit", "audit_entries", f"""
        SELECT ?::TIMESTAMP AS "at", ?::VARCHAR AS "user", {AUDIT_COLUMNS}
        FROM ({select_sql}) AS changes({AUDIT_COLUMNS})""", [at, user, *(params or [])])


def record_one(cur: duckdb.DuckDBPyConnection, at: datetime, user: str | None, action: str, *,
               order_no: str | None = None, sku: str | None = None, qty: int | None = None,
               run_id: int | None = None, receipt_id: int | None = None,
               detail: str | None = None) -> None:
    record(cur, at, user,
           "SELECT ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, ?::BIGINT, ?::BIGINT, ?::BIGINT, ?::VARCHAR",
           [action, order_no, sku, qty, run_id, receipt_id, detail])
