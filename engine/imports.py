"""Imports of items, opening inventory and orders: all checked first, then one bulk write.

The checks past a cell's type are `Rule`s: SQL over the staged rows. The engine stops at the
first offending row; the Import screen's report (engine/import_check.py) runs the same
rules to list every offending row. Each rule's SQL names its tables by placeholder:
{t} the staged rows, {items} the known SKUs, {orders} the stored orders, {on_hand} the
stored stock, {new_orders} the orders being imported, {expected} the stored expected receipts.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from . import audit, ids
from .db import Database
from .inputs import MAX_MOVEMENT, MAX_ON_HAND
from .orderno import ORDER_NO_PATTERN, ROOT_SQL, SUFFIX_SQL
from .schema import ORDER_STATUSES, ORDER_TOTALS, SHIP_CODE_BACKORDER, STOCK_STATUSES, sql_list
from .validation import Column, Rule, first_violation, stage

MAX_LINES = 1_000_000  # line numbers of one order

ITEM_COLUMNS = [
    Column("sku", "text"),
    Column("description", "text", required=False, nullable=True),
    Column("backorder", "bool"),
    Column("unit_price", "number", required=False, nullable=True),
]
INVENTORY_COLUMNS = [
    Column("sku", "text"),
    Column("status", "text"),
    Column("qty", "whole", low=0, high=MAX_MOVEMENT),
    Column("reserved", "whole", required=False, nullable=True),
]
ORDER_COLUMNS = [
    Column("order_no", "text"),
    Column("order_date", "date"),
    Column("priority", "whole"),
    Column("status", "text"),
    Column("parent_order_no", "text", required=False, nullable=True),
    Column("ship_code", "text", required=False, nullable=True),
    Column("ship_complete", "bool", required=False, nullable=True),
    Column("customer", "text", required=False, nullable=True),
    Column("ship_by", "date", required=False, nullable=True),
]
LINE_COLUMNS = [
    Column("order_no", "text"),
    Column("line_no", "whole", low=1, high=MAX_LINES),
    Column("sku", "text"),
    Column("ordered_qty", "whole", low=1, high=MAX_MOVEMENT),
    Column("allocated_qty", "whole", required=False, nullable=True),
    Column("shorted_qty", "whole", required=False, nullable=True),
    Column("backorder_qty", "whole", required=False, nullable=True),
]
# Inbound supply (design section 6): a purchase-order or transfer line and when it is due.
EXPECTED_COLUMNS = [
    Column("ref", "text"),
    Column("line_no", "whole", low=1, high=MAX_LINES),
    Column("sku", "text"),
    Column("qty", "whole", low=1, high=MAX_MOVEMENT),
    Column("due_date", "date"),
    # What has already come in of a line (an open purchase order brought over part received).
    Column("received_qty", "whole", required=False, nullable=True, low=0, high=MAX_MOVEMENT),
]
# Columns the engine works out: an import may only carry them as 0.
ENGINE_OWNED = {"inventory": ["reserved"],
                "lines": ["allocated_qty", "shorted_qty", "backorder_qty"]}


# The tables the rules read when the engine imports.
ENGINE_TABLES = {"items": "items", "orders": "orders", "on_hand": "on_hand",
                 "new_orders": "import_orders", "expected": "expected_receipts"}


def unique(keys: list[str], column: str) -> Rule:
    """Each row whose `keys` an earlier row of the import already had."""
    keyed = ", ".join(keys)
    present = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    return Rule(column, f"""
        SELECT row_no, {column} FROM (
            SELECT row_no, {column},
                   row_number() OVER (PARTITION BY {keyed} ORDER BY row_no) AS seen
            FROM {{t}} WHERE {present}) WHERE seen > 1""", "appears twice in the import")


KNOWN_SKU = Rule("sku", "SELECT row_no, sku FROM {t} WHERE sku NOT IN (SELECT sku FROM {items})",
                 "is not a known SKU (import the item first)")


def engine_owned_zero(kind: str) -> list[Rule]:
    return [Rule(column, f"SELECT row_no, {column} FROM {{t}} WHERE coalesce({column}, 0) <> 0",
                 "is worked out by the engine; import it as 0 or leave it out")
            for column in ENGINE_OWNED[kind]]


ITEM_RULES = [
    unique(["sku"], "sku"),
    Rule("sku", "SELECT row_no, sku FROM {t} WHERE sku IN (SELECT sku FROM {items})",
         "already exists"),
    Rule("unit_price", "SELECT row_no, unit_price FROM {t} WHERE unit_price < 0",
         "must not be negative"),
]
INVENTORY_RULES = [
    KNOWN_SKU,
    Rule("status", f"""SELECT row_no, status FROM {{t}}
                       WHERE status NOT IN ({sql_list(STOCK_STATUSES)})""",
         f"is not a stock status ({', '.join(STOCK_STATUSES)})"),
    unique(["sku", "status"], "sku"),
    *engine_owned_zero("inventory"),
    Rule("qty", f"""
        SELECT s.row_no, s.qty FROM {{t}} s LEFT JOIN {{on_hand}} h USING (sku, status)
        WHERE s.qty + coalesce(h.qty, 0) > {MAX_ON_HAND}""",
         f"would take on-hand past {MAX_ON_HAND:,} units"),
]
ORDER_RULES = [
    Rule("order_no", f"""SELECT row_no, order_no FROM {{t}}
                         WHERE NOT regexp_full_match(order_no, '{ORDER_NO_PATTERN}')""",
         "is not an order number like 140 or 140.001"),
    unique(["order_no"], "order_no"),
    Rule("order_no", """SELECT row_no, order_no FROM {t}
                        WHERE order_no IN (SELECT order_no FROM {orders})""",
         "already exists"),
    Rule("status", f"""SELECT row_no, status FROM {{t}}
                       WHERE status NOT IN ({sql_list(ORDER_STATUSES)})""",
         f"is not an order status ({', '.join(ORDER_STATUSES)})"),
    Rule("priority", "SELECT row_no, priority FROM {t} WHERE priority NOT BETWEEN 1 AND 5",
         "must be between 1 (most urgent) and 5"),
    Rule("parent_order_no", f"""
        SELECT row_no, parent_order_no FROM {{t}}
        WHERE parent_order_no IS NOT NULL
          AND NOT regexp_full_match(parent_order_no, '{ORDER_NO_PATTERN}')""",
         "is not an order number like 140 or 140.001"),
]
LINE_RULES = [
    Rule("order_no", """SELECT row_no, order_no FROM {t}
                        WHERE order_no NOT IN (SELECT order_no FROM {new_orders})""",
         "is not among the orders being imported"),
    Rule("line_no", "SELECT row_no, line_no FROM {t} WHERE line_no < 1", "must be 1 or more"),
    unique(["order_no", "line_no"], "line_no"),
    KNOWN_SKU,
    Rule("ordered_qty", "SELECT row_no, ordered_qty FROM {t} WHERE ordered_qty <= 0",
         "must be greater than zero"),
    *engine_owned_zero("lines"),
]

EXPECTED_RULES = [
    unique(["ref", "line_no"], "line_no"),
    Rule("line_no", """SELECT row_no, line_no FROM {t} t
                       WHERE EXISTS (SELECT 1 FROM {expected} e
                                     WHERE e.ref = t.ref AND e.line_no = t.line_no)""",
         "is already a line of this ref in the warehouse"),
    KNOWN_SKU,
]


def fill(sql: str, tables: dict[str, str]) -> str:
    """A rule's SQL with its placeholders replaced (only those: patterns hold braces)."""
    for name, table in tables.items():
        sql = sql.replace("{" + name + "}", table)
    return sql


