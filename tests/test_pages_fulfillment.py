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

    def spy(self, order_nos, user=None, backorder_grouping="per_line", progress=None):
        def report(fraction: float, message: str) -> None:
            reported.append((fraction, message))
            progress(fraction, message)
        return real_run(self, order_nos, user, backorder_grouping, report)

    monkeypatch.setattr(engine.Warehouse, "run_fulfillment", spy)
    at = app(FULFILLMENT)
    assert at.radio(key="fulfil_source").value == "On Order orders matching a filter"
    assert "**3** On Order orders" in at.markdown[0].value
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
    assert at.text_input(key="orders_detail_no").value == "2.001"


def test_empty_database(empty_db):
    at = app(FULFILLMENT)
    assert "warehouse is empty" in at.info[0].value


def _click_during_the_run() -> None:
    """The Run button's work, with a click landing at the first progress report: the
    progress callback raises Streamlit's own rerun request, as a click does."""
    import streamlit as st

    from engine import OrderFilter
    from ui import data, fulfil
    from ui.state import db_path

    path = db_path()
    st.write(f"runs {len(data.runs(path))}")  # cached before the run
    if not st.session_state.get("clicked"):
        st.session_state["clicked"] = True
        fulfil.run(data.order_nos(path, OrderFilter(statuses=["On Order"])), "per_line",
                   lambda fraction, message: st.rerun())
        st.write("the click did not interrupt the run")
    st.write(f"shown {fulfil.shown_run()}")


def test_a_click_during_the_run_keeps_it_and_refreshes_the_screens(small_db):
    """The engine commits the run and then re-raises the rerun; the screens must show it."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_click_during_the_run, default_timeout=30).run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    run_id = int(open_db(small_db).runs()["run_id"].iloc[0])
    assert "the click did not interrupt the run" not in texts
    assert texts == ["runs 1", f"shown {run_id}"]
    assert open_db(small_db).count_orders(OrderFilter(statuses=["On Order"])) == 0
