"""The Import screen's engine: uploaded files, mapped to fields, checked in full, then
written in one transaction through the engine's own imports.

The report lists every bad row, not only the first: each file is staged in DuckDB as text,
and each rule (the cell rules of engine/validation.py, the rules of engine/imports.py, and
the flat file's own) is one query over it, all run as one UNION ALL. Nothing is written
unless the report is empty; the write then goes through engine/imports.py, which checks
again, in the same transaction (and, for a replace, after clearing the warehouse).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from . import audit, imports
from .column_mapping import (
    EXPECTED,
    FIELDS,
    FLAT,
    INVENTORY,
    ITEMS,
    KIND_LABELS,
    LINES,
    ORDER_FIELDS,
    ORDERS,
    Mapping,
)
from .db import Database
from .errors import ValidationError
from .file_read import Upload
from .schema import TABLES_SQL
from .validation import Rule, cell_rules, typed_sql

Progress = Callable[[float, str], None]
REPORT_COLUMNS = ["file", "row", "column", "value", "reason"]
# Tables a replace keeps: the schema's version, the writers' token and the id counters
# (an id is never given twice), not data.
KEEP_ON_REPLACE = ("schema_version", "write_token", "id_counters")
# The engine's columns of each kind's typed rows, and what an import is written from.
ENGINE_COLUMNS = {ITEMS: imports.ITEM_COLUMNS, INVENTORY: imports.INVENTORY_COLUMNS,
                  ORDERS: imports.ORDER_COLUMNS, LINES: imports.LINE_COLUMNS,
                  EXPECTED: imports.EXPECTED_COLUMNS}
RULES = {ITEMS: imports.ITEM_RULES, INVENTORY: imports.INVENTORY_RULES,
         ORDERS: imports.ORDER_RULES, LINES: imports.LINE_RULES,
         EXPECTED: imports.EXPECTED_RULES}
# A relation with no rows and every column a rule reads: what "stored" is on a replace.
NOTHING = ("(SELECT NULL::VARCHAR AS sku, NULL::VARCHAR AS status, NULL::BIGINT AS qty, "
           "NULL::VARCHAR AS order_no, NULL::VARCHAR AS ref, NULL::INTEGER AS line_no "
           "WHERE false)")


@dataclass
class FileToImport:
    """An uploaded file and how its columns feed the fields of its kind."""

    upload: Upload
    mapping: Mapping

    @property
    def kind(self) -> str:
        return self.mapping.kind


@dataclass
class ImportReport:
    """Every problem found (one row per bad cell) and what would be imported."""

    problems: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)  # rows per kind to write
    zero_stock_rows: int = 0  # inventory rows of quantity 0: accepted and skipped
    empty_rows: int = 0  # rows with every imported cell empty: skipped

    @property
    def ok(self) -> bool:
        return self.problems.empty


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_batch(files: list[FileToImport]) -> None:
    """Refuse a set of files that cannot make one import, naming the file."""
    kinds = [f.kind for f in files]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            raise ValidationError(f"Two files are marked as {KIND_LABELS[kind]}: import one "
                                  "file of each kind at a time.")
    if ORDERS in kinds and FLAT in kinds:
        raise ValidationError("Orders come either as an orders file (with a lines file) or "
                              "as one flat file with a row per line, not both.")
    if LINES in kinds and ORDERS not in kinds:
        raise ValidationError("A lines file needs its orders file beside it (or use one flat "
                              "file with a row per line).")
    for f in files:
        missing = f.mapping.missing()
        if missing:
            raise ValidationError(
                f"{f.upload.name}: choose the file's column for "
                + ", ".join(f"'{m}'" for m in missing) + f" ({KIND_LABELS[f.kind]} need "
                + ("it" if len(missing) == 1 else "them") + ")")
        for header in f.mapping.columns.values():
            if header and header not in f.upload.headers:
                raise ValidationError(f"{f.upload.name}: there is no column '{header}'")


class _Stager:
    """Stages files in one cursor and collects rules as (sql, file, header, problem)."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, replace: bool):
        self.cur = cur
        self.replace = replace
        self.rules: list[tuple[str, str, str, str, bool]] = []
        self.headers: dict[str, dict[str, str]] = {}  # kind -> field -> header
        self.files: dict[str, str] = {}  # kind -> file name
        self.empty_rows = 0

    def text(self, f: FileToImport, table: str) -> None:
        """The file's mapped columns as trimmed text (empty is NULL), numbered as its
        data rows (1 is the first row under the header); rows with nothing are left out."""
        source = f.upload.table
        numbered = source.append_column("_row_no", pa.array(np.arange(1, source.num_rows + 1)))
        mapped = {name: h for name, h in f.mapping.columns.items() if h}
        cells = ", ".join(f"NULLIF(trim(CAST({_quote(h)} AS VARCHAR)), '') AS {name}"
                          for name, h in mapped.items())
        self.cur.register("_upload_source", numbered)
        try:
            self.cur.execute(f"""
                CREATE OR REPLACE TEMP TABLE {table} AS
                SELECT * FROM (SELECT _row_no AS row_no, {cells} FROM _upload_source)
                WHERE NOT ({' AND '.join(f'{n} IS NULL' for n in mapped)})""")
        finally:
            self.cur.unregister("_upload_source")
        kept = self.count(table)
        self.empty_rows += source.num_rows - kept
        self.headers[f.kind] = mapped
        self.files[f.kind] = f.upload.name

    def count(self, table: str) -> int:
        return self.cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]

    def columns_of(self, table: str) -> set[str]:
        return {d[0] for d in self.cur.execute(f"SELECT * FROM {table} LIMIT 0").description}

    def typed(self, kind: str, text_table: str, typed_table: str, file_kind: str) -> None:
        """Cell rules over the text, and the typed rows (NULL where a cell is refused)."""
        present = self.columns_of(text_table)
        fields = {c.name for c in FIELDS[file_kind]}
        for column in ENGINE_COLUMNS[kind]:
            if column.name in present or (column.name in fields and column.required):
                for rule in cell_rules(column, column.name):
                    self.add(rule, text_table, file_kind)
        selects = [f"{typed_sql(c, c.name if c.name in present else 'NULL::VARCHAR')} "
                   f"AS {c.name}" for c in ENGINE_COLUMNS[kind]]
        self.cur.execute(f"CREATE OR REPLACE TEMP TABLE {typed_table} AS "
                         f"SELECT row_no, {', '.join(selects)} FROM {text_table}")

    def add(self, rule: Rule, table: str, file_kind: str, tables: dict[str, str] | None = None,
            detail: bool = False) -> None:
        """`detail`: the rule's SQL selects a third column, said after its problem."""
        sql = imports.fill(rule.sql, {"t": table, **(tables or {})})
        if not detail:
            sql = f"SELECT *, NULL::VARCHAR FROM ({sql})"
        header = self.headers[file_kind].get(rule.column, rule.column)
        self.rules.append((sql, self.files[file_kind], header, rule.problem, detail))

    def stored(self, table: str) -> str:
        return NOTHING if self.replace else table

    def known_skus(self, staged_items: bool) -> str:
        parts = [] if self.replace else ["SELECT sku FROM items"]
        if staged_items:
            parts.append("SELECT sku FROM up_items WHERE sku IS NOT NULL")
        return "(" + (" UNION ALL ".join(parts) or "SELECT sku FROM " + NOTHING) + ")"

    def problems(self) -> pd.DataFrame:
        """Every rule at once; one row per (file, row, column, reason)."""
        if not self.rules:
            return pd.DataFrame(columns=REPORT_COLUMNS)
        union = " UNION ALL ".join(
            f"SELECT {i} AS rule, r.* FROM ({rule[0]}) AS r(row_no, value, detail)"
            for i, rule in enumerate(self.rules))
        found = self.cur.execute(f"""
            SELECT DISTINCT ON (rule, row_no) rule, row_no + 1 AS row,
                   CAST(value AS VARCHAR) AS value, detail
            FROM ({union}) ORDER BY rule, row_no""").df()
        meta = pd.DataFrame([r[1:4] for r in self.rules], columns=["file", "column", "reason"])
        report = found.join(meta, on="rule")
        detail = report["detail"].astype("string").fillna("")
        report["reason"] = report["reason"].astype("string").str.cat(detail, sep=" ").str.strip()
        report = report.sort_values(["file", "row", "rule"], kind="stable")
        report = report.drop_duplicates(["file", "row", "column", "reason"])
        return report[REPORT_COLUMNS].reset_index(drop=True)