def check(cur: duckdb.DuckDBPyConnection, frame: str, table: str, rules: list[Rule]) -> None:
    """Raise on the first row of `table` that breaks a rule, rule by rule."""
    for rule in rules:
        first_violation(cur, frame, rule.column, fill(rule.sql, {"t": table, **ENGINE_TABLES}),
                        rule.problem)


def items_into(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, at, user: str | None) -> int:
    """Checks and writes items inside the caller's transaction."""
    count = stage(cur, df, "items", ITEM_COLUMNS, "import_items")
    check(cur, "items", "import_items", ITEM_RULES)
    cur.execute("""INSERT INTO items SELECT sku, description, backorder, unit_price
                   FROM import_items ORDER BY row_no""")
    audit.record(cur, at, user, """
        SELECT 'item_imported', NULL, sku, NULL, NULL, NULL,
               'backorder ' || CASE WHEN backorder THEN 'allowed' ELSE 'not allowed' END
        FROM import_items""")
    return count


def inventory_into(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, at,
                   user: str | None) -> int:
    """Checks and writes opening stock inside the caller's transaction; returns how many
    rows were written (rows of quantity 0 are skipped)."""
    stage(cur, df, "inventory", INVENTORY_COLUMNS, "import_stock")
    check(cur, "inventory", "import_stock", INVENTORY_RULES)
    cur.execute("DELETE FROM import_stock WHERE qty = 0")  # a WMS snapshot lists them
    count = cur.execute("SELECT count(*) FROM import_stock").fetchall()[0][0]
    ids.insert_numbered(cur, "ledger", "inventory_ledger", """
        SELECT ?::TIMESTAMP, ?::VARCHAR, 'import', sku, status, qty, NULL::BIGINT,
               'opening balance'
        FROM import_stock ORDER BY row_no""", [at, user])
    audit.record(cur, at, user, """
        SELECT 'stock_imported', NULL, sku, qty, NULL, NULL, status FROM import_stock""")
    return count


