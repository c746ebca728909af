"""Backorder desk engine: fulfillment, backorders, release and inventory on DuckDB.

Usable from a notebook: `wh = engine.open(); wh.load_demo(); wh.releasable_now()`.
"""

from __future__ import annotations

from .allocation import BACKORDER_GROUPINGS, RunResult
from .analytics import AGE_BUCKETS, BackorderFilter
from .errors import (
    BackorderError,
    DatabaseUnavailableError,
    InventoryError,
    ReadOnlyError,
    ValidationError,
    WriteConflictError,
)
from .inventory import OrderActionResult, ReceiptResult
from .reads import ORDER_COLUMNS_SORTABLE, ORDER_SORTS, AuditFilter, OrderFilter
from .release import ReleaseResult
from .schema import ORDER_STATUSES, STOCK_STATUSES
from .warehouse import Warehouse


def open(path: str = ":memory:", read_only: bool = False,  # noqa: A001
         memory_limit: str | None = None, temp_directory: str | None = None) -> Warehouse:
    """A Warehouse on `path`, creating the schema if the file is new. With `read_only`,
    for viewing only. `memory_limit` (e.g. "1GB") and `temp_directory` (where work beyond
    it spills) default to BACKORDER_MEMORY_LIMIT / BACKORDER_TEMP_DIRECTORY, then 1536MB
    and a folder beside the file. A file that cannot be used raises
    `DatabaseUnavailableError`."""
    return Warehouse(str(path), read_only=read_only, memory_limit=memory_limit,
                     temp_directory=temp_directory)


__all__ = [
    "AGE_BUCKETS", "BACKORDER_GROUPINGS", "ORDER_COLUMNS_SORTABLE", "ORDER_SORTS",
    "ORDER_STATUSES", "STOCK_STATUSES",
    "AuditFilter", "BackorderError", "BackorderFilter", "DatabaseUnavailableError",
    "InventoryError",
    "OrderActionResult", "OrderFilter",
    "ReadOnlyError", "ReceiptResult", "ReleaseResult", "RunResult", "ValidationError",
    "Warehouse", "WriteConflictError", "open",
]
