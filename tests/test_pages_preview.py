"""What if on Run Fulfillment: Preview shows what the run would do and writes nothing,
Compare puts settings side by side, Run applies the chosen policy, a preview goes out of
date when the setting changes, and a desk that is viewing only may still preview."""

from __future__ import annotations

import threading

import pytest
from pages_helpers import FULFILLMENT, ORDERS, app, open_db

import engine
from engine import BackorderError, OrderFilter

pytest_plugins = ["pages_fixtures"]

SMALL_ORDERS = ["1", "2", "3"]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def state(wh) -> tuple:
    """What a preview must leave as it was: runs, audit rows, orders by status, stock."""
    return (len(wh.runs()), wh.count_audit(), wh.status_counts(),
            wh.inventory().to_json())


def preview(at):
    at.button(key="fulfil_preview").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def frame(at, name: str):
    """A table by what tells it apart: st.dataframe keys do not reach AppTest."""
    columns = {"preview alerts": "new_order_no", "compare": "setting",
               "run alerts": "new_order_link"}[name]
    found = [d.value for d in at.dataframe if columns in d.value.columns
             and (name != "preview alerts" or "new_order_link" not in d.value.columns)]
    assert found, f"no {name} table on screen"
    return found[0]


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def test_preview_shows_the_run_to_be_and_writes_nothing(small_db):
    wh = open_db(small_db)
    before = state(wh)
    at = preview(app(FULFILLMENT))
    assert "Preview: what Run Fulfillment would do" in subheaders(at)
    expected = wh.simulate_fulfillment(SMALL_ORDERS).summary
    shown = metrics(at)
    assert shown["Orders complete"] == f"{expected['orders_filled_complete']} of 3"
    assert shown["Backorders to create"] == str(expected["backorders_created"])
    assert shown["Units to short"] == str(expected["units_shorted"]) == "2"  # C: 3 wanted, 1
    rate = expected["lines_filled"] / expected["lines_requested"]
    assert shown["Line fill rate"] == f"{rate:.1%}"
    assert any("Nothing was written" in c.value for c in at.caption)
    alerts = frame(at, "preview alerts")
    assert len(alerts) == len(wh.simulate_fulfillment(SMALL_ORDERS).alerts) > 0
    assert state(wh) == before  # no run, no audit row, no order or stock changed
    assert wh.count_orders(OrderFilter(statuses=["On Order"])) == 3
    assert "No fulfillment run yet" in at.info[-1].value


def test_a_large_preview_names_the_first_alerts_and_the_whole(demo_db, monkeypatch):
    """Only the first alerts come back; the summary says what the rest hold."""
    monkeypatch.setattr("ui.preview.ALERT_LIMIT", 5)
    at = app(FULFILLMENT)
    at.radio(key="fulfil_source").set_value("On Order orders matching a filter").run()
    preview(at)
    assert len(frame(at, "preview alerts")) == 5
    first = [m.value for m in at.markdown if m.value.startswith("**The first 5 alerts**")]
    assert first and "In all it would back-order" in first[0]


def test_compare_shows_one_row_per_setting(small_db):
    at = app(FULFILLMENT)
    # By default: every policy, with the grouping chosen above.
    assert at.pills(key="fulfil_compare_settings").value == ["rank|per_line",
                                                                   "fair_share|per_line"]
    at.radio(key="fulfil_grouping").set_value("per_order").run()
    assert at.pills(key="fulfil_compare_settings").value == ["rank|per_order",
                                                                   "fair_share|per_order"]
    at.button(key="fulfil_compare_go").click().run()
    assert not at.exception and not at.error
    table = frame(at, "compare")
    assert table["setting"].tolist() == ["Rank of service · one backorder per order",
                                         "Fair share · one backorder per order"]
    wh = open_db(small_db)
    expected = wh.compare_policies(SMALL_ORDERS, [
        {"policy": "rank", "backorder_grouping": "per_order"},
        {"policy": "fair_share", "backorder_grouping": "per_order"}])
    assert table["backorders_created"].tolist() == expected["backorders_created"].tolist()
    assert (table["line_fill_rate"] / 100).tolist() == pytest.approx(
        expected["line_fill_rate"].tolist())
    assert len(at.get("plotly_chart")) == 1
    assert wh.runs().empty

    # The analyst's own picks stay theirs, whatever the grouping above.
    every = ["rank|per_line", "rank|per_order", "fair_share|per_line", "fair_share|per_order"]
    at.pills(key="fulfil_compare_settings").set_value(every).run()
    assert any("the settings to compare changed" in w.value for w in at.warning)
    at.radio(key="fulfil_grouping").set_value("per_line").run()
    assert at.pills(key="fulfil_compare_settings").value == every
    at.button(key="fulfil_compare_go").click().run()
    assert len(frame(at, "compare")) == 4
    assert not any("out of date" in w.value for w in at.warning)


