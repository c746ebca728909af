"""TPC-H data for the bench: Parquet files written by tpchgen-cli, mapped onto the engine's
import frames (DESIGN.md section 5), and the same mapping as bare `CREATE TABLE AS`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "tpch-data"
TABLES = ("part", "partsupp", "orders", "lineitem")


def folder_for(scale: float) -> Path:
    return DATA / f"sf{scale:g}"


def generate(scale: float) -> Path:
    """The Parquet files of `scale`, generated once (SF 3 takes a few minutes)."""
    folder = folder_for(scale)
    if not all((folder / f"{t}.parquet").exists() for t in TABLES):
        tool = shutil.which("tpchgen-cli") or str(Path(sys.executable).parent / "tpchgen-cli")
        subprocess.run([tool, "parquet", "-s", f"{scale:g}", "--tables", ",".join(TABLES),
                        "--output-dir", str(folder)], check=True)
    return folder


def mapping(folder: Path) -> dict[str, str]:
    """One SELECT per import frame: items, inventory, orders, lines."""
    p = lambda name: f"'{folder / (name + '.parquet')}'"  # noqa: E731
    return {
        "items": f"""
        SELECT CAST(p_partkey AS VARCHAR) AS sku, p_name AS description,
               p_partkey % 5 <> 0 AS backorder, CAST(p_retailprice AS DOUBLE) AS unit_price
        FROM read_parquet({p('part')})""",
        # Scaled so that a real share of lines goes short: about 3% of supplier stock.
        "inventory": f"""
        SELECT CAST(ps_partkey AS VARCHAR) AS sku, status, qty FROM (
            SELECT ps_partkey, 'Available' AS status,
                   CAST(sum(ps_availqty) * 0.03 AS BIGINT) AS qty
            FROM read_parquet({p('partsupp')}) GROUP BY ps_partkey
            UNION ALL
            SELECT ps_partkey, 'Frozen', CAST(sum(ps_availqty) * 0.005 AS BIGINT)
            FROM read_parquet({p('partsupp')}) WHERE ps_partkey % 7 = 0 GROUP BY ps_partkey)
        WHERE qty > 0""",
        "orders": f"""
        SELECT CAST(o_orderkey AS VARCHAR) AS order_no, o_orderdate AS order_date,
               CAST(left(o_orderpriority, 1) AS BIGINT) AS priority, 'On Order' AS status,
               o_orderkey % 20 = 0 AS ship_complete, o_clerk AS customer
        FROM read_parquet({p('orders')})""",
        "lines": f"""
        SELECT CAST(l_orderkey AS VARCHAR) AS order_no, CAST(l_linenumber AS BIGINT) AS line_no,
               CAST(l_partkey AS VARCHAR) AS sku, CAST(l_quantity AS BIGINT) AS ordered_qty
        FROM read_parquet({p('lineitem')})""",
    }


def tpch_frames(folder: Path):
    """TPC-H mapped onto the engine's import frames (DESIGN.md §5):
    (items, inventory, orders, lines)."""
    con = duckdb.connect()
    try:
        sql = mapping(folder)
        return tuple(con.execute(sql[name]).df()
                     for name in ("items", "inventory", "orders", "lines"))
    finally:
        con.close()


def order_nos(folder: Path) -> pd.Series:
    """Every order number: what a run over the whole scale factor asks for."""
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT order_no FROM ({mapping(folder)['orders']})").df()["order_no"]
    finally:
        con.close()


def import_bare(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The bare import: the same four tables as `CREATE TABLE AS` from the Parquet files."""
    for name, select in mapping(folder).items():
        con.execute(f"CREATE TABLE {name} AS {select}")


# Expected receipts for the ETA case: about 10 k lines at SF 1 (1 k at SF 0.1) over SKUs
# with waiting backorders, every step-th of them by SKU number, so the same data gives the
# same receipts. A SKU's quantity is half, all of or one and a half times what waits for it;
# due 1-28 days ahead, every tenth SKU overdue; four SKUs per ref, and every seventh SKU
# brings a second line under its ref (two lines of one SKU).
EXPECTED_RECEIPTS = """
    WITH waiting AS (
        SELECT l.sku, CAST(l.sku AS BIGINT) AS k,
               sum(l.ordered_qty - l.allocated_qty) AS units
        FROM order_lines l JOIN orders o USING (order_no)
        WHERE o.status = 'Back Order' GROUP BY l.sku),
    ranked AS (SELECT *, row_number() OVER (ORDER BY k) - 1 AS n FROM waiting),
    picked AS (
        SELECT *, row_number() OVER (ORDER BY k) - 1 AS m FROM ranked
        WHERE n % greatest(1, (SELECT count(*) FROM waiting) // $lines) = 0
        ORDER BY k LIMIT $lines),
    lines AS (
        SELECT 'PO-' || (m // 4) AS ref, CAST(m % 4 + 1 AS BIGINT) AS line_no, sku,
               greatest(1, units * (1 + k % 3) // 2) AS qty,
               CASE WHEN k % 10 = 0 THEN -3 ELSE 1 + k % 28 END AS days
        FROM picked
        UNION ALL
        SELECT 'PO-' || (m // 4), 5, sku, greatest(1, units // 4), 30 + k % 14
        FROM picked WHERE m % 7 = 0)
    SELECT ref, line_no, sku, CAST(qty AS BIGINT) AS qty,
           CAST(current_date + CAST(days AS INTEGER) AS DATE) AS due_date
    FROM lines ORDER BY ref, line_no"""


def expected_receipts(path: Path | str, scale: float) -> pd.DataFrame:
    """The expected receipts of the ETA case, read from a (closed) database file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(EXPECTED_RECEIPTS, {"lines": max(10, round(10_000 * scale))}).df()
    finally:
        con.close()
