"""Ids the engine hands out: one counter row per kind, taken under the write lock.

Neither a sequence nor a rowid holds on every store (through DuckDB's postgres extension a
rowid reads as NULL and no sequence can be made), and a rowid is no id a saved row may
keep. A counter row is: the write lock makes writers take ids one after another.
"""

from __future__ import annotations

import duckdb

ID_KINDS = ("run", "receipt", "ledger", "audit", "order", "line")

COUNTERS_DDL = f"""
CREATE TABLE IF NOT EXISTS id_counters (kind VARCHAR NOT NULL, last BIGINT NOT NULL);
INSERT INTO id_counters
    SELECT kind, 0 FROM (SELECT unnest([{", ".join(f"'{k}'" for k in ID_KINDS)}]) AS kind)
    WHERE kind NOT IN (SELECT kind FROM id_counters);
"""

# The highest id in use of each kind, for a file that kept ids by sequence or rowid, and
# for a restored snapshot.
HIGHEST_IN_USE = {
    "run": ["SELECT max(run_id) FROM runs"],
    "receipt": ["SELECT max(receipt_id) FROM inventory_ledger",
                "SELECT max(receipt_id) FROM audit_entries"],
    "ledger": ["SELECT max(entry_id) FROM inventory_ledger"],
    "audit": ["SELECT max(audit_id) FROM audit_entries", "SELECT max(audit_id) FROM run_log_ids"],
    "order": ["SELECT max(order_id) FROM orders"],
    "line": ["SELECT max(line_id) FROM order_lines"],
}


def take(cur: duckdb.DuckDBPyConnection, kind: str, count: int = 1) -> int:
    """The first of `count` new ids of `kind`; they run on from it without a gap. Only
    inside a write transaction, which holds the write lock."""
    first = next_id(cur, kind)
    used(cur, kind, count)
    return first


def next_id(cur: duckdb.DuckDBPyConnection, kind: str) -> int:
    return cur.execute("SELECT last + 1 FROM id_counters WHERE kind = ?", [kind]
                       ).fetchall()[0][0]


def used(cur: duckdb.DuckDBPyConnection, kind: str, count: int) -> None:
    """After rows were numbered from `next_id`, that `count` of them were taken."""
    if count:
        cur.execute("UPDATE id_counters SET last = last + ? WHERE kind = ?", [count, kind])


def insert_numbered(cur: duckdb.DuckDBPyConnection, kind: str, table: str, select_sql: str,
                    params: list | None = None, order_by: str = "") -> int:
    """INSERT INTO `table` the rows of `select_sql`, each given a new id of `kind` as its
    first column (in `order_by` order, if given); returns how many rows were written."""
    first = next_id(cur, kind)
    written = cur.execute(
        f"""INSERT INTO {table}
            SELECT ?::BIGINT + row_number() OVER ({f'ORDER BY {order_by}' if order_by else ''})
                   - 1, *
            FROM ({select_sql})""", [first, *(params or [])]).fetchall()[0][0]
    used(cur, kind, written)
    return written


def continue_after_highest(cur: duckdb.DuckDBPyConnection) -> None:
    """Every counter set to the highest id its tables hold (a migrated or restored store)."""
    for kind, sources in HIGHEST_IN_USE.items():
        highest = max((cur.execute(sql).fetchall()[0][0] or 0) for sql in sources)
        cur.execute("UPDATE id_counters SET last = greatest(last, ?) WHERE kind = ?",
                    [int(highest), kind])
