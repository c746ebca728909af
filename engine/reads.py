"""Read models for screens and notebooks: filtered and paged in DuckDB, small frames out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from .allocation import read_alerts
from .orderno import rank_sql
from .schema import STOCK_STATUSES
from .where import Where

ORDER_SORTS = {
    # Open work first (On Order, Back Order, ...), each in rank of service; closed orders last.
    "open_first": f"status IN ('Shipped', 'Cancelled'), {rank_sql()}",
    "rank": rank_sql(),
    "order_no": "root_no, suffix",
    "newest": "order_date DESC, root_no DESC, suffix DESC",
    "oldest": "order_date, root_no, suffix",
}


@dataclass
class OrderFilter:
    """What the Orders grid asks for; every field left empty means 'any'."""
    statuses: list[str] | None = None
    ship_codes: list[str] | None = None
    priorities: list[int] | None = None
    sku: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str | None = None
    releasable_only: bool = False
    order_nos: list[str] | None = None


def _order_where(cur: duckdb.DuckDBPyConnection, f: OrderFilter,
                 releasable: list[str] | None) -> tuple[str, list]:
    text = f.search.strip() if f.search else ""
    where = (
        Where()
        .when(f.statuses, "status IN (SELECT unnest(?::VARCHAR[]))", list(f.statuses or []))
        .when(f.ship_codes, "coalesce(ship_code, '') IN (SELECT unnest(?::VARCHAR[]))",
              ["" if c is None else c for c in f.ship_codes or []])
        .when(f.priorities, "priority IN (SELECT unnest(?::INTEGER[]))",
              [int(p) for p in f.priorities or []])
        .when(f.sku, "order_no IN (SELECT order_no FROM order_lines WHERE sku = ?)",
              (f.sku or "").strip())
        .when(f.date_from, "order_date >= ?", f.date_from)
        .when(f.date_to, "order_date <= ?", f.date_to)
        .when(text, "(order_no = ? OR starts_with(order_no, ? || '.') "
                    "OR customer ILIKE '%' || ? || '%' "
                    "OR order_no IN (SELECT order_no FROM order_lines WHERE sku ILIKE ?))",
              text, text, text, text)
        .when(f.order_nos is not None, "order_no IN (SELECT unnest(?::VARCHAR[]))",
              [str(n) for n in f.order_nos or []])
        .when(releasable is not None, "order_no IN (SELECT unnest(?::VARCHAR[]))", releasable)
    )
    return where.sql, where.params


def count_orders(cur: duckdb.DuckDBPyConnection, f: OrderFilter,
                 releasable: list[str] | None = None) -> int:
    where, params = _order_where(cur, f, releasable)
    return cur.execute(f"SELECT count(*) FROM orders WHERE {where}", params).fetchall()[0][0]


def list_order_nos(cur: duckdb.DuckDBPyConnection, f: OrderFilter, limit: int | None,
                   sort: str, releasable: list[str] | None = None) -> list[str]:
    """Only the numbers, in grid order: "select all matching" needs no line totals."""
    where, params = _order_where(cur, f, releasable)
    order_by = ORDER_SORTS.get(sort, ORDER_SORTS["open_first"])
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    frame = cur.execute(f"SELECT order_no FROM orders WHERE {where} ORDER BY {order_by} {page}",
                        params).fetchnumpy()
    return frame["order_no"].tolist()


def list_orders(cur: duckdb.DuckDBPyConnection, f: OrderFilter, limit: int | None,
                offset: int, sort: str, releasable: list[str] | None = None) -> pd.DataFrame:
    """One page of orders with their line totals; `sort` is a key of ORDER_SORTS."""
    where, params = _order_where(cur, f, releasable)
    order_by = ORDER_SORTS.get(sort, ORDER_SORTS["open_first"])
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return cur.execute(f"""
        WITH page AS (
            SELECT * FROM orders WHERE {where} ORDER BY {order_by} {page}),
        line_totals AS (
            SELECT order_no, count(*) AS lines, sum(ordered_qty)::BIGINT AS units,
                   sum(allocated_qty)::BIGINT AS units_allocated,
                   sum(backorder_qty)::BIGINT AS units_backordered,
                   sum(shorted_qty)::BIGINT AS units_shorted,
                   string_agg(DISTINCT sku, ', ') AS skus
            FROM order_lines WHERE order_no IN (SELECT order_no FROM page) GROUP BY order_no)
        SELECT p.order_no, p.parent_order_no, p.order_date, p.priority, p.status, p.ship_code,
               p.ship_complete, p.customer, coalesce(t.lines, 0) AS lines,
               coalesce(t.units, 0) AS units, coalesce(t.units_allocated, 0) AS units_allocated,
               coalesce(t.units_backordered, 0) AS units_backordered,
               coalesce(t.units_shorted, 0) AS units_shorted, t.skus,
               p.created_at, p.released_at
        FROM page p LEFT JOIN line_totals t USING (order_no)
        ORDER BY {order_by}""", params).df()


def order_lines(cur: duckdb.DuckDBPyConnection, order_no: str) -> pd.DataFrame:
    return cur.execute("""
        SELECT l.order_no, l.line_no, l.sku, i.description, l.ordered_qty, l.allocated_qty,
               l.shorted_qty, l.backorder_qty,
               l.backorder_qty * coalesce(i.unit_price, 0) AS backorder_value
        FROM order_lines l LEFT JOIN items i USING (sku)
        WHERE l.order_no = ? ORDER BY l.line_no""", [str(order_no)]).df()


def order_history(cur: duckdb.DuckDBPyConnection, order_no: str) -> pd.DataFrame:
    """Audit rows of the order and of its direct backorders (their creation)."""
    return cur.execute("""
        SELECT "at", "user", action, order_no, sku, qty, run_id, receipt_id, detail FROM audit
        WHERE order_no = ?
           OR (action = 'backorder_created' AND detail = 'from ' || ?)
        ORDER BY audit_id""", [str(order_no), str(order_no)]).df()


def _items_where(backorder_allowed: bool | None, has_backorders: bool,
                 shorted_not_allowed: bool, search: str | None) -> tuple[str, list]:
    text = search.strip() if search else ""
    where = (
        Where()
        .when(backorder_allowed is not None, "backorder = ?", bool(backorder_allowed))
        .when(has_backorders, "units_waiting > 0")
        .when(shorted_not_allowed, "NOT backorder AND units_shorted > 0")
        .when(text, "(sku ILIKE '%' || ? || '%' OR description ILIKE '%' || ? || '%')",
              text, text)
    )
    return where.sql, where.params


def _items_wide_sql() -> str:
    pivots = ", ".join(
        f"coalesce(sum(qty) FILTER (WHERE status = '{s}'), 0)::BIGINT AS {s.lower()}"
        for s in STOCK_STATUSES)
    return f"""
        WITH stock AS (SELECT sku, {pivots} FROM on_hand GROUP BY sku),
        waiting AS (
            SELECT l.sku, sum(l.ordered_qty)::BIGINT AS units_waiting
            FROM order_lines l JOIN orders o USING (order_no)
            WHERE o.status = 'Back Order' GROUP BY l.sku),
        shorted AS (
            SELECT sku, sum(shorted_qty)::BIGINT AS units_shorted FROM order_lines
            WHERE shorted_qty > 0 GROUP BY sku),
        wide AS (
            SELECT i.sku, i.description, i.backorder, i.unit_price,
                   coalesce(s.available, 0) AS available, coalesce(r.reserved, 0) AS reserved,
                   greatest(coalesce(s.available, 0) - coalesce(r.reserved, 0), 0) AS free,
                   coalesce(s.frozen, 0) AS frozen, coalesce(s.damaged, 0) AS damaged,
                   coalesce(s.quarantine, 0) AS quarantine,
                   coalesce(w.units_waiting, 0) AS units_waiting,
                   coalesce(h.units_shorted, 0) AS units_shorted
            FROM items i
            LEFT JOIN stock s USING (sku) LEFT JOIN reserved r USING (sku)
            LEFT JOIN waiting w USING (sku) LEFT JOIN shorted h USING (sku))"""


def items(cur: duckdb.DuckDBPyConnection, backorder_allowed: bool | None = None,
          has_backorders: bool = False, shorted_not_allowed: bool = False,
          search: str | None = None, limit: int | None = None, offset: int = 0
          ) -> pd.DataFrame:
    where, params = _items_where(backorder_allowed, has_backorders, shorted_not_allowed, search)
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return cur.execute(f"{_items_wide_sql()} SELECT * FROM wide WHERE {where} ORDER BY sku {page}",
                       params).df()


def count_items(cur: duckdb.DuckDBPyConnection, backorder_allowed: bool | None = None,
                has_backorders: bool = False, shorted_not_allowed: bool = False,
                search: str | None = None) -> int:
    where, params = _items_where(backorder_allowed, has_backorders, shorted_not_allowed, search)
    return cur.execute(f"{_items_wide_sql()} SELECT count(*) FROM wide WHERE {where}",
                       params).fetchall()[0][0]


def skus(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return cur.execute("SELECT sku FROM items ORDER BY sku").fetchnumpy()["sku"].tolist()


def inventory(cur: duckdb.DuckDBPyConnection, search: str | None = None,
              limit: int | None = None) -> pd.DataFrame:
    """On-hand per SKU and status; reserved units show on the Available row only."""
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    text = search.strip() if search and search.strip() else None
    return cur.execute(f"""
        SELECT h.sku, h.status, h.qty,
               CASE WHEN h.status = 'Available' THEN coalesce(r.reserved, 0) ELSE 0 END
                   ::BIGINT AS reserved
        FROM on_hand h LEFT JOIN reserved r USING (sku)
        WHERE ?::VARCHAR IS NULL OR h.sku ILIKE '%' || ? || '%'
        ORDER BY h.sku, list_position({list(STOCK_STATUSES)}, h.status) {page}""",
                       [text, text]).df()


def ledger(cur: duckdb.DuckDBPyConnection, limit: int = 200, sku: str | None = None
           ) -> pd.DataFrame:
    return cur.execute("""
        SELECT entry_id, "at", "user", kind, sku, status, qty, receipt_id, reason
        FROM inventory_ledger WHERE ? IS NULL OR sku = ?
        ORDER BY entry_id DESC LIMIT ?""", [sku, sku, int(limit)]).df()


def alerts(cur: duckdb.DuckDBPyConnection, run_id: int, limit: int | None = None,
           offset: int = 0) -> pd.DataFrame:
    return read_alerts(cur, int(run_id), limit, offset)


def alert_counts(cur: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """Alerts of a run counted by severity and kind, without fetching them all."""
    return cur.execute("""
        SELECT severity, kind, count(*) AS alerts FROM alerts WHERE run_id = ?
        GROUP BY severity, kind""", [int(run_id)]).df()


def runs(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute("""
        SELECT r.*,
               (SELECT count(*) FROM alerts a WHERE a.run_id = r.run_id) AS alerts
        FROM runs r ORDER BY run_id DESC""").df()


def audit_log(cur: duckdb.DuckDBPyConnection, limit: int | None = None,
              order_no: str | None = None, sku: str | None = None) -> pd.DataFrame:
    page = f"LIMIT {int(limit)}" if limit else ""
    return cur.execute(f"""
        SELECT "at", "user", action, order_no, sku, qty, run_id, receipt_id, detail FROM audit
        WHERE (? IS NULL OR order_no = ?) AND (? IS NULL OR sku = ?)
        ORDER BY audit_id DESC {page}""", [order_no, order_no, sku, sku]).df()


def distinct_ship_codes(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT ship_code FROM orders WHERE ship_code IS NOT NULL ORDER BY 1").fetchall()]


def open_backorder_totals(cur: duckdb.DuckDBPyConnection, now) -> dict[str, float]:
    row = cur.execute("""
        SELECT count(DISTINCT o.order_no), coalesce(sum(l.ordered_qty), 0),
               coalesce(sum(l.ordered_qty * coalesce(i.unit_price, 0)), 0),
               count(DISTINCT o.order_no) FILTER (WHERE o.created_at < ? - INTERVAL 1 DAY)
        FROM orders o JOIN order_lines l USING (order_no) LEFT JOIN items i USING (sku)
        WHERE o.status = 'Back Order'""", [now]).fetchall()[0]
    return {"orders": int(row[0]), "units": int(row[1]), "value": float(row[2]),
            "older_than_a_day": int(row[3])}
