"""Backorder release: review, release by hand, auto-release on receipt, releasable now.

A backorder is released whole. Orders are taken in rank order and each one that fits
uses up stock before the next is looked at; one that does not fit is passed over. That
decision is sequential, so it is one linear pass over arrays fetched at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from . import audit, reservations
from .db import Database
from .frames import load_order_nos
from .orderno import rank_sql
from .schema import SHIP_CODE_READY, STOCK_STATUSES, free_stock_sql

PLAN_COLUMNS = ["order_no", "outcome", "reason"]


@dataclass
class ReleaseResult:
    released: list[str]
    not_released: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=PLAN_COLUMNS))


def _candidate_errors(cur: duckdb.DuckDBPyConnection) -> None:
    """`release_candidates(order_no, request_pos, error)` from `release_request`."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE release_candidates AS
        WITH last_release AS (  -- who got there first, in words, for the one who did not
            SELECT order_no, arg_max("user", audit_id) AS by_user, max("at") AS at
            FROM audit WHERE action = 'released'
              AND order_no IN (SELECT order_no FROM release_request)
            GROUP BY order_no)
        SELECT r.order_no, r.request_pos,
               CASE WHEN o.order_no IS NULL THEN 'Order ' || r.order_no || ' was not found'
                    WHEN o.status = 'Cancelled' THEN 'Order is cancelled'
                    WHEN o.status <> 'Back Order' AND x.order_no IS NOT NULL
                        THEN 'Already released by ' || coalesce(x.by_user, 'someone') || ' at '
                             || strftime(x.at, '%H:%M on %d %b') || '; it is ' || o.status
                             || ', not Back Order'
                    WHEN o.status <> 'Back Order'
                        THEN 'Order is ' || o.status || ', not Back Order: nothing to release'
               END AS error
        FROM release_request r LEFT JOIN orders o USING (order_no)
        LEFT JOIN last_release x USING (order_no)""")


def _fetch_needs(cur: duckdb.DuckDBPyConnection):
    """Needs per order and SKU and stock per SKU. Orders that cannot fit even before any
    other order takes stock get their warning in SQL; only the rest, in rank order, come
    back as Python lists for the sequential pass."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE release_needs AS
        SELECT o.order_no, l.sku, sum(l.ordered_qty - l.allocated_qty)::BIGINT AS need,
               any_value(o.priority) AS priority, any_value(o.order_date) AS order_date,
               any_value(o.root_no) AS root_no, any_value(o.suffix) AS suffix
        FROM release_candidates c
        JOIN orders o USING (order_no)
        JOIN order_lines l USING (order_no)
        WHERE c.error IS NULL
        GROUP BY o.order_no, l.sku""")
    cur.execute("CREATE OR REPLACE TEMP TABLE release_skus AS "
                "SELECT DISTINCT sku FROM release_needs")
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE release_stock AS
        WITH free AS ({free_stock_sql('release_skus')}),
        held AS (
            SELECT sku, status, sum(qty)::BIGINT AS qty FROM inventory_ledger
            WHERE sku IN (SELECT sku FROM release_skus) AND status <> 'Available'
            GROUP BY sku, status HAVING sum(qty) > 0)
        SELECT s.sku, coalesce(f.free, 0) AS free,
               coalesce(string_agg(h.qty || ' ' || h.status, ', '
                   ORDER BY list_position({list(STOCK_STATUSES)}, h.status)), '') AS held
        FROM release_skus s LEFT JOIN free f USING (sku) LEFT JOIN held h USING (sku)
        GROUP BY s.sku, f.free""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE release_fit AS
        SELECT n.order_no, bool_and(n.need <= s.free) AS may_fit
        FROM release_needs n JOIN release_stock s USING (sku) GROUP BY n.order_no""")
    needs = cur.execute(f"""
        SELECT n.order_no, n.sku, n.need FROM release_needs n
        SEMI JOIN release_fit f ON f.order_no = n.order_no AND f.may_fit
        ORDER BY {rank_sql("n")}, n.order_no, n.sku""").fetchnumpy()
    stock = cur.execute("""
        SELECT sku, free, held FROM release_stock
        WHERE sku IN (SELECT n.sku FROM release_needs n
                      SEMI JOIN release_fit f ON f.order_no = n.order_no AND f.may_fit)
        """).fetchnumpy()
    return needs, stock


