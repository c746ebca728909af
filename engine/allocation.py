"""Fulfillment runs: set-based allocation over the ranked lines of a group of orders.

Lines take `min(need, free)` through a running sum per SKU over the rank of service.
Ship-complete orders that cannot be filled whole are taken out and the sum is recomputed;
each pass removes only failures that no earlier failure could have caused, so the result
equals the sequential rule while staying one window query per pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import audit
from .db import Database
from .errors import ValidationError
from .frames import load_order_nos
from .orderno import backorder_no_sql
from .schema import (
    SHIP_CODE_BACKORDER,
    SHIP_CODE_FULLY_BACKORDERED,
    SHIP_CODE_FULLY_SHORTED,
    free_stock_sql,
)

BACKORDER_GROUPINGS = ("per_line", "per_order")
Progress = Callable[[float, str], None]


@dataclass
class RunResult:
    run_id: int
    alerts: pd.DataFrame
    summary: dict[str, int] = field(default_factory=dict)


def _stage_lines(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_orders AS
        SELECT r.order_no, r.request_pos, o.status
        FROM run_request r LEFT JOIN orders o USING (order_no)""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_lines AS
        SELECT l.order_no, l.line_no, l.rowid AS line_rowid, l.sku, o.ship_complete,
               coalesce(i.backorder, false) AS backorder_allowed,
               (l.ordered_qty - l.allocated_qty - l.shorted_qty - l.backorder_qty) AS need,
               dense_rank() OVER (ORDER BY o.priority, o.order_date, o.root_no, o.suffix)
                   AS order_rank
        FROM orders o
        JOIN run_orders r USING (order_no)
        JOIN order_lines l USING (order_no)
        LEFT JOIN items i USING (sku)
        WHERE o.status = 'On Order'""")
    cur.execute("CREATE OR REPLACE TEMP TABLE run_skus AS SELECT DISTINCT sku FROM run_lines")
    cur.execute(f"CREATE OR REPLACE TEMP TABLE run_free AS {free_stock_sql('run_skus')}")
    cur.execute("CREATE OR REPLACE TEMP TABLE sc_failed (order_no VARCHAR)")


