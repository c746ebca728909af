"""Which orders ship and cancel may act on, written once: `ship` and `cancel` (engine/
inventory.py) refuse by these rules, and the Ship and Cancel screens review by them first."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from .frames import load_order_nos

# A SQL CASE over `o` (the order) giving the refusal, or NULL where the action may go on.
SHIP_REFUSAL = """
    CASE WHEN o.status <> 'Processed'
         THEN 'Order is ' || o.status || ', only Processed orders ship' END"""
CANCEL_REFUSAL = """
    CASE WHEN o.status IN ('Shipped', 'Cancelled')
         THEN 'Order is already ' || o.status END"""


def order_states(cur: duckdb.DuckDBPyConnection, order_nos: Iterable[str] | str,
                 refuse_sql: str) -> None:
    """Temp table `action_orders(order_no, request_pos, status, reason)`; reason is NULL
    where the action may go on."""
    load_order_nos(cur, "action_request", order_nos)
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE action_orders AS
        SELECT r.order_no, r.request_pos, o.status,
               CASE WHEN o.order_no IS NULL THEN 'Order ' || r.order_no || ' was not found'
                    ELSE {refuse_sql} END AS reason
        FROM action_request r LEFT JOIN orders o USING (order_no)""")


def review(cur: duckdb.DuckDBPyConnection, order_nos: Iterable[str] | str,
           refuse_sql: str) -> pd.DataFrame:
    """Per order, in the order asked: order_no, status, outcome ('ok' or 'error'), reason.
    Writes nothing (the temp tables live in this cursor only)."""
    order_states(cur, order_nos, refuse_sql)
    return cur.execute("""
        SELECT order_no, status,
               CASE WHEN reason IS NULL THEN 'ok' ELSE 'error' END AS outcome,
               coalesce(reason, 'Can go ahead') AS reason
        FROM action_orders ORDER BY request_pos""").df()
