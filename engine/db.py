"""Connection handling: one DuckDB database, a cursor per call, one transaction per write.

Every write transaction first bumps the one row of `write_token`. DuckDB's optimistic
concurrency then aborts any second writer that overlaps it, whichever object, thread or
connection it comes from, so two writers can never plan against the same free stock. The
loser gets `WriteConflictError`; `Warehouse` retries the whole operation on fresh state.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import duckdb
import pandas as pd

from . import ids, reservations
from .errors import DatabaseUnavailableError, ReadOnlyError, WriteConflictError
from .schema import (
    COLUMNS_SQL,
    DDL,
    LOG_VIEWS,
    ORDER_TOTALS,
    SCHEMA_VERSION,
    TABLES_SQL,
    VIEWS,
    table_exists,
)
from .stores import is_postgres, open_store, shown

TOKEN_DDL = """
CREATE TABLE IF NOT EXISTS write_token (id INTEGER NOT NULL, writes BIGINT NOT NULL);
INSERT INTO write_token SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM write_token);
"""
T = TypeVar("T")

# DuckDB shares one database between the connections of a process to the same file, so
# writers in this process queue on one lock per store: fair, and no retries among
# themselves. The store's write lock still guards against every writer outside it.
_STORE_LOCKS: dict[str, threading.RLock] = {}
_STORE_LOCKS_GUARD = threading.Lock()


def _write_lock_for(location: str) -> threading.RLock:
    if location == ":memory:":  # every in-memory connection is a database of its own
        return threading.RLock()
    key = location if is_postgres(location) else os.path.realpath(location)
    with _STORE_LOCKS_GUARD:
        return _STORE_LOCKS.setdefault(key, threading.RLock())


def _wall_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


def _migrate(cur: duckdb.DuckDBPyConnection) -> None:
    """Bring a file made by an earlier version up to this one, inside the schema's
    transaction."""
    found = cur.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] or 1
    if found < 2:
        reservations.rebuild(cur)
    if found < 3:
        have = _columns(cur, "orders")
        for column, kind in (("lines", "INTEGER"), ("units", "BIGINT"), ("value", "DOUBLE")):
            if column not in have:
                cur.execute(f"ALTER TABLE orders ADD COLUMN {column} {kind} DEFAULT 0")
        cur.execute(f"""
            UPDATE orders AS o SET lines = t.lines, units = t.units, value = t.value
            FROM ({ORDER_TOTALS.format(lines="order_lines")}) t
            WHERE o.order_no = t.order_no""")
    if found < 4:
        _keep_stored_log(cur)
    if found < 5 and "ship_by" not in _columns(cur, "orders"):
        cur.execute("ALTER TABLE orders ADD COLUMN ship_by DATE")
    if found < 6 and "policy" not in _columns(cur, "runs"):
        cur.execute("ALTER TABLE runs ADD COLUMN policy VARCHAR DEFAULT 'rank'")
    if found < 7:
        _explicit_ids(cur)
    if found < SCHEMA_VERSION:
        cur.execute("DELETE FROM schema_version")
        cur.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])


def _explicit_ids(cur: duckdb.DuckDBPyConnection) -> None:
    """Before version 7 run results named orders and lines by rowid, and ids came from
    sequences. Each rowid becomes the row's id, so every saved reference still holds, and
    the counters go on after the highest id in use."""
    for table, column in (("orders", "order_id"), ("order_lines", "line_id")):
        if column not in _columns(cur, table):
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} BIGINT")
            cur.execute(f"UPDATE {table} SET {column} = rowid")
    for table, old, new in (("run_line_results", "line_rowid", "line_id"),
                            ("run_order_results", "order_rowid", "order_id")):
        if old in _columns(cur, table):
            cur.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")
    ids.continue_after_highest(cur)
    for sequence in ("run_seq", "receipt_seq", "ledger_seq", "audit_seq"):
        cur.execute(f"DROP SEQUENCE IF EXISTS {sequence}")


def _columns(cur: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in cur.execute(
        COLUMNS_SQL, [table]).fetchall()}


def _keep_stored_log(cur: duckdb.DuckDBPyConnection) -> None:
    """Before version 4 `alerts` and `audit` were tables; their rows move to the entry
    tables behind the views of the same names."""
    tables = {r[0] for r in cur.execute(TABLES_SQL).fetchall()}
    for old, entries in (("alerts", "alert_entries"), ("audit", "audit_entries")):
        if old in tables:
            cur.execute(f"INSERT INTO {entries} SELECT * FROM {old}")
            cur.execute(f"DROP TABLE {old}")


class Database:
    """Owns the DuckDB connection to the warehouse's store (engine/stores.py). A lock per
    store spares this process's writers the retries; the store's write lock makes the
    database itself refuse, or hold back, overlapping writers."""

    def __init__(self, path: str = ":memory:", clock: Callable[[], datetime] | None = None,
                 read_only: bool = False, memory_limit: str | None = None,
                 temp_directory: str | None = None):
        self.path = path
        self.read_only = read_only
        self.store = open_store(path, read_only, memory_limit, temp_directory)
        self._con = self.store.connect()
        self._write_lock = _write_lock_for(path)
        self._memo: dict[str, tuple[int, Any]] = {}
        self.clock: Callable[[], datetime] = clock or _wall_clock
        try:
            if read_only:
                self._check_schema()
            else:
                self._create_schema()
        except (duckdb.IOException, duckdb.PermissionException,
                duckdb.SerializationException) as exc:  # the file, not our schema
            self._con.close()
            raise self.store.unavailable(exc) from None

    def _schema_is_current(self) -> bool:
        with self.read() as cur:
            return table_exists(cur, "schema_version") and cur.execute(
                "SELECT max(version) FROM schema_version").fetchall()[0][0] == SCHEMA_VERSION

    def _create_schema(self) -> None:
        """Only when missing or older: two processes opening one new store at once must
        not collide on the catalog. The one that loses retries and finds it made."""
        for attempt in range(20):
            if self._schema_is_current():
                break
            cur = self._con.cursor()
            try:
                self.store.prepare(cur)
                cur.execute("BEGIN TRANSACTION")
                cur.execute(DDL + TOKEN_DDL + ids.COUNTERS_DDL)
                _migrate(cur)
                if not self.store.shared:  # a file keeps its views with its tables
                    cur.execute(VIEWS + LOG_VIEWS)
                self.store.after_schema(cur)
                cur.execute("COMMIT")
                break
            except duckdb.Error as exc:
                cur.execute("ROLLBACK")
                if attempt == 19 or not (isinstance(exc, duckdb.TransactionException)
                                         or self.store.shared):
                    raise
            finally:
                cur.close()
        if self.store.shared:
            with self.read() as cur:
                cur.execute(self.store.views(VIEWS + LOG_VIEWS))

    def _check_schema(self) -> None:
        with self.read() as cur:
            tables = {r[0] for r in cur.execute(TABLES_SQL).fetchall()}
            if not {"orders", "order_lines", "items", "inventory_ledger"} <= tables:
                raise DatabaseUnavailableError(
                    f"{shown(self.path)} is not a Backorder desk database.", reason="damaged")
            if self.store.shared:  # a file keeps its views; a shared store's are local
                cur.execute(self.store.views(VIEWS + LOG_VIEWS))

    def now(self) -> datetime:
        return self.clock()

    def once_per_change(self, name: str, compute: Callable[[duckdb.DuckDBPyConnection], T],
                        cur: duckdb.DuckDBPyConnection | None = None) -> T:
        """`compute(cur)` at most once per state of the warehouse, shared by every caller
        in this process. The state is the write token's count, read in the same snapshot
        as the computation, so a write by anyone, anywhere, makes the next call compute
        afresh. Pass `cur` to share a snapshot already open."""
        if cur is not None:
            return self._remembered(name, compute, cur)
        with self.read() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                return self._remembered(name, compute, cur)
            finally:
                cur.execute("COMMIT")

    def _remembered(self, name: str, compute: Callable[[duckdb.DuckDBPyConnection], T],
                    cur: duckdb.DuckDBPyConnection) -> T:
        try:
            token = cur.execute("SELECT writes FROM write_token").fetchall()[0][0]
        except duckdb.CatalogException:  # a file of an earlier version, opened for viewing
            cur.execute("ROLLBACK")
            cur.execute("BEGIN TRANSACTION")
            return compute(cur)
        hit = self._memo.get(name)
        if hit is None or hit[0] != token:
            hit = (token, compute(cur))
            self._memo[name] = hit
        value = hit[1]
        # Copy-on-write frames: a caller's change to its copy never reaches the memo.
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value

    def change_count(self) -> int:
        """How many writes the warehouse has taken, from any process: one row to read,
        so a screen can tell cheaply whether anything changed since it looked."""
        with self.read() as cur:
            try:
                return int(cur.execute("SELECT writes FROM write_token").fetchall()[0][0])
            except duckdb.CatalogException:  # a file of an earlier version, viewing only
                return 0

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            self.store.prepare(cur)
            yield cur
        finally:
            cur.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: commits whole, or rolls back and re-raises. A lost race with
        another writer becomes `WriteConflictError`, with nothing written."""
        if self.read_only:
            raise ReadOnlyError("This warehouse is open for viewing only: nothing can be "
                                "changed. Open it for writing to make changes.")
        with self._write_lock:
            cur = self._con.cursor()
            try:
                self.store.prepare(cur)
                cur.execute("BEGIN TRANSACTION")
                try:
                    self.store.lock_for_write(cur)
                    yield cur
                    cur.execute("COMMIT")
                except BaseException as exc:
                    try:
                        cur.execute("ROLLBACK")
                    except duckdb.Error:
                        pass  # a failed COMMIT has already ended the transaction
                    if self.store.is_conflict(exc):
                        raise WriteConflictError(
                            "Another change to the warehouse was being saved at the same "
                            "moment; nothing was written. Please try again.") from None
                    raise
            finally:
                cur.close()

    def close(self) -> None:
        self._con.close()
