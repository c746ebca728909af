"""Read models for screens and notebooks: filtered and paged in DuckDB, small frames out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from .allocation import read_alerts
from .errors import ValidationError
from .orderno import rank_sql
from .schema import STOCK_STATUSES
from .where import SKU_PREFIX, Where, contains

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
    eta: str | None = None  # one of ETA_FILTERS: late, no supply, releasable now, expected
    ship_by_to: date | None = None  # orders to ship by this date at the latest


# What the ETA of a Back Order order says, as a filter over `backorder_eta` (registered as
# `eta_set` by the warehouse before any orders read).
ETA_FILTERS = {
    "late": "late_by_days > 0",
    "no supply": "eta IS NULL",
    "releasable now": "covered_by = 'free stock'",
    "expected": "eta IS NOT NULL AND covered_by <> 'free stock'",
}
ETA_SET_COLUMNS = "e.eta, e.covered_by, e.late_by_days"


def _order_where(cur: duckdb.DuckDBPyConnection, f: OrderFilter,
                 releasable: pd.DataFrame | None) -> tuple[str, list]:
    text = f.search.strip() if f.search else ""
    where = (
        Where()
        .when(f.statuses, "status IN (SELECT unnest(?::VARCHAR[]))", list(f.statuses or []))
        .when(f.ship_codes, "coalesce(ship_code, '') IN (SELECT unnest(?::VARCHAR[]))",
              ["" if c is None else c for c in f.ship_codes or []])
        .when(f.priorities, "priority IN (SELECT unnest(?::INTEGER[]))",
              [int(p) for p in f.priorities or []])
        .when(f.sku, f"order_no IN (SELECT order_no FROM order_lines WHERE {SKU_PREFIX})",
              (f.sku or "").strip())
        .when(f.date_from, "order_date >= ?", f.date_from)
        .when(f.date_to, "order_date <= ?", f.date_to)
        .when(f.ship_by_to, "ship_by <= ?", f.ship_by_to)
        .when(text, "(order_no = ? OR starts_with(order_no, ? || '.') "
                    f"OR {contains('customer')} "
                    f"OR order_no IN (SELECT order_no FROM order_lines WHERE {SKU_PREFIX}))",
              text, text, text, text)
        .when(f.order_nos is not None, "order_no IN (SELECT order_no FROM chosen_set)")
        .when(releasable is not None, "order_no IN (SELECT order_no FROM releasable_set)")
        .when(f.eta, "order_no IN (SELECT order_no FROM eta_set WHERE "
                     f"{_eta_filter(f.eta) if f.eta else 'true'})")
    )
    # Frames, seen by DuckDB in place: a selection of 700 k orders is never a parameter.
    if f.order_nos is not None:
        cur.register("chosen_set", pd.DataFrame(
            {"order_no": pd.Series(list(f.order_nos), dtype="object").astype(str)}))
    if releasable is not None:
        cur.register("releasable_set", releasable)
    return where.sql, where.params


def _eta_filter(name: str) -> str:
    if name not in ETA_FILTERS:
        raise ValidationError(f"The ETA filter must be one of {', '.join(ETA_FILTERS)}, not "
                              f"{name!r}", column="eta", value=name)
    return ETA_FILTERS[name]


def status_counts(cur: duckdb.DuckDBPyConnection, f: OrderFilter,
                  releasable: pd.DataFrame | None = None) -> dict[str, int]:
    """How many matching orders are in each status, in one pass (a selection's summary)."""
    where, params = _order_where(cur, f, releasable)
    rows = cur.execute(f"SELECT status, count(*) FROM orders WHERE {where} GROUP BY status",
                       params).fetchall()
    return {status: int(n) for status, n in rows}


def count_orders(cur: duckdb.DuckDBPyConnection, f: OrderFilter,
                 releasable: pd.DataFrame | None = None) -> int:
    where, params = _order_where(cur, f, releasable)
    return cur.execute(f"SELECT count(*) FROM orders WHERE {where}", params).fetchall()[0][0]


# Columns of the Orders grid an analyst can sort the whole filtered set by: "units" sorts
# ascending, "-units" descending; ties fall back to the rank of service.
ORDER_COLUMNS_SORTABLE = {
    "order_no": "root_no, suffix", "order_date": "order_date", "priority": "priority",
    "status": "status", "ship_code": "ship_code", "ship_complete": "ship_complete",
    "customer": "lower(customer)", "parent_order_no": "parent_order_no",
    "created_at": "created_at", "released_at": "released_at", "age_days": "age_days",
    "lines": "lines", "units": "units", "units_allocated": "units_allocated",
    "units_backordered": "units_backordered", "units_shorted": "units_shorted",
    "value": "value", "skus": "skus", "ship_by": "ship_by", "eta": "eta",
    "late_by_days": "late_by_days", "covered_by": "covered_by",
}
_NEEDS_LINE_TOTALS = {"units_allocated", "units_backordered", "units_shorted", "skus"}
_NEEDS_ETA = {"eta", "late_by_days", "covered_by"}


def sorts_by_eta(sort: str) -> bool:
    return sort.removeprefix("-") in _NEEDS_ETA


def order_sort_sql(sort: str) -> tuple[str, bool]:
    """(ORDER BY clause, whether it needs line totals) for a named sort or a column sort."""
    if sort in ORDER_SORTS:
        return ORDER_SORTS[sort], False
    column = sort.removeprefix("-")
    if column not in ORDER_COLUMNS_SORTABLE:
        raise ValidationError(f"sort must be one of {', '.join(ORDER_SORTS)} or a column "
                              f"({', '.join(ORDER_COLUMNS_SORTABLE)}), not {sort!r}",
                              column="sort", value=sort)
    direction = "DESC" if sort.startswith("-") else "ASC"
    expressions = ", ".join(f"{e} {direction} NULLS LAST"
                            for e in ORDER_COLUMNS_SORTABLE[column].split(", "))
    return f"{expressions}, {rank_sql()}, order_no", column in _NEEDS_LINE_TOTALS


# The SKUs of an order, sorted, each once: a sorted list with repeats dropped is about three
# times cheaper than string_agg(DISTINCT ... ORDER BY ...) over millions of lines.
_LINE_TOTALS = """
    SELECT order_no, units_allocated, units_backordered, units_shorted,
           array_to_string(list_filter(skus, lambda s, i: i = 1 OR s <> skus[i - 1]), ', ')
               AS skus
    FROM (SELECT l.order_no, sum(l.allocated_qty)::BIGINT AS units_allocated,
                 sum(l.backorder_qty)::BIGINT AS units_backordered,
                 sum(l.shorted_qty)::BIGINT AS units_shorted, list_sort(list(l.sku)) AS skus
          FROM order_lines l
          WHERE l.order_no IN (SELECT order_no FROM {source}) GROUP BY l.order_no)"""
_WITH_AGE = """
    SELECT *, CASE WHEN status = 'Back Order'
                   THEN date_diff('day', created_at, ?::TIMESTAMP) END AS age_days
    FROM orders WHERE {where}"""
_WITH_ETA = f"""
    SELECT f.*, {ETA_SET_COLUMNS} FROM ({_WITH_AGE}) f LEFT JOIN eta_set e USING (order_no)"""


def _filtered(where: str, sort: str) -> str:
    """The filtered orders with their age, and their ETA when the sort needs it before the
    page is cut."""
    by_eta = sorts_by_eta(sort)
    return (_WITH_ETA if by_eta else _WITH_AGE).format(where=where)


def _paged(where: str, sort: str, limit: int | None, offset: int) -> tuple[str, str]:
    """CTEs ending in `shown` (a page of orders with age and line totals) and its ORDER BY.
    A sort by a line total needs every filtered order's totals before the page is cut;
    any other sort totals the page alone."""
    order_by, by_totals = order_sort_sql(sort)
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    ctes = [f"filtered AS ({_filtered(where, sort)})"]
    if by_totals:
        ctes += [f"totals AS ({_LINE_TOTALS.format(source='filtered')})",
                 f"""shown AS (SELECT f.*, t.* EXCLUDE (order_no) FROM filtered f
                     LEFT JOIN totals t USING (order_no) ORDER BY {order_by} {page})"""]
    else:
        ctes += [f"page AS (SELECT * FROM filtered ORDER BY {order_by} {page})",
                 f"totals AS ({_LINE_TOTALS.format(source='page')})",
                 """shown AS (SELECT p.*, t.* EXCLUDE (order_no) FROM page p
                    LEFT JOIN totals t USING (order_no))"""]
    return ",\n".join(ctes), order_by


def list_order_nos(cur: duckdb.DuckDBPyConnection, f: OrderFilter, limit: int | None,
                   sort: str, releasable: pd.DataFrame | None = None, now=None) -> list[str]:
    """Only the numbers, in grid order: "select all matching", group runs."""
    where, params = _order_where(cur, f, releasable)
    order_by, by_totals = order_sort_sql(sort)
    if by_totals:
        ctes, order_by = _paged(where, sort, limit, 0)
        sql = f"WITH {ctes} SELECT order_no FROM shown ORDER BY {order_by}"
    else:  # no line totals needed at all
        page = f"LIMIT {int(limit)}" if limit is not None else ""
        sql = (f"WITH filtered AS ({_filtered(where, sort)}) "
               f"SELECT order_no FROM filtered ORDER BY {order_by} {page}")
    return cur.execute(sql, [now, *params]).fetchnumpy()["order_no"].tolist()


def list_orders(cur: duckdb.DuckDBPyConnection, f: OrderFilter, limit: int | None,
                offset: int, sort: str, releasable: pd.DataFrame | None = None,
                now=None) -> pd.DataFrame:
    """One page of orders with their line totals, sorted over the whole filtered set."""
    return cur.execute(*orders_query(cur, f, limit, offset, sort, releasable, now)).df()


def orders_query(cur: duckdb.DuckDBPyConnection, f: OrderFilter, limit: int | None,
                 offset: int, sort: str, releasable: pd.DataFrame | None = None,
                 now=None) -> tuple[str, list]:
    """The query behind `list_orders`: a page on screen, or every row for an export."""
    where, params = _order_where(cur, f, releasable)
    ctes, order_by = _paged(where, sort, limit, offset)
    if sorts_by_eta(sort):
        eta_join, eta_columns = "", "eta, covered_by, late_by_days"
    else:
        eta_join = "LEFT JOIN eta_set e USING (order_no)"
        eta_columns = ETA_SET_COLUMNS
    return f"""
        WITH {ctes}
        SELECT order_no, parent_order_no, order_date, priority, status, ship_code,
               ship_complete, customer, coalesce(lines, 0) AS lines,
               coalesce(units, 0) AS units, coalesce(units_allocated, 0) AS units_allocated,
               coalesce(units_backordered, 0) AS units_backordered,
               coalesce(units_shorted, 0) AS units_shorted, round(value, 2) AS value,
               skus, age_days, created_at, released_at, ship_by, {eta_columns}
        FROM shown {eta_join} ORDER BY {order_by}""", [now, *params]


def order_lines(cur: duckdb.DuckDBPyConnection, order_no: str) -> pd.DataFrame:
    return cur.execute("""
        SELECT l.order_no, l.line_no, l.sku, i.description, l.ordered_qty, l.allocated_qty,
               l.shorted_qty, l.backorder_qty,
               l.backorder_qty * coalesce(i.unit_price, 0) AS backorder_value
        FROM order_lines l LEFT JOIN items i USING (sku)
        WHERE l.order_no = ? ORDER BY l.line_no""", [str(order_no)]).df()


def filtered_lines_query(cur: duckdb.DuckDBPyConnection, f: OrderFilter,
                         releasable: pd.DataFrame | None = None) -> tuple[str, list]:
    """Every line of the orders matching `f`, in rank order: the lines behind a grid."""
    where, params = _order_where(cur, f, releasable)
    return f"""
        SELECT l.order_no, l.line_no, l.sku, i.description, l.ordered_qty, l.allocated_qty,
               l.shorted_qty, l.backorder_qty,
               l.backorder_qty * coalesce(i.unit_price, 0) AS backorder_value
        FROM order_lines l
        JOIN (SELECT order_no, {rank_sql()} FROM orders WHERE {where}) o USING (order_no)
        LEFT JOIN items i USING (sku)
        ORDER BY {rank_sql("o")}, l.line_no""", params


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
        .when(text, f"({contains('sku')} OR {contains('description')})", text, text)
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
    return cur.execute(*items_query(backorder_allowed, has_backorders, shorted_not_allowed,
                                    search, limit, offset)).df()


def items_query(backorder_allowed: bool | None = None, has_backorders: bool = False,
                shorted_not_allowed: bool = False, search: str | None = None,
                limit: int | None = None, offset: int = 0) -> tuple[str, list]:
    where, params = _items_where(backorder_allowed, has_backorders, shorted_not_allowed, search)
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return f"{_items_wide_sql()} SELECT * FROM wide WHERE {where} ORDER BY sku {page}", params


def count_items(cur: duckdb.DuckDBPyConnection, backorder_allowed: bool | None = None,
                has_backorders: bool = False, shorted_not_allowed: bool = False,
                search: str | None = None) -> int:
    where, params = _items_where(backorder_allowed, has_backorders, shorted_not_allowed, search)
    return cur.execute(f"{_items_wide_sql()} SELECT count(*) FROM wide WHERE {where}",
                       params).fetchall()[0][0]


def skus(cur: duckdb.DuckDBPyConnection, prefix: str | None = None,
         limit: int | None = None) -> list[str]:
    """SKUs in order; with `prefix`, those that start with it in any case."""
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    text = (prefix or "").strip()
    return cur.execute(f"SELECT sku FROM items WHERE ? = '' OR {SKU_PREFIX} ORDER BY sku {page}",
                       [text, text]).fetchnumpy()["sku"].tolist()


def inventory(cur: duckdb.DuckDBPyConnection, search: str | None = None,
              limit: int | None = None) -> pd.DataFrame:
    """On-hand per SKU and status; reserved units show on the Available row only."""
    return cur.execute(*inventory_query(search, limit)).df()


def inventory_query(search: str | None = None, limit: int | None = None) -> tuple[str, list]:
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    text = search.strip() if search and search.strip() else None
    return f"""
        SELECT h.sku, h.status, h.qty,
               CASE WHEN h.status = 'Available' THEN coalesce(r.reserved, 0) ELSE 0 END
                   ::BIGINT AS reserved
        FROM on_hand h LEFT JOIN reserved r USING (sku)
        WHERE ?::VARCHAR IS NULL OR {contains('h.sku')}
        ORDER BY h.sku, list_position({list(STOCK_STATUSES)}, h.status) {page}""", [text, text]


def ledger(cur: duckdb.DuckDBPyConnection, limit: int = 200, sku: str | None = None
           ) -> pd.DataFrame:
    return cur.execute(*ledger_query(limit, sku)).df()


def ledger_query(limit: int | None = 200, sku: str | None = None) -> tuple[str, list]:
    """Newest first; every entry when `limit` is None."""
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    return f"""
        SELECT entry_id, "at", "user", kind, sku, status, qty, receipt_id, reason
        FROM inventory_ledger WHERE ? IS NULL OR sku = ?
        ORDER BY entry_id DESC {page}""", [sku, sku]


def alerts(cur: duckdb.DuckDBPyConnection, run_id: int, limit: int | None = None,
           offset: int = 0) -> pd.DataFrame:
    return read_alerts(cur, int(run_id), limit, offset)


def alert_counts(cur: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """Alerts of a run counted by severity and kind, without fetching them all."""
    return cur.execute("""
        SELECT severity, kind, sum(alerts)::BIGINT AS alerts FROM alert_kind_counts
        WHERE run_id = ?
        GROUP BY severity, kind""", [int(run_id)]).df()


def runs(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute("""
        SELECT r.*,
               coalesce((SELECT sum(a.alerts) FROM alert_kind_counts a
                         WHERE a.run_id = r.run_id), 0)::BIGINT AS alerts
        FROM runs r ORDER BY run_id DESC""").df()


@dataclass
class AuditFilter:
    """Who did what, when: every field left empty means 'any'."""
    order_no: str | None = None
    sku: str | None = None
    user: str | None = None
    actions: list[str] | None = None
    date_from: date | None = None
    date_to: date | None = None


def _audit_where(f: AuditFilter) -> Where:
    return (
        Where()
        .when(f.order_no, "order_no = ?", f.order_no)
        .when(f.sku, "sku = ?", f.sku)
        .when(f.user, contains('"user"'), f.user)
        .when(f.actions, "action IN (SELECT unnest(?::VARCHAR[]))", list(f.actions or []))
        .when(f.date_from, 'CAST("at" AS DATE) >= ?', f.date_from)
        .when(f.date_to, 'CAST("at" AS DATE) <= ?', f.date_to)
    )


def audit_log(cur: duckdb.DuckDBPyConnection, f: AuditFilter, limit: int | None = None,
              offset: int = 0) -> pd.DataFrame:
    """Newest first."""
    return cur.execute(*audit_query(f, limit, offset)).df()


def audit_query(f: AuditFilter, limit: int | None = None, offset: int = 0
                ) -> tuple[str, list]:
    where = _audit_where(f)
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
    return f"""
        SELECT "at", "user", action, order_no, sku, qty, run_id, receipt_id, detail FROM audit
        WHERE {where.sql} ORDER BY audit_id DESC {page}""", where.params


def count_audit(cur: duckdb.DuckDBPyConnection, f: AuditFilter) -> int:
    where = _audit_where(f)
    return cur.execute(f"SELECT count(*) FROM audit WHERE {where.sql}",
                       where.params).fetchall()[0][0]


def audit_actions(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT action FROM audit ORDER BY 1").fetchall()]


def distinct_ship_codes(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT ship_code FROM orders WHERE ship_code IS NOT NULL ORDER BY 1").fetchall()]


def open_backorder_totals(cur: duckdb.DuckDBPyConnection, now) -> dict[str, float]:
    """Open backorders with lines: their count, units and value (kept on each order, so no
    scan of the lines), and how many are older than a day."""
    row = cur.execute("""
        SELECT count(*), coalesce(sum(units), 0), coalesce(sum(value), 0),
               count(*) FILTER (WHERE created_at < ? - INTERVAL 1 DAY)
        FROM orders WHERE status = 'Back Order' AND lines > 0""", [now]).fetchall()[0]
    return {"orders": int(row[0]), "units": int(row[1]), "value": float(row[2]),
            "older_than_a_day": int(row[3])}


def skus_shorted_not_allowed(cur: duckdb.DuckDBPyConnection) -> int:
    """Items whose backorder flag is off and that lost demand to shorting."""
    return cur.execute("""
        SELECT count(*) FROM items
        WHERE NOT backorder
          AND sku IN (SELECT DISTINCT sku FROM order_lines WHERE shorted_qty > 0)
        """).fetchall()[0][0]


def run_alerts(cur: duckdb.DuckDBPyConnection, run_id: int,
               severities: list[str] | None = None, kinds: list[str] | None = None,
               limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """A run's alerts of the given severities and kinds (empty means any), in the order
    `alerts` gives them, paged in DuckDB."""
    return cur.execute(*run_alerts_query(run_id, severities, kinds, limit, offset)).df()


def run_alerts_query(run_id: int, severities: list[str] | None = None,
                     kinds: list[str] | None = None, limit: int | None = None,
                     offset: int = 0) -> tuple[str, list]:
    from .allocation import paged_alerts_sql

    where = _alerts_where(run_id, severities, kinds)
    return paged_alerts_sql(where.sql, limit, offset), where.params


def count_run_alerts(cur: duckdb.DuckDBPyConnection, run_id: int,
                     severities: list[str] | None = None,
                     kinds: list[str] | None = None) -> int:
    where = _alerts_where(run_id, severities, kinds)
    return cur.execute(f"SELECT coalesce(sum(alerts), 0)::BIGINT FROM alert_kind_counts "
                       f"WHERE {where.sql}",
                       where.params).fetchall()[0][0]


def _alerts_where(run_id: int, severities: list[str] | None,
                  kinds: list[str] | None) -> Where:
    return (Where()
            .when(True, "run_id = ?", int(run_id))
            .when(severities, "severity IN (SELECT unnest(?::VARCHAR[]))",
                  list(severities or []))
            .when(kinds, "kind IN (SELECT unnest(?::VARCHAR[]))", list(kinds or [])))
