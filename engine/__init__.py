"""Backorder desk engine: fulfillment, backorders, release and inventory on DuckDB.

Usable from a notebook: `wh = engine.open(); wh.load_demo(); wh.releasable_now()`.
"""

from __future__ import annotations

from .allocation import BACKORDER_GROUPINGS, RunResult
from .analytics import AGE_BUCKETS, BackorderFilter
from .errors import BackorderError, InventoryError, ValidationError
from .inventory import OrderActionResult, ReceiptResult
from .reads import ORDER_SORTS, OrderFilter
from .release import ReleaseResult
from .schema import ORDER_STATUSES, STOCK_STATUSES
from .warehouse import Warehouse


def open(path: str = ":memory:") -> Warehouse:  # noqa: A001 - the public name is engine.open
    """A Warehouse on `path`, creating the schema if the file is new."""
    return Warehouse(path)


__all__ = [
    "AGE_BUCKETS", "BACKORDER_GROUPINGS", "ORDER_SORTS", "ORDER_STATUSES", "STOCK_STATUSES",
    "BackorderError", "BackorderFilter", "InventoryError", "OrderActionResult", "OrderFilter",
    "ReceiptResult", "ReleaseResult", "RunResult", "ValidationError",
    "Warehouse", "open",
]
