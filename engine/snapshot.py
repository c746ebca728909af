"""The whole warehouse as Parquet files plus a manifest, and back into a new database.

A snapshot is read in one transaction, so it is consistent even while others write. Run
results refer to order lines and orders by their ids, which travel with the rows; a
snapshot written before ids (schema 6 and earlier) kept each row's rowid instead, and that
rowid becomes the id, as it does when such a file is opened. A restored file is checked
against every rule of `soundness` before it is handed back; one that breaks any is
deleted, never used."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

from .audit import record_one
from .db import Database
from .errors import BackorderError
from .ids import COUNTERS_DDL, continue_after_highest
from .schema import SCHEMA_VERSION, TABLES_SQL
from .soundness import problems

FORMAT = "backorder-desk-snapshot"
MANIFEST = "manifest.json"
NOT_SNAPSHOTTED = {"write_token", "schema_version"}
# Snapshots before schema 7: the id a table's saved rowid becomes, and renamed references.
ROWID_BECOMES = {"orders": "order_id", "order_lines": "line_id"}
RENAMED = {"line_rowid": "line_id", "order_rowid": "order_id"}


class SnapshotError(BackorderError):
    """A snapshot that cannot be written or restored; nothing was changed."""


def _tables(cur) -> list[str]:
    return [r[0] for r in cur.execute(f"SELECT * FROM ({TABLES_SQL}) ORDER BY table_name"
                                      ).fetchall() if r[0] not in NOT_SNAPSHOTTED]


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_snapshot(db: Database, folder: str | os.PathLike) -> dict:
    """Writes every table to `folder` (new or empty) and returns the manifest."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SnapshotError(f"{target} is not an empty folder: choose a new one for the "
                            "snapshot, so that no earlier file is mixed into it.")
    target.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"format": FORMAT, "schema_version": SCHEMA_VERSION,
                      "created_at": datetime.now().isoformat(timespec="seconds"),
                      "tables": {}}
    with db.read() as cur:
        cur.execute("BEGIN TRANSACTION")  # every table from the same moment
        try:
            for table in _tables(cur):
                file = target / f"{table}.parquet"
                cur.execute(f"COPY (SELECT * FROM {table}) TO {_quote(file)} (FORMAT parquet)")
                rows = cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
                manifest["tables"][table] = {"file": file.name, "rows": rows}
        finally:
            cur.execute("COMMIT")
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def read_manifest(folder: str | os.PathLike) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise SnapshotError(f"{folder} has no {MANIFEST}: it is not a Backorder desk "
                            "snapshot.") from None
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{path} cannot be read as a snapshot manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a Backorder desk snapshot manifest.")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise SnapshotError(f"The snapshot was written by a newer version of the desk "
                            f"(schema {version}; this one has {SCHEMA_VERSION}): restore it "
                            "with that version.")
    return manifest


def restore_snapshot(folder: str | os.PathLike, path: str | os.PathLike) -> None:
    """Builds a new database at `path` from the snapshot in `folder`."""
    source, path = Path(folder), str(path)
    manifest = read_manifest(source)
    if os.path.exists(path):
        raise SnapshotError(f"{path} already exists: restore into a new file, so that no "
                            "warehouse is overwritten by accident.")
    entries = manifest.get("tables") or {}
    _check_files(source, entries)
    try:
        db = Database(path)
        try:
            _load(db, source, entries)
        finally:
            db.close()
    except BaseException:
        _remove_database(path)
        raise


def _load(db: Database, source: Path, entries: dict) -> None:
    """One transaction into the new file's empty tables; then the committed file is checked
    as a whole."""
    with db.write() as cur:
        _fill(cur, source, entries)
    with db.read() as cur:
        found = problems(cur)
    if found:
        raise SnapshotError("The snapshot is not a sound warehouse, so it was not "
                            "restored: " + "; ".join(found))


def replace_with_snapshot(db: Database, folder: str | os.PathLike,
                          user: str | None = None) -> dict:
    """Replaces every table of the warehouse by the snapshot's, in one transaction: a
    snapshot that breaks a rule changes nothing. The tables are made anew rather than
    emptied, so no row of the warehouse stays behind, whatever the snapshot lists."""
    source = Path(folder)
    manifest = read_manifest(source)
    entries = manifest.get("tables") or {}
    _check_files(source, entries)
    with db.write() as cur:
        for table in _tables(cur):
            cur.execute(f"DELETE FROM {table}")
        _fill(cur, source, entries)
        found = problems(cur)
        if found:
            raise SnapshotError("The snapshot is not a sound warehouse, so nothing was "
                                "replaced: " + "; ".join(found))
        record_one(cur, db.now(), user, "snapshot_restored",
                   detail=f"the warehouse as of {manifest.get('created_at', '?')}")
    return manifest


def _fill(cur, source: Path, entries: dict) -> None:
    """Into the warehouse's emptied tables: every row, with its ids; the id counters go on
    after the highest id restored."""
    known = set(_tables(cur))
    unknown = sorted(set(entries) - known)
    if unknown:
        raise SnapshotError(f"The snapshot has tables this version does not know: "
                            f"{', '.join(unknown)}.")
    for table in sorted(entries):
        file = _quote(source / entries[table]["file"])
        cur.execute(f"DELETE FROM {table}")  # e.g. the schema's own starting rows
        cur.execute(f"INSERT INTO {table} BY NAME {_saved_rows(cur, table, file)}")
        rows = cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        if rows != entries[table].get("rows"):
            raise SnapshotError(f"{table}: the manifest says {entries[table].get('rows')} "
                                f"rows, the file holds {rows}.")
    if "id_counters" not in entries:
        cur.execute(COUNTERS_DDL)
    continue_after_highest(cur)


def _saved_rows(cur, table: str, file: str) -> str:
    """The SELECT of a table's saved rows under this version's column names."""
    columns = [r[0] for r in cur.execute(f"DESCRIBE SELECT * FROM read_parquet({file})"
                                         ).fetchall()]
    picked = [f'"{c}" AS "{RENAMED.get(c, c)}"' for c in columns if c != "_rowid"]
    if "_rowid" in columns and table in ROWID_BECOMES:
        picked.append(f'_rowid AS "{ROWID_BECOMES[table]}"')
    return f"SELECT {', '.join(picked)} FROM read_parquet({file})"


def _check_files(source: Path, entries: dict) -> None:
    for table, entry in entries.items():
        if not (source / str(entry.get("file", ""))).is_file():
            raise SnapshotError(f"The snapshot lists {table} but its file "
                                f"{entry.get('file')!r} is missing from {source}.")


def _remove_database(path: str) -> None:
    for leftover in (path, path + ".wal"):
        if os.path.exists(leftover):
            os.remove(leftover)
    shutil.rmtree(path + ".spill", ignore_errors=True)
