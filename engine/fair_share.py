"""The fair-share allocation policy (design section 7).

When a SKU cannot cover every line wanting it, each line gets a share proportional to its
need, rounded down, and the units left by the rounding go one each to the lines with the
largest remainders (ties by rank). No line is then served at zero while another on the
same SKU is served in full, unless its share rounds to nothing. Ship-complete orders keep
whole-or-nothing: they are decided first, in rank order, and the rest is shared.
"""

from __future__ import annotations

import duckdb

from .run_plan import settle_ship_complete, write_alloc


def allocate_fair_share(cur: duckdb.DuckDBPyConnection) -> None:
    settle_ship_complete(cur, after_ordinary_lines=False)
    # Products of need and stock can pass 2^63 (10^9 x 10^12): they are taken as HUGEINT.
    write_alloc(cur, """
        WITH whole AS (  -- ship-complete lines of the orders that are filled whole
            SELECT l.* FROM run_lines l ANTI JOIN sc_failed x ON x.order_rank = l.order_rank
            WHERE l.ship_complete),
        taken AS (SELECT sku_id, sum(need) AS units FROM whole GROUP BY sku_id),
        ordinary AS (
            SELECT l.*,
                   greatest(coalesce(f.free, 0) - coalesce(t.units, 0), 0)::HUGEINT AS avail,
                   sum(l.need) OVER (PARTITION BY l.sku_id)::HUGEINT AS demand
            FROM run_lines l LEFT JOIN run_free f USING (sku_id)
            LEFT JOIN taken t USING (sku_id)
            WHERE NOT l.ship_complete),
        shared AS (
            SELECT *,
                   CASE WHEN demand <= avail THEN need
                        ELSE (need::HUGEINT * avail) // demand END AS base,
                   CASE WHEN demand <= avail THEN 0
                        ELSE (need::HUGEINT * avail) % demand END AS remainder
            FROM ordinary),
        rounded AS (
            SELECT *, avail - sum(base) OVER (PARTITION BY sku_id) AS left_over,
                   row_number() OVER (PARTITION BY sku_id ORDER BY remainder DESC, pos)
                       AS turn
            FROM shared)
        SELECT order_rank, line_no, line_id, sku_id, need, allocated_qty,
               backorder_allowed,
               (base + CASE WHEN demand > avail AND turn <= left_over THEN 1 ELSE 0 END
               )::BIGINT AS alloc
        FROM rounded
        UNION ALL
        SELECT order_rank, line_no, line_id, sku_id, need, allocated_qty,
               backorder_allowed, need AS alloc
        FROM whole""")
