"""Why one backorder is still waiting, SKU by SKU, in numbers and in one line an analyst
can read out to a customer (design section 6)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from .errors import ValidationError
from .expected import open_receipts_sql
from .orderno import ROOT_SQL
from .schema import RESERVING_STATUSES, STOCK_STATUSES, sql_list

WHY_COLUMNS = ["sku", "needed", "free", "available_on_hand", "reserved", "frozen", "damaged",
               "quarantine", "ahead_in_rank", "next_receipt_ref", "next_receipt_due",
               "next_receipt_qty", "next_receipt_claimed", "holders", "holders_more",
               "reason"]
NAMED_HOLDERS = 3  # orders named as holding the reservations; the rest are counted
# "A and B", "A, B and C", "A, B, C and 4 more": the orders holding the reservations.
_HOLDER_NAMES = """CASE WHEN holders_more > 0
                        THEN array_to_string(holders, ', ') || ' and ' || holders_more || ' more'
                        WHEN len(holders) > 1
                        THEN array_to_string(holders[1:-2], ', ') || ' and ' || holders[-1]
                        ELSE holders[1] END"""
_OTHER_STATUSES = ", ".join(f"CASE WHEN {s.lower()} > 0 THEN {s.lower()} || ' {s}' END"
                            for s in STOCK_STATUSES[1:])
# The one line of design section 6 per SKU; `$ending` is the order's ETA, said once.
REASON_SQL = f"""concat_ws('; ',
    sku || ': needs ' || needed,
    free || ' free' || CASE WHEN available_on_hand > 0 AND reserved > 0
        THEN ' (' || available_on_hand || ' on hand, '
             || CASE WHEN free = 0 THEN 'all reserved' ELSE reserved || ' reserved' END
             || coalesce(' for ' || ({_HOLDER_NAMES}), '') || ')'
        ELSE '' END,
    {_OTHER_STATUSES},
    CASE WHEN next_receipt_ref IS NOT NULL
         THEN next_receipt_ref || ' brings ' || next_receipt_qty || ' on '
              || strftime(next_receipt_due, '%-d %b')
              || CASE WHEN next_receipt_claimed > 0
                      THEN ', ' || next_receipt_claimed || ' already claimed by orders ahead'
                      ELSE '' END
         WHEN free < needed THEN 'no expected receipt' END,
    CASE WHEN ahead_in_rank > 0 AND next_receipt_claimed = 0
         THEN ahead_in_rank || ' wanted by backorders ahead' END) || ': ' || $ending || '.'"""

_AHEAD = """(o.priority < t.priority OR (o.priority = t.priority AND (
              o.order_date < t.order_date OR (o.order_date = t.order_date AND (
              o.root_no < t.root_no OR (o.root_no = t.root_no AND o.suffix < t.suffix))))))"""


def _numbers(cur: duckdb.DuckDBPyConnection, order_no: str, ending: str) -> pd.DataFrame:
    """The order's SKUs go in as a list: a literal list lets DuckDB skip most of the lines
    of a large warehouse when it looks for the other orders on them."""
    skus = [r[0] for r in cur.execute("SELECT DISTINCT sku FROM order_lines WHERE order_no = ?",
                                      [order_no]).fetchall()]
    pivots = ", ".join(
        f"coalesce(sum(qty) FILTER (WHERE status = '{s}'), 0)::BIGINT AS "
        f"{'available_on_hand' if s == 'Available' else s.lower()}" for s in STOCK_STATUSES)
    return cur.execute(f"""
        WITH this AS (SELECT * FROM orders WHERE order_no = $order_no),
        needs AS (
            SELECT sku, sum(ordered_qty - allocated_qty)::BIGINT AS needed FROM order_lines
            WHERE order_no = $order_no GROUP BY sku),
        stock AS (SELECT sku, {pivots} FROM inventory_ledger
                  WHERE sku IN (SELECT unnest($skus::VARCHAR[])) GROUP BY sku),
        these_lines AS MATERIALIZED (  -- every line on these SKUs, read once
            SELECT order_no, sku, ordered_qty - allocated_qty AS need, allocated_qty
            FROM order_lines WHERE sku IN (SELECT unnest($skus::VARCHAR[]))),
        sku_lines AS MATERIALIZED (  -- with their orders: the few lines drive the join
            SELECT l.*, o.status, o.priority, o.order_date, o.root_no, o.suffix
            FROM these_lines l
            JOIN (SELECT * FROM orders WHERE root_no IN (
                      SELECT DISTINCT {ROOT_SQL} FROM these_lines)) o USING (order_no)
            WHERE o.status = 'Back Order' OR (l.allocated_qty > 0
                  AND o.status IN ({sql_list(RESERVING_STATUSES)}))),
        ahead AS (
            SELECT o.sku, sum(o.need)::BIGINT AS units
            FROM sku_lines o, this t
            WHERE o.status = 'Back Order' AND {_AHEAD}
            GROUP BY o.sku),
        holding AS (
            SELECT sku, order_no, row_number() OVER (
                       PARTITION BY sku ORDER BY priority, order_date, root_no, suffix) AS n
            FROM sku_lines
            WHERE allocated_qty > 0 AND status IN ({sql_list(RESERVING_STATUSES)})
            GROUP BY sku, order_no, priority, order_date, root_no, suffix),
        holders AS (
            SELECT sku, list(order_no ORDER BY n) FILTER (WHERE n <= {NAMED_HOLDERS})
                       AS holders,
                   (count(*) - least(count(*), {NAMED_HOLDERS}))::BIGINT AS holders_more
            FROM holding GROUP BY sku),
        receipts AS (
            SELECT sku, arg_min(ref, (due_date, ref, line_no)) AS next_receipt_ref,
                   min(due_date) AS next_receipt_due,
                   arg_min(open_qty, (due_date, ref, line_no)) AS next_receipt_qty
            FROM ({open_receipts_sql(cur)})
            WHERE open_qty > 0 AND sku IN (SELECT unnest($skus::VARCHAR[])) GROUP BY sku),
        numbers AS (
        SELECT n.sku, n.needed,
               greatest(coalesce(s.available_on_hand, 0) - coalesce(r.reserved, 0), 0)::BIGINT
                   AS free,
               coalesce(s.available_on_hand, 0) AS available_on_hand,
               coalesce(r.reserved, 0)::BIGINT AS reserved,
               coalesce(s.frozen, 0) AS frozen, coalesce(s.damaged, 0) AS damaged,
               coalesce(s.quarantine, 0) AS quarantine,
               coalesce(a.units, 0)::BIGINT AS ahead_in_rank,
               x.next_receipt_ref, x.next_receipt_due, x.next_receipt_qty,
               h.holders, coalesce(h.holders_more, 0) AS holders_more
        FROM needs n LEFT JOIN stock s USING (sku) LEFT JOIN sku_reserved r USING (sku)
        LEFT JOIN ahead a USING (sku) LEFT JOIN receipts x USING (sku)
        LEFT JOIN holders h USING (sku)),
        claimed AS (
            SELECT *, CASE WHEN next_receipt_ref IS NULL THEN 0
                           ELSE least(next_receipt_qty, greatest(ahead_in_rank - free, 0))
                      END::BIGINT AS next_receipt_claimed
            FROM numbers)
        SELECT *, {REASON_SQL} AS reason FROM claimed ORDER BY sku""",
        {"order_no": order_no, "skus": skus, "ending": ending}).df()


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%-d %b")


def _ending(eta: dict | None, today: date) -> str:
    """How the order's every line ends: its ETA, and how late that is."""
    when, covered, late_by = ((eta or {}).get(k) for k in ("eta", "covered_by",
                                                          "late_by_days"))
    if when is None or pd.isna(when):
        ending = "no ETA: no known supply covers it"
    elif covered == "free stock" and pd.Timestamp(when).date() <= today:
        ending = "releasable now"
    else:
        ending = f"ETA {_day(when)}"
    if late_by is not None and pd.notna(late_by) and late_by > 0:
        ending += f", {int(late_by)} days after its ship-by date"
    return ending


def why_waiting(cur: duckdb.DuckDBPyConnection, order_no: str, eta: dict | None,
                today: date) -> pd.DataFrame:
    """Per SKU of the backorder: the numbers, and the reason. `eta` is the order's row of
    `backorder_eta` (None when it is not an open backorder: its rows then say so)."""
    found = cur.execute("SELECT status FROM orders WHERE order_no = ?", [order_no]).fetchall()
    if not found:
        raise ValidationError(f"Order {order_no} was not found", column="order_no",
                              value=order_no)
    frame = _numbers(cur, order_no, _ending(eta, today))
    if found[0][0] != "Back Order":
        frame["reason"] = f"Order {order_no} is {found[0][0]}, not waiting"
    return frame[WHY_COLUMNS]
