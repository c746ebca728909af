"""SIGKILL during a large run, at random moments: the file reopens and holds all of the
run or none of it."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from invariants import all_broken

import engine

pytestmark = pytest.mark.file_store  # a DuckDB file's write-ahead log after a kill

ROOT = Path(__file__).resolve().parents[1]
ORDERS = 30_000
KILLS = 5
CHILD = """
import sys, time
sys.path.insert(0, {root!r})
import engine
wh = engine.open({path!r})
order_nos = wh.order_nos(engine.OrderFilter(statuses=["On Order"]))
print("ready", flush=True)
started = time.monotonic()
wh.run_fulfillment(order_nos, user="child")
print("done", time.monotonic() - started, flush=True)
"""


@pytest.fixture(scope="module")
def big_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "base.duckdb"
    wh = engine.open(str(path))
    rng = random.Random(3)
    skus = [f"S{n}" for n in range(500)]
    wh.import_items(pd.DataFrame({"sku": skus, "backorder": [n % 5 != 0 for n in range(500)]}))
    wh.import_inventory(pd.DataFrame({"sku": skus, "status": "Available",
                                      "qty": [rng.randint(0, 300) for _ in skus]}))
    order_nos = [str(n) for n in range(1, ORDERS + 1)]
    wh.import_orders(
        pd.DataFrame({"order_no": order_nos, "order_date": "2026-11-01", "status": "On Order",
                      "priority": [1 + n % 5 for n in range(ORDERS)],
                      "ship_complete": [n % 11 == 0 for n in range(ORDERS)]}),
        pd.DataFrame({"order_no": [o for o in order_nos for _ in range(3)],
                      "line_no": [1, 2, 3] * ORDERS,
                      "sku": [rng.choice(skus) for _ in range(3 * ORDERS)],
                      "ordered_qty": [rng.randint(1, 9) for _ in range(3 * ORDERS)]}))
    wh.close()
    return path


def _start_child(path: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))],
        stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def _run_seconds(big_warehouse: Path, tmp_path: Path) -> float:
    path = tmp_path / "timed.duckdb"
    shutil.copy(big_warehouse, path)
    child = _start_child(path)
    out, _ = child.communicate(timeout=300)
    assert child.returncode == 0
    return float(out.split()[-1])


def test_a_run_killed_at_any_moment_is_all_or_nothing(big_warehouse, tmp_path):
    seconds = _run_seconds(big_warehouse, tmp_path)
    rng = random.Random()
    outcomes = []
    for kill in range(KILLS):
        path = tmp_path / f"killed{kill}.duckdb"
        shutil.copy(big_warehouse, path)
        child = _start_child(path)
        # one moment in each fifth of the run, the last one past its end
        time.sleep(rng.uniform(kill, kill + 1) / KILLS * seconds * 1.3)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)

        wh = engine.open(str(path))
        runs = wh.runs()
        on_order = wh.count_orders(engine.OrderFilter(statuses=["On Order"]))
        if runs.empty:
            outcomes.append("none")
            assert on_order == ORDERS
            assert wh.count_orders() == ORDERS  # no backorder was left behind
            assert wh.audit_log(limit=5)["action"].isin(["order_imported", "stock_imported",
                                                          "item_imported"]).all()
        else:
            outcomes.append("all")
            summary = runs.iloc[0]
            assert summary["orders_requested"] == ORDERS
            assert on_order == summary["orders_remaining"]  # ship-complete failures stay
            assert wh.count_orders(engine.OrderFilter(statuses=["Back Order"])) \
                == summary["backorders_created"]
        assert all_broken(wh) == {}
        wh.close()
    print(f"run {seconds:.2f} s; outcomes {outcomes}")
