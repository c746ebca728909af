"""Why a backorder is waiting, in one short line per order, for the rows of a grid page:
each SKU whose free stock does not cover the need, with what is held in other statuses."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from .frames import load_order_nos
from .schema import STOCK_STATUSES, free_stock_sql


def waiting_reasons(cur: duckdb.DuckDBPyConnection, order_nos: Iterable[str] | str
                    ) -> pd.DataFrame:
    """`order_no`, `reason` for the Back Order orders among `order_nos` (a page of them)."""
    load_order_nos(cur, "waiting_request", order_nos)
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE waiting_needs AS
        SELECT l.order_no, l.sku, sum(l.ordered_qty - l.allocated_qty)::BIGINT AS need
        FROM order_lines l JOIN orders o USING (order_no)
        WHERE o.status = 'Back Order'
          AND l.order_no IN (SELECT order_no FROM waiting_request)
        GROUP BY l.order_no, l.sku""")
    cur.execute("CREATE OR REPLACE TEMP TABLE waiting_skus AS "
                "SELECT DISTINCT sku FROM waiting_needs")
    return cur.execute(f"""
        WITH free AS ({free_stock_sql('waiting_skus')}),
        held AS (
            SELECT sku, string_agg(qty || ' ' || status, ', '
                       ORDER BY list_position({list(STOCK_STATUSES)}, status)) AS held
            FROM (SELECT sku, status, sum(qty)::BIGINT AS qty FROM inventory_ledger
                  WHERE sku IN (SELECT sku FROM waiting_skus) AND status <> 'Available'
                  GROUP BY sku, status HAVING sum(qty) > 0)
            GROUP BY sku),
        per_sku AS (
            SELECT n.order_no, n.sku, n.need, coalesce(f.free, 0) AS free, h.held
            FROM waiting_needs n LEFT JOIN free f USING (sku) LEFT JOIN held h USING (sku))
        SELECT order_no,
               coalesce(string_agg(sku || ' needs ' || need || ': ' || free || ' free'
                                   || coalesce(', ' || held, ''), '; ' ORDER BY sku)
                            FILTER (WHERE need > free),
                        'Free stock covers it') AS reason
        FROM per_sku GROUP BY order_no""").df()