def _flat_rules(st: _Stager) -> None:
    """Every line of an order repeats the order's columns: a line that disagrees with the
    order's first line is refused, naming that row."""
    present = st.columns_of("up_text_flat") & set(ORDER_FIELDS) - {"order_no"}
    for name in sorted(present):
        rule = Rule(name, f"""
            SELECT row_no, {name}, '(row ' || (first_row + 1) || ', the first row of order '
                   || order_no || ', has ' || coalesce('''' || first || '''', 'nothing') || ')'
            FROM (SELECT row_no, order_no, {name},
                         first_value({name}) OVER w AS first,
                         first_value(row_no) OVER w AS first_row
                  FROM up_text_flat WHERE order_no IS NOT NULL
                  WINDOW w AS (PARTITION BY order_no ORDER BY row_no))
            WHERE {name} IS DISTINCT FROM first""",
                    "differs from the order's first line: every line of an order must "
                    "repeat the same order columns")
        st.add(rule, "up_text_flat", FLAT, detail=True)


def _split_flat(st: _Stager) -> None:
    """A flat file's orders (each from its first line) and lines (numbered in file order
    when the file has no line numbers)."""
    present = st.columns_of("up_text_flat")
    order_cols = ", ".join(c for c in ORDER_FIELDS if c in present)
    st.cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE up_text_orders AS
        SELECT row_no, {order_cols} FROM (
            SELECT *, row_number() OVER (PARTITION BY order_no ORDER BY row_no) AS k
            FROM up_text_flat)
        WHERE k = 1 OR order_no IS NULL""")
    line_no = "line_no" if "line_no" in present else \
        "CAST(row_number() OVER (PARTITION BY order_no ORDER BY row_no) AS VARCHAR)"
    st.cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE up_text_lines AS
        SELECT row_no, order_no, {line_no} AS line_no, sku, ordered_qty FROM up_text_flat""")
    _flat_rules(st)


