"""Benchmark the engine on TPC-H data, each timing as a ratio to the bare DuckDB query that
does the same arithmetic, measured in the same run (machines here are noisy; ratios travel).

    make bench                      # scale factor 1: 1.5 M orders, 6 M lines, 200 k SKUs
    python bench/run_bench.py --scale 0.1
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402

DATA = ROOT / "bench" / "tpch-data"


def generate(scale: float) -> Path:
    folder = DATA / f"sf{scale:g}"
    if not (folder / "lineitem.parquet").exists():
        tool = shutil.which("tpchgen-cli") or str(Path(sys.executable).parent / "tpchgen-cli")
        subprocess.run([tool, "parquet", "-s", f"{scale:g}", "--tables",
                        "part,partsupp,orders,lineitem", "--output-dir", str(folder)], check=True)
    return folder


def tpch_frames(folder: Path):
    """TPC-H mapped onto the engine's import frames (DESIGN.md §5)."""
    con = duckdb.connect()
    p = lambda name: f"'{folder / (name + '.parquet')}'"  # noqa: E731
    items = con.execute(f"""
        SELECT CAST(p_partkey AS VARCHAR) AS sku, p_name AS description,
               p_partkey % 5 <> 0 AS backorder, CAST(p_retailprice AS DOUBLE) AS unit_price
        FROM read_parquet({p('part')})""").df()
    # Scaled so that a real share of lines goes short: about 3% of supplier stock.
    inventory = con.execute(f"""
        SELECT CAST(ps_partkey AS VARCHAR) AS sku, status, qty FROM (
            SELECT ps_partkey, 'Available' AS status,
                   CAST(sum(ps_availqty) * 0.03 AS BIGINT) AS qty
            FROM read_parquet({p('partsupp')}) GROUP BY ps_partkey
            UNION ALL
            SELECT ps_partkey, 'Frozen', CAST(sum(ps_availqty) * 0.005 AS BIGINT)
            FROM read_parquet({p('partsupp')}) WHERE ps_partkey % 7 = 0 GROUP BY ps_partkey)
        WHERE qty > 0""").df()
    orders = con.execute(f"""
        SELECT CAST(o_orderkey AS VARCHAR) AS order_no, o_orderdate AS order_date,
               CAST(left(o_orderpriority, 1) AS BIGINT) AS priority, 'On Order' AS status,
               o_orderkey % 20 = 0 AS ship_complete, o_clerk AS customer
        FROM read_parquet({p('orders')})""").df()
    lines = con.execute(f"""
        SELECT CAST(l_orderkey AS VARCHAR) AS order_no, CAST(l_linenumber AS BIGINT) AS line_no,
               CAST(l_partkey AS VARCHAR) AS sku, CAST(l_quantity AS BIGINT) AS ordered_qty
        FROM read_parquet({p('lineitem')})""").df()
    con.close()
    return items, inventory, orders, lines


def timed(label: str, results: dict, fn):
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    print(f"  {label:<34} {results[label]:8.2f} s", flush=True)
    return value


BARE_ALLOCATION = """
    CREATE OR REPLACE TEMP TABLE bare_alloc AS
    WITH free AS (SELECT sku, sum(qty) FILTER (WHERE status = 'Available') AS free
                  FROM inventory_ledger GROUP BY sku)
    SELECT l.order_no, l.line_no,
           least(l.ordered_qty, greatest(0, coalesce(f.free, 0)
                 - (sum(l.ordered_qty) OVER (PARTITION BY l.sku
                        ORDER BY o.priority, o.order_date, o.root_no, o.suffix, l.line_no
                        ROWS UNBOUNDED PRECEDING) - l.ordered_qty))) AS alloc
    FROM order_lines l JOIN orders o USING (order_no) LEFT JOIN free f USING (sku)
    WHERE o.status = 'On Order'"""

BARE_RELEASABLE = """
    SELECT o.order_no, l.sku, sum(l.ordered_qty) AS need
    FROM orders o JOIN order_lines l USING (order_no)
    WHERE o.status = 'Back Order' GROUP BY ALL
    ORDER BY any_value(o.priority), any_value(o.order_date), any_value(o.root_no),
             any_value(o.suffix)"""

BARE_PAGE = """
    SELECT * FROM orders WHERE status = 'Back Order'
    ORDER BY priority, order_date, root_no, suffix LIMIT 50"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    folder = generate(args.scale)
    db_path = ROOT / "bench" / f"tpch-sf{args.scale:g}.duckdb"
    for leftover in (db_path, Path(str(db_path) + ".wal")):
        leftover.unlink(missing_ok=True)
    results: dict[str, float] = {}
    print(f"TPC-H scale {args.scale:g}")
    items, inventory, orders, lines = timed("read parquet", results, lambda: tpch_frames(folder))
    print(f"  {len(orders):,} orders, {len(lines):,} lines, {len(items):,} SKUs")
    wh = engine.open(str(db_path))
    timed("import items + inventory", results,
          lambda: (wh.import_items(items), wh.import_inventory(inventory)))
    timed("import orders + lines", results, lambda: wh.import_orders(orders, lines))
    order_nos = orders["order_no"]

    with wh.db.read() as cur:
        timed("bare: allocation window", results, lambda: cur.execute(BARE_ALLOCATION))
    run = timed("engine: run_fulfillment", results,
                lambda: wh.run_fulfillment(order_nos, user="bench"))
    summary = run.summary
    print(f"  allocated {summary['units_allocated']:,} of {summary['units_requested']:,} units; "
          f"{summary['backorders_created']:,} backorders; "
          f"{summary['orders_remaining']:,} ship-complete orders stay On Order")

    with wh.db.read() as cur:
        timed("bare: backorder needs", results, lambda: cur.execute(BARE_RELEASABLE).fetchnumpy())
    releasable = timed("engine: releasable_now", results, wh.releasable_now)
    print(f"  {len(releasable):,} releasable now")
    with wh.db.read() as cur:
        timed("bare: one page of backorders", results, lambda: cur.execute(BARE_PAGE).df())
    page_filter = engine.OrderFilter(statuses=["Back Order"])
    timed("engine: orders page + count", results,
          lambda: (wh.orders(page_filter, limit=50), wh.count_orders(page_filter)))
    waiting = wh.orders(page_filter, limit=1000)["order_no"]
    timed("engine: review 1000 backorders", results, lambda: wh.review_release(waiting))
    top = wh.top_backorder_skus(limit=1).iloc[0]
    timed("engine: receive (auto-release)", results,
          lambda: wh.receive(top["sku"], int(top["units_waiting"]), user="bench"))
    wh.close()

    print("\nratios against the bare DuckDB query in this run:")
    for engine_label, bare_label in [
        ("engine: run_fulfillment", "bare: allocation window"),
        ("engine: releasable_now", "bare: backorder needs"),
        ("engine: orders page + count", "bare: one page of backorders"),
    ]:
        ratio = results[engine_label] / results[bare_label]
        print(f"  {engine_label:<34} {ratio:6.1f} x  ({results[engine_label]:.2f} s "
              f"vs {results[bare_label]:.3f} s)")


if __name__ == "__main__":
    main()
