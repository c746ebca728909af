"""Small helpers to move order-number lists into DuckDB without row-at-a-time work."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from .inputs import order_no_list


def order_no_frame(order_nos: Iterable[str] | str | int) -> pd.DataFrame:
    """Distinct, stripped order numbers as strings, first occurrence kept, in one column.
    Anything that is not an order number (None, NaN, a float) is refused by position."""
    series = order_no_list(order_nos)
    series = series[series != ""].drop_duplicates()
    return pd.DataFrame({"order_no": series.reset_index(drop=True)})


def load_order_nos(cur: duckdb.DuckDBPyConnection, table: str,
                   order_nos: Iterable[str] | str | int) -> int:
    """Create temp table `table(order_no, request_pos)`; returns how many distinct numbers."""
    frame = order_no_frame(order_nos)
    frame["request_pos"] = range(len(frame))
    cur.register("_order_no_input", frame)
    cur.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                "SELECT CAST(order_no AS VARCHAR) AS order_no, request_pos FROM _order_no_input")
    cur.unregister("_order_no_input")
    return len(frame)
