"""A soak: eight threads and two `Warehouse` objects on one store, a fixed count of mixed
writes over the same orders and SKUs. Afterwards every invariant holds and no thread saw
anything but a deliberate `BackorderError`."""

from __future__ import annotations

import random
import threading

import pytest
from invariants import all_broken
from workload import OPERATIONS_PER_THREAD, THREADS, busy_warehouse, operation

import engine


@pytest.mark.parametrize("seed", [1, 2])
def test_soak_two_warehouses_eight_threads(location, seed):
    warehouses = [busy_warehouse(location), engine.open(location)]
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
                operation(wh, rng, f"analyst{i}")
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
