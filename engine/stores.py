"""Where a warehouse is kept: a DuckDB file (the default), or a PostgreSQL database that
several servers and notebooks share, reached through DuckDB's postgres extension.

The engine's SQL runs in DuckDB either way, and its temp tables stay in DuckDB's local
temp space. A store says how to connect, how each cursor finds the warehouse's tables,
where the views live, and how a writer takes the write lock: the first statement of every
write transaction, so no writer plans against a state another is changing.
"""

from __future__ import annotations

import glob
import os
import re
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import duckdb

from .errors import DatabaseUnavailableError

MEMORY_LIMIT_ENV = "BACKORDER_MEMORY_LIMIT"
TEMP_DIRECTORY_ENV = "BACKORDER_TEMP_DIRECTORY"
DEFAULT_MEMORY_LIMIT = "1536MB"  # a run at TPC-H SF 1 fits; larger work spills to disk
CLAIM_TOKEN = "UPDATE write_token SET writes = writes + 1 WHERE id = 1"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
ATTACHED = "warehouse"  # the catalog name a PostgreSQL warehouse is attached under
_VIEW = re.compile(r"CREATE OR REPLACE VIEW (\w+)", re.IGNORECASE)


def is_postgres(location: str) -> bool:
    return str(location).lower().startswith(POSTGRES_SCHEMES)


def shown(location: str) -> str:
    """A location fit to show an analyst: a URL without its password."""
    if not is_postgres(location):
        return str(location)
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host
    netloc += f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=netloc))


def memory_config(spill_beside: str | None, memory_limit: str | None,
                  temp_directory: str | None) -> dict[str, str]:
    """DuckDB's memory cap and where it spills beyond it: arguments, then the environment,
    then a cap that keeps a busy warehouse under 2 GB and a folder beside the file."""
    config = {"memory_limit": memory_limit or os.environ.get(MEMORY_LIMIT_ENV)
              or DEFAULT_MEMORY_LIMIT}
    spill = temp_directory or os.environ.get(TEMP_DIRECTORY_ENV)
    if not spill and spill_beside:
        spill = spill_beside + ".spill"
    if spill:
        config["temp_directory"] = spill
    return config


class Store(Protocol):
    location: str
    shared: bool

    def connect(self) -> duckdb.DuckDBPyConnection: ...
    def prepare(self, cur: duckdb.DuckDBPyConnection) -> None: ...
    def lock_for_write(self, cur: duckdb.DuckDBPyConnection) -> None: ...
    def is_conflict(self, exc: BaseException) -> bool: ...
    def views(self, sql: str) -> str: ...
    def after_schema(self, cur: duckdb.DuckDBPyConnection) -> None: ...
    def unavailable(self, exc: duckdb.Error) -> DatabaseUnavailableError: ...