def _stage_all(cur: duckdb.DuckDBPyConnection, files: list[FileToImport], replace: bool,
               progress: Progress) -> tuple[_Stager, ImportReport]:
    _check_batch(files)
    st = _Stager(cur, replace)
    by_kind = {f.kind: f for f in files}
    progress(0.05, "reading the files into the database")
    for f in files:
        st.text(f, f"up_text_{f.kind}")
    if FLAT in by_kind:
        st.headers[ORDERS] = st.headers[LINES] = st.headers[FLAT]
        st.files[ORDERS] = st.files[LINES] = st.files[FLAT]
        _split_flat(st)
    progress(0.25, "checking every row")
    kinds = [k for k in (ITEMS, INVENTORY, ORDERS, LINES, EXPECTED)
             if k in by_kind or (FLAT in by_kind and k in (ORDERS, LINES))]
    file_kind = {k: (FLAT if FLAT in by_kind and k in (ORDERS, LINES) else k) for k in kinds}
    for kind in kinds:
        st.typed(kind, f"up_text_{kind}", f"up_{kind}", file_kind[kind])
    tables = {"items": st.known_skus(ITEMS in kinds), "orders": st.stored("orders"),
              "on_hand": st.stored("on_hand"),
              "new_orders": "(SELECT * FROM up_orders WHERE order_no IS NOT NULL)",
              "expected": st.stored("expected_receipts")}
    for kind in kinds:
        scope = dict(tables)
        if kind == ITEMS:  # an item must not exist already, staged ones aside
            scope["items"] = st.stored("items")
        for rule in RULES[kind]:
            st.add(rule, f"up_{kind}", file_kind[kind], scope)
    problems = st.problems()
    progress(0.5, "checked")
    counts = {k: st.count(f"up_{k}") for k in kinds}
    zero = 0
    if INVENTORY in kinds:
        zero = cur.execute("SELECT count(*) FROM up_inventory WHERE qty = 0").fetchall()[0][0]
        counts[INVENTORY] -= zero
    return st, ImportReport(problems, counts, zero, st.empty_rows)


