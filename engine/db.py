"""Connection handling: one DuckDB database, a cursor per call, one transaction per write."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import duckdb

from .schema import DDL


def _wall_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


class Database:
    """Owns the DuckDB connection. Writes are serialised by a lock so that two sessions
    sharing this object never both plan against the same free stock."""

    def __init__(self, path: str = ":memory:", clock: Callable[[], datetime] | None = None):
        self.path = path
        self._con = duckdb.connect(path)
        self._write_lock = threading.RLock()
        self.clock: Callable[[], datetime] = clock or _wall_clock
        with self.write() as cur:
            cur.execute(DDL)

    def now(self) -> datetime:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: commits whole, or rolls back and re-raises."""
        with self._write_lock:
            cur = self._con.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            finally:
                cur.close()

    def close(self) -> None:
        self._con.close()
