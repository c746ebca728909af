"""Imports of items, opening inventory and orders: all checked first, then one bulk write."""

from __future__ import annotations

import duckdb
import pandas as pd

from . import audit
from .db import Database
from .inputs import MAX_MOVEMENT, MAX_ON_HAND
from .orderno import ORDER_NO_PATTERN, ROOT_SQL, SUFFIX_SQL
from .schema import ORDER_STATUSES, ORDER_TOTALS, SHIP_CODE_BACKORDER, STOCK_STATUSES, sql_list
from .validation import Column, duplicates, first_violation, stage

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


def _unknown_sku(cur, frame: str, table: str) -> None:
    first_violation(cur, frame, "sku", f"""
        SELECT row_no, sku FROM {table} WHERE sku NOT IN (SELECT sku FROM items)""",
                    "is not a known SKU (import the item first)")


def _engine_owned_zero(cur, frame: str, table: str, columns: list[str]) -> None:
    for column in columns:
        first_violation(cur, frame, column, f"""
            SELECT row_no, {column} FROM {table} WHERE coalesce({column}, 0) <> 0""",
                        "is worked out by the engine; import it as 0 or leave it out")


def import_items(db: Database, df: pd.DataFrame, user: str | None = None) -> int:
    at = db.now()
    with db.write() as cur:
        count = stage(cur, df, "items", ITEM_COLUMNS, "import_items")
        duplicates(cur, "items", "import_items", ["sku"], "sku")
        first_violation(cur, "items", "sku", """
            SELECT row_no, sku FROM import_items WHERE sku IN (SELECT sku FROM items)""",
                        "already exists")
        first_violation(cur, "items", "unit_price", """
            SELECT row_no, unit_price FROM import_items WHERE unit_price < 0""",
                        "must not be negative")
        cur.execute("""INSERT INTO items SELECT sku, description, backorder, unit_price
                       FROM import_items ORDER BY row_no""")
        audit.record(cur, at, user, """
            SELECT 'item_imported', NULL, sku, NULL, NULL, NULL,
                   'backorder ' || CASE WHEN backorder THEN 'allowed' ELSE 'not allowed' END
            FROM import_items""")
    return count


def import_inventory(db: Database, df: pd.DataFrame, user: str | None = None) -> int:
    """Returns how many rows were written; rows of quantity 0 are skipped."""
    at = db.now()
    with db.write() as cur:
        stage(cur, df, "inventory", INVENTORY_COLUMNS, "import_stock")
        _unknown_sku(cur, "inventory", "import_stock")
        first_violation(cur, "inventory", "status", f"""
            SELECT row_no, status FROM import_stock
            WHERE status NOT IN ({sql_list(STOCK_STATUSES)})""",
                        f"is not a stock status ({', '.join(STOCK_STATUSES)})")
        duplicates(cur, "inventory", "import_stock", ["sku", "status"], "sku")
        _engine_owned_zero(cur, "inventory", "import_stock", ["reserved"])
        first_violation(cur, "inventory", "qty", f"""
            SELECT s.row_no, s.qty FROM import_stock s LEFT JOIN on_hand h USING (sku, status)
            WHERE s.qty + coalesce(h.qty, 0) > {MAX_ON_HAND}""",
                        f"would take on-hand past {MAX_ON_HAND:,} units")
        cur.execute("DELETE FROM import_stock WHERE qty = 0")  # a WMS snapshot lists them
        count = cur.execute("SELECT count(*) FROM import_stock").fetchall()[0][0]
        cur.execute("""
            INSERT INTO inventory_ledger
            SELECT nextval('ledger_seq'), ?::TIMESTAMP, ?::VARCHAR, 'import', sku, status, qty,
                   NULL, 'opening balance'
            FROM import_stock ORDER BY row_no""", [at, user])
        audit.record(cur, at, user, """
            SELECT 'stock_imported', NULL, sku, qty, NULL, NULL, status FROM import_stock""")
    return count


