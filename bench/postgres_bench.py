"""The engine on a PostgreSQL store beside a DuckDB file, at one TPC-H scale, in one run:

    .venv-postgres/bin/python bench/postgres_bench.py --scale 0.1 --reps 3 \\
        --url postgresql://backorder:backorder@127.0.0.1:5432/backorder

(`make bench-postgres`: SF 0.1, 3 repetitions; PG_BENCH_SCALE, PG_BENCH_REPS). Each
repetition gets a fresh database on the server in --url (backorder_bench_<random>, created
and dropped through DuckDB's postgres extension on an admin catalog attached to --url;
dropped also when the run fails or is stopped by SIGTERM) and a fresh DuckDB file in a temp
folder. The same frames (bench/tpch.py's mapping) go into both; each step runs on the file,
then at once on PostgreSQL, and the table gives PostgreSQL ÷ file (the median of the
per-repetition ratios). Ratios, never asserts: the machine is shared.

Wall time is the fair measure here: CPU seconds (time.process_time) are this process's
only, and PostgreSQL's own work happens in its server processes, so the PostgreSQL CPU
column shows the client side (DuckDB planning and moving rows) and not the server's.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from bench import report, tpch  # noqa: E402
from bench.cases import remove_db  # noqa: E402
from bench.run_bench import log  # noqa: E402
from bench.timing import Sample, measure, median  # noqa: E402
from engine.stores import _extension_path  # noqa: E402

RECEIPTS = 20  # the small write, repeated: its median
STEPS = ("import", "run", "releasable", "receive", "page")


# -- the run's own PostgreSQL database ------------------------------------------------------
def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server, as the same role."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class Scratch:
    """A database of its own on the server of `url`, made by CREATE DATABASE through the
    postgres extension on an admin catalog attached to `url`; dropped on exit."""

    def __init__(self, url: str):
        self.admin_url = url
        self.name = f"backorder_bench_{uuid.uuid4().hex[:12]}"
        self.url = with_database(url, self.name)
        self.con: duckdb.DuckDBPyConnection | None = None

    def _admin(self, sql: str) -> None:
        self.con.execute("CALL postgres_execute('admin', ?, use_transaction := false)", [sql])

    def __enter__(self) -> Scratch:
        self.con = duckdb.connect()
        self.con.execute(f"LOAD '{_extension_path()}'")
        url = self.admin_url.replace("'", "''")
        self.con.execute(f"ATTACH '{url}' AS admin (TYPE postgres)")
        self._admin(f"CREATE DATABASE {self.name}")
        log(f"created database {self.name}")
        return self

    def __exit__(self, *exc) -> None:
        try:
            # FORCE: a connection the extension still pools must not keep it alive.
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            log(f"dropped database {self.name}")
        finally:
            self.con.close()


# -- the steps ------------------------------------------------------------------------------
def pick_receipt_sku(wh: engine.Warehouse) -> str:
    """A SKU nobody waits for, as bench/cases.py's receipt case picks it: one unit of it is
    the fixed cost of a write (nothing to release)."""
    some = wh.items(limit=1000)
    return str(some.loc[some["units_waiting"] == 0, "sku"].iloc[0])


def median_sample(samples: list[Sample]) -> Sample:
    return Sample(median([s.wall for s in samples]), median([s.cpu for s in samples]))


class Bench:
    """Both warehouses, stepped together: each step on the file, then on PostgreSQL."""

    def __init__(self, stores: dict[str, str]):
        self.stores = stores  # label -> location
        self.wh: dict[str, engine.Warehouse] = {}
        self.rows: list[tuple[str, dict[str, Sample]]] = []
        self.facts: dict[str, dict] = {label: {} for label in stores}

    def step(self, name: str, call) -> dict:
        """`call(label, warehouse)` on each store in turn, timed; returns their values."""
        values, samples = {}, {}
        for label in self.stores:
            values[label], samples[label] = measure(call, label, self.wh.get(label))
            log(f"  {name} on {label}: {samples[label].wall:.3f} s wall, "
                f"{samples[label].cpu:.3f} s CPU")
        self.rows.append((name, samples))
        return values

    def run(self, folder: Path, only: list[str]) -> None:
        (items, inventory, orders, lines), read = measure(tpch.tpch_frames, folder)
        order_nos = tpch.order_nos(folder)
        log(f"read the frames in {read.wall:.2f} s: {len(orders):,} orders, "
            f"{len(lines):,} lines, {len(items):,} SKUs")
        self.facts["frames"] = {"orders": len(orders), "lines": len(lines), "skus": len(items)}

        def open_(label, _):
            self.wh[label] = engine.open(self.stores[label])
        self.step("open a new warehouse (schema)", open_)
        if "import" in only:
            self.step("import items + inventory + orders", lambda _, wh: (
                wh.import_items(items, user="bench"),
                wh.import_inventory(inventory, user="bench"),
                wh.import_orders(orders, lines, user="bench")))
        if "run" in only:
            results = self.step(f"`run_fulfillment` over {len(order_nos):,} orders",
                                lambda _, wh: wh.run_fulfillment(order_nos, user="bench"))
            for label, result in results.items():
                back = self.wh[label].count_orders(engine.OrderFilter(statuses=["Back Order"]))
                self.facts[label] |= {"units_allocated": int(result.summary["units_allocated"]),
                                      "units_requested": int(result.summary["units_requested"]),
                                      "back_order_orders": int(back)}
        if "releasable" in only:
            found = self.step("`releasable_now()` (first call after the run)",
                              lambda _, wh: wh.releasable_now())
            for label, frame in found.items():
                self.facts[label]["releasable"] = len(frame)
        if "receive" in only:
            sku = pick_receipt_sku(next(iter(self.wh.values())))
            samples: dict[str, Sample] = {}
            for label, wh in self.wh.items():
                taken = [measure(wh.receive, sku, 1, user="bench")[1] for _ in range(RECEIPTS)]
                samples[label] = median_sample(taken)
                log(f"  receive on {label}: median {samples[label].wall:.3f} s "
                    f"(min {min(s.wall for s in taken):.3f}, max {max(s.wall for s in taken):.3f})")
            self.rows.append((f"`receive` 1 unit of SKU {sku} (nobody waits), median of "
                              f"{RECEIPTS}", samples))
        if "page" in only:
            self.step("first `orders()` page of 100 (no filter)",
                      lambda _, wh: wh.orders(engine.OrderFilter(), limit=100))

    def close(self) -> None:
        for wh in self.wh.values():
            wh.close()
        self.wh.clear()


# -- the report -----------------------------------------------------------------------------
def table(reps: list[list[tuple[str, dict[str, Sample]]]]) -> str:
    """Per step: the median over repetitions of each store's seconds and of the paired
    per-repetition ratio (both stores timed in the same repetition, one right after the
    other)."""
    out = ["| step | file wall | PostgreSQL wall | ratio PG ÷ file (wall) | file CPU "
           "| PostgreSQL CPU (client only) |", "|---|---:|---:|---:|---:|---:|"]
    for i, (name, _) in enumerate(reps[0]):
        f = [rep[i][1]["file"] for rep in reps]
        p = [rep[i][1]["postgres"] for rep in reps]
        ratio = median([b.wall / a.wall for a, b in zip(f, p, strict=True) if a.wall])
        out.append(f"| {name} | {report.sec(median([s.wall for s in f]))} | "
                   f"{report.sec(median([s.wall for s in p]))} | {report.ratio(ratio)} | "
                   f"{report.sec(median([s.cpu for s in f]))} | "
                   f"{report.sec(median([s.cpu for s in p]))} |")
    return "\n".join(out)


def agreement(facts: dict) -> list[str]:
    """Both stores should come out the same: a line per fact, MISMATCH where they differ."""
    lines = []
    for key in ("back_order_orders", "units_allocated", "units_requested", "releasable"):
        f, p = facts["file"].get(key), facts["postgres"].get(key)
        if f is None and p is None:
            continue
        if f == p:
            lines.append(f"same {key.replace('_', ' ')}: {f:,}")
        else:
            lines.append(f"MISMATCH {key.replace('_', ' ')}: file {f}, PostgreSQL {p}")
    return lines


def one_repetition(folder: Path, url: str, only: list[str]) -> Bench:
    """A fresh database and a fresh file, every step on both, then both thrown away."""
    with tempfile.TemporaryDirectory(prefix="backorder-pg-bench-") as tmp, \
            Scratch(url) as scratch:
        file_db = Path(tmp) / "bench.duckdb"
        bench = Bench({"file": str(file_db), "postgres": scratch.url})
        try:
            bench.run(folder, only)
        finally:
            bench.close()
            remove_db(file_db)
    return bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--url", default=os.environ.get(
        "PG_URL", "postgresql://backorder:backorder@127.0.0.1:5432/backorder"),
        help="a PostgreSQL server and a role that may CREATE DATABASE (its database is "
             "only the admin connection's)")
    parser.add_argument("--reps", type=int, default=1,
                        help="repetitions, each on a fresh database and file; medians")
    parser.add_argument("--only", nargs="+", choices=STEPS, default=list(STEPS))
    args = parser.parse_args()
    # A SIGTERM (a timeout, a CI cancel) unwinds like an error, so the database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = tpch.generate(args.scale)
    started, load_before = time.perf_counter(), os.getloadavg()
    benches = []
    for i in range(args.reps):
        log(f"SF {args.scale:g}, repetition {i + 1} of {args.reps}")
        benches.append(one_repetition(folder, args.url, args.only))
    m, frames = report.machine(), benches[0].facts["frames"]
    print(f"\nTPC-H SF {args.scale:g}, {datetime.now().isoformat(timespec='minutes')}, "
          f"median of {args.reps}, {time.perf_counter() - started:.0f} s in all; "
          f"{frames['orders']:,} orders, {frames['lines']:,} lines, {frames['skus']:,} SKUs. "
          f"Machine: {m['nproc']} cores, Python {m['python']}, DuckDB {m['duckdb']}, pandas "
          f"{m['pandas']}. Load average before → after: "
          f"{'/'.join(f'{x:.1f}' for x in load_before)} → "
          f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}.\n")
    print(table([b.rows for b in benches]))
    print()
    for i, bench in enumerate(benches):
        for line in agreement(bench.facts):
            print(f"repetition {i + 1}: {line}" if args.reps > 1 else line)


if __name__ == "__main__":
    main()