def _allocate(cur: duckdb.DuckDBPyConnection) -> None:
    """Running sum per SKU; ship-complete failures are removed pass by pass.

    A failing ship-complete order is certain to fail when it would not fit even if every
    other failing one gave its stock back, or when no earlier failure shares a SKU with it.
    Only certain failures are removed, so the result equals the sequential rule.
    """
    while True:
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE run_alloc AS
            SELECT l.*, coalesce(f.free, 0) AS free,
                   least(l.need, greatest(0, coalesce(f.free, 0)
                         - (sum(l.need) OVER w - l.need)))::BIGINT AS alloc
            FROM run_lines l
            LEFT JOIN run_free f USING (sku)
            ANTI JOIN sc_failed x ON x.order_no = l.order_no
            WINDOW w AS (PARTITION BY l.sku ORDER BY l.order_rank, l.line_no
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)""")
        added = cur.execute("""
            INSERT INTO sc_failed
            WITH failing AS (
                SELECT order_no FROM run_alloc WHERE ship_complete
                GROUP BY order_no HAVING sum(alloc) < sum(need)),
            marked AS (
                SELECT a.*, a.order_no IN (SELECT order_no FROM failing) AS failing
                FROM run_alloc a),
            optimistic AS (
                SELECT order_no, sku, need, free, failing, order_rank,
                       sum(CASE WHEN failing THEN 0 ELSE need END) OVER (
                           PARTITION BY sku ORDER BY order_rank, line_no
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS others_before
                FROM marked),
            per_sku AS (
                SELECT order_no, sku, any_value(order_rank) AS order_rank,
                       sum(need) > any_value(free) - min(others_before) AS short_anyway
                FROM optimistic WHERE failing AND need > 0 GROUP BY order_no, sku),
            first_failure_on_sku AS (
                SELECT sku, min(order_rank) AS first_rank FROM per_sku GROUP BY sku)
            SELECT order_no FROM per_sku JOIN first_failure_on_sku USING (sku)
            GROUP BY order_no
            HAVING bool_or(short_anyway) OR bool_and(order_rank = first_rank)
            """).fetchall()[0][0]
        if not added:
            return


def _settle(cur: duckdb.DuckDBPyConnection, grouping: str) -> None:
    """Line results, order outcomes and the backorders to create, as temp tables."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_result AS
        SELECT order_no, line_no, sku, order_rank, need, alloc,
               CASE WHEN backorder_allowed THEN need - alloc ELSE 0 END AS backordered,
               CASE WHEN backorder_allowed THEN 0 ELSE need - alloc END AS shorted
        FROM run_alloc
        ORDER BY line_rowid  -- bulk updates in table order are far faster""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_outcome AS
        WITH totals AS (
            SELECT o.order_no, o.ship_code, any_value(o.rowid) AS order_rowid,
                   (coalesce(sum(l.allocated_qty), 0) + coalesce(sum(r.alloc), 0))::BIGINT
                       AS allocated_after,
                   coalesce(sum(r.alloc), 0)::BIGINT AS allocated_now,
                   coalesce(sum(r.backordered), 0)::BIGINT AS backordered,
                   coalesce(sum(r.shorted), 0)::BIGINT AS shorted
            FROM orders o
            JOIN run_orders q USING (order_no)
            LEFT JOIN order_lines l USING (order_no)
            LEFT JOIN run_result r ON r.order_no = l.order_no AND r.line_no = l.line_no
            WHERE o.status = 'On Order'
              AND o.order_no NOT IN (SELECT order_no FROM sc_failed)
            GROUP BY o.order_no, o.ship_code)
        SELECT *,
               CASE WHEN allocated_after > 0 THEN 'Processed' ELSE 'Cancelled' END AS new_status,
               CASE WHEN allocated_after > 0 THEN ship_code
                    WHEN backordered > 0 THEN '{SHIP_CODE_FULLY_BACKORDERED}'
                    ELSE '{SHIP_CODE_FULLY_SHORTED}' END AS new_ship_code
        FROM totals ORDER BY order_rowid""")
    if grouping == "per_line":
        seq_sql = "row_number() OVER (PARTITION BY o.root_no ORDER BY r.order_rank, r.line_no)"
        line_sql = "1"
    else:
        seq_sql = "dense_rank() OVER (PARTITION BY o.root_no ORDER BY r.order_rank)"
        line_sql = "row_number() OVER (PARTITION BY r.order_no ORDER BY r.line_no)"
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_backorders AS
        WITH short_lines AS (
            SELECT r.order_no AS parent_order_no, r.line_no AS parent_line_no, r.sku,
                   r.backordered AS qty, o.root_no, o.order_date, o.priority, o.customer,
                   o.ship_complete, r.order_rank,
                   {seq_sql} AS seq_in_run, {line_sql} AS new_line_no
            FROM run_result r JOIN orders o USING (order_no)
            WHERE r.backordered > 0),
        highest AS (
            SELECT root_no, max(suffix) AS max_suffix FROM orders
            WHERE root_no IN (SELECT root_no FROM short_lines) GROUP BY root_no)
        SELECT s.*, coalesce(h.max_suffix, 0) + s.seq_in_run AS suffix,
               {backorder_no_sql('s.root_no', 'coalesce(h.max_suffix, 0) + s.seq_in_run')}
                   AS new_order_no
        FROM short_lines s LEFT JOIN highest h USING (root_no)""")


