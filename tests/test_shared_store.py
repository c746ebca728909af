"""A shared PostgreSQL warehouse: two Python processes, as two servers or a server and a
notebook would, write to it at once, and afterwards every invariant holds. Only on
PostgreSQL (BACKORDER_TEST_STORE): a DuckDB file is held by one process."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import stores
from invariants import all_broken
from workload import busy_warehouse

import engine

pytestmark = pytest.mark.skipif(not stores.on_postgres(),
                                reason="needs a PostgreSQL server (BACKORDER_TEST_STORE)")
TESTS = Path(__file__).resolve().parent
OPERATIONS = 40
# One writer process: the soak's workload on its own Warehouse, then a report of what it
# did. A raw error (anything but the engine's own refusal) is the failure.
WRITER = """
import json, random, sys
sys.path[:0] = [{tests!r}, {root!r}]
import engine
from workload import operation
wh = engine.open({url!r})
rng = random.Random({seed})
done, refused, raw = 0, [], []
for _ in range({operations}):
    try:
        operation(wh, rng, {who!r})
        done += 1
    except engine.BackorderError as exc:
        refused.append(type(exc).__name__)
    except Exception as exc:
        raw.append(repr(exc))
wh.close()
print(json.dumps({{"done": done, "refused": refused, "raw": raw}}))
"""


def _writer(url: str, seed: int, who: str) -> subprocess.Popen:
    script = WRITER.format(tests=str(TESTS), root=str(TESTS.parent), url=url, seed=seed,
                           operations=OPERATIONS, who=who)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("round_", range(5))  # five rounds in a row, each its own seeds
def test_two_processes_write_one_warehouse_and_every_invariant_holds(location, round_):
    busy_warehouse(location).close()
    writers = [_writer(location, round_ * 10 + k, f"process{k}") for k in (1, 2)]
    reports = []
    for writer in writers:
        out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    for report in reports:
        assert report["raw"] == []
        assert "WriteConflictError" not in report["refused"]  # the lock queues, no losers
        assert report["done"] > OPERATIONS // 2
    wh = engine.open(location)
    try:
        assert all_broken(wh) == {}
        users = set(wh.audit_log(limit=100_000)["user"].dropna())
        assert {"process1", "process2"} <= users  # both wrote, and every change is audited
    finally:
        wh.close()


def test_a_notebook_writes_while_another_process_holds_the_warehouse_open(location):
    """The dashboard's process keeps its Warehouse open; a notebook opens the same URL and
    both write, neither told the warehouse is locked."""
    server = busy_warehouse(location)
    notebook = _writer(location, 99, "notebook")
    server_errors: list[BaseException] = []

    def serve() -> None:
        try:
            for n in range(10):
                server.receive("A", 1, user="dashboard", reason=f"count {n}")
        except BaseException as exc:  # noqa: BLE001 - any error is the failure
            server_errors.append(exc)

    serving = threading.Thread(target=serve)
    serving.start()
    out, err = notebook.communicate(timeout=600)
    serving.join()
    assert notebook.returncode == 0, err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["raw"] == [] and server_errors == []
    users = set(server.audit_log(limit=100_000)["user"].dropna())
    assert {"dashboard", "notebook"} <= users
    assert all_broken(server) == {}
    server.close()


def test_a_writer_outside_the_engine_holds_back_the_engine_until_it_commits(location):
    """The write lock is PostgreSQL's own: a foreign transaction that takes it first makes
    the engine wait, and the engine then plans on what that transaction committed."""
    from conftest import build

    first = engine.open(location)
    build(first, {"A": True}, [("A", "Available", 10)],
          [{"order_no": "1"}, {"order_no": "2"}], [("1", 1, "A", 10), ("2", 1, "A", 10)])
    foreign = first.db._con.cursor()  # a connection of its own, outside the engine's lock
    first.db.store.prepare(foreign)
    foreign.execute("BEGIN TRANSACTION")
    first.db.store.lock_for_write(foreign)
    foreign.execute("UPDATE order_lines SET allocated_qty = 10 WHERE order_no = '1'")
    foreign.execute("UPDATE orders SET status = 'Processed' WHERE order_no = '1'")
    foreign.execute("UPDATE sku_reserved SET reserved = reserved + 10 WHERE sku = 'A'")
    foreign.execute("INSERT INTO sku_reserved SELECT 'A', 10 WHERE NOT EXISTS "
                    "(SELECT 1 FROM sku_reserved WHERE sku = 'A')")
    outcome: list = []
    runner = threading.Thread(
        target=lambda: outcome.append(first.run_fulfillment(["2"], user="engine")))
    runner.start()
    runner.join(timeout=1.0)
    assert runner.is_alive()  # waiting on the lock, not planning on a stale state
    foreign.execute("COMMIT")
    runner.join()
    assert outcome[0].summary["units_allocated"] == 0  # it saw A taken
    assert first.order("2.001")["status"] == "Back Order"
    first.close()