def _quiet(fraction: float, message: str) -> None:
    pass


def check_import(db: Database, files: list[FileToImport], replace: bool = False,
                 progress: Progress | None = None) -> ImportReport:
    """The report on `files` against the warehouse as it is (or as empty, for a replace).
    Writes nothing."""
    with db.read() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            return _stage_all(cur, files, replace, progress or _quiet)[1]
        finally:
            cur.execute("ROLLBACK")


def clear_warehouse(cur: duckdb.DuckDBPyConnection) -> None:
    """Every table of the warehouse emptied inside the caller's transaction: items, stock,
    orders, runs and their results, alerts, audit, reservations, and any table added
    since; only the schema's version and the writers' token stay."""
    tables = [r[0] for r in cur.execute(TABLES_SQL).fetchall()]
    for table in tables:
        if table not in KEEP_ON_REPLACE:
            cur.execute(f"DELETE FROM {_quote(table)}")


def _frame(cur: duckdb.DuckDBPyConnection, kind: str) -> pd.DataFrame:
    names = [c.name for c in ENGINE_COLUMNS[kind] if c.name not in imports_owned()]
    return cur.sql(f"SELECT {', '.join(names)} FROM up_{kind} ORDER BY row_no").df()


def imports_owned() -> set[str]:
    return {c for columns in imports.ENGINE_OWNED.values() for c in columns}


def _summary(report: ImportReport) -> str:
    first = report.problems.iloc[0]
    return (f"Nothing was imported: {len(report.problems):,} problem"
            f"{'s' if len(report.problems) != 1 else ''} in the files. The first: "
            f"{first['file']} row {first['row']}, column '{first['column']}': "
            f"{first['value']!r} {first['reason']}")


def import_files(db: Database, files: list[FileToImport], replace: bool = False,
                 user: str | None = None, progress: Progress | None = None) -> ImportReport:
    """Check, then write every file in one transaction: items, then stock, then orders,
    then expected receipts (their SKUs may be among the items of the same upload).
    With `replace`, the warehouse is emptied first (in the same transaction). A report
    with any problem raises `ValidationError` and nothing is written."""
    progress = progress or _quiet
    at = db.now()
    with db.write() as cur:
        _, report = _stage_all(cur, files, replace, progress)
        if not report.ok:
            raise ValidationError(_summary(report))
        if replace:
            progress(0.55, "emptying the warehouse")
            clear_warehouse(cur)
            audit.record_one(cur, at, user, "warehouse_replaced",
                             detail="every item, stock entry, order, run and audit row "
                                    "before this import was removed")
        kinds = report.counts
        if ITEMS in kinds:
            progress(0.6, "writing items")
            imports.items_into(cur, _frame(cur, ITEMS), at, user)
        if INVENTORY in kinds:
            progress(0.7, "writing stock")
            imports.inventory_into(cur, _frame(cur, INVENTORY), at, user)
        if ORDERS in kinds:
            progress(0.75, "writing orders and lines")
            lines = _frame(cur, LINES) if LINES in kinds else pd.DataFrame(
                {c.name: pd.Series(dtype="object") for c in imports.LINE_COLUMNS[:4]})
            imports.orders_into(cur, _frame(cur, ORDERS), lines, at, user)
        if EXPECTED in kinds:
            progress(0.85, "writing expected receipts")
            imports.expected_receipts_into(cur, _frame(cur, EXPECTED), at, user)
        progress(0.95, "saving")
    progress(1.0, "done")
    return report
