"""What if (DESIGN.md section 7): a simulation plans a run exactly as the run would, and
writes nothing; compare_policies puts simulations side by side."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
import stores
from conftest import build

import engine
from engine.schema import TABLES_SQL

SETTINGS = [{"policy": p, "backorder_grouping": g}
            for p in ("rank", "fair_share") for g in ("per_line", "per_order")]


# -- the demo warehouse, built once and copied per test -------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> str:
    path = stores.new_location(tmp_path_factory.mktemp("demo"), "demo.duckdb")
    wh = engine.open(path)
    wh.load_demo()
    wh.close()  # checkpointed: the file alone holds it
    return path


@pytest.fixture
def demo_path(demo_file, tmp_path) -> str:
    return stores.copy_location(demo_file, tmp_path)


@pytest.fixture
def demo(demo_path):
    wh = engine.open(demo_path)
    yield wh
    wh.close()


def on_order(wh: engine.Warehouse) -> list[str]:
    found = wh.order_nos(engine.OrderFilter(statuses=["On Order"]))
    assert len(found) > 50  # the demo leaves today's orders waiting for a run
    return found


def checksum(wh: engine.Warehouse) -> dict[str, tuple]:
    """Every base table's row count and a hash of all its rows in order (the id counters
    among them): any write anywhere changes it."""
    with wh.db.read() as cur:
        tables = [r[0] for r in cur.execute(
            f"SELECT * FROM ({TABLES_SQL}) ORDER BY 1").fetchall()]
        out = {t: tuple(cur.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::VARCHAR, chr(10) "
            f"ORDER BY t::VARCHAR), '')) FROM {t} t").fetchall()[0]) for t in tables}
    assert {"orders", "order_lines", "inventory_ledger", "audit_entries", "runs",
            "sku_reserved", "write_token", "id_counters"} <= set(out)
    return out


def next_run_id(wh: engine.Warehouse) -> int:
    return int(wh.runs()["run_id"].max()) + 1


# -- writes nothing -------------------------------------------------------------------------
def test_simulating_and_comparing_write_nothing_and_take_no_id(demo):
    orders = on_order(demo)
    before, audit_rows, expected_run_id = checksum(demo), demo.count_audit(), next_run_id(demo)
    for setting in SETTINGS:
        result = demo.simulate_fulfillment(orders, user="ana", **setting)
        assert result.run_id is None
        assert result.summary["units_allocated"] > 0  # it did plan something
    demo.compare_policies(orders, SETTINGS)
    assert checksum(demo) == before
    assert demo.count_audit() == audit_rows
    # No id was taken: a real run still gets the next one.
    assert demo.run_fulfillment(orders, user="ana").run_id == expected_run_id
    assert checksum(demo) != before  # the checksum does see a write


def test_a_warehouse_opened_for_viewing_only_can_simulate(demo_path):
    writer = engine.open(demo_path)
    orders = on_order(writer)
    expected = writer.simulate_fulfillment(orders, policy="fair_share").summary
    compared = writer.compare_policies(orders, SETTINGS)
    writer.close()
    viewer = engine.open(demo_path, read_only=True)
    try:
        assert viewer.read_only
        before = checksum(viewer)
        got = viewer.simulate_fulfillment(orders, policy="fair_share")
        assert {k: v for k, v in got.summary.items() if k != "at"} == {
            k: v for k, v in expected.items() if k != "at"}
        assert not got.alerts.empty
        pd.testing.assert_frame_equal(viewer.compare_policies(orders, SETTINGS), compared)
        assert checksum(viewer) == before
        with pytest.raises(engine.ReadOnlyError):
            viewer.run_fulfillment(orders)
    finally:
        viewer.close()


def test_a_simulation_holds_no_write_lock_and_keeps_one_snapshot(demo):
    orders = on_order(demo)
    first = demo.simulate_fulfillment(orders)
    before = first.summary
    sku = str(first.alerts.loc[first.alerts["kind"] == "backordered", "sku"].iloc[0])
    paused, resume = threading.Event(), threading.Event()
    outcome: dict = {}

    def slow(fraction: float, message: str) -> None:
        if message.startswith("Allocating"):  # inside the simulation's read transaction
            paused.set()
            outcome["resumed_in_time"] = resume.wait(timeout=30)

    def simulate() -> None:
        outcome["result"] = demo.simulate_fulfillment(orders, progress=slow)

    thread = threading.Thread(target=simulate)
    thread.start()
    try:
        assert paused.wait(timeout=30)
        demo.adjust(sku, 1000, reason="found", user="ana")  # returns while it is paused
        assert thread.is_alive() and not resume.is_set()
    finally:
        resume.set()
        thread.join(timeout=60)
    assert outcome["resumed_in_time"]
    during = outcome["result"].summary
    # The simulation saw the warehouse as it was when it began, throughout.
    assert {k: v for k, v in during.items() if k != "at"} == {
        k: v for k, v in before.items() if k != "at"}
    after = demo.simulate_fulfillment(orders).summary
    assert after["units_allocated"] > before["units_allocated"]  # the adjustment counts now


# -- simulate, then run: the same result ----------------------------------------------------
def _comparable_alerts(alerts: pd.DataFrame) -> list[dict]:
    frame = alerts.drop(columns=["run_id"]).astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s['policy']}-"
                         f"{s['backorder_grouping']}")
def test_simulate_then_run_give_the_same_summary_and_alerts(demo, setting):
    orders = on_order(demo)
    simulated = demo.simulate_fulfillment(orders, user="ana", **setting)
    ran = demo.run_fulfillment(orders, user="ana", **setting)
    skip = {"run_id", "at", "user"}
    assert set(simulated.summary) == set(ran.summary)
    assert {k: simulated.summary[k] for k in simulated.summary if k not in skip} == {
        k: ran.summary[k] for k in ran.summary if k not in skip}
    assert simulated.summary["policy"] == setting["policy"]
    assert simulated.summary["backorders_created"] > 0
    assert list(simulated.alerts.columns) == list(ran.alerts.columns)
    assert _comparable_alerts(simulated.alerts) == _comparable_alerts(ran.alerts)
    assert set(simulated.alerts["kind"]) >= {"backordered", "ship_complete_not_met"}


def test_alert_limit_keeps_the_first_alerts_in_the_runs_order(demo):
    orders = on_order(demo)
    every = demo.simulate_fulfillment(orders).alerts
    first = demo.simulate_fulfillment(orders, alert_limit=7).alerts
    assert len(every) > 7
    assert _comparable_alerts(first) == _comparable_alerts(every.head(7))


# -- compare_policies -----------------------------------------------------------------------
def test_compare_policies_rows_match_separate_simulations(demo):
    orders = on_order(demo)
    compared = demo.compare_policies(orders, SETTINGS)
    assert compared[["policy", "backorder_grouping"]].to_dict("records") == SETTINGS
    for row, setting in zip(compared.to_dict("records"), SETTINGS, strict=True):
        s = demo.simulate_fulfillment(orders, **setting).summary
        assert row["line_fill_rate"] == pytest.approx(s["lines_filled"] / s["lines_requested"])
        assert row["unit_fill_rate"] == pytest.approx(s["units_allocated"] / s["units_requested"])
        assert (row["orders_requested"], row["orders_complete"], row["backorders_created"],
                row["units_allocated"], row["units_backordered"], row["units_shorted"]) == (
            s["orders_requested"], s["orders_filled_complete"], s["backorders_created"],
            s["units_allocated"], s["units_backordered"], s["units_shorted"])
    # The settings really differ: per order makes fewer backorders than per line.
    by = compared.set_index(["policy", "backorder_grouping"])["backorders_created"]
    assert by[("rank", "per_order")] < by[("rank", "per_line")]


def _small(wh) -> list[str]:
    """Four customers. A (5 free) is wanted 6 by Acme and 4 by Bolt; B (1 free, never
    back-ordered) 2 by Core and 1 by Dyna; C and E have none free; D covers Acme's order 5.
    Prices differ per SKU so the value back-ordered is a sum of qty x price."""
    wh.import_items(pd.DataFrame({
        "sku": ["A", "B", "C", "D", "E"], "backorder": [True, False, True, True, True],
        "unit_price": [2.5, 100.0, 7.0, 3.0, 1.0]}))
    wh.import_inventory(pd.DataFrame(
        [("A", "Available", 5), ("B", "Available", 1), ("C", "Frozen", 4),
         ("D", "Available", 10)], columns=["sku", "status", "qty"]))
    orders = pd.DataFrame([
        {"order_no": "1", "priority": 1, "customer": "Acme"},
        {"order_no": "2", "priority": 2, "customer": "Bolt"},
        {"order_no": "3", "priority": 3, "customer": "Core"},
        {"order_no": "4", "priority": 4, "customer": "Dyna"},
        {"order_no": "5", "priority": 5, "customer": "Acme"}]).assign(
            order_date="2026-11-01", status="On Order", ship_complete=False)
    lines = pd.DataFrame(
        [("1", 1, "A", 6), ("2", 1, "A", 4), ("3", 1, "B", 2), ("3", 2, "C", 3),
         ("3", 3, "E", 1), ("4", 1, "B", 1), ("5", 1, "D", 2)],
        columns=["order_no", "line_no", "sku", "ordered_qty"])
    wh.import_orders(orders, lines)
    return orders["order_no"].tolist()


def test_the_comparison_measures_on_a_hand_built_case(wh):
    orders = _small(wh)
    compared = wh.compare_policies(orders, SETTINGS).set_index(
        ["policy", "backorder_grouping"])
    # rank: Acme 5 of A + 2 of D, Bolt 0, Core 1 of B, Dyna 0. fair share: A split 3 / 2,
    # B's one unit to Core (remainder 2/3 beats 1/3): only Dyna gets nothing.
    # Back-ordered either way: 5 of A (2.50), 3 of C (7.00), 1 of E (1.00) = 34.50;
    # shorted: 2 of B. Lines filled: only 5/1. Orders complete: only 5.
    for (policy, grouping), row in compared.iterrows():
        assert row["line_fill_rate"] == pytest.approx(1 / 7)
        assert row["unit_fill_rate"] == pytest.approx(8 / 19)
        assert (row["orders_requested"], row["orders_complete"]) == (5, 1)
        assert (row["units_allocated"], row["units_backordered"], row["units_shorted"]) == (
            8, 9, 2)
        assert row["value_backordered"] == pytest.approx(34.5)
        assert row["customers"] == 4
        assert row["customers_served_at_zero"] == (2 if policy == "rank" else 1)
        # per line: 1.001, 2.001, 3.001 (C), 3.002 (E); per order: 1.001, 2.001, 3.001.
        assert row["backorders_created"] == (4 if grouping == "per_line" else 3)
    # Nothing was run: every order still waits.
    assert set(wh.orders()["status"]) == {"On Order"}


def test_value_backordered_weighs_each_sku_by_its_price(wh):
    orders = _small(wh)
    wh.adjust("C", 3, reason="found")  # C is covered now: only A and E stay back-ordered
    row = wh.compare_policies(orders, [{"policy": "rank"}]).iloc[0]
    assert row["value_backordered"] == pytest.approx(5 * 2.5 + 1 * 1.0)
    assert row["units_backordered"] == 6


def test_customers_are_counted_once_and_an_order_without_a_customer_stands_alone(wh):
    build(wh, {"A": True}, [("A", "Available", 2)], [
        {"order_no": "1", "priority": 1, "customer": "Acme"},
        {"order_no": "2", "priority": 2, "customer": "Acme"},
        {"order_no": "3", "priority": 3, "customer": None},
        {"order_no": "4", "priority": 4, "customer": None}],
        [("1", 1, "A", 2), ("2", 1, "A", 2), ("3", 1, "A", 2), ("4", 1, "A", 2)])
    rank = wh.compare_policies(["1", "2", "3", "4"], [{"policy": "rank"}]).iloc[0]
    # Acme (orders 1 and 2) got 2; orders 3 and 4 have no customer: each counts alone.
    assert (rank["customers"], rank["customers_served_at_zero"]) == (3, 2)


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda wh: wh.simulate_fulfillment(["1"], policy="fastest"),
    lambda wh: wh.simulate_fulfillment(["1"], policy=None),
    lambda wh: wh.simulate_fulfillment(["1"], backorder_grouping="per_sku"),
    lambda wh: wh.simulate_fulfillment([]),
    lambda wh: wh.simulate_fulfillment(""),
    lambda wh: wh.simulate_fulfillment(["", ""]),
    lambda wh: wh.compare_policies(["1"], []),
    lambda wh: wh.compare_policies(["1"], "rank"),
    lambda wh: wh.compare_policies(["1"], {"policy": "rank"}),
    lambda wh: wh.compare_policies(["1"], ["rank"]),
    lambda wh: wh.compare_policies(["1"], [{"policy": "fastest"}]),
    lambda wh: wh.compare_policies(["1"], [{"policy": "rank"}, {"backorder_grouping": "x"}]),
    lambda wh: wh.compare_policies(["1"], [{"policy": "rank", "speed": "max"}]),
    lambda wh: wh.compare_policies([], [{"policy": "rank"}]),
    lambda wh: wh.run_fulfillment(["1"], policy="fastest"),
], ids=["unknown policy", "policy None", "bad grouping", "no orders", "empty string",
        "blank numbers", "no settings", "settings a string", "settings a dict",
        "a setting not a dict", "unknown policy in settings", "bad grouping in settings",
        "unknown key in settings", "compare no orders", "run unknown policy"])
def test_bad_input_is_refused_and_nothing_is_written(wh, call):
    build(wh, {"A": True}, [("A", "Available", 1)], [{"order_no": "1"}], [("1", 1, "A", 2)])
    before = checksum(wh)
    with pytest.raises(engine.ValidationError):
        call(wh)
    assert checksum(wh) == before
    assert wh.order("1")["status"] == "On Order"


def test_the_policies_are_named_and_rank_is_the_default():
    assert set(engine.POLICIES) == {"rank", "fair_share"}
    assert engine.DEFAULT_POLICY == "rank"
