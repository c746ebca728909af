"""Backorder release: review, release by hand, auto-release on receipt, releasable now.

A backorder is released whole. Orders are taken in rank order and each one that fits
uses up stock before the next is looked at; one that does not fit is passed over. Only
SKUs that are contended (the orders that could fit on their own want more than is free)
need that sequential pass: an order whose SKUs are all uncontended fits whatever comes
before it, and an order that cannot fit even alone never fits. SQL settles those, and one
linear pass over integer arrays walks the contended SKUs' rows in rank order.

The chosen orders are found once by number; every later step (their lines, the writes)
goes by id over their own rows, so the cost follows the number of orders asked about,
not the size of the warehouse.
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
from .frames import fetch_frame, load_order_nos
from .orderno import ROOT_SQL
from .schema import SHIP_CODE_READY, STOCK_STATUSES

PLAN_COLUMNS = ["order_no", "outcome", "reason"]
RANK = "o.priority, o.order_date, o.root_no, o.suffix"
FEW = 50_000  # up to this many orders are looked up by root first and their SKUs' stock alone


@dataclass
class ReleaseResult:
    released: list[str]
    not_released: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=PLAN_COLUMNS))


# -- the chosen orders and their rows ------------------------------------------------------

def _requested_orders(cur: duckdb.DuckDBPyConnection, count: int) -> None:
    """`rel_orders` from `release_request(order_no, request_pos)` of `count` orders: each
    order's id, rank and, when it cannot be released at all, the error. A few orders are
    found by their roots first (integers, so only those orders' numbers are read)."""
    if count <= FEW:
        found = f"""
            WITH same_root AS (
                SELECT order_id, order_no, lines, status, priority, order_date,
                       root_no, suffix
                FROM orders WHERE root_no IN (SELECT {ROOT_SQL} FROM release_request))
            SELECT r.order_no, r.request_pos, o.* EXCLUDE (order_no)
            FROM release_request r LEFT JOIN same_root o USING (order_no)"""
    else:
        found = """
            SELECT r.order_no, r.request_pos, o.order_id, o.lines, o.status,
                   o.priority, o.order_date, o.root_no, o.suffix
            FROM release_request r LEFT JOIN orders o USING (order_no)"""
    cur.execute(f"CREATE OR REPLACE TEMP TABLE rel_found AS {found}")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rel_orders AS
        WITH last_release AS (  -- who got there first, in words, for the one who did not
            SELECT order_no, arg_max("user", audit_id) AS by_user, max("at") AS at
            FROM audit WHERE action = 'released'
              AND order_no IN (SELECT order_no FROM rel_found
                               WHERE status NOT IN ('Back Order', 'Cancelled'))
            GROUP BY order_no)
        SELECT f.*,
               CASE WHEN f.status IS NULL THEN 'Order ' || f.order_no || ' was not found'
                    WHEN f.status = 'Cancelled' THEN 'Order is cancelled'
                    WHEN f.status <> 'Back Order' AND x.order_no IS NOT NULL
                        THEN 'Already released by ' || coalesce(x.by_user, 'someone') || ' at '
                             || strftime(x.at, '%H:%M on %d %b') || '; it is ' || f.status
                             || ', not Back Order'
                    WHEN f.status <> 'Back Order'
                        THEN 'Order is ' || f.status || ', not Back Order: nothing to release'
               END AS error
        FROM rel_found f LEFT JOIN last_release x USING (order_no)""")


def _open_backorders(cur: duckdb.DuckDBPyConnection) -> None:
    """`rel_orders` for every open backorder, in no set order."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rel_orders AS
        SELECT order_no, 0 AS request_pos, order_id, lines, status,
               priority, order_date, root_no, suffix, NULL::VARCHAR AS error
        FROM orders WHERE status = 'Back Order'""")


def _stage(cur: duckdb.DuckDBPyConnection, reasons: bool, every_sku: bool = False) -> None:
    """Lines, needs per order and SKU, and free stock of the candidates in `rel_orders`,
    and whether each order could fit alone. The lines are looked up by order number once;
    everything after joins on integers. An order of one line (most backorders) needs no
    grouping. `every_sku` when the candidates hold most SKUs: stock is then summed whole
    rather than looked up."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rel_lines AS
        SELECT l.line_id, o.order_id, o.lines <> 1 AS multi, l.sku,
               l.ordered_qty, (l.ordered_qty - l.allocated_qty)::BIGINT AS need
        FROM order_lines l
        JOIN (SELECT order_no, order_id, lines FROM rel_orders WHERE error IS NULL) o
          USING (order_no)""")
    cur.execute("""
        CREATE OR REPLACE TEMP VIEW rel_needs AS  -- read twice, never stored
        SELECT order_id, multi, sku, need FROM rel_lines WHERE NOT multi
        UNION ALL
        SELECT order_id, true, sku, sum(need)::BIGINT FROM rel_lines WHERE multi
        GROUP BY order_id, sku""")
    held = f"""coalesce(string_agg(b.qty || ' ' || b.status, ', '
                            ORDER BY list_position({list(STOCK_STATUSES)}, b.status))
                        FILTER (WHERE b.status <> 'Available' AND b.qty > 0), '')"""
    only = "" if every_sku else "WHERE sku IN (SELECT sku FROM rel_needs)"
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE rel_stock AS
        WITH by_status AS (
            SELECT sku, status, sum(qty)::BIGINT AS qty FROM inventory_ledger {only}
            GROUP BY sku, status),
        reserved AS (SELECT sku, reserved FROM sku_reserved {only})
        SELECT sku,
               greatest(coalesce(sum(b.qty) FILTER (WHERE b.status = 'Available'), 0)
                        - coalesce(any_value(r.reserved), 0), 0)::BIGINT AS free,
               {held if reasons else "''"} AS held
        FROM by_status b FULL JOIN reserved r USING (sku)
        GROUP BY sku""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rel_fit AS
        WITH fit AS (
            SELECT n.order_id, n.multi, n.sku, n.need, coalesce(s.free, 0) AS free,
                   coalesce(s.held, '') AS held
            FROM rel_needs n LEFT JOIN rel_stock s USING (sku))
        SELECT *, need <= free AS alone FROM fit WHERE NOT multi
        UNION ALL
        SELECT *, bool_and(need <= free) OVER (PARTITION BY order_id) FROM fit
        WHERE multi""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rel_contended AS
        SELECT sku FROM rel_fit WHERE alone
        GROUP BY sku HAVING sum(need) > any_value(free)""")


