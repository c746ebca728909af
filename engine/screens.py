"""Small reads the dashboard needs beyond the Warehouse's public face (owned by the UI work).

Each takes a `Warehouse`; SQL stays in the engine, never in pages.
"""

from __future__ import annotations

import pandas as pd

from . import reads
from .reads import ORDER_SORTS, OrderFilter
from .warehouse import Warehouse


def order_nos(wh: Warehouse, f: OrderFilter | None = None, limit: int | None = None,
              sort: str = "rank") -> list[str]:
    """Just the numbers of the matching orders, in grid order: "select all matching" and
    group runs need them without fetching whole rows and line totals."""
    f = f or OrderFilter()
    releasable = wh._releasable_list(f)
    order_by = ORDER_SORTS.get(sort, ORDER_SORTS["rank"])
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    with wh.db.read() as cur:
        where, params = reads._order_where(cur, f, releasable)
        rows = cur.execute(
            f"SELECT order_no FROM orders WHERE {where} ORDER BY {order_by} {page}",
            params).fetchall()
    return [r[0] for r in rows]


def skus(wh: Warehouse) -> list[str]:
    """Every SKU, sorted: the pickers on the inventory forms."""
    with wh.db.read() as cur:
        return [r[0] for r in cur.execute("SELECT sku FROM items ORDER BY sku").fetchall()]


def ledger(wh: Warehouse, limit: int = 200, sku: str | None = None) -> pd.DataFrame:
    """Newest ledger entries first. Stands in for `Warehouse.ledger`, whose SQL leaves the
    column `at` unquoted and fails to parse on DuckDB 2.0."""
    with wh.db.read() as cur:
        return cur.execute("""
            SELECT entry_id, "at", "user", kind, sku, status, qty, receipt_id, reason
            FROM inventory_ledger WHERE ?::VARCHAR IS NULL OR sku = ?
            ORDER BY entry_id DESC LIMIT ?""", [sku, sku, int(limit)]).df()
