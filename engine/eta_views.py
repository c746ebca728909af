"""Read models over the ETAs: what each expected receipt will release, and the outlook of
releases per day. Both read `backorder_eta`, registered on the cursor as `eta_all`."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from .expected import open_receipts_sql
from .frames import fetch_frame
from .orderno import rank_sql

OUTLOOK_COLUMNS = ["day", "orders", "units", "covered_by"]


def receipt_plan(cur: duckdb.DuckDBPyConnection, today: date) -> pd.DataFrame:
    """Every open expected receipt line, soonest first, with the backorders it will release
    (how many, their units, the first few), and whether it is overdue."""
    return fetch_frame(cur, f"""
        WITH releases AS (
            SELECT released_by_ref AS ref, released_by_line AS line_no,
                   count(*) AS backorders, sum(units)::BIGINT AS backorder_units,
                   list(order_no ORDER BY eta, order_no)[1:5] AS first_backorders
            FROM eta_all WHERE released_by_ref IS NOT NULL GROUP BY ALL)
        SELECT r.ref, r.line_no, r.sku, r.qty, r.due_date, r.received_qty, r.open_qty,
               r.due_date < ?::DATE AS overdue,
               coalesce(x.backorders, 0) AS backorders,
               coalesce(x.backorder_units, 0) AS backorder_units,
               array_to_string(x.first_backorders, ', ') AS first_backorders
        FROM ({open_receipts_sql(cur)}) r LEFT JOIN releases x USING (ref, line_no)
        WHERE r.open_qty > 0
        ORDER BY r.due_date, r.ref, r.line_no""", [today])


def receipt_releases(cur: duckdb.DuckDBPyConnection, ref: str) -> pd.DataFrame:
    """The backorders receipt `ref` will release, in rank order."""
    return fetch_frame(cur, f"""
        SELECT e.order_no, e.released_by_line AS line_no, e.eta, o.priority, o.customer,
               e.units, e.ship_by, e.late_by_days, e.days_waiting
        FROM eta_all e JOIN orders o USING (order_no)
        WHERE e.released_by_ref = ?
        ORDER BY {rank_sql("o")}""", [ref])


def outlook(cur: duckdb.DuckDBPyConnection, today: date, days: int) -> pd.DataFrame:
    """Per day from today over `days` days: backorders and units expected to release,
    split by what covers them (free stock or expected receipts); then one row with a null
    day for the backlog no known supply covers."""
    return fetch_frame(cur, """
        WITH days AS (SELECT unnest(range(?::DATE, ?::DATE + ?::INTEGER,
                                          INTERVAL 1 DAY))::DATE AS day),
        kinds AS (SELECT unnest(['free stock', 'expected receipts']) AS covered_by),
        ahead AS (
            SELECT eta AS day,
                   CASE WHEN covered_by = 'free stock' THEN 'free stock'
                        ELSE 'expected receipts' END AS covered_by,
                   count(*) AS orders, sum(units)::BIGINT AS units
            FROM eta_all WHERE eta IS NOT NULL GROUP BY ALL)
        SELECT d.day, coalesce(a.orders, 0) AS orders, coalesce(a.units, 0) AS units,
               k.covered_by
        FROM days d CROSS JOIN kinds k LEFT JOIN ahead a USING (day, covered_by)
        UNION ALL
        SELECT NULL, count(*), coalesce(sum(units), 0)::BIGINT, 'no supply'
        FROM eta_all WHERE eta IS NULL
        ORDER BY day NULLS LAST, covered_by""", [today, today, int(days)])