# -- the sequential rule, over the contended rows only --------------------------------------

def _pass(needs: dict[str, np.ndarray], free: np.ndarray, reasons: bool
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One pass over the contended rows in rank order: (`order_id`, `ok`) of each
    order, and, if `reasons`, the rows it fell short on (`order_id`, `code`, `need`,
    `free` then). SKUs come coded as integers (`code`, their position in `free`), so the
    loop touches only ints and lists; an order of one row, the usual case, is quick."""
    order_ids = np.asarray(needs["order_id"], dtype=np.int64)
    code_array = np.asarray(needs["code"], dtype=np.int64)
    need_array = np.asarray(needs["need"], dtype=np.int64)
    remaining = np.asarray(free, dtype=np.int64).tolist()
    codes, qtys = code_array.tolist(), need_array.tolist()
    starts = np.flatnonzero(np.diff(order_ids, prepend=-1) != 0)  # each order's first row
    bounds = np.r_[starts, len(order_ids)].tolist()
    fits = [False] * len(starts)
    short_rows: list[int] = []  # row positions
    short_free: list[int] = []  # the free stock each of them met
    for k in range(len(starts)):
        first, end = bounds[k], bounds[k + 1]
        if end - first == 1:
            code, qty = codes[first], qtys[first]
            if qty <= remaining[code]:
                remaining[code] -= qty
                fits[k] = True
            elif reasons:
                short_rows.append(first)
                short_free.append(remaining[code])
            continue
        rows = range(first, end)
        if all(qtys[i] <= remaining[codes[i]] for i in rows):
            for i in rows:
                remaining[codes[i]] -= qtys[i]
            fits[k] = True
        elif reasons:
            for i in rows:
                if qtys[i] > remaining[codes[i]]:
                    short_rows.append(i)
                    short_free.append(remaining[codes[i]])
    at = np.asarray(short_rows, dtype=np.int64)
    decided = pd.DataFrame({"order_id": order_ids[starts], "ok": np.asarray(fits, dtype=bool)})
    short = pd.DataFrame({"order_id": order_ids[at], "code": code_array[at],
                          "need": need_array[at], "free": np.asarray(short_free, dtype=np.int64)})
    return decided, short


def _decide(cur: duckdb.DuckDBPyConnection, reasons: bool) -> None:
    """`rel_decided`: `ok` or `warning` for every candidate with lines (one without has
    nothing to release), with the reason of the pass when it failed there; an order of one
    line carries its row, so what is said of it needs no grouping."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE rel_contended_stock AS
        SELECT (row_number() OVER () - 1)::BIGINT AS code, s.sku, s.free, s.held
        FROM rel_stock s SEMI JOIN rel_contended c USING (sku)""")
    needs = cur.execute(f"""
        SELECT f.order_id, c.code, f.need
        FROM rel_fit f JOIN rel_contended_stock c USING (sku)
        JOIN rel_orders o USING (order_id)
        WHERE f.alone
        ORDER BY {RANK}, o.order_no, f.sku""").fetchnumpy()
    free = cur.execute("SELECT free FROM rel_contended_stock ORDER BY code"
                       ).fetchnumpy()["free"]
    decided, short = _pass(needs, free, reasons)
    cur.register("_rel_pass", decided)
    cur.register("_rel_short", short)
    try:
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE rel_decided AS
            WITH per_order AS (
                SELECT order_id, multi, alone, sku, need, free, held FROM rel_fit
                WHERE NOT multi
                UNION ALL
                SELECT DISTINCT order_id, multi, alone, NULL, NULL, NULL, NULL FROM rel_fit
                WHERE multi),
            passed_over AS (
                SELECT x.order_id,
                       string_agg({_shortfall("x")}, '; ' ORDER BY x.sku) AS reason
                FROM (SELECT p.order_id, c.sku, p.need, p.free, c.held
                      FROM _rel_short p JOIN rel_contended_stock c USING (code)) x
                GROUP BY x.order_id)
            SELECT f.*,
                   CASE WHEN f.alone AND coalesce(p.ok, true) THEN 'ok' ELSE 'warning' END
                       AS outcome,
                   s.reason AS pass_reason
            FROM per_order f LEFT JOIN _rel_pass p USING (order_id)
            LEFT JOIN passed_over s USING (order_id)""")
    finally:
        cur.unregister("_rel_pass")
        cur.unregister("_rel_short")


