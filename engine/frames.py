"""Small helpers to move order-number lists into DuckDB, and large results out of it,
without row-at-a-time work."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .inputs import order_no_list


def order_no_frame(order_nos: Iterable[str] | str | int) -> pd.DataFrame:
    """Distinct, stripped order numbers as strings, first occurrence kept, in one column.
    Anything that is not an order number (None, NaN, a float) is refused by position."""
    series = order_no_list(order_nos)
    series = series[series != ""].drop_duplicates()
    return pd.DataFrame({"order_no": series.reset_index(drop=True)})


def load_order_nos(cur: duckdb.DuckDBPyConnection, table: str,
                   order_nos: Iterable[str] | str | int) -> int:
    """Create temp table `table(order_no, request_pos)` of the distinct numbers, first
    occurrence kept (deduplicated in DuckDB: much faster than pandas on millions); returns
    how many there are."""
    series = order_no_list(order_nos)
    frame = pd.DataFrame({"order_no": series.to_numpy(dtype=object),
                          "request_pos": np.arange(len(series))})
    cur.register("_order_no_input", frame)
    cur.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT CAST(order_no AS VARCHAR) AS order_no, min(request_pos) AS request_pos
        FROM _order_no_input WHERE order_no <> '' GROUP BY 1 ORDER BY 2""")
    cur.unregister("_order_no_input")
    return cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def fetch_frame(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
                ) -> pd.DataFrame:
    """The result of `sql` as `.df()` gives it (same dtypes), through Arrow: strings move in
    bulk, several times faster on the hundreds of thousands of rows a busy warehouse
    returns."""
    table = cur.sql(sql, params=params or None).to_arrow_table()
    frame = table.to_pandas(date_as_object=False)
    for column in table.schema:
        if table.num_rows == 0 and pa.types.is_string(column.type):
            frame[column.name] = frame[column.name].astype(object)  # as .df() does
        elif pa.types.is_date(column.type):
            frame[column.name] = frame[column.name].astype("datetime64[us]")
        elif pa.types.is_decimal(column.type):  # sums of integers, DECIMAL, HUGEINT
            frame[column.name] = frame[column.name].astype("float64")
        elif table.column(column.name).null_count and (
                pa.types.is_integer(column.type) or pa.types.is_boolean(column.type)):
            frame[column.name] = table.column(column.name).to_pandas(
                types_mapper=_NULLABLE.get)  # Int32, Int64, boolean, as .df() gives them
    return frame


_NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(),
             pa.uint16(): pd.UInt16Dtype(), pa.uint32(): pd.UInt32Dtype(),
             pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}
