"""Backorder desk engine: fulfillment, backorders, release and inventory on DuckDB.

Usable from a notebook: `import data.demo` (it registers the demo), then
`wh = engine.open(); wh.load_demo(); wh.releasable_now()`.
"""

from __future__ import annotations

from .allocation import BACKORDER_GROUPINGS, RunResult
from .analytics import AGE_BUCKETS, BackorderFilter
from .downloads import EXPORTABLE
from .errors import (
    BackorderError,
    DatabaseUnavailableError,
    InventoryError,
    ReadOnlyError,
    ValidationError,
    WriteConflictError,
)
from .exports import EXPORT_FORMATS, ExportError, frame_to_file
from .inventory import OrderActionResult, ReceiptResult
from .policies import DEFAULT_POLICY, POLICIES  # noqa: F401 - the public face
from .reads import ORDER_COLUMNS_SORTABLE, ORDER_SORTS, AuditFilter, OrderFilter
from .release import ReleaseResult
from .schema import ORDER_STATUSES, STOCK_STATUSES
from .snapshot import SnapshotError
from .snapshot import restore_snapshot as _restore_snapshot
from .stores import is_postgres as is_shared_store
from .stores import shown as shown_location
from .warehouse import Warehouse, register_demo

EXPORTS = (*EXPORTABLE, "releasable_now")


def open(path: str = ":memory:", read_only: bool = False,  # noqa: A001
         memory_limit: str | None = None, temp_directory: str | None = None) -> Warehouse:
    """A Warehouse on `path`, creating the schema if it is new. `path` is a DuckDB file,
    or a `postgresql://user:password@host:port/dbname` URL of a warehouse that several
    servers and notebooks share (it needs requirements-postgres.txt). With `read_only`,
    for viewing only. `memory_limit` (e.g. "1GB") and `temp_directory` (where work beyond
    it spills) default to BACKORDER_MEMORY_LIMIT / BACKORDER_TEMP_DIRECTORY, then 1536MB
    and a folder beside the file. A file that cannot be used raises
    `DatabaseUnavailableError`."""
    return Warehouse(str(path), read_only=read_only, memory_limit=memory_limit,
                     temp_directory=temp_directory)


def restore_snapshot(folder: str, path: str) -> Warehouse:
    """A new database at `path` built from the snapshot in `folder`, checked against every
    rule of a sound warehouse before it is opened; a refused one leaves no file."""
    _restore_snapshot(folder, path)
    return Warehouse(str(path))


__all__ = [
    "AGE_BUCKETS", "BACKORDER_GROUPINGS", "EXPORTS", "EXPORT_FORMATS",
    "ORDER_COLUMNS_SORTABLE", "ORDER_SORTS",
    "ORDER_STATUSES", "STOCK_STATUSES",
    "AuditFilter", "BackorderError", "BackorderFilter", "DatabaseUnavailableError",
    "ExportError", "SnapshotError", "frame_to_file", "restore_snapshot",
    "InventoryError",
    "OrderActionResult", "OrderFilter",
    "ReadOnlyError", "ReceiptResult", "ReleaseResult", "RunResult", "ValidationError",
    "Warehouse", "WriteConflictError", "is_shared_store", "open", "register_demo",
    "shown_location",
]
