"""Where the engine tests keep their warehouses: a new DuckDB file each (the default), or,
when BACKORDER_TEST_STORE names a PostgreSQL server, a new database on it each, so the
same suite proves the engine on both stores."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import engine
from engine.stores import is_postgres

TEST_STORE_ENV = "BACKORDER_TEST_STORE"
PREFIX = "backorder_test_"


def server_url() -> str | None:
    """The PostgreSQL URL the tests may create databases through, or None for files."""
    url = os.environ.get(TEST_STORE_ENV, "").strip()
    return url if url and is_postgres(url) else None


def on_postgres() -> bool:
    return server_url() is not None


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(sql: str) -> None:
    """One statement outside a transaction (CREATE and DROP DATABASE need that), sent
    through the same extension the store uses."""
    import duckdb

    from engine.stores import _extension_path

    con = duckdb.connect()
    try:
        con.execute(f"LOAD '{_extension_path()}'")
        con.execute(f"ATTACH '{server_url()}' AS admin (TYPE postgres)")
        con.execute("CALL postgres_execute('admin', ?, use_transaction := false)", [sql])
    finally:
        con.close()


def new_database() -> str:
    """The URL of a new, empty PostgreSQL database."""
    name = PREFIX + uuid.uuid4().hex[:12]
    _admin(f"CREATE DATABASE {name}")
    return _with_database(server_url(), name)


def drop_database(url: str) -> None:
    """Best effort: PostgreSQL's autovacuum may be in the database for a moment, and a
    database left behind is dropped with the rest at the end of the session."""
    import duckdb

    for attempt in range(3):
        try:
            _admin(f"DROP DATABASE IF EXISTS {urlsplit(url).path.lstrip('/')} WITH (FORCE)")
            return
        except duckdb.Error:
            time.sleep(0.5 * (attempt + 1))


def new_location(folder, name: str = "test.duckdb") -> str:
    """A new warehouse location on the store under test."""
    return new_database() if on_postgres() else str(folder / name)


def new_warehouse() -> engine.Warehouse:
    """A new warehouse for a property test's example: in memory, or a new database."""
    return engine.open(new_database()) if on_postgres() else engine.open()


def examples(count: int) -> int:
    """Fewer property examples on PostgreSQL, where each one is a database of its own."""
    return max(10, count // 4) if on_postgres() else count


def copy_location(source: str, folder, name: str = "copy.duckdb") -> str:
    """A new warehouse holding what the (closed) one at `source` holds: a copied file, or
    a database made from the other as its template."""
    if not on_postgres():
        target = folder / name
        shutil.copyfile(source, target)
        return str(target)
    copy = PREFIX + uuid.uuid4().hex[:12]
    _admin(f"CREATE DATABASE {copy} TEMPLATE {urlsplit(source).path.lstrip('/')}")
    return _with_database(server_url(), copy)


def drop_leftovers() -> None:
    """Every database the tests made that is still there (a property example's, a failed
    test's), so a developer's server does not fill up."""
    import duckdb

    from engine.stores import _extension_path

    con = duckdb.connect()
    try:
        con.execute(f"LOAD '{_extension_path()}'")
        con.execute(f"ATTACH '{server_url()}' AS admin (TYPE postgres)")
        names = [r[0] for r in con.execute(
            "SELECT datname FROM postgres_query('admin', 'SELECT datname FROM pg_database') "
            "WHERE starts_with(datname, ?)", [PREFIX]).fetchall()]
    finally:
        con.close()
    for name in names:
        drop_database(_with_database(server_url(), name))
