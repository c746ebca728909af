"""What a fulfillment run allocates, worked out in temp tables before anything is written.

Lines take `min(need, free)` through a running sum of need per SKU over the rank of
service. Ship-complete orders that cannot be filled whole take nothing. Their fate depends
only on the lines before them, so it is settled on their own lines (a few percent of the
run): each ship-complete line carries the need of the ordinary lines ahead of it on its SKU,
from one window pass over the run. The final allocation is then one more window pass with
the ship-complete orders that failed left out.
"""

from __future__ import annotations

import duckdb

from .orderno import rank_sql
from .schema import free_stock_sql

# Lines are ordered within a SKU by (order rank, line number); one integer is cheaper to
# sort. Line numbers are at most 1,000,000 (imports.MAX_LINES), so the pair fits.
LINE_SLOTS = 1_048_576


def stage(cur: duckdb.DuckDBPyConnection) -> None:
    """Ranked orders and slim line rows keyed by integers (rank, line id, SKU id): windows
    and joins over millions of lines are much cheaper on integers than on strings."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_orders AS
        SELECT r.order_no, r.request_pos, o.status, o.order_id, o.ship_complete,
               o.ship_code, o.root_no, o.suffix, o.order_date, o.priority, o.customer,
               o.ship_by
        FROM run_request r LEFT JOIN orders o USING (order_no)""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_ranked AS
        SELECT order_no, order_id, ship_complete, ship_code, root_no, order_date, priority,
               customer, ship_by, row_number() OVER (ORDER BY {rank_sql()}) AS order_rank
        FROM run_orders WHERE status = 'On Order'""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_items AS
        SELECT sku, row_number() OVER () AS sku_id, backorder,
               coalesce(unit_price, 0) AS unit_price
        FROM items""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_lines AS
        SELECT r.order_rank, l.line_no, r.order_rank * {LINE_SLOTS} + l.line_no AS pos,
               l.line_id, i.sku_id, r.ship_complete,
               coalesce(i.backorder, false) AS backorder_allowed, l.allocated_qty,
               (l.ordered_qty - l.allocated_qty - l.shorted_qty - l.backorder_qty) AS need
        FROM order_lines l JOIN run_ranked r USING (order_no) JOIN run_items i USING (sku)""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE run_skus AS
        SELECT sku, sku_id, unit_price FROM run_items
        WHERE sku_id IN (SELECT DISTINCT sku_id FROM run_lines)""")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_free AS
        SELECT s.sku_id, f.free
        FROM ({free_stock_sql('run_skus')}) f JOIN run_skus s USING (sku)""")


# The columns of `run_alloc`: what each line of the run gets. Every allocation policy
# selects `order_rank, line_no, line_id, sku_id, need, allocated_qty, backorder_allowed,
# alloc` for every line outside the failed ship-complete orders.
def write_alloc(cur: duckdb.DuckDBPyConnection, lines_sql: str) -> None:
    """`run_alloc` from a policy's lines and their `alloc`: the rest of each line's need is
    back-ordered where its item allows it, else shorted."""
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE run_alloc AS
        SELECT order_rank, line_no, line_id, sku_id, need, alloc, allocated_qty,
               CASE WHEN backorder_allowed THEN need - alloc ELSE 0 END AS backordered,
               CASE WHEN backorder_allowed THEN 0 ELSE need - alloc END AS shorted
        FROM ({lines_sql})
        ORDER BY line_id  -- the run's updates in table order are far faster""")


def settle_ship_complete(cur: duckdb.DuckDBPyConnection, after_ordinary_lines: bool) -> None:
    """`sc_failed`: the ship-complete orders that cannot be filled whole, in rank order.
    With `after_ordinary_lines` they come after the ordinary lines ranked ahead of them on
    their SKUs (the rank policy); without, before every ordinary line."""
    cur.execute("CREATE OR REPLACE TEMP TABLE sc_failed (order_rank BIGINT)")
    if cur.execute("SELECT count(*) FROM run_lines WHERE ship_complete AND need > 0"
                   ).fetchall()[0][0]:
        _stage_ship_complete(cur, after_ordinary_lines)
        _settle_ship_complete(cur)


