"""Reserved units per SKU, kept current by every write that reserves or frees stock (a run,
a release, a shipment, a cancel), so that free stock never needs a scan of every order
line. The sum over the order lines stays the definition: `RESERVED_FROM_LINES` rebuilds
the table and the tests compare the two after every kind of write."""

from __future__ import annotations

import duckdb

from .schema import RESERVING_STATUSES, sql_list

RESERVED_FROM_LINES = f"""
    SELECT l.sku, sum(l.allocated_qty)::BIGINT AS reserved
    FROM order_lines l JOIN orders o USING (order_no)
    WHERE o.status IN ({sql_list(RESERVING_STATUSES)}) AND l.allocated_qty > 0
    GROUP BY l.sku"""


def add(cur: duckdb.DuckDBPyConnection, deltas_sql: str, params: list | None = None) -> None:
    """Add `deltas_sql`'s (sku, delta) rows to the reserved units, in one statement."""
    cur.execute(f"""
        MERGE INTO sku_reserved t
        USING (SELECT sku, sum(delta)::BIGINT AS delta FROM ({deltas_sql}) AS d(sku, delta)
               GROUP BY sku HAVING sum(delta) <> 0) d
        ON t.sku = d.sku
        WHEN MATCHED THEN UPDATE SET reserved = t.reserved + d.delta
        WHEN NOT MATCHED THEN INSERT VALUES (d.sku, d.delta)""", params or [])


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """From the order lines: for a database made before the table existed."""
    cur.execute("DELETE FROM sku_reserved")
    cur.execute(f"INSERT INTO sku_reserved {RESERVED_FROM_LINES}")


def released_orders_deltas(orders_table: str) -> str:
    """(sku, delta) of reserving every unit still unallocated on the orders listed."""
    return f"""
        SELECT l.sku, l.ordered_qty - l.allocated_qty FROM order_lines l
        WHERE l.order_no IN (SELECT order_no FROM {orders_table})"""


def freed_orders_deltas(orders_table: str) -> str:
    """(sku, -allocated) of the listed orders that still held a reservation."""
    return f"""
        SELECT l.sku, -l.allocated_qty FROM order_lines l JOIN orders o USING (order_no)
        WHERE l.order_no IN (SELECT order_no FROM {orders_table})
          AND o.status IN ({sql_list(RESERVING_STATUSES)}) AND l.allocated_qty > 0"""