def _check_orders(cur: duckdb.DuckDBPyConnection) -> None:
    first_violation(cur, "orders", "order_no", f"""
        SELECT row_no, order_no FROM import_orders
        WHERE NOT regexp_full_match(order_no, '{ORDER_NO_PATTERN}')""",
                    "is not an order number like 140 or 140.001")
    duplicates(cur, "orders", "import_orders", ["order_no"], "order_no")
    first_violation(cur, "orders", "order_no", """
        SELECT row_no, order_no FROM import_orders
        WHERE order_no IN (SELECT order_no FROM orders)""", "already exists")
    first_violation(cur, "orders", "status", f"""
        SELECT row_no, status FROM import_orders
        WHERE status NOT IN ({sql_list(ORDER_STATUSES)})""",
                    f"is not an order status ({', '.join(ORDER_STATUSES)})")
    first_violation(cur, "orders", "priority", """
        SELECT row_no, priority FROM import_orders WHERE priority NOT BETWEEN 1 AND 5""",
                    "must be between 1 (most urgent) and 5")
    first_violation(cur, "orders", "parent_order_no", f"""
        SELECT row_no, parent_order_no FROM import_orders
        WHERE parent_order_no IS NOT NULL
          AND NOT regexp_full_match(parent_order_no, '{ORDER_NO_PATTERN}')""",
                    "is not an order number like 140 or 140.001")


def _check_lines(cur: duckdb.DuckDBPyConnection) -> None:
    first_violation(cur, "lines", "order_no", """
        SELECT row_no, order_no FROM import_lines
        WHERE order_no NOT IN (SELECT order_no FROM import_orders)""",
                    "is not among the orders being imported")
    first_violation(cur, "lines", "line_no", """
        SELECT row_no, line_no FROM import_lines WHERE line_no < 1""",
                    "must be 1 or more")
    duplicates(cur, "lines", "import_lines", ["order_no", "line_no"], "line_no")
    _unknown_sku(cur, "lines", "import_lines")
    first_violation(cur, "lines", "ordered_qty", """
        SELECT row_no, ordered_qty FROM import_lines WHERE ordered_qty <= 0""",
                    "must be greater than zero")
    _engine_owned_zero(cur, "lines", "import_lines",
                       ["allocated_qty", "shorted_qty", "backorder_qty"])


def import_orders(db: Database, orders: pd.DataFrame, lines: pd.DataFrame,
                  user: str | None = None) -> int:
    at = db.now()
    with db.write() as cur:
        count = stage(cur, orders, "orders", ORDER_COLUMNS, "import_orders")
        _check_orders(cur)
        stage(cur, lines, "lines", LINE_COLUMNS, "import_lines")
        _check_lines(cur)
        cur.execute(f"""
            INSERT INTO orders
            SELECT order_no, {ROOT_SQL}, {SUFFIX_SQL}, parent_order_no, order_date, priority,
                   status,
                   coalesce(ship_code, CASE WHEN status = 'Back Order'
                                            THEN '{SHIP_CODE_BACKORDER}' END),
                   coalesce(ship_complete, false), customer, ?::TIMESTAMP, NULL, NULL,
                   coalesce(t.lines, 0), coalesce(t.units, 0), coalesce(t.value, 0)
            FROM import_orders LEFT JOIN ({ORDER_TOTALS.format(lines="import_lines")}) t
                USING (order_no)
            ORDER BY row_no""", [at])
        cur.execute("""
            INSERT INTO order_lines
            SELECT order_no, line_no, sku, ordered_qty, 0, 0, 0
            FROM import_lines ORDER BY row_no""")
        audit.record(cur, at, user, """
            SELECT 'order_imported', o.order_no, NULL, coalesce(sum(l.ordered_qty), 0),
                   NULL, NULL, any_value(o.status)
            FROM import_orders o LEFT JOIN import_lines l USING (order_no)
            GROUP BY o.order_no""")
    return count
