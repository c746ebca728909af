"""Run Fulfillment and Fulfillment Results: run on a filter with progress, open runs again."""

from __future__ import annotations

from pages_helpers import FULFILLMENT, ORDERS, app, follow, open_db

import engine
from engine import OrderFilter

pytest_plugins = ["pages_fixtures"]


def test_results_of_the_latest_demo_run(demo_db):
    at = app(FULFILLMENT)
    wh = open_db(demo_db)
    runs = wh.runs()
    latest = int(runs["run_id"].iloc[0])
    assert at.selectbox(key="fulfil_run_pick").value == latest
    summary = {m.label: m.value for m in at.metric}
    assert summary["Orders processed"] == f"{runs['orders_processed'].iloc[0]:,}"
    assert summary["Backorders created"] == f"{runs['backorders_created'].iloc[0]:,}"
    alerts = at.dataframe[0].value
    assert len(alerts) == len(wh.alerts(latest))
    backordered = alerts[alerts["kind"] == "backordered"]
    assert all(link.startswith("Orders?order=") for link in backordered["new_order_link"])


def test_an_earlier_run_opens_again(demo_db):
    at = app(FULFILLMENT)
    first = int(open_db(demo_db).runs()["run_id"].iloc[-1])
    at.selectbox(key="fulfil_run_pick").select(first).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == len(open_db(demo_db).alerts(first))


def test_run_on_a_filter_with_per_order_grouping(small_db, monkeypatch):
    reported: list[tuple[float, str]] = []
    real_run = engine.Warehouse.run_fulfillment

    def spy(self, order_nos, user=None, backorder_grouping="per_line", progress=None,
            policy="rank"):
        def report(fraction: float, message: str) -> None:
            reported.append((fraction, message))
            progress(fraction, message)
        return real_run(self, order_nos, user, backorder_grouping, report, policy=policy)

    monkeypatch.setattr(engine.Warehouse, "run_fulfillment", spy)
    at = app(FULFILLMENT)
    assert at.radio(key="fulfil_source").value == "On Order orders matching a filter"
    assert at.markdown[0].value.startswith("**3 On Order orders** in this group")
    assert "**every** On Order order (3)" in at.markdown[0].value
    at.radio(key="fulfil_grouping").set_value("per_order").run()
    at.button(key="fulfil_run").click().run()
    assert not at.exception and not at.error
    wh = open_db(small_db)
    runs = wh.runs()
    assert runs["backorder_grouping"].tolist() == ["per_order"]
    assert reported and reported[-1][0] == 1.0  # the progress bar was fed
    assert at.selectbox(key="fulfil_run_pick").value == int(runs["run_id"].iloc[0])
    assert wh.count_orders(OrderFilter(statuses=["On Order"])) == 0
    assert {"2.001", "3.001"} <= set(at.dataframe[0].value["new_order_no"].dropna())


def test_open_a_new_backorder_from_the_alerts(small_db):
    open_db(small_db).run_fulfillment(["1", "2", "3"])
    at = app(FULFILLMENT)
    at.selectbox(key="fulfil_open_no").select("2.001")
    at.button(key="fulfil_open").click().run()
    follow(at, ORDERS)
    from ui.orders import OPEN_KEY

    assert at.session_state[OPEN_KEY] == "2.001"  # its record is open


def test_empty_database(empty_db):
    at = app(FULFILLMENT)
    assert "warehouse is empty" in at.info[0].value


def test_a_run_is_a_job_that_a_second_click_cannot_double(small_db):
    """The run goes on in a job; while one is going, the Run button is off and says why,
    and the board refuses a second run of the same kind outright."""
    import threading

    import pytest

    from ui import jobs

    gate = threading.Event()
    at = app(FULFILLMENT)
    board = jobs.board()
    board.start("fulfillment", "Run Fulfillment on 3 orders", "someone",
                lambda progress: gate.wait(30), exclusive=True)
    try:
        at.run()
        assert at.button(key="fulfil_run").disabled
        assert "Run Fulfillment on 3 orders is going" in at.warning[0].value
        with pytest.raises(jobs.JobBusyError):
            board.start("fulfillment", "again", "me", lambda progress: None, exclusive=True)
    finally:
        gate.set()
    [job] = [j for j in board._jobs.values() if j.user == "someone"]
    assert job.wait(10)
    at.run()
    assert not at.button(key="fulfil_run").disabled