def _shortfall(alias: str) -> str:
    """"SKU x needs n: f free, 3 Frozen" of a row with need, free and held."""
    return (f"'SKU ' || {alias}.sku || ' needs ' || {alias}.need || ': ' || {alias}.free"
            f" || ' free' || CASE WHEN {alias}.held <> '' THEN ', ' || {alias}.held"
            " ELSE '' END")


# Outcome and reason per decided order: what fits has its needs; what cannot fit even alone
# has the SKUs it lacks; what the pass passed over has the pass's words.
REASONS = f"""
    SELECT order_id, outcome,
           CASE WHEN outcome = 'ok' THEN 'Stock is free: ' || sku || ' ' || need
                ELSE coalesce(pass_reason, {_shortfall("d")}) END AS reason
    FROM rel_decided d WHERE NOT multi
    UNION ALL
    SELECT d.order_id, any_value(d.outcome),
           CASE WHEN any_value(d.outcome) = 'ok'
                THEN 'Stock is free: ' || string_agg(f.sku || ' ' || f.need, ', '
                                                     ORDER BY f.sku)
                ELSE coalesce(any_value(d.pass_reason),
                              string_agg({_shortfall("f")}, '; ' ORDER BY f.sku)
                                  FILTER (WHERE f.need > f.free)) END
    FROM rel_decided d JOIN rel_fit f USING (order_id)
    WHERE d.multi GROUP BY d.order_id"""


def _planned(cur: duckdb.DuckDBPyConnection, every_sku: bool) -> pd.DataFrame:
    """Outcome and reason per requested order, in the order they were asked for."""
    _stage(cur, reasons=True, every_sku=every_sku)
    _decide(cur, reasons=True)
    return fetch_frame(cur, f"""
        SELECT o.order_no, coalesce(d.outcome, 'error') AS outcome,
               coalesce(o.error, d.reason, 'Backorder has no lines to release') AS reason
        FROM rel_orders o LEFT JOIN ({REASONS}) d USING (order_id)
        ORDER BY o.request_pos""")


def plan(cur: duckdb.DuckDBPyConnection, order_nos: Iterable[str] | str) -> pd.DataFrame:
    """Outcome per requested order, in the order they were asked for."""
    count = load_order_nos(cur, "release_request", order_nos)
    _requested_orders(cur, count)
    return _planned(cur, every_sku=count > FEW)


def review_release(db: Database, order_nos: Iterable[str] | str) -> pd.DataFrame:
    with db.read() as cur:
        return plan(cur, order_nos)


# -- releasing ------------------------------------------------------------------------------

