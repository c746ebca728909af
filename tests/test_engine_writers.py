"""Two writers on one store: the database, not an in-process lock, refuses the second plan
made against the same free stock (DESIGN section 8). And a progress callback can never
decide a run's transaction."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from conftest import build

import engine


def _two_on_one_store(location):
    first = engine.open(location)
    build(first, {"A": True}, [("A", "Available", 10)],
          [{"order_no": "1"}, {"order_no": "2"}], [("1", 1, "A", 10), ("2", 1, "A", 10)])
    second = engine.open(location)
    return first, second


def _in_threads(*calls):
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []
    results: list = [None] * len(calls)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - any escape is the failure we test for
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.parametrize("attempt", range(10))
def test_two_warehouses_on_one_file_never_over_allocate(location, attempt):
    first, second = _two_on_one_store(location)
    _, errors = _in_threads(lambda: first.run_fulfillment(["1"], user="one"),
                            lambda: second.run_fulfillment(["2"], user="two"))
    assert errors == []
    stock = first.inventory().set_index(["sku", "status"])
    assert stock.loc[("A", "Available"), "reserved"] == 10  # not 20 against 10 on hand
    statuses = {o: first.order(o)["status"] for o in ("1", "2")}
    assert sorted(statuses.values()) == ["Cancelled", "Processed"]
    assert first.order_lines("1")["allocated_qty"].sum() \
        + first.order_lines("2")["allocated_qty"].sum() == 10
    first.close()
    second.close()


def test_two_warehouses_release_a_backorder_once(location):
    first, second = _two_on_one_store(location)
    first.run_fulfillment(["1", "2"])  # 2 goes to backorder 2.001
    first.adjust("A", 10)
    results, errors = _in_threads(
        lambda: first.release_backorders(["2.001"], user="one"),
        lambda: second.release_backorders(["2.001"], user="two"))
    assert errors == []
    assert sorted(len(r.released) for r in results) == [0, 1]
    loser = next(r for r in results if not r.released)
    assert "not Back Order" in loser.not_released["reason"].iloc[0]
    assert (first.audit_log()["action"] == "released").sum() == 1


@pytest.mark.file_store  # PostgreSQL makes the second writer wait for the lock instead
def test_a_writer_that_keeps_losing_gets_a_clear_refusal(location, monkeypatch):
    """Bounded retries: a conflict every time ends in WriteConflictError, nothing raw."""
    first, second = _two_on_one_store(location)
    holder = first.db._con.cursor()
    holder.execute("BEGIN TRANSACTION")
    holder.execute("UPDATE write_token SET writes = writes + 1")  # a writer that never ends
    monkeypatch.setattr(engine.guard.time, "sleep", lambda seconds: None)
    try:
        with pytest.raises(engine.WriteConflictError, match="try again"):
            second.receive("A", 5, user="two")
    finally:
        holder.execute("ROLLBACK")
    assert second.ledger(sku="A")["kind"].tolist() == ["import"]
    second.receive("A", 5, user="two")  # and once the other writer is gone, it goes through


def test_a_failing_progress_callback_cannot_roll_back_a_run(wh):
    """A click during a run makes Streamlit raise from the progress callback."""
    build(wh, {"A": True}, [("A", "Available", 5)], [{"order_no": "1"}], [("1", 1, "A", 8)])

    class RerunRequested(BaseException):
        pass

    def progress(fraction: float, message: str) -> None:
        if fraction > 0.2:
            raise RerunRequested()

    with pytest.raises(RerunRequested):
        wh.run_fulfillment(["1"], user="me", progress=progress)
    assert len(wh.runs()) == 1  # committed, then the rerun went on its way
    assert wh.order("1")["status"] == "Processed"
    assert wh.order("1.001")["status"] == "Back Order"


def test_a_broken_progress_bar_does_not_fail_a_run(wh):
    build(wh, {"A": True}, [("A", "Available", 5)], [{"order_no": "1"}], [("1", 1, "A", 2)])
    calls: list[float] = []

    def progress(fraction: float, message: str) -> None:
        calls.append(fraction)
        raise ValueError("the bar is gone")

    result = wh.run_fulfillment(["1"], progress=progress)
    assert calls == [0.05]  # not called again after it failed
    assert result.summary["orders_processed"] == 1


def test_viewing_only_refuses_every_write_and_still_reads(location):
    writer = engine.open(location)
    build(writer, {"A": True}, [("A", "Available", 5)], [{"order_no": "1"}],
          [("1", 1, "A", 2)])
    writer.close()
    viewer = engine.open(location, read_only=True)
    assert viewer.read_only
    assert viewer.count_orders() == 1
    writes = [lambda: viewer.receive("A", 1), lambda: viewer.run_fulfillment(["1"]),
              lambda: viewer.adjust("A", 1), lambda: viewer.set_backorder(["A"], False),
              lambda: viewer.import_items(pd.DataFrame({"sku": ["B"], "backorder": [True]}))]
    for write in writes:
        with pytest.raises(engine.ReadOnlyError, match="viewing only"):
            write()
    assert viewer.order("1")["status"] == "On Order"


@pytest.mark.file_store
def test_an_unusable_file_says_what_is_wrong(tmp_path):
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"this is not a database" * 1000)
    with pytest.raises(engine.DatabaseUnavailableError, match="damaged") as caught:
        engine.open(str(damaged))
    assert caught.value.reason == "damaged"
    with pytest.raises(engine.DatabaseUnavailableError, match="no database"):
        engine.open(str(tmp_path / "missing.duckdb"), read_only=True)


@pytest.mark.file_store  # the PostgreSQL version is tests/test_postgres_store.py
def test_a_writer_outside_this_process_lock_is_caught_by_the_database(location):
    """Writers that do not share our lock (another connection now, another server on a
    shared store later) are refused by the database itself, and the engine's write is
    retried on the state they leave."""
    first, _ = _two_on_one_store(location)
    foreign = first.db._con.cursor()  # a connection of its own, outside the engine's lock
    foreign.execute("BEGIN TRANSACTION")
    foreign.execute("UPDATE write_token SET writes = writes + 1")
    foreign.execute("UPDATE order_lines SET allocated_qty = 10 WHERE order_no = '1'")
    foreign.execute("UPDATE orders SET status = 'Processed' WHERE order_no = '1'")
    foreign.execute("INSERT INTO sku_reserved VALUES ('A', 10)")  # as an engine write does
    started = threading.Event()
    outcome: list = []

    def engine_run() -> None:
        started.set()
        outcome.append(first.run_fulfillment(["2"], user="engine"))

    runner = threading.Thread(target=engine_run)
    runner.start()
    started.wait()
    runner.join(timeout=0.3)  # the engine is refused and waits to try again
    foreign.execute("COMMIT")
    runner.join()
    assert outcome and outcome[0].summary["units_allocated"] == 0  # it saw A taken
    stock = first.inventory().set_index(["sku", "status"])
    assert stock.loc[("A", "Available"), "reserved"] == 10
    assert first.order("2.001")["status"] == "Back Order"


def test_a_backorder_released_by_someone_else_says_who_and_when(location):
    first, second = _two_on_one_store(location)
    first.run_fulfillment(["1", "2"])
    first.adjust("A", 10)
    first.release_backorders(["2.001"], user="Dana")
    late = second.release_backorders(["2.001"], user="Lee")
    assert late.released == []
    reason = late.not_released["reason"].iloc[0]
    assert reason.startswith("Already released by Dana at ")
    assert "not Back Order" in reason


def test_releasable_now_is_fresh_after_a_write_by_another_warehouse(location):
    """It is worked out once per change and shared; any writer's change renews it."""
    first, second = _two_on_one_store(location)
    first.run_fulfillment(["1", "2"])
    assert first.releasable_now().empty
    assert first.count_orders(engine.OrderFilter(releasable_only=True)) == 0
    second.adjust("A", 10, reason="found")  # the other object frees stock
    shown = first.releasable_now()
    assert shown["order_no"].tolist() == ["2.001"]
    shown["order_no"] = "changed by a screen"  # a caller's copy never reaches the memo
    assert first.releasable_now()["order_no"].tolist() == ["2.001"]
    assert first.count_orders(engine.OrderFilter(releasable_only=True)) == 1
    second.release_backorders(["2.001"])
    assert first.releasable_now().empty