def allocate_by_rank(cur: duckdb.DuckDBPyConnection) -> None:
    """`sc_failed` gets the ship-complete orders that cannot be filled whole; `run_alloc`
    what every line of every other order gets: allocated, backordered or shorted."""
    settle_ship_complete(cur, after_ordinary_lines=True)
    write_alloc(cur, """
        SELECT l.order_rank, l.line_no, l.line_id, l.sku_id, l.need, l.allocated_qty,
               l.backorder_allowed,
               least(l.need, greatest(0, coalesce(f.free, 0)
                     - (sum(l.need) OVER w - l.need)))::BIGINT AS alloc
        FROM run_lines l
        LEFT JOIN run_free f USING (sku_id)
        ANTI JOIN sc_failed x ON x.order_rank = l.order_rank
        WINDOW w AS (PARTITION BY l.sku_id ORDER BY l.pos
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)""")


def _stage_ship_complete(cur: duckdb.DuckDBPyConnection, after_ordinary_lines: bool) -> None:
    """Ship-complete lines with the free stock left for them (`room`): after the ordinary
    lines ranked ahead on their SKU (they always take their running sum), or all of it."""
    if not after_ordinary_lines:
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE sc_lines AS
            SELECT l.order_rank, l.line_no, l.sku_id, l.need, coalesce(f.free, 0) AS room
            FROM run_lines l LEFT JOIN run_free f USING (sku_id)
            WHERE l.ship_complete AND l.need > 0""")
        return
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE sc_lines AS
        SELECT order_rank, line_no, sku_id, need, room FROM (
            SELECT l.order_rank, l.line_no, l.sku_id, l.need, l.ship_complete,
                   coalesce(f.free, 0)
                   - (sum(CASE WHEN l.ship_complete THEN 0 ELSE l.need END) OVER w
                      - CASE WHEN l.ship_complete THEN 0 ELSE l.need END) AS room
            FROM run_lines l LEFT JOIN run_free f USING (sku_id)
            WHERE l.need > 0
              AND l.sku_id IN (SELECT sku_id FROM run_lines WHERE ship_complete AND need > 0)
            WINDOW w AS (PARTITION BY l.sku_id ORDER BY l.pos
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
        WHERE ship_complete""")


def _settle_ship_complete(cur: duckdb.DuckDBPyConnection) -> None:
    """Failures are removed pass by pass over the ship-complete lines alone.

    A failing order is certain to fail when it would not fit even if every other failing
    one gave its stock back, or when no earlier failure shares a SKU with it. Only certain
    failures are removed, so the result equals the sequential rule.
    """
    while True:
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE sc_alloc AS
            SELECT s.*, least(s.need, greatest(0, s.room - (sum(s.need) OVER w - s.need)))
                        AS alloc
            FROM sc_lines s ANTI JOIN sc_failed x ON x.order_rank = s.order_rank
            WINDOW w AS (PARTITION BY s.sku_id ORDER BY s.order_rank, s.line_no
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)""")
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE sc_failing AS
            SELECT order_rank FROM sc_alloc
            GROUP BY order_rank HAVING sum(alloc) < sum(need)""")
        if not cur.execute("SELECT count(*) FROM sc_failing").fetchall()[0][0]:
            return
        added = cur.execute("""
            INSERT INTO sc_failed
            WITH marked AS (
                SELECT a.*, a.order_rank IN (SELECT order_rank FROM sc_failing) AS failing
                FROM sc_alloc a
                WHERE a.sku_id IN (SELECT sku_id FROM sc_alloc
                                   SEMI JOIN sc_failing USING (order_rank))),
            optimistic AS (
                SELECT order_rank, sku_id, need, room, failing,
                       sum(CASE WHEN failing THEN 0 ELSE need END) OVER (
                           PARTITION BY sku_id ORDER BY order_rank, line_no
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS others_before
                FROM marked),
            per_sku AS (
                SELECT order_rank, sku_id,
                       sum(need) > any_value(room) - min(others_before) AS short_anyway
                FROM optimistic WHERE failing GROUP BY order_rank, sku_id),
            first_failure_on_sku AS (
                SELECT sku_id, min(order_rank) AS first_rank FROM per_sku GROUP BY sku_id)
            SELECT order_rank FROM per_sku JOIN first_failure_on_sku USING (sku_id)
            GROUP BY order_rank
            HAVING bool_or(short_anyway) OR bool_and(order_rank = first_rank)
            """).fetchall()[0][0]
        if not added:  # the earliest failure always qualifies; never loop without progress
            raise RuntimeError("ship-complete allocation made no progress")
