"""When each open backorder will ship (design section 6).

The ETA of a backorder is the date the release rule would release it if every expected
receipt arrived on its due date, in due-date order, and nothing else changed. The model
plays that out:

1. Today, the backorders that free stock covers are released, as a release of every open
   backorder would (rank order, whole or nothing, passing over what does not fit). That is
   `releasable now`, settled in SQL with its one pass over the contended SKUs.
2. Then each open expected receipt arrives, in the order due date, ref, line number (one
   overdue is expected today), and releases, in rank order, the waiting backorders that
   hold its SKU, exactly as `receive` does.

Step 2 only touches waiting backorders holding a SKU that some receipt brings: they are
fetched once as integer arrays, and each receipt walks its SKU's waiting orders in rank
order, stopping as soon as the SKU has nothing left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from . import release
from .expected import open_receipts_sql
from .frames import fetch_frame

FREE_STOCK = "free stock"
ETA_COLUMNS = ["order_no", "eta", "covered_by", "days_waiting", "late_by_days", "ship_by",
               "released_by_ref", "released_by_line", "units"]


@dataclass
class _Waiting:
    """The waiting backorders that a receipt may release, as arrays in rank order."""
    order_ids: np.ndarray   # one per order
    bounds: list[int]          # order k's need rows are bounds[k] .. bounds[k + 1]
    codes: list[int]           # SKU code of each need row
    needs: list[int]           # units of each need row
    by_sku: list[list[int]]    # per SKU code: the orders holding it, in rank order


def _stage_today(cur: duckdb.DuckDBPyConnection) -> None:
    """`rel_decided` for every open backorder, as releasable now decides it."""
    release._open_backorders(cur)
    release._stage(cur, reasons=False, every_sku=True)
    release._decide(cur, reasons=False)


def _stage_receipts(cur: duckdb.DuckDBPyConnection, today: date) -> int:
    """`eta_receipts`: open receipt lines in play order, with their SKU codes; `eta_codes`
    numbers every SKU in play. Returns how many receipts there are."""
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE eta_receipts AS
        SELECT row_number() OVER (ORDER BY due_date, ref, line_no) - 1 AS play,
               ref, line_no, sku, open_qty AS qty, greatest(due_date, ?::DATE) AS arrives
        FROM ({open_receipts_sql(cur)}) WHERE open_qty > 0""", [today])
    count = cur.execute("SELECT count(*) FROM eta_receipts").fetchall()[0][0]
    if not count:
        return 0
    # Waiting orders holding a SKU some receipt brings; their every SKU is then in play.
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE eta_candidates AS
        SELECT DISTINCT f.order_id FROM rel_fit f
        JOIN rel_decided d USING (order_id)
        WHERE d.outcome <> 'ok' AND f.need > 0
          AND f.sku IN (SELECT sku FROM eta_receipts)""")
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE eta_codes AS
        SELECT (row_number() OVER (ORDER BY sku) - 1)::BIGINT AS code, sku
        FROM (SELECT sku FROM eta_receipts
              UNION SELECT sku FROM rel_fit WHERE order_id IN
                  (SELECT order_id FROM eta_candidates))""")
    return count


def _remaining_after_today(cur: duckdb.DuckDBPyConnection) -> np.ndarray:
    """Free stock per SKU code once today's releasable backorders have taken theirs."""
    return cur.execute("""
        WITH taken AS (
            SELECT f.sku, sum(f.need) AS units FROM rel_fit f
            JOIN rel_decided d USING (order_id)
            WHERE d.outcome = 'ok' GROUP BY f.sku)
        SELECT greatest(coalesce(s.free, 0) - coalesce(t.units, 0), 0)::BIGINT AS free
        FROM eta_codes c LEFT JOIN rel_stock s USING (sku) LEFT JOIN taken t USING (sku)
        ORDER BY c.code""").fetchnumpy()["free"]


def _waiting(cur: duckdb.DuckDBPyConnection, skus: int) -> _Waiting:
    rows = cur.execute(f"""
        SELECT f.order_id, c.code, f.need
        FROM rel_fit f JOIN eta_codes c USING (sku)
        JOIN rel_orders o USING (order_id)
        WHERE f.order_id IN (SELECT order_id FROM eta_candidates) AND f.need > 0
        ORDER BY {release.RANK}, o.order_no, f.sku""").fetchnumpy()
    order_ids = np.asarray(rows["order_id"], dtype=np.int64)
    codes = np.asarray(rows["code"], dtype=np.int64)
    starts = np.flatnonzero(np.diff(order_ids, prepend=-1) != 0)
    order_of_row = np.cumsum(np.diff(order_ids, prepend=-1) != 0) - 1
    # Per SKU, the orders holding it in rank order: a stable sort of rows by SKU code.
    by_code = np.argsort(codes, kind="stable")
    split = np.searchsorted(codes[by_code], np.arange(skus + 1))
    holders = order_of_row[by_code]
    by_sku = [holders[split[c]:split[c + 1]].tolist() for c in range(skus)]
    return _Waiting(order_ids=order_ids[starts], bounds=np.r_[starts, len(order_ids)].tolist(),
                    codes=codes.tolist(), needs=np.asarray(rows["need"]).tolist(),
                    by_sku=by_sku)