BLOCKED_SQL = """
    SELECT n.order_no, 'warning' AS outcome,
           string_agg('SKU ' || n.sku || ' needs ' || n.need || ': ' || s.free || ' free'
                      || CASE WHEN s.held <> '' THEN ', ' || s.held ELSE '' END,
                      '; ' ORDER BY n.sku) AS reason
    FROM release_needs n JOIN release_stock s USING (sku)
    SEMI JOIN release_fit f ON f.order_no = n.order_no AND NOT f.may_fit
    WHERE n.need > s.free
    GROUP BY n.order_no"""


def _fitting_orders(needs, stock) -> np.ndarray:
    """The sequential rule without reasons: the order numbers that fit, in rank order.
    SKUs are coded as integers so the one pass touches only ints and lists."""
    order_nos = np.asarray(needs["order_no"], dtype=object)
    if len(order_nos) == 0:
        return order_nos
    codes, sku_names = pd.factorize(pd.Series(needs["sku"]))
    free = pd.Series(stock["free"], index=pd.Index(stock["sku"])).reindex(sku_names)
    remaining = free.fillna(0).astype("int64").tolist()
    codes = codes.tolist()
    qtys = np.asarray(needs["need"], dtype=np.int64).tolist()
    starts = np.flatnonzero(np.r_[True, order_nos[1:] != order_nos[:-1]])
    bounds = np.r_[starts, len(order_nos)].tolist()
    fits = np.zeros(len(starts), dtype=bool)
    for k in range(len(starts)):
        rows = range(bounds[k], bounds[k + 1])
        if all(qtys[i] <= remaining[codes[i]] for i in rows):
            for i in rows:
                remaining[codes[i]] -= qtys[i]
            fits[k] = True
    return order_nos[starts[fits]]


def _decide(needs, stock) -> pd.DataFrame:
    """The sequential rule: one pass over the ranked (order, SKU, need) rows."""
    order_nos = needs["order_no"].tolist()
    skus = needs["sku"].tolist()
    qtys = needs["need"].tolist()
    remaining = dict(zip(stock["sku"].tolist(), stock["free"].tolist(), strict=True))
    held = dict(zip(stock["sku"].tolist(), stock["held"].tolist(), strict=True))

    decided_orders: list[str] = []
    outcomes: list[str] = []
    reasons: list[str] = []
    start, total = 0, len(order_nos)
    while start < total:
        end = start + 1
        while end < total and order_nos[end] == order_nos[start]:
            end += 1
        shortfalls = [
            f"SKU {skus[i]} needs {qtys[i]}: {remaining[skus[i]]} free"
            + (f", {held[skus[i]]}" if held[skus[i]] else "")
            for i in range(start, end) if qtys[i] > remaining[skus[i]]
        ]
        if shortfalls:
            outcomes.append("warning")
            reasons.append("; ".join(shortfalls))
        else:
            for i in range(start, end):
                remaining[skus[i]] -= qtys[i]
            outcomes.append("ok")
            reasons.append("Stock is free: " + ", ".join(
                f"{skus[i]} {qtys[i]}" for i in range(start, end)))
        decided_orders.append(order_nos[start])
        start = end
    return pd.DataFrame({"order_no": decided_orders, "outcome": outcomes, "reason": reasons},
                        columns=PLAN_COLUMNS)


def plan(cur: duckdb.DuckDBPyConnection, order_nos: Iterable[str] | str) -> pd.DataFrame:
    """Outcome per requested order, in the order they were asked for."""
    load_order_nos(cur, "release_request", order_nos)
    return _plan_loaded(cur)