def _apply(cur: duckdb.DuckDBPyConnection, decided: pd.DataFrame, at: datetime,
           user: str | None, receipt_id: int | None, how: str = "released by hand"
           ) -> ReleaseResult:
    """Writes the `ok` orders of the plan just made on `cur`, by id."""
    released = decided.loc[decided["outcome"] == "ok", "order_no"].tolist()
    if released:
        ok = "(SELECT order_id FROM rel_decided WHERE outcome = 'ok')"
        reservations.add(cur, f"SELECT sku, need FROM rel_lines WHERE order_id IN {ok}")
        cur.execute(f"""
            UPDATE order_lines SET allocated_qty = ordered_qty
            WHERE line_id IN (SELECT line_id FROM rel_lines WHERE order_id IN {ok})""")
        cur.execute(f"""
            UPDATE orders SET status = 'On Order', ship_code = '{SHIP_CODE_READY}',
                              released_at = ?::TIMESTAMP
            WHERE order_id IN {ok}""", [at])
        audit.record(cur, at, user, f"""
            SELECT 'released', o.order_no, NULL, l.units, NULL, ?::BIGINT, ?
            FROM (SELECT order_id, sum(ordered_qty) AS units FROM rel_lines
                  WHERE order_id IN {ok} GROUP BY order_id) l
            JOIN rel_orders o USING (order_id)""",
                     [receipt_id, f"On Order / Ready to ship ({how})"])
    not_released = decided.loc[decided["outcome"] != "ok"].reset_index(drop=True)
    return ReleaseResult(released=released, not_released=not_released)


def release_backorders(db: Database, order_nos: Iterable[str] | str,
                       user: str | None = None) -> ReleaseResult:
    at = db.now()
    with db.write() as cur:
        decided = plan(cur, order_nos)
        return _apply(cur, decided, at, user, receipt_id=None)


def release_waiting_for(cur: duckdb.DuckDBPyConnection, sku: str, at: datetime,
                        user: str | None, receipt_id: int | None = None,
                        how: str = "received stock") -> ReleaseResult:
    """Inside an availability event's transaction (a receipt, or an adjustment or status
    change when the warehouse auto-releases on those): release, in rank order, the
    backorders holding `sku`."""
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE release_request AS
        SELECT o.order_no, row_number() OVER (ORDER BY {RANK}) AS request_pos
        FROM orders o
        WHERE o.status = 'Back Order'
          AND o.order_no IN (SELECT order_no FROM order_lines WHERE sku = ?)""", [sku])
    count = cur.execute("SELECT count(*) FROM release_request").fetchall()[0][0]
    _requested_orders(cur, count)
    decided = _planned(cur, every_sku=count > FEW)
    return _apply(cur, decided, at, user, receipt_id=receipt_id, how=how)


# -- releasable now -------------------------------------------------------------------------

def _details(cur: duckdb.DuckDBPyConnection, include_blocked: bool) -> pd.DataFrame:
    """Each decided open backorder (only the releasable ones unless `include_blocked`) with
    what a screen shows of it, in rank order; a releasable one gets its lines' needs as the
    reason. Orders of one line need no grouping."""
    reasons = (f"({REASONS})" if include_blocked
               else "(SELECT NULL::BIGINT AS order_id, NULL::VARCHAR AS reason)")
    return fetch_frame(cur, f"""
        WITH chosen AS (SELECT * FROM rel_decided WHERE {"true" if include_blocked
                                                        else "outcome = 'ok'"}),
        shown AS (
            SELECT order_id, outcome, sku AS skus,
                   'Stock is free: ' || sku || ' ' || need AS free_reason
            FROM chosen WHERE NOT multi
            UNION ALL
            SELECT l.order_id, any_value(c.outcome),
                   string_agg(DISTINCT l.sku, ', ' ORDER BY l.sku),
                   'Stock is free: ' || string_agg(l.sku || ' ' || l.need, ', '
                                                   ORDER BY l.sku)
            FROM rel_lines l JOIN chosen c USING (order_id)
            WHERE c.multi GROUP BY l.order_id)
        SELECT o.order_no, o.parent_order_no, o.order_date, o.priority, o.customer,
               o.created_at, s.outcome = 'ok' AS releasable,
               CASE WHEN s.outcome = 'ok' THEN s.free_reason ELSE r.reason END AS reason,
               s.skus, o.units, o.value
        FROM shown s LEFT JOIN {reasons} r USING (order_id)
        JOIN orders o USING (order_id)
        ORDER BY {RANK}""")


def _releasable(cur: duckdb.DuckDBPyConnection, include_blocked: bool) -> pd.DataFrame:
    _open_backorders(cur)
    _stage(cur, reasons=include_blocked, every_sku=True)
    _decide(cur, reasons=include_blocked)
    return _details(cur, include_blocked)


def releasable_set(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`order_no` of every open backorder releasable this minute (in rank order)."""
    return _releasable(cur, include_blocked=False)[["order_no"]]


def releasable_now(db: Database, include_blocked: bool = False) -> pd.DataFrame:
    """Open backorders that could be released this minute, in rank order, with why.
    Worked out once per change of the warehouse and shared by every screen and session;
    the Orders filter's set is its order numbers."""
    name = "releasable_all" if include_blocked else "releasable_now"
    return db.once_per_change(name, lambda cur: _releasable(cur, include_blocked))