def _write(cur: duckdb.DuckDBPyConnection, run_id: int, at, user: str | None,
           grouping: str) -> None:
    cur.execute("""
        UPDATE order_lines AS l
        SET allocated_qty = l.allocated_qty + r.alloc,
            shorted_qty = l.shorted_qty + r.shorted,
            backorder_qty = l.backorder_qty + r.backordered
        FROM run_result r
        WHERE l.order_no = r.order_no AND l.line_no = r.line_no AND r.need > 0""")
    cur.execute("""
        UPDATE orders AS o SET status = x.new_status, ship_code = x.new_ship_code
        FROM run_outcome x WHERE o.order_no = x.order_no""")
    cur.execute(f"""
        INSERT INTO orders
        SELECT new_order_no, any_value(root_no), any_value(suffix), any_value(parent_order_no),
               any_value(order_date), any_value(priority), 'Back Order',
               '{SHIP_CODE_BACKORDER}', any_value(ship_complete), any_value(customer),
               ?::TIMESTAMP, NULL, ?
        FROM run_backorders GROUP BY new_order_no""", [at, run_id])
    cur.execute("""
        INSERT INTO order_lines
        SELECT new_order_no, new_line_no, sku, qty, 0, 0, 0 FROM run_backorders""")
    cur.execute("""
        INSERT INTO alerts
        SELECT ?, order_no, NULL, 'error', 'not_found', NULL, NULL,
               'Order ' || order_no || ' was not found'
        FROM run_orders WHERE status IS NULL
        UNION ALL
        SELECT ?, order_no, NULL, 'error', 'not_on_order', NULL, NULL,
               'Order ' || order_no || ' is ' || status || ', not On Order: left as it is'
        FROM run_orders WHERE status <> 'On Order'
        UNION ALL
        SELECT ?, x.order_no, NULL, 'warning', 'ship_complete_not_met', sum(l.need), NULL,
               'Order ' || x.order_no || ' is ship complete and cannot be filled whole: '
               || 'it remains On Order'
        FROM sc_failed x JOIN run_lines l USING (order_no) GROUP BY x.order_no
        UNION ALL
        SELECT ?, parent_order_no, sku, 'info', 'backordered', qty, new_order_no,
               'SKU ' || sku || ': ' || qty || ' back-ordered on ' || new_order_no
        FROM run_backorders
        UNION ALL
        SELECT ?, order_no, sku, 'warning', 'shorted', shorted, NULL,
               'SKU ' || sku || ': ' || shorted || ' shorted (item does not allow backorder)'
        FROM run_result WHERE shorted > 0""", [run_id] * 5)
    audit.record(cur, at, user, """
        SELECT 'fulfilled', order_no, NULL, allocated_now, ?::BIGINT, NULL,
               new_status || coalesce(' (' || new_ship_code || ')', '')
        FROM run_outcome
        UNION ALL
        SELECT 'ship_complete_not_met', order_no, NULL, 0, ?::BIGINT, NULL, 'remains On Order'
        FROM sc_failed
        UNION ALL
        SELECT 'backorder_created', new_order_no, NULL, sum(qty), ?::BIGINT, NULL,
               'from ' || any_value(parent_order_no)
        FROM run_backorders GROUP BY new_order_no""", [run_id] * 3)
    cur.execute("""
        INSERT INTO runs
        WITH lines AS (
            SELECT l.need, coalesce(r.alloc, 0) AS alloc,
                   coalesce(r.backordered, 0) AS backordered, coalesce(r.shorted, 0) AS shorted
            FROM run_lines l
            LEFT JOIN run_result r ON r.order_no = l.order_no AND r.line_no = l.line_no
            WHERE l.need > 0)
        SELECT ?, ?::TIMESTAMP, ?, ?,
            (SELECT count(*) FROM run_orders),
            (SELECT count(*) FROM run_outcome WHERE new_status = 'Processed'),
            (SELECT count(*) FROM run_outcome WHERE new_status = 'Cancelled'),
            (SELECT count(*) FROM sc_failed),
            (SELECT count(*) FROM run_outcome
               WHERE new_status = 'Processed' AND backordered = 0 AND shorted = 0),
            (SELECT count(*) FROM run_outcome WHERE backordered > 0),
            (SELECT count(*) FROM lines),
            (SELECT count(*) FROM lines WHERE alloc = need),
            (SELECT coalesce(sum(need), 0) FROM lines),
            (SELECT coalesce(sum(alloc), 0) FROM lines),
            (SELECT coalesce(sum(backordered), 0) FROM lines),
            (SELECT coalesce(sum(shorted), 0) FROM lines),
            (SELECT count(DISTINCT new_order_no) FROM run_backorders)""",
                [run_id, at, user, grouping])


def run_fulfillment(db: Database, order_nos: Iterable[str] | str, user: str | None = None,
                    backorder_grouping: str = "per_line",
                    progress: Progress | None = None) -> RunResult:
    if backorder_grouping not in BACKORDER_GROUPINGS:
        raise ValidationError(
            f"backorder_grouping must be one of {', '.join(BACKORDER_GROUPINGS)}, "
            f"not {backorder_grouping!r}", column="backorder_grouping", value=backorder_grouping)
    report = progress or (lambda fraction, message: None)
    at = db.now()
    with db.write() as cur:
        run_id = cur.execute("SELECT nextval('run_seq')").fetchall()[0][0]
        report(0.05, "Reading the orders")
        load_order_nos(cur, "run_request", order_nos)
        _stage_lines(cur)
        report(0.25, "Allocating Available stock in rank order")
        _allocate(cur)
        report(0.55, "Settling lines, shorts and backorders")
        _settle(cur, backorder_grouping)
        report(0.75, "Writing results")
        _write(cur, run_id, at, user, backorder_grouping)
    report(1.0, "Done")
    with db.read() as cur:
        alerts = read_alerts(cur, run_id)
        summary = run_summary(cur, run_id)
    return RunResult(run_id=run_id, alerts=alerts, summary=summary)


ALERT_COLUMNS = "run_id, order_no, sku, severity, kind, qty, new_order_no, message"
SEVERITY_ORDER = "CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"


def read_alerts(cur: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    return cur.execute(f"""
        SELECT {ALERT_COLUMNS} FROM alerts WHERE run_id = ?
        ORDER BY {SEVERITY_ORDER},
                 TRY_CAST(split_part(order_no, '.', 1) AS BIGINT),
                 coalesce(TRY_CAST(nullif(split_part(order_no, '.', 2), '') AS INTEGER), 0),
                 new_order_no, sku""", [run_id]).df()


def run_summary(cur: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, int]:
    frame = cur.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
    if frame.empty:
        return {}
    return frame.iloc[0].to_dict()