class FileStore:
    """One DuckDB file, held by one process. Every write first bumps the one row of
    `write_token`: DuckDB's optimistic concurrency then aborts any second writer that
    overlaps it, which the warehouse retries on fresh state."""

    shared = False

    def __init__(self, path: str, read_only: bool, memory_limit: str | None,
                 temp_directory: str | None):
        self.location, self.read_only = path, read_only
        self._config = memory_config(None if path == ":memory:" else path, memory_limit,
                                     temp_directory)

    def connect(self) -> duckdb.DuckDBPyConnection:
        if self.read_only and (self.location == ":memory:"
                               or not os.path.exists(self.location)):
            raise DatabaseUnavailableError(
                f"There is no database at {self.location} to open for viewing.",
                reason="missing")
        try:
            return duckdb.connect(self.location, read_only=self.read_only,
                                  config=self._config)
        except duckdb.Error as exc:
            raise self.unavailable(exc) from None

    def prepare(self, cur: duckdb.DuckDBPyConnection) -> None:
        return None

    def lock_for_write(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(CLAIM_TOKEN)

    def is_conflict(self, exc: BaseException) -> bool:
        """DuckDB's word for a lost race between two writers."""
        return isinstance(exc, duckdb.TransactionException) and "onflict" in str(exc)

    def views(self, sql: str) -> str:
        return sql

    def after_schema(self, cur: duckdb.DuckDBPyConnection) -> None:
        return None

    def unavailable(self, exc: duckdb.Error) -> DatabaseUnavailableError:
        return file_unavailable(self.location, exc)


def file_unavailable(path: str, exc: duckdb.Error) -> DatabaseUnavailableError:
    """Says what is wrong with a database file and what to do, in an analyst's words."""
    text = str(exc)
    held = re.search(r"\(PID (\d+)\)", text)
    if "lock" in text.lower() and held:
        return DatabaseUnavailableError(
            f"The database {path} is open in another program (PID {held.group(1)}). "
            "Close that program, point the desk at another file, or share the warehouse "
            "through PostgreSQL (see the README's 'Serving a team').", reason="locked")
    if "ermission denied" in text:
        return DatabaseUnavailableError(
            f"The database {path} cannot be opened: permission denied. Ask for access to "
            "the file, or open it for viewing only.", reason="unreadable")
    if "read-only" in text.lower() or "read only" in text.lower():
        return DatabaseUnavailableError(
            f"The database {path} is read-only: open it for viewing only "
            "(read_only=True, or BACKORDER_READ_ONLY=1 for the dashboard).",
            reason="read_only")
    if "different configuration" in text:
        return DatabaseUnavailableError(
            f"The database {path} is already open in this program with other settings "
            "(for viewing only, or for writing). Use that one.", reason="locked")
    return DatabaseUnavailableError(
        f"The database {path} is damaged or is not a Backorder desk database: restore a "
        "snapshot, or point the desk at another file.", reason="damaged")


# What PostgreSQL needs to find a few rows without reading a table whole. None on a
# column a run rewrites (an order's status): that would make every update of an order
# write new index entries instead of staying on its page.
POSTGRES_INDEXES = {
    "orders": ["order_no", "root_no", "order_id", "created_by_run"],
    "order_lines": ["order_no", "line_id", "sku"],
    "items": ["sku"],
    "inventory_ledger": ["sku", "receipt_id"],
    "sku_reserved": ["sku"],
    "expected_receipts": ["ref", "sku"],
    "audit_entries": ["audit_id", "order_no"],
    "alert_entries": ["run_id"],
    "run_line_results": ["run_id", "line_id"],
    "run_order_results": ["run_id"],
    "runs": ["run_id"],
}


POSTGRES_FILLFACTOR = 50  # percent of each page filled on insert; the rest for updates


class PostgresStore:
    """A PostgreSQL database attached to an in-memory DuckDB. Writers serialise on
    `LOCK TABLE write_token IN EXCLUSIVE MODE`, sent first in each write transaction: the
    extension's transaction is REPEATABLE READ, and its snapshot is taken by the first
    statement after the lock is granted, so a writer always plans on the latest commit."""

    shared = True

    def __init__(self, url: str, read_only: bool, memory_limit: str | None,
                 temp_directory: str | None):
        self.location, self.read_only = url, read_only
        self._config = memory_config(None, memory_limit, temp_directory)

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(config=self._config)
        try:
            con.execute(f"LOAD '{_extension_path()}'")
            mode = ", READ_ONLY" if self.read_only else ""
            url = self.location.replace("'", "''")
            con.execute(f"ATTACH '{url}' AS {ATTACHED} (TYPE postgres{mode})")
        except DatabaseUnavailableError:
            con.close()
            raise
        except duckdb.Error as exc:
            con.close()
            raise self.unavailable(exc) from None
        return con

    def prepare(self, cur: duckdb.DuckDBPyConnection) -> None:
        """The warehouse's tables first, then the views kept in local memory."""
        cur.execute(f"SET search_path = '{ATTACHED}.public,memory.main'")

    def lock_for_write(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(f"CALL postgres_execute('{ATTACHED}', "
                    "'LOCK TABLE write_token IN EXCLUSIVE MODE')")
        cur.execute(CLAIM_TOKEN)

    def is_conflict(self, exc: BaseException) -> bool:
        text = str(exc)
        return isinstance(exc, duckdb.Error) and (
            "could not serialize" in text or "deadlock detected" in text)

    def views(self, sql: str) -> str:
        """Views use DuckDB's SQL, which PostgreSQL does not speak: they live in this
        process's memory, over the attached tables."""
        return _VIEW.sub(r"CREATE OR REPLACE VIEW memory.main.\1", sql)

    def after_schema(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Indexes, and room on each page of the tables a run rewrites: an updated row
        that fits on its own page needs no new index entries (a HOT update), which makes
        a run's update of every line about 8x faster at TPC-H SF 0.1."""
        statements = "; ".join(
            [f"ALTER TABLE {table} SET (fillfactor = {POSTGRES_FILLFACTOR})"
             for table in ("orders", "order_lines")]
            + [f"CREATE INDEX IF NOT EXISTS {table}_{column}_idx ON {table} ({column})"
               for table, columns in POSTGRES_INDEXES.items() for column in columns])
        cur.execute(f"CALL postgres_execute('{ATTACHED}', ?)", [statements])

    def unavailable(self, exc: duckdb.Error) -> DatabaseUnavailableError:
        text, where = str(exc), shown(self.location)
        if "password authentication failed" in text or "no password supplied" in text:
            return DatabaseUnavailableError(
                f"PostgreSQL at {where} refused the user name or password. Check them in "
                "the URL.", reason="unreadable")
        if "does not exist" in text and "database" in text:
            return DatabaseUnavailableError(
                f"PostgreSQL at {where} has no such database: create it first "
                "(`make postgres` does for a local one).", reason="missing")
        if "Connection refused" in text or "could not connect" in text \
                or "could not translate host" in text:
            return DatabaseUnavailableError(
                f"PostgreSQL at {where} cannot be reached: is it running, and is the host "
                "and port right?", reason="unreachable")
        return DatabaseUnavailableError(
            f"PostgreSQL at {where} cannot be used as a warehouse: {text.splitlines()[0]}",
            reason="damaged")


def _extension_path() -> str:
    """DuckDB's postgres extension, from its PyPI wheel (nothing is downloaded here)."""
    try:
        import duckdb_extension_postgres_scanner as wheel
    except ImportError:
        raise DatabaseUnavailableError(
            "A PostgreSQL warehouse needs DuckDB's postgres extension: install "
            "requirements-postgres.txt (`make setup-postgres`).", reason="unavailable"
        ) from None
    found = glob.glob(os.path.join(os.path.dirname(wheel.__file__), "extensions", "*",
                                   "*.duckdb_extension"))
    if not found:
        raise DatabaseUnavailableError("The postgres extension's wheel holds no extension "
                                       "file: reinstall requirements-postgres.txt.",
                                       reason="unavailable")
    return found[0]


def open_store(location: str, read_only: bool = False, memory_limit: str | None = None,
               temp_directory: str | None = None) -> Store:
    kind = PostgresStore if is_postgres(location) else FileStore
    return kind(str(location), read_only, memory_limit, temp_directory)
