"""Fulfillment runs: set-based allocation over the ranked lines of a group of orders.

Lines take `min(need, free)` through a running sum per SKU over the rank of service.
Ship-complete orders that cannot be filled whole are taken out and the sum is recomputed;
each pass removes only failures that no earlier failure could have caused, so the result
equals the sequential rule while staying one window query per pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import audit, reservations
from .db import Database
from .errors import ValidationError
from .frames import load_order_nos, order_no_frame
from .orderno import ROOT_SQL, SUFFIX_SQL, backorder_no_sql, rank_sql
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
    """`alerts` is read when first asked for: a large run has millions of them, and a
    screen that pages them in DuckDB never needs the whole frame."""
    run_id: int
    summary: dict[str, int] = field(default_factory=dict)
    _read_alerts: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    _alerts: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def alerts(self) -> pd.DataFrame:
        if self._alerts is None and self._read_alerts is not None:
            self._alerts = self._read_alerts()
        return self._alerts if self._alerts is not None else pd.DataFrame()


def _stage_lines(cur: duckdb.DuckDBPyConnection) -> None:
    """Ranked orders and slim line rows keyed by integers (rank, rowid, SKU id): windows
    and joins over millions of lines are much cheaper on integers than on strings."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_orders AS
        SELECT r.order_no, r.request_pos, o.status
        FROM run_request r LEFT JOIN orders o USING (order_no)""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_ranked AS
        SELECT o.order_no, o.rowid AS order_rowid, o.ship_complete, o.ship_code, o.root_no,
               o.order_date, o.priority, o.customer,
               row_number() OVER (ORDER BY {rank_sql("o")}, o.order_no) AS order_rank
        FROM orders o SEMI JOIN run_request r ON r.order_no = o.order_no
        WHERE o.status = 'On Order'""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_items AS
        SELECT sku, rowid AS sku_id, backorder FROM items""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_lines AS
        SELECT r.order_rank, l.line_no, l.rowid AS line_rowid, i.sku_id, r.ship_complete,
               coalesce(i.backorder, false) AS backorder_allowed, l.allocated_qty,
               (l.ordered_qty - l.allocated_qty - l.shorted_qty - l.backorder_qty) AS need
        FROM order_lines l JOIN run_ranked r USING (order_no) JOIN run_items i USING (sku)""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_skus AS
        SELECT sku FROM run_items WHERE sku_id IN (SELECT DISTINCT sku_id FROM run_lines)""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_free AS
        SELECT i.sku_id, f.free
        FROM ({free_stock_sql('run_skus')}) f JOIN run_items i USING (sku)""")
    cur.execute("CREATE OR REPLACE TEMP TABLE sc_failed (order_rank BIGINT)")


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
            LEFT JOIN run_free f USING (sku_id)
            ANTI JOIN sc_failed x ON x.order_rank = l.order_rank
            WINDOW w AS (PARTITION BY l.sku_id ORDER BY l.order_rank, l.line_no
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)""")
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE sc_failing AS
            SELECT order_rank FROM run_alloc WHERE ship_complete
            GROUP BY order_rank HAVING sum(alloc) < sum(need)""")
        if not cur.execute("SELECT count(*) FROM sc_failing").fetchall()[0][0]:
            return
        added = cur.execute("""
            INSERT INTO sc_failed
            WITH marked AS (
                SELECT a.*, a.order_rank IN (SELECT order_rank FROM sc_failing) AS failing
                FROM run_alloc a
                WHERE a.sku_id IN (SELECT sku_id FROM run_alloc
                                   SEMI JOIN sc_failing USING (order_rank))),
            optimistic AS (
                SELECT order_rank, sku_id, need, free, failing,
                       sum(CASE WHEN failing THEN 0 ELSE need END) OVER (
                           PARTITION BY sku_id ORDER BY order_rank, line_no
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS others_before
                FROM marked),
            per_sku AS (
                SELECT order_rank, sku_id,
                       sum(need) > any_value(free) - min(others_before) AS short_anyway
                FROM optimistic WHERE failing AND need > 0 GROUP BY order_rank, sku_id),
            first_failure_on_sku AS (
                SELECT sku_id, min(order_rank) AS first_rank FROM per_sku GROUP BY sku_id)
            SELECT order_rank FROM per_sku JOIN first_failure_on_sku USING (sku_id)
            GROUP BY order_rank
            HAVING bool_or(short_anyway) OR bool_and(order_rank = first_rank)
            """).fetchall()[0][0]
        if not added:  # the earliest failure always qualifies; never loop without progress
            raise RuntimeError("ship-complete allocation made no progress")


def _settle(cur: duckdb.DuckDBPyConnection, grouping: str) -> None:
    """Line results, order outcomes and the backorders to create, as temp tables."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_result AS
        SELECT order_rank, line_no, line_rowid, sku_id, need, alloc, allocated_qty,
               CASE WHEN backorder_allowed THEN need - alloc ELSE 0 END AS backordered,
               CASE WHEN backorder_allowed THEN 0 ELSE need - alloc END AS shorted
        FROM run_alloc
        ORDER BY line_rowid  -- bulk updates in table order are far faster""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_outcome AS
        WITH totals AS (
            SELECT order_rank, sum(allocated_qty + alloc)::BIGINT AS allocated_after,
                   sum(alloc)::BIGINT AS allocated_now,
                   sum(backordered)::BIGINT AS backordered, sum(shorted)::BIGINT AS shorted
            FROM run_result GROUP BY order_rank),
        outcome AS (
            SELECT r.order_no, r.order_rowid, r.order_rank, r.ship_code,
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
        FROM outcome ORDER BY order_rowid""")
    if grouping == "per_line":
        seq_sql = "row_number() OVER (PARTITION BY o.root_no ORDER BY r.order_rank, r.line_no)"
        line_sql = "1"
    else:
        seq_sql = "dense_rank() OVER (PARTITION BY o.root_no ORDER BY r.order_rank)"
        line_sql = "row_number() OVER (PARTITION BY r.order_rank ORDER BY r.line_no)"
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_backorders AS
        WITH short_lines AS (
            SELECT o.order_no AS parent_order_no, r.line_no AS parent_line_no, i.sku,
                   r.backordered AS qty, o.root_no, o.order_date, o.priority, o.customer,
                   o.ship_complete, r.order_rank,
                   {seq_sql} AS seq_in_run, {line_sql} AS new_line_no
            FROM run_result r JOIN run_ranked o USING (order_rank) JOIN run_items i USING (sku_id)
            WHERE r.backordered > 0),
        highest AS (
            SELECT root_no, max(suffix) AS max_suffix FROM orders
            WHERE root_no IN (SELECT root_no FROM short_lines) GROUP BY root_no)
        SELECT s.*, coalesce(h.max_suffix, 0) + s.seq_in_run AS suffix,
               {backorder_no_sql('s.root_no', 'coalesce(h.max_suffix, 0) + s.seq_in_run')}
                   AS new_order_no
        FROM short_lines s LEFT JOIN highest h USING (root_no)
        ORDER BY s.order_rank, s.parent_line_no""")


def _write(cur: duckdb.DuckDBPyConnection, run_id: int, at, user: str | None,
           grouping: str) -> None:
    cur.execute("""
        UPDATE order_lines AS l
        SET allocated_qty = l.allocated_qty + r.alloc,
            shorted_qty = l.shorted_qty + r.shorted,
            backorder_qty = l.backorder_qty + r.backordered
        FROM run_result r
        WHERE l.rowid = r.line_rowid AND r.need > 0""")
    reservations.add(cur, """
        SELECT i.sku, r.alloc FROM run_result r JOIN run_items i USING (sku_id)
        WHERE r.alloc > 0""")
    cur.execute("""
        UPDATE orders AS o SET status = x.new_status, ship_code = x.new_ship_code
        FROM run_outcome x WHERE o.rowid = x.order_rowid""")
    cur.execute(f"""
        INSERT INTO orders
        SELECT new_order_no, any_value(root_no), any_value(suffix), any_value(parent_order_no),
               any_value(order_date), any_value(priority), 'Back Order',
               '{SHIP_CODE_BACKORDER}', any_value(ship_complete), any_value(customer),
               ?::TIMESTAMP, NULL, ?, count(*), sum(qty),
               sum(qty * coalesce(i.unit_price, 0))
        FROM run_backorders b LEFT JOIN items i USING (sku)
        GROUP BY new_order_no ORDER BY min(order_rank)""", [at, run_id])
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
        SELECT ?, o.order_no, NULL, 'warning', 'ship_complete_not_met', sum(l.need), NULL,
               'Order ' || o.order_no || ' is ship complete and cannot be filled whole: '
               || 'it remains On Order'
        FROM sc_failed x JOIN run_ranked o USING (order_rank)
        JOIN run_lines l USING (order_rank) GROUP BY o.order_no
        UNION ALL
        SELECT ?, parent_order_no, sku, 'info', 'backordered', qty, new_order_no,
               'SKU ' || sku || ': ' || qty || ' back-ordered on ' || new_order_no
        FROM run_backorders
        UNION ALL
        SELECT ?, o.order_no, i.sku, 'warning', 'shorted', r.shorted, NULL,
               'SKU ' || i.sku || ': ' || r.shorted
               || ' shorted (item does not allow backorder)'
        FROM run_result r JOIN run_ranked o USING (order_rank) JOIN run_items i USING (sku_id)
        WHERE r.shorted > 0""", [run_id] * 5)
    audit.record(cur, at, user, """
        SELECT 'fulfilled', order_no, NULL, allocated_now, ?::BIGINT, NULL,
               new_status || coalesce(' (' || new_ship_code || ')', '')
        FROM run_outcome
        UNION ALL
        SELECT 'ship_complete_not_met', o.order_no, NULL, 0, ?::BIGINT, NULL,
               'remains On Order'
        FROM sc_failed x JOIN run_ranked o USING (order_rank)
        UNION ALL
        SELECT 'backorder_created', new_order_no, NULL, sum(qty), ?::BIGINT, NULL,
               'from ' || any_value(parent_order_no)
        FROM run_backorders GROUP BY new_order_no""", [run_id] * 3)
    cur.execute("""
        INSERT INTO run_line_results
        SELECT ?, l.line_rowid, l.need, coalesce(r.alloc, 0), coalesce(r.backordered, 0),
               coalesce(r.shorted, 0)
        FROM run_lines l LEFT JOIN run_result r USING (line_rowid)
        WHERE l.need > 0""", [run_id])
    cur.execute("""
        INSERT INTO runs
        WITH requested AS (
            SELECT count(*) AS lines, coalesce(sum(need), 0) AS units
            FROM run_lines WHERE need > 0),
        served AS (
            SELECT count(*) FILTER (WHERE alloc = need) AS lines_filled,
                   coalesce(sum(alloc), 0) AS units, coalesce(sum(backordered), 0) AS backordered,
                   coalesce(sum(shorted), 0) AS shorted
            FROM run_result WHERE need > 0),
        outcome AS (
            SELECT count(*) FILTER (WHERE new_status = 'Processed') AS processed,
                   count(*) FILTER (WHERE new_status = 'Cancelled') AS cancelled,
                   count(*) FILTER (WHERE new_status = 'Processed' AND backordered = 0
                                    AND shorted = 0) AS complete,
                   count(*) FILTER (WHERE backordered > 0) AS backordered
            FROM run_outcome)
        SELECT ?, ?::TIMESTAMP, ?, ?,
            (SELECT count(*) FROM run_orders), outcome.processed, outcome.cancelled,
            (SELECT count(*) FROM sc_failed), outcome.complete, outcome.backordered,
            requested.lines, served.lines_filled, requested.units, served.units,
            served.backordered, served.shorted,
            (SELECT count(DISTINCT new_order_no) FROM run_backorders)
        FROM requested, served, outcome""", [run_id, at, user, grouping])


class _Reporter:
    """Passes progress on, but never lets the callback decide the transaction. An
    interrupt or a rerun request it raises is held until the run has committed, then
    raised; an ordinary error from it is logged and dropped (a broken progress bar does not
    fail a run). Either way the callback is not called again."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._deferred: BaseException | None = None

    def __call__(self, fraction: float, message: str) -> None:
        if self._progress is None or self._deferred is not None:
            return
        try:
            self._progress(fraction, message)
        except BaseException as exc:  # noqa: BLE001 - held, then raised after the commit
            self._deferred = exc

    def raise_deferred(self) -> None:
        if isinstance(self._deferred, Exception):
            logging.getLogger("engine").warning("progress callback failed: %r", self._deferred)
        elif self._deferred is not None:
            raise self._deferred


def run_fulfillment(db: Database, order_nos: Iterable[str] | str, user: str | None = None,
                    backorder_grouping: str = "per_line",
                    progress: Progress | None = None) -> RunResult:
    if backorder_grouping not in BACKORDER_GROUPINGS:
        raise ValidationError(
            f"backorder_grouping must be one of {', '.join(BACKORDER_GROUPINGS)}, "
            f"not {backorder_grouping!r}", column="backorder_grouping", value=backorder_grouping)
    report = _Reporter(progress)
    request = order_no_frame(order_nos)
    if request.empty:
        raise ValidationError("No orders to run: choose at least one order",
                              column="order_nos", value=order_nos)
    at = db.now()
    with db.write() as cur:
        run_id = cur.execute("SELECT nextval('run_seq')").fetchall()[0][0]
        report(0.05, "Reading the orders")
        load_order_nos(cur, "run_request", request["order_no"])
        _stage_lines(cur)
        report(0.25, "Allocating Available stock in rank order")
        _allocate(cur)
        report(0.55, "Settling lines, shorts and backorders")
        _settle(cur, backorder_grouping)
        report(0.75, "Writing results")
        _write(cur, run_id, at, user, backorder_grouping)
    report(1.0, "Done")
    report.raise_deferred()
    with db.read() as cur:
        summary = run_summary(cur, run_id)

    def load_alerts() -> pd.DataFrame:
        with db.read() as cur:
            return read_alerts(cur, run_id)

    return RunResult(run_id=run_id, summary=summary, _read_alerts=load_alerts)


ALERT_COLUMNS = "run_id, order_no, sku, severity, kind, qty, new_order_no, message"
SEVERITY_ORDER = "CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"


def read_alerts(cur: duckdb.DuckDBPyConnection, run_id: int, limit: int | None = None,
                offset: int = 0) -> pd.DataFrame:
    """Errors first, then warnings, then the rest; by order number as numbers."""
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return cur.execute(f"""
        SELECT {ALERT_COLUMNS} FROM alerts WHERE run_id = ?
        ORDER BY {SEVERITY_ORDER},
                 {ROOT_SQL}, {SUFFIX_SQL},
                 new_order_no, sku {page}""", [run_id]).df()


def run_summary(cur: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, int]:
    frame = cur.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
    if frame.empty:
        return {}
    return frame.iloc[0].to_dict()