def test_run_applies_the_chosen_policy(small_db):
    at = app(FULFILLMENT)
    at.radio(key="fulfil_policy").set_value("fair_share").run()
    preview(at)
    assert metrics(at)["Backorders to create"] == str(open_db(small_db).simulate_fulfillment(
        SMALL_ORDERS, policy="fair_share").summary["backorders_created"])
    at.button(key="fulfil_run").click().run()
    assert not at.exception and not at.error
    runs = open_db(small_db).runs()
    assert runs["policy"].tolist() == ["fair_share"]
    assert any("allocated by Fair share" in c.value for c in at.caption)
    picker = at.selectbox(key="fulfil_run_pick")
    assert picker.value == int(runs["run_id"].iloc[0])
    assert " · Fair share · " in picker.format_func(picker.value)
    # What was previewed has happened: the preview is gone, not left to mislead.
    assert "Preview: what Run Fulfillment would do" not in subheaders(at)
    assert len(frame(at, "run alerts"))


def test_the_preview_goes_out_of_date_when_the_setting_changes(small_db):
    at = preview(app(FULFILLMENT))
    assert not at.warning
    at.radio(key="fulfil_policy").set_value("fair_share").run()
    assert "Preview (out of date)" in subheaders(at)
    assert "the policy changed" in at.warning[0].value
    at.radio(key="fulfil_policy").set_value("rank").run()  # as previewed again
    assert not at.warning and "Preview (out of date)" not in subheaders(at)
    at.radio(key="fulfil_grouping").set_value("per_order").run()
    assert "the backorder grouping changed" in at.warning[0].value
    at.radio(key="fulfil_grouping").set_value("per_line").run()
    at.multiselect(key="fulfil_f_priority").set_value([1]).run()
    assert "the orders changed" in at.warning[0].value
    preview(at)  # previewed afresh: current again, of the one order
    assert not at.warning
    assert metrics(at)["Orders complete"].endswith("of 1")

    # A run made elsewhere moves stock: the preview says so.
    open_db(small_db).run_fulfillment(["3"], user="someone else")
    from ui import data
    data.runs.clear()
    at.run()
    assert "the warehouse changed since" in at.warning[0].value
    preview(at)
    assert not at.warning
    # So does any other write: a receipt elsewhere, with no cache to clear.
    elsewhere = open_db(small_db)
    elsewhere.adjust(elsewhere.skus()[0], 1, user="someone else")
    at.run()
    assert "the warehouse changed since" in at.warning[0].value


def test_viewing_only_may_preview_and_compare_but_not_run(small_db, monkeypatch):
    monkeypatch.setenv("BACKORDER_READ_ONLY", "1")
    at = app(FULFILLMENT)
    assert at.button(key="fulfil_run").disabled
    assert not at.button(key="fulfil_preview").disabled
    preview(at)
    assert "Preview: what Run Fulfillment would do" in subheaders(at)
    at.button(key="fulfil_compare_go").click().run()
    assert not at.exception and not at.error
    assert len(frame(at, "compare")) == 2
    assert at.button(key="fulfil_run").disabled


def test_a_preview_goes_on_while_the_analyst_is_elsewhere(small_db, monkeypatch):
    """A long preview shows its progress; leaving the screen does not lose it, and it is
    shown on coming back."""
    gate = threading.Event()
    real = engine.Warehouse.simulate_fulfillment

    def slow(self, *args, **kwargs):
        kwargs["progress"](0.5, "Allocating Available stock")
        assert gate.wait(30)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine.Warehouse, "simulate_fulfillment", slow)
    at = app(FULFILLMENT)
    at.button(key="fulfil_preview").click().run()
    try:
        panel = at.get_by_key("preview_progress")
        assert "Preview of 3 orders" in panel.get("progress")[0].proto.text
        assert at.button(key="fulfil_preview").disabled  # no second one meanwhile
        at.switch_page(ORDERS).run()
        assert not at.exception
    finally:
        gate.set()
    from ui import jobs
    from ui.preview import PREVIEW_JOB
    [job] = [j for j in jobs.board()._jobs.values() if j.kind == PREVIEW_JOB]
    assert job.wait(10)
    at.switch_page(FULFILLMENT).run()
    assert "Preview: what Run Fulfillment would do" in subheaders(at)
    assert metrics(at)["Orders complete"].endswith("of 3")
    assert open_db(small_db).runs().empty


def test_a_failed_preview_says_why_without_a_traceback(small_db, monkeypatch):
    def broken(self, *args, **kwargs):
        raise BackorderError("The orders could not be read: try again")

    monkeypatch.setattr(engine.Warehouse, "simulate_fulfillment", broken)
    at = app(FULFILLMENT)
    at.button(key="fulfil_preview").click().run()
    assert not at.exception
    assert "could not be read" in at.error[0].value
    assert "Preview: what Run Fulfillment would do" not in subheaders(at)


@pytest.mark.parametrize("policy", ["rank", "fair_share"])
def test_the_policy_says_what_it_does(small_db, policy):
    at = app(FULFILLMENT)
    at.radio(key="fulfil_policy").set_value(policy).run()
    assert engine.POLICIES[policy].description in [c.value for c in at.caption]
    assert "Fair share" in at.radio(key="fulfil_policy").help