def _plan_loaded(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    _candidate_errors(cur)
    needs, stock = _fetch_needs(cur)
    decided = _decide(needs, stock)
    cur.register("_release_decided", decided.astype("string"))
    result = cur.execute(f"""
        SELECT c.order_no,
               CASE WHEN c.error IS NOT NULL THEN 'error'
                    ELSE coalesce(d.outcome, 'error') END AS outcome,
               coalesce(c.error, d.reason, 'Backorder has no lines to release')
                   AS reason
        FROM release_candidates c
        LEFT JOIN (SELECT CAST(order_no AS VARCHAR) AS order_no, CAST(outcome AS VARCHAR)
                          AS outcome, CAST(reason AS VARCHAR) AS reason FROM _release_decided
                   UNION ALL {BLOCKED_SQL}) d ON d.order_no = c.order_no
        ORDER BY c.request_pos""").df()
    cur.unregister("_release_decided")
    return result


def review_release(db: Database, order_nos: Iterable[str] | str) -> pd.DataFrame:
    with db.read() as cur:
        return plan(cur, order_nos)


def _apply(cur: duckdb.DuckDBPyConnection, decided: pd.DataFrame, at: datetime,
           user: str | None, receipt_id: int | None) -> ReleaseResult:
    released = decided.loc[decided["outcome"] == "ok", "order_no"].tolist()
    if released:
        cur.register("_release_ok", decided.loc[decided["outcome"] == "ok", ["order_no"]])
        reservations.add(cur, reservations.released_orders_deltas("_release_ok"))
        cur.execute("""
            UPDATE order_lines SET allocated_qty = ordered_qty
            WHERE order_no IN (SELECT order_no FROM _release_ok)""")
        cur.execute(f"""
            UPDATE orders SET status = 'On Order', ship_code = '{SHIP_CODE_READY}',
                              released_at = ?::TIMESTAMP
            WHERE order_no IN (SELECT order_no FROM _release_ok)""", [at])
        how = "received stock" if receipt_id is not None else "released by hand"
        audit.record(cur, at, user, """
            SELECT 'released', l.order_no, NULL, sum(l.ordered_qty), NULL, ?::BIGINT, ?
            FROM order_lines l SEMI JOIN _release_ok k ON k.order_no = l.order_no
            GROUP BY l.order_no""", [receipt_id, f"On Order / Ready to ship ({how})"])
        cur.unregister("_release_ok")
    not_released = decided.loc[decided["outcome"] != "ok"].reset_index(drop=True)
    return ReleaseResult(released=released, not_released=not_released)


def release_backorders(db: Database, order_nos: Iterable[str] | str,
                       user: str | None = None) -> ReleaseResult:
    at = db.now()
    with db.write() as cur:
        decided = plan(cur, order_nos)
        return _apply(cur, decided, at, user, receipt_id=None)


def release_waiting_for(cur: duckdb.DuckDBPyConnection, sku: str, at: datetime,
                        user: str | None, receipt_id: int) -> ReleaseResult:
    """Inside a receipt's transaction: release, in rank order, the backorders holding `sku`."""
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE release_request AS
        SELECT o.order_no, row_number() OVER (ORDER BY {rank_sql("o")}) AS request_pos
        FROM orders o
        WHERE o.status = 'Back Order'
          AND o.order_no IN (SELECT order_no FROM order_lines WHERE sku = ?)""", [sku])
    decided = _plan_loaded(cur)
    return _apply(cur, decided, at, user, receipt_id=receipt_id)


def releasable_set(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`order_no` of every open backorder releasable this minute (in no set order).

    Only SKUs that are contended (the orders that could fit on their own want more than is
    free) need the sequential pass: an order whose SKUs are all uncontended fits whatever
    comes before it, and its uncontended SKUs cannot make it fail. So SQL settles those,
    and the pass walks only the contended SKUs' rows, in rank order."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rs_needs AS
        SELECT l.order_no, l.sku, sum(l.ordered_qty - l.allocated_qty)::BIGINT AS need,
               any_value(o.priority) AS priority, any_value(o.order_date) AS order_date,
               any_value(o.root_no) AS root_no, any_value(o.suffix) AS suffix
        FROM orders o JOIN order_lines l USING (order_no)
        WHERE o.status = 'Back Order' GROUP BY l.order_no, l.sku""")
    cur.execute("CREATE OR REPLACE TEMP TABLE rs_skus AS SELECT DISTINCT sku FROM rs_needs")
    cur.execute(f"CREATE OR REPLACE TEMP TABLE rs_free AS {free_stock_sql('rs_skus')}")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rs_fit AS
        SELECT n.*, coalesce(f.free, 0) AS free,
               bool_and(n.need <= coalesce(f.free, 0)) OVER (PARTITION BY n.order_no) AS alone
        FROM rs_needs n LEFT JOIN rs_free f USING (sku)""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rs_contended AS
        SELECT sku FROM rs_fit WHERE alone GROUP BY sku HAVING sum(need) > any_value(free)""")
    settled = cur.execute("""
        SELECT DISTINCT order_no FROM rs_fit WHERE alone
        EXCEPT SELECT order_no FROM rs_fit WHERE sku IN (SELECT sku FROM rs_contended)
        """).fetchnumpy()["order_no"]
    needs = cur.execute(f"""
        SELECT order_no, sku, need FROM rs_fit
        WHERE alone AND sku IN (SELECT sku FROM rs_contended)
        ORDER BY {rank_sql()}, order_no, sku""").fetchnumpy()
    stock = cur.execute("SELECT sku, free FROM rs_free WHERE sku IN "
                        "(SELECT sku FROM rs_contended)").fetchnumpy()
    return pd.DataFrame({"order_no": np.concatenate(
        [np.asarray(settled, dtype=object), _fitting_orders(needs, stock)])}, dtype="string")


def _with_details(cur: duckdb.DuckDBPyConnection, decided: pd.DataFrame) -> pd.DataFrame:
    """Each decided order with what a screen shows of it; ok orders get their needs as
    the reason."""
    cur.register("_decided", decided.astype("string"))
    try:
        return cur.execute(f"""
            WITH agg AS (
                SELECT l.order_no, string_agg(DISTINCT l.sku, ', ') AS skus,
                       sum(l.ordered_qty)::BIGINT AS units,
                       sum(l.ordered_qty * coalesce(i.unit_price, 0)) AS value,
                       'Stock is free: ' || string_agg(l.sku || ' '
                           || (l.ordered_qty - l.allocated_qty), ', ' ORDER BY l.sku)
                           AS free_reason
                FROM order_lines l LEFT JOIN items i USING (sku)
                WHERE l.order_no IN (SELECT order_no FROM _decided)
                GROUP BY l.order_no)
            SELECT o.order_no, o.parent_order_no, o.order_date, o.priority, o.customer,
                   o.created_at, d.outcome = 'ok' AS releasable,
                   CASE WHEN d.outcome = 'ok' THEN agg.free_reason ELSE d.reason END AS reason,
                   agg.skus, agg.units, agg.value
            FROM _decided d JOIN orders o USING (order_no) JOIN agg USING (order_no)
            ORDER BY {rank_sql("o")}""").df()
    finally:
        cur.unregister("_decided")


def releasable_now(db: Database, include_blocked: bool = False) -> pd.DataFrame:
    """Open backorders that could be released this minute, in rank order, with why.
    Without the blocked ones it is worked out once per change of the warehouse and shared
    by every screen and session."""
    if not include_blocked:
        return db.once_per_change("releasable_now", lambda cur: _with_details(
            cur, db.once_per_change("releasable_set", releasable_set, cur).assign(
                outcome="ok", reason=None)), None)
    with db.read() as cur:
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE release_request AS
            SELECT order_no, row_number() OVER (ORDER BY {rank_sql()}) AS request_pos
            FROM orders WHERE status = 'Back Order'""")
        return _with_details(cur, _plan_loaded(cur))