def _play(waiting: _Waiting, remaining: list[int], receipts: dict[str, np.ndarray]
          ) -> tuple[list[int], list[int], list[list[int]]]:
    """Each receipt in play order: its SKU gains the units, then its waiting orders are
    looked at in rank order. Returns, per released order: its index, the receipt that
    released it, and the receipts that completed it (the last one of each SKU it lacked
    after today)."""
    short_today = list(remaining)
    last_receipt = [-1] * len(remaining)
    released = [False] * len(waiting.order_ids)
    first_open = [0] * len(waiting.by_sku)  # orders before it in by_sku are all released
    b, codes, needs = waiting.bounds, waiting.codes, waiting.needs
    out_order: list[int] = []
    out_receipt: list[int] = []
    out_completing: list[list[int]] = []
    for play, (code, qty) in enumerate(zip(receipts["code"].tolist(),
                                           receipts["qty"].tolist(), strict=True)):
        remaining[code] += qty
        last_receipt[code] = play
        holders = waiting.by_sku[code]
        while first_open[code] < len(holders) and released[holders[first_open[code]]]:
            first_open[code] += 1
        for k in holders[first_open[code]:]:
            if remaining[code] <= 0:
                break  # every holder needs at least one unit of it
            if released[k]:
                continue
            rows = range(b[k], b[k + 1])
            if all(needs[i] <= remaining[codes[i]] for i in rows):
                for i in rows:
                    remaining[codes[i]] -= needs[i]
                released[k] = True
                out_order.append(k)
                out_receipt.append(play)
                # The receipt releasing it completes it too, even of a SKU it did not
                # lack today (orders released since took that SKU's free stock).
                out_completing.append(sorted({play} | {
                    last_receipt[codes[i]] for i in rows
                    if needs[i] > short_today[codes[i]] and last_receipt[codes[i]] >= 0}))
    return out_order, out_receipt, out_completing


def _released_by_receipts(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`order_id`, `play` (the receipt releasing it), `covered_by` of every waiting
    backorder some expected receipt releases."""
    remaining = _remaining_after_today(cur).tolist()
    waiting = _waiting(cur, len(remaining))
    receipts = cur.execute("""
        SELECT c.code, r.qty FROM eta_receipts r JOIN eta_codes c USING (sku)
        ORDER BY r.play""").fetchnumpy()
    refs = cur.execute("SELECT ref FROM eta_receipts ORDER BY play").fetchnumpy()["ref"]
    orders, plays, completing = _play(waiting, remaining, receipts)
    refs_list = refs.tolist()
    covered = [", ".join(dict.fromkeys(refs_list[p] for p in plays_of)) or refs_list[play]
               for plays_of, play in zip(completing, plays, strict=True)]
    return pd.DataFrame({
        "order_id": waiting.order_ids[np.asarray(orders, dtype=np.int64)],
        "play": np.asarray(plays, dtype=np.int64),
        "covered_by": pd.Series(covered, dtype=object)})


def backorder_eta(cur: duckdb.DuckDBPyConnection, now: datetime) -> pd.DataFrame:
    """One row per open Back Order order, in the orders table's order (see the module's
    docstring); screens sort what they show."""
    today = now.date()
    _stage_today(cur)
    if _stage_receipts(cur, today):
        by_receipts = _released_by_receipts(cur)
    else:
        by_receipts = pd.DataFrame({"order_id": pd.Series(dtype="int64"),
                                    "play": pd.Series(dtype="int64"),
                                    "covered_by": pd.Series(dtype=object)})
        cur.execute("CREATE OR REPLACE TEMP TABLE eta_receipts AS SELECT NULL::BIGINT AS "
                    "play, NULL::VARCHAR AS ref, NULL::INTEGER AS line_no, "
                    "NULL::DATE AS arrives WHERE false")
    cur.register("_eta_by_receipts", by_receipts)
    try:
        return fetch_frame(cur, f"""
            WITH eta AS (
                SELECT d.order_id,
                       CASE WHEN d.outcome = 'ok' THEN ?::DATE ELSE r.arrives END AS eta,
                       CASE WHEN d.outcome = 'ok' THEN '{FREE_STOCK}' ELSE b.covered_by END
                           AS covered_by,
                       r.ref AS released_by_ref, r.line_no AS released_by_line
                FROM rel_decided d  -- one row per order
                LEFT JOIN _eta_by_receipts b USING (order_id)
                LEFT JOIN eta_receipts r USING (play))
            SELECT o.order_no, e.eta, e.covered_by,
                   date_diff('day', o.created_at, ?::TIMESTAMP)::INTEGER AS days_waiting,
                   CASE WHEN o.ship_by IS NULL THEN NULL
                        WHEN e.eta IS NOT NULL
                            THEN greatest(date_diff('day', o.ship_by, e.eta), 0)
                        WHEN o.ship_by < ?::DATE THEN date_diff('day', o.ship_by, ?::DATE)
                   END::INTEGER AS late_by_days,
                   o.ship_by, e.released_by_ref, e.released_by_line, o.units
            FROM rel_orders ro JOIN orders o ON o.order_id = ro.order_id
            LEFT JOIN eta e ON e.order_id = ro.order_id
            ORDER BY ro.order_id  -- table order: a rank sort of a million rows costs
            """, [today, now, today, today])                # more than all the rest
    finally:
        cur.unregister("_eta_by_receipts")
