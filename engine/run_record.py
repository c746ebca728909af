"""What a fulfillment run writes: line results, order outcomes, backorders, and its log.

A run writes each fact once. The per-line "backordered" and "shorted" alerts and the
per-order audit rows are read from the run's own immutable results (the new backorders,
`run_line_results`, `run_order_results`) by the `alerts` and `audit` views; only the
few facts that live nowhere else (orders not found, ship-complete orders left On Order)
are stored as rows of their own.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from . import audit, ids, reservations
from .orderno import backorder_no_sql
from .schema import (
    SHIP_CODE_BACKORDER,
    SHIP_CODE_FULLY_BACKORDERED,
    SHIP_CODE_FULLY_SHORTED,
)


def settle(cur: duckdb.DuckDBPyConnection, grouping: str) -> None:
    """Order outcomes and the backorders to create, as temp tables."""
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_outcome AS
        WITH totals AS (
            SELECT order_rank, sum(allocated_qty + alloc)::BIGINT AS allocated_after,
                   sum(alloc)::BIGINT AS allocated_now,
                   sum(backordered)::BIGINT AS backordered, sum(shorted)::BIGINT AS shorted
            FROM run_alloc GROUP BY order_rank),
        outcome AS (
            SELECT r.order_no, r.order_id, r.order_rank, r.ship_code,
                   coalesce(t.allocated_after, 0) AS allocated_after,
                   coalesce(t.allocated_now, 0) AS allocated_now,
                   coalesce(t.backordered, 0) AS backordered, coalesce(t.shorted, 0) AS shorted
            FROM run_ranked r LEFT JOIN totals t USING (order_rank)
            ANTI JOIN sc_failed x ON x.order_rank = r.order_rank)
        SELECT *,
               CASE WHEN allocated_after > 0 THEN 'Processed' ELSE 'Cancelled' END AS new_status,
               CASE WHEN allocated_after > 0 THEN ship_code
                    WHEN backordered > 0 THEN '{SHIP_CODE_FULLY_BACKORDERED}'
                    ELSE '{SHIP_CODE_FULLY_SHORTED}' END AS new_ship_code
        FROM outcome ORDER BY order_id  -- updates in table order are far faster""")
    if grouping == "per_line":
        seq_sql = "row_number() OVER (PARTITION BY o.root_no ORDER BY r.order_rank, r.line_no)"
        line_sql = "1"
    else:
        seq_sql = "dense_rank() OVER (PARTITION BY o.root_no ORDER BY r.order_rank)"
        line_sql = "row_number() OVER (PARTITION BY r.order_rank ORDER BY r.line_no)"
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_backorders AS
        WITH short_lines AS MATERIALIZED (
            SELECT o.order_no AS parent_order_no, r.line_no AS parent_line_no, s.sku,
                   s.unit_price, r.backordered AS qty, o.root_no, o.order_date, o.priority,
                   o.customer, o.ship_by,
                   o.ship_complete, r.order_rank,
                   {seq_sql} AS seq_in_run, {line_sql} AS new_line_no
            FROM run_alloc r JOIN run_ranked o USING (order_rank) JOIN run_skus s USING (sku_id)
            WHERE r.backordered > 0),
        highest AS (
            SELECT root_no, max(suffix) AS max_suffix FROM orders
            WHERE suffix > 0 AND root_no IN (SELECT root_no FROM short_lines)
            GROUP BY root_no)
        SELECT s.*, coalesce(h.max_suffix, 0) + s.seq_in_run AS suffix,
               {backorder_no_sql('s.root_no', 'coalesce(h.max_suffix, 0) + s.seq_in_run')}
                   AS new_order_no
        FROM short_lines s LEFT JOIN highest h USING (root_no)""")


# The measures of a run, from its temp tables: what `runs` keeps of it after the run's
# id, time, user and grouping, and what a simulation reports.
SUMMARY_SQL = """
    WITH requested AS (
        SELECT count(*) AS lines, coalesce(sum(need), 0) AS units
        FROM run_lines WHERE need > 0),
    served AS (
        SELECT count(*) FILTER (WHERE alloc = need) AS lines_filled,
               coalesce(sum(alloc), 0) AS units, coalesce(sum(backordered), 0) AS backordered,
               coalesce(sum(shorted), 0) AS shorted
        FROM run_alloc WHERE need > 0),
    outcome AS (
        SELECT count(*) FILTER (WHERE new_status = 'Processed') AS processed,
               count(*) FILTER (WHERE new_status = 'Cancelled') AS cancelled,
               count(*) FILTER (WHERE new_status = 'Processed' AND backordered = 0
                                AND shorted = 0) AS complete,
               count(*) FILTER (WHERE backordered > 0) AS backordered
        FROM run_outcome)
    SELECT (SELECT count(*) FROM run_orders) AS orders_requested,
           outcome.processed AS orders_processed, outcome.cancelled AS orders_cancelled,
           (SELECT count(*) FROM sc_failed) AS orders_remaining,
           outcome.complete AS orders_filled_complete,
           outcome.backordered AS orders_backordered,
           requested.lines AS lines_requested, served.lines_filled AS lines_filled,
           requested.units AS units_requested, served.units AS units_allocated,
           served.backordered AS units_backordered, served.shorted AS units_shorted,
           (SELECT count(*) FROM (SELECT DISTINCT order_rank, suffix FROM run_backorders))
               AS backorders_created
    FROM requested, served, outcome"""


# The alerts a run stores as rows of their own (`alert_entries` without the run id).
STORED_ALERTS_SQL = """
    SELECT order_no, NULL::VARCHAR AS sku, 'error' AS severity, 'not_found' AS kind,
           NULL::BIGINT AS qty, NULL::VARCHAR AS new_order_no,
           'Order ' || order_no || ' was not found' AS message
    FROM run_orders WHERE status IS NULL
    UNION ALL
    SELECT order_no, NULL, 'error', 'not_on_order', NULL, NULL,
           'Order ' || order_no || ' is ' || status || ', not On Order: left as it is'
    FROM run_orders WHERE status <> 'On Order'
    UNION ALL
    SELECT o.order_no, NULL, 'warning', 'ship_complete_not_met', sum(l.need), NULL,
           'Order ' || o.order_no || ' is ship complete and cannot be filled whole: '
           || 'it remains On Order'
    FROM sc_failed x JOIN run_ranked o USING (order_rank)
    JOIN run_lines l USING (order_rank) GROUP BY o.order_no"""
# The alerts the `alerts` view derives from a run's results, from its temp tables: what a
# simulation shows without writing them.
DERIVED_ALERTS_SQL = """
    SELECT parent_order_no, sku, 'info', 'backordered', qty, new_order_no, NULL
    FROM run_backorders
    UNION ALL
    SELECT o.order_no, s.sku, 'warning', 'shorted', r.shorted, NULL, NULL
    FROM run_alloc r JOIN run_ranked o USING (order_rank) JOIN run_skus s USING (sku_id)
    WHERE r.shorted > 0"""


def write(cur: duckdb.DuckDBPyConnection, run_id: int, at: datetime, user: str | None,
          grouping: str, policy: str = "rank") -> None:
    _write_lines_and_orders(cur, run_id, at, grouping)
    _write_log(cur, run_id, at, user, grouping, policy)


def _write_lines_and_orders(cur: duckdb.DuckDBPyConnection, run_id: int, at: datetime,
                            grouping: str) -> None:
    # One column at a time, only where it changes: DuckDB updates a column per row it
    # touches, and most lines change only one of the three.
    for column, change in (("allocated_qty", "alloc"), ("shorted_qty", "shorted"),
                           ("backorder_qty", "backordered")):
        cur.execute(f"""
            UPDATE order_lines AS l SET {column} = l.{column} + r.{change}
            FROM run_alloc r WHERE l.line_id = r.line_id AND r.{change} <> 0""")
    reservations.add(cur, """
        SELECT s.sku, r.alloc FROM run_alloc r JOIN run_skus s USING (sku_id)
        WHERE r.alloc > 0""")
    cur.execute("""
        UPDATE orders AS o SET status = x.new_status, ship_code = x.new_ship_code
        FROM run_outcome x WHERE o.order_id = x.order_id""")
    if grouping == "per_line":  # each backordered line is an order of its own
        one, totals, grouped = "", "1, qty, qty * unit_price", ""
    else:
        one, totals = "any_value", "count(*), sum(qty), sum(qty * unit_price)"
        grouped = "GROUP BY order_rank, suffix"
    written = cur.execute(f"""
        INSERT INTO orders
        SELECT {one}(new_order_no), {one}(root_no), suffix, {one}(parent_order_no),
               {one}(order_date), {one}(priority), 'Back Order',
               '{SHIP_CODE_BACKORDER}', {one}(ship_complete), {one}(customer),
               ?::TIMESTAMP, NULL, ?, {totals}, {one}(ship_by),
               ?::BIGINT + row_number() OVER (ORDER BY {one}(new_order_no)) - 1
        FROM run_backorders {grouped}""", [at, run_id, ids.next_id(cur, "order")]
        ).fetchall()[0][0]
    ids.used(cur, "order", written)
    written = cur.execute("""
        INSERT INTO order_lines
        SELECT new_order_no, new_line_no, sku, qty, 0, 0, 0,
               ?::BIGINT + row_number() OVER (ORDER BY new_order_no, new_line_no) - 1
        FROM run_backorders""", [ids.next_id(cur, "line")]).fetchall()[0][0]
    ids.used(cur, "line", written)


def _write_log(cur: duckdb.DuckDBPyConnection, run_id: int, at: datetime, user: str | None,
               grouping: str, policy: str) -> None:
    cur.execute(f"INSERT INTO alert_entries SELECT ?, * FROM ({STORED_ALERTS_SQL})", [run_id])
    audit.record(cur, at, user, """
        SELECT 'ship_complete_not_met', o.order_no, NULL, 0, ?::BIGINT, NULL,
               'remains On Order'
        FROM sc_failed x JOIN run_ranked o USING (order_rank)""", [run_id])
    # The per-order audit rows of this run sort after the rows above, as one block.
    cur.execute("INSERT INTO run_log_ids VALUES (?, ?)", [run_id, ids.take(cur, "audit")])
    cur.execute("""
        INSERT INTO run_order_results
        SELECT ?, order_id, allocated_now, new_status, new_ship_code
        FROM run_outcome""", [run_id])
    cur.execute("""
        INSERT INTO run_line_results
        SELECT ?, line_id, need, alloc, backordered, shorted FROM run_alloc WHERE need > 0
        UNION ALL
        SELECT ?, line_id, need, 0, 0, 0 FROM run_lines
        WHERE need > 0 AND order_rank IN (SELECT order_rank FROM sc_failed)""",
                [run_id, run_id])
    cur.execute(f"""
        INSERT INTO runs
        SELECT ?, ?::TIMESTAMP, ?, ?, s.*, ? FROM ({SUMMARY_SQL}) s""",
                [run_id, at, user, grouping, policy])
