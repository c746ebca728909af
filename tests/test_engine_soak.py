"""A soak: eight threads and two `Warehouse` objects on one file, a fixed count of mixed
writes over the same orders and SKUs. Afterwards every invariant holds and no thread saw
anything but a deliberate `BackorderError`."""

from __future__ import annotations

import random
import threading

import pytest
from conftest import build
from invariants import all_broken

import engine

SKUS = ["A", "B", "C", "D", "E", "F"]
ORDERS = 240
THREADS = 8
OPERATIONS_PER_THREAD = 30


def _warehouse_on(path: str) -> engine.Warehouse:
    wh = engine.open(path)
    rng = random.Random(7)
    build(wh, {s: s != "F" for s in SKUS},  # F may not backorder: its lines are shorted
          [(s, "Available", 60) for s in SKUS] + [(s, "Frozen", 20) for s in SKUS],
          [{"order_no": str(n), "priority": rng.randint(1, 5),
            "ship_complete": n % 7 == 0, "order_date": f"2026-10-{1 + n % 28:02d}"}
           for n in range(1, ORDERS + 1)],
          [(str(n), line, rng.choice(SKUS), rng.randint(1, 6))
           for n in range(1, ORDERS + 1) for line in range(1, 1 + n % 3 + 1)])
    return wh


def _back_orders(wh: engine.Warehouse, rng: random.Random) -> list[str]:
    waiting = wh.order_nos(engine.OrderFilter(statuses=["Back Order"]))
    return rng.sample(waiting, min(len(waiting), rng.randint(1, 12)))


def _operation(wh: engine.Warehouse, rng: random.Random, who: str) -> None:
    kind = rng.choice(["run", "run", "release", "release", "receive", "adjust", "status",
                       "ship", "cancel"])
    if kind == "run":  # overlapping groups: every thread reaches into the same range
        start = rng.randint(1, ORDERS - 40)
        wh.run_fulfillment([str(n) for n in range(start, start + 40)], user=who,
                           backorder_grouping=rng.choice(["per_line", "per_order"]))
    elif kind == "release":
        wh.release_backorders(_back_orders(wh, rng), user=who)
    elif kind == "receive":
        wh.receive(rng.choice(SKUS), rng.randint(1, 15), user=who)
    elif kind == "adjust":
        wh.adjust(rng.choice(SKUS), rng.choice([-5, -2, 3, 6]), reason="count", user=who)
    elif kind == "status":
        sku = rng.choice(SKUS)
        if rng.random() < 0.5:
            wh.change_status(sku, rng.randint(1, 4), "Frozen", "Available", user=who)
        else:
            wh.change_status(sku, rng.randint(1, 4), "Available", "Frozen", user=who)
    elif kind == "ship":
        processed = wh.order_nos(engine.OrderFilter(statuses=["Processed"]), limit=30)
        wh.ship(rng.sample(processed, min(len(processed), 5)) or ["1"], user=who)
    else:
        wh.cancel([str(rng.randint(1, ORDERS))], reason="customer asked", user=who)


@pytest.mark.parametrize("seed", [1, 2])
def test_soak_two_warehouses_eight_threads(tmp_path, seed):
    path = str(tmp_path / "soak.duckdb")
    warehouses = [_warehouse_on(path), engine.open(path)]
    barrier = threading.Barrier(THREADS)
    raw: list[BaseException] = []
    refused: list[engine.BackorderError] = []
    done = [0] * THREADS

    def worker(i: int) -> None:
        rng = random.Random(seed * 100 + i)
        wh = warehouses[i % 2]
        barrier.wait()
        for _ in range(OPERATIONS_PER_THREAD):
            try:
                _operation(wh, rng, f"analyst{i}")
                done[i] += 1
            except engine.BackorderError as exc:  # refusals are fine: stock rules hold
                refused.append(exc)
            except BaseException as exc:  # noqa: BLE001 - a raw error is the failure
                raw.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert raw == []
    conflicts = [e for e in refused if isinstance(e, engine.WriteConflictError)]
    assert conflicts == []
    assert sum(done) > THREADS * OPERATIONS_PER_THREAD // 2  # most operations went through
    assert all_broken(warehouses[0]) == {}
    assert len(warehouses[1].runs()) >= 1
    for wh in warehouses:
        wh.close()
