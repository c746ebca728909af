"""The bare DuckDB queries the engine is compared with: the same arithmetic, nothing else
(no validation, no audit, no alerts, no writes back), on a plain connection to the same
file with the engine's memory cap."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# The allocation window: one running sum of need per SKU over the rank of service.
BARE_ALLOCATION = """
    CREATE OR REPLACE TEMP TABLE bare_alloc AS
    WITH free AS (SELECT sku, sum(qty) FILTER (WHERE status = 'Available') AS free
                  FROM inventory_ledger GROUP BY sku)
    SELECT l.order_no, l.line_no,
           least(l.ordered_qty, greatest(0, coalesce(f.free, 0)
                 - (sum(l.ordered_qty) OVER (PARTITION BY l.sku
                        ORDER BY o.priority, o.order_date, o.root_no, o.suffix, l.line_no
                        ROWS UNBOUNDED PRECEDING) - l.ordered_qty))) AS alloc
    FROM order_lines l JOIN orders o USING (order_no) LEFT JOIN free f USING (sku)
    WHERE o.status = 'On Order'"""

# What releasable_now needs before its sequential pass: needs per backorder and SKU, ranked.
BARE_RELEASABLE = """
    SELECT o.order_no, l.sku, sum(l.ordered_qty) AS need
    FROM orders o JOIN order_lines l USING (order_no)
    WHERE o.status = 'Back Order' GROUP BY ALL
    ORDER BY any_value(o.priority), any_value(o.order_date), any_value(o.root_no),
             any_value(o.suffix)"""

# One page of the Orders grid (25 rows) of backorders in rank order: no count, no line
# totals, no reasons.
BARE_PAGE = """
    SELECT * FROM orders WHERE status = 'Back Order'
    ORDER BY priority, order_date, root_no, suffix LIMIT 25"""


def memory_limit() -> str:
    """The engine's cap: BACKORDER_MEMORY_LIMIT, else the engine's default."""
    try:
        from engine.stores import DEFAULT_MEMORY_LIMIT
    except ImportError:
        DEFAULT_MEMORY_LIMIT = "1536MB"  # noqa: N806
    return os.environ.get("BACKORDER_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A plain connection with the engine's memory cap, spilling beside the file."""
    return duckdb.connect(str(path), config={"memory_limit": memory_limit(),
                                             "temp_directory": f"{path}.bare-spill"})

# What backorder_eta computes, as one window without the release rule's whole-or-nothing and
# passing over: per backorder and SKU, the units short once the backorders ranked ahead have
# had theirs (a running sum of need in rank order, less free stock), and the first open
# receipt whose running sum of supply in due order covers it (an ASOF join). A backorder's
# ETA is the latest over its SKUs, null when one is never covered.
BARE_ETA = """
    WITH on_hand AS (SELECT sku, sum(qty) AS qty FROM inventory_ledger
                     WHERE status = 'Available' GROUP BY sku),
    free AS (SELECT h.sku, greatest(h.qty - coalesce(r.reserved, 0), 0) AS free
             FROM on_hand h LEFT JOIN sku_reserved r USING (sku)),
    needs AS (
        SELECT o.order_no, l.sku, sum(l.ordered_qty - l.allocated_qty) AS need,
               any_value(o.priority) AS p, any_value(o.order_date) AS d,
               any_value(o.root_no) AS r, any_value(o.suffix) AS s
        FROM orders o JOIN order_lines l USING (order_no)
        WHERE o.status = 'Back Order' GROUP BY o.order_no, l.sku),
    short AS (
        SELECT n.order_no, n.sku, sum(n.need) OVER (PARTITION BY n.sku ORDER BY p, d, r, s
                   ROWS UNBOUNDED PRECEDING) - coalesce(f.free, 0) AS short
        FROM needs n LEFT JOIN free f USING (sku)),
    supply AS (
        SELECT sku, greatest(due_date, current_date) AS arrives,
               sum(qty - received_qty) OVER (PARTITION BY sku ORDER BY due_date, ref, line_no
                   ROWS UNBOUNDED PRECEDING) AS supplied
        FROM expected_receipts WHERE qty > received_qty)
    SELECT s.order_no,
           CASE WHEN bool_and(s.short <= 0 OR x.arrives IS NOT NULL)
                THEN max(CASE WHEN s.short <= 0 THEN current_date ELSE x.arrives END)
           END AS eta
    FROM short s ASOF LEFT JOIN supply x ON s.sku = x.sku AND x.supplied >= s.short
    GROUP BY s.order_no"""
