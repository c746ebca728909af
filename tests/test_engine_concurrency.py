"""Sessions share one Warehouse: concurrent releases and runs act on an order once."""

from __future__ import annotations

import threading

from conftest import build, free


def _in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - any escape is the failure we test for
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_concurrent_releases_of_the_same_backorders_release_each_once(wh):
    build(wh, {"A": True}, [], [{"order_no": str(n), "priority": 1 + n % 3} for n in range(1, 9)],
          [(str(n), 1, "A", 2) for n in range(1, 9)])
    wh.run_fulfillment([str(n) for n in range(1, 9)])
    wh.adjust("A", 10)  # room for five of the eight backorders
    backorders = [f"{n}.001" for n in range(1, 9)]

    results = _in_threads(6, lambda i: wh.release_backorders(backorders, user=f"analyst{i}"))

    released = [n for r in results for n in r.released]
    assert len(released) == len(set(released)) == 5
    for result in results:
        reasons = set(result.not_released["reason"])
        assert all(("needs" in r) or ("not Back Order" in r) for r in reasons)
    assert free(wh, "A") == 0
    audit = wh.audit_log()
    assert (audit["action"] == "released").sum() == 5


def test_concurrent_runs_over_the_same_orders_fulfill_each_once(wh):
    build(wh, {"A": True}, [("A", "Available", 3)],
          [{"order_no": str(n)} for n in range(1, 5)], [(str(n), 1, "A", 2) for n in range(1, 5)])
    orders = [str(n) for n in range(1, 5)]

    results = _in_threads(4, lambda i: wh.run_fulfillment(orders, user=f"analyst{i}"))

    fulfilled = wh.audit_log()
    assert (fulfilled["action"] == "fulfilled").sum() == 4
    assert wh.items().set_index("sku").loc["A", "reserved"] == 3
    later = [r for r in results if set(r.alerts["kind"]) == {"not_on_order"}]
    assert len(later) == 3  # the other callers see the orders already processed
    assert wh.count_orders() == 4 + 3  # backorders 2.001, 3.001 and 4.001


def test_reads_run_while_a_write_is_in_progress(wh):
    build(wh, {"A": True}, [("A", "Available", 100)],
          [{"order_no": str(n)} for n in range(1, 200)],
          [(str(n), 1, "A", 1) for n in range(1, 200)])

    def work(i: int):
        if i == 0:
            return wh.run_fulfillment([str(n) for n in range(1, 200)])
        return [wh.count_orders() for _ in range(20)]

    results = _in_threads(3, work)
    assert all(count >= 199 for counts in results[1:] for count in counts)
