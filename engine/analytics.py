"""Backorder measures for charts (DOMAIN.md): volume, aging, top SKUs, fill rate per run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from .where import SKU_PREFIX, Where, contains

AGE_BUCKETS = ["0–2 days", "3–7 days", "8–14 days", "15–30 days", "over 30 days"]


@dataclass
class BackorderFilter:
    """Filters shared by every chart on the analytics page; empty means 'any'."""
    date_from: date | None = None
    date_to: date | None = None
    sku: str | None = None
    priorities: list[int] | None = None
    customer: str | None = None


def _where(f: BackorderFilter, alias: str = "o") -> tuple[str, list]:
    """Backorders (suffix > 0) matching the filter; dates are creation dates."""
    where = (
        Where(f"{alias}.suffix > 0")
        .when(f.date_from, f"CAST({alias}.created_at AS DATE) >= ?", f.date_from)
        .when(f.date_to, f"CAST({alias}.created_at AS DATE) <= ?", f.date_to)
        .when(f.sku, f"{alias}.order_no IN (SELECT order_no FROM order_lines "
                     f"WHERE {SKU_PREFIX})", (f.sku or "").strip())
        .when(f.priorities, f"{alias}.priority IN (SELECT unnest(?::INTEGER[]))",
              [int(p) for p in f.priorities or []])
        .when(f.customer, contains(f"{alias}.customer"), (f.customer or "").strip())
    )
    return where.sql, where.params


def volume_over_time(cur: duckdb.DuckDBPyConnection, f: BackorderFilter) -> pd.DataFrame:
    """Per day: backorders created and released (orders and units), long form."""
    where, params = _where(f)
    return cur.execute(f"""
        WITH bo AS (
            SELECT o.order_no, o.created_at, o.released_at, sum(l.ordered_qty) AS units
            FROM orders o JOIN order_lines l USING (order_no)
            WHERE {where} GROUP BY ALL)
        SELECT CAST(created_at AS DATE) AS day, 'created' AS event,
               count(*) AS orders, sum(units)::BIGINT AS units
        FROM bo GROUP BY 1
        UNION ALL
        SELECT CAST(released_at AS DATE), 'released', count(*), sum(units)::BIGINT
        FROM bo WHERE released_at IS NOT NULL GROUP BY 1
        ORDER BY day, event""", params).df()


def aging(cur: duckdb.DuckDBPyConnection, f: BackorderFilter, now: datetime) -> pd.DataFrame:
    """Open backorder orders and units per age bucket; every bucket is present."""
    where, params = _where(f)
    buckets = ", ".join(f"('{b}', {i})" for i, b in enumerate(AGE_BUCKETS))
    return cur.execute(f"""
        WITH open_bo AS (
            SELECT o.order_no, date_diff('day', o.created_at, ?::TIMESTAMP) AS age_days,
                   sum(l.ordered_qty) AS units
            FROM orders o JOIN order_lines l USING (order_no)
            WHERE o.status = 'Back Order' AND {where} GROUP BY o.order_no, o.created_at),
        bucketed AS (
            SELECT CASE WHEN age_days <= 2 THEN 0 WHEN age_days <= 7 THEN 1
                        WHEN age_days <= 14 THEN 2 WHEN age_days <= 30 THEN 3 ELSE 4 END AS i,
                   units FROM open_bo),
        names(bucket, i) AS (VALUES {buckets})
        SELECT n.bucket, count(b.units) AS orders, coalesce(sum(b.units), 0)::BIGINT AS units
        FROM names n LEFT JOIN bucketed b USING (i)
        GROUP BY n.bucket, n.i ORDER BY n.i""", [now, *params]).df()


def top_skus(cur: duckdb.DuckDBPyConnection, f: BackorderFilter, limit: int = 10
             ) -> pd.DataFrame:
    """SKUs with the most units waiting on open backorders, with their stock beside them."""
    where, params = _where(f)
    sku = f.sku.strip() if f.sku else None
    return cur.execute(f"""
        WITH waiting AS (
            SELECT l.sku, sum(l.ordered_qty)::BIGINT AS units_waiting,
                   count(DISTINCT o.order_no) AS backorders
            FROM orders o JOIN order_lines l USING (order_no)
            WHERE o.status = 'Back Order' AND {where}
              AND (?::VARCHAR IS NULL OR starts_with(lower(l.sku), lower(?)))
            GROUP BY l.sku ORDER BY units_waiting DESC, l.sku LIMIT ?),
        stock AS (
            SELECT sku,
                   coalesce(sum(qty) FILTER (WHERE status = 'Available'), 0) AS available,
                   coalesce(sum(qty) FILTER (WHERE status = 'Frozen'), 0) AS frozen,
                   coalesce(sum(qty) FILTER (WHERE status = 'Damaged'), 0) AS damaged
            FROM inventory_ledger WHERE sku IN (SELECT sku FROM waiting) GROUP BY sku)
        SELECT w.sku, i.description, w.units_waiting, w.backorders,
               coalesce(s.available, 0)::BIGINT AS available,
               greatest(coalesce(s.available, 0) - coalesce(r.reserved, 0), 0)::BIGINT AS free,
               coalesce(s.frozen, 0)::BIGINT AS frozen, coalesce(s.damaged, 0)::BIGINT AS damaged
        FROM waiting w LEFT JOIN items i USING (sku) LEFT JOIN stock s USING (sku)
        LEFT JOIN reserved r USING (sku)
        ORDER BY w.units_waiting DESC, w.sku""", [*params, sku, sku, int(limit)]).df()


def fill_rate_by_run(cur: duckdb.DuckDBPyConnection, f: BackorderFilter) -> pd.DataFrame:
    """First-time fill rates per run (line, unit, order) and the backorder rate, over the
    run's lines that match the filter (dates are run dates)."""
    where = (
        Where()
        .when(f.date_from, 'CAST(r."at" AS DATE) >= ?', f.date_from)
        .when(f.date_to, 'CAST(r."at" AS DATE) <= ?', f.date_to)
        .when(f.sku, "starts_with(lower(l.sku), lower(?))", (f.sku or "").strip())
        .when(f.priorities, "o.priority IN (SELECT unnest(?::INTEGER[]))",
              [int(p) for p in f.priorities or []])
        .when(f.customer, contains("o.customer"), (f.customer or "").strip())
    )
    # The orders table only when a filter reads it: joining millions of lines to their
    # orders by number costs more than the rest of the query.
    orders = "JOIN orders o USING (order_no)" if f.priorities or f.customer else ""
    return cur.execute(f"""
        WITH lines AS (
            SELECT x.*, l.order_no, r."at"
            FROM run_line_results x JOIN runs r USING (run_id)
            JOIN order_lines l USING (line_id) {orders}
            WHERE {where.sql}),
        per_order AS (
            SELECT run_id, order_no, bool_and(allocated = requested) AS complete,
                   sum(backordered) > 0 AS backordered
            FROM lines GROUP BY run_id, order_no),
        per_run AS (
            SELECT run_id, any_value("at") AS "at", count(*) AS lines_requested,
                   count(*) FILTER (WHERE allocated = requested) AS lines_filled,
                   sum(requested) AS units_requested, sum(allocated) AS units_allocated
            FROM lines GROUP BY run_id),
        orders_per_run AS (
            SELECT run_id, count(*) AS orders_run,
                   count(*) FILTER (WHERE complete) AS orders_complete,
                   count(*) FILTER (WHERE backordered) AS orders_backordered
            FROM per_order GROUP BY run_id)
        SELECT run_id, "at", lines_requested, units_requested::BIGINT AS units_requested,
               orders_run,
               lines_filled / lines_requested AS line_fill_rate,
               units_allocated / nullif(units_requested, 0) AS unit_fill_rate,
               orders_complete / orders_run AS order_fill_rate,
               orders_backordered / orders_run AS backorder_rate
        FROM per_run JOIN orders_per_run USING (run_id) ORDER BY run_id""", where.params).df()