def orders_into(cur: duckdb.DuckDBPyConnection, orders: pd.DataFrame, lines: pd.DataFrame,
                at, user: str | None) -> int:
    """Checks and writes orders with their lines inside the caller's transaction."""
    count = stage(cur, orders, "orders", ORDER_COLUMNS, "import_orders")
    check(cur, "orders", "import_orders", ORDER_RULES)
    stage(cur, lines, "lines", LINE_COLUMNS, "import_lines")
    check(cur, "lines", "import_lines", LINE_RULES)
    cur.execute(f"""
        INSERT INTO orders
        SELECT order_no, {ROOT_SQL}, {SUFFIX_SQL}, parent_order_no, order_date, priority,
               status,
               coalesce(ship_code, CASE WHEN status = 'Back Order'
                                        THEN '{SHIP_CODE_BACKORDER}' END),
               coalesce(ship_complete, false), customer, ?::TIMESTAMP, NULL, NULL,
               coalesce(t.lines, 0), coalesce(t.units, 0), coalesce(t.value, 0), ship_by,
               ?::BIGINT + row_number() OVER (ORDER BY row_no) - 1
        FROM import_orders LEFT JOIN ({ORDER_TOTALS.format(lines="import_lines")}) t
            USING (order_no)
        ORDER BY row_no""", [at, ids.take(cur, "order", count)])
    lines_count = cur.execute("SELECT count(*) FROM import_lines").fetchall()[0][0]
    cur.execute("""
        INSERT INTO order_lines
        SELECT order_no, line_no, sku, ordered_qty, 0, 0, 0,
               ?::BIGINT + row_number() OVER (ORDER BY row_no) - 1
        FROM import_lines ORDER BY row_no""", [ids.take(cur, "line", lines_count)])
    audit.record(cur, at, user, """
        SELECT 'order_imported', o.order_no, NULL, coalesce(sum(l.ordered_qty), 0),
               NULL, NULL, any_value(o.status)
        FROM import_orders o LEFT JOIN import_lines l USING (order_no)
        GROUP BY o.order_no""")
    return count


def expected_receipts_into(cur: duckdb.DuckDBPyConnection, df: pd.DataFrame, at,
                           user: str | None) -> int:
    """Checks and writes expected receipt lines inside the caller's transaction; one audit
    row for the whole import, since a purchase-order file may hold many thousand lines."""
    count = stage(cur, df, "expected receipts", EXPECTED_COLUMNS, "import_expected")
    check(cur, "expected receipts", "import_expected", EXPECTED_RULES)
    cur.execute("""INSERT INTO expected_receipts
                   SELECT ref, line_no, sku, qty, due_date, coalesce(received_qty, 0),
                          ?::TIMESTAMP
                   FROM import_expected ORDER BY row_no""", [at])
    audit.record(cur, at, user, """
        SELECT 'expected_receipts_imported', NULL, NULL, sum(qty), NULL, NULL,
               count(*) || CASE WHEN count(*) = 1 THEN ' line' ELSE ' lines' END || ' of '
               || count(DISTINCT ref) || CASE WHEN count(DISTINCT ref) = 1 THEN ' ref'
                                              ELSE ' refs' END
        FROM import_expected HAVING count(*) > 0""")
    return count


def import_items(db: Database, df: pd.DataFrame, user: str | None = None) -> int:
    at = db.now()
    with db.write() as cur:
        return items_into(cur, df, at, user)


def import_inventory(db: Database, df: pd.DataFrame, user: str | None = None) -> int:
    """Returns how many rows were written; rows of quantity 0 are skipped."""
    at = db.now()
    with db.write() as cur:
        return inventory_into(cur, df, at, user)


def import_orders(db: Database, orders: pd.DataFrame, lines: pd.DataFrame,
                  user: str | None = None) -> int:
    at = db.now()
    with db.write() as cur:
        return orders_into(cur, orders, lines, at, user)


def import_expected_receipts(db: Database, df: pd.DataFrame, user: str | None = None) -> int:
    """Returns how many lines were written."""
    at = db.now()
    with db.write() as cur:
        return expected_receipts_into(cur, df, at, user)
