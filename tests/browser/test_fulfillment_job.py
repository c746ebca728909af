"""Run Fulfillment in Chromium: a large run survives the analyst leaving the screen and is
shown when they come back; while it goes, nobody can start a second one; after a run the
screen says what the Run button would do; results filter by severity and kind."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

import engine
from engine import OrderFilter

from .conftest import LARGE_RUN_ORDERS, App, copy_db

pytestmark = pytest.mark.browser

GROUP = re.compile(r"On Order orders? in this group")


def test_a_large_run_survives_leaving_the_screen(start_app, browser, large_db, tmp_path):
    """Start a run over 300,000 orders, leave for Orders at once, come back: the run is
    committed, and its results are open. Meanwhile another analyst sees it going and cannot
    start a second run."""
    # The engine runs 300,000 orders in seconds: the job waits before it starts, so it is
    # surely still going while the analyst leaves and another one looks.
    app = start_app(copy_db(large_db, tmp_path / "large.duckdb"),
                    env={"BACKORDER_JOB_DELAY": "10"})
    app.open("Fulfillment", title="Run Fulfillment")
    app.main.get_by_text("On Order orders matching a filter", exact=True).click()
    app.see(re.compile(rf"^{LARGE_RUN_ORDERS:,} On Order orders in this group"))
    started = time.perf_counter()
    app.button("Run Fulfillment").click()
    expect(app.main.locator(".st-key-job_progress")).to_contain_text(  # it has started
        f"Run Fulfillment on {LARGE_RUN_ORDERS:,} orders")
    app.nav("Orders", title="Orders")  # at once, while the run goes

    # Elsewhere, the sidebar says the run goes on (so it was going when we left).
    going = app.page.locator(".st-key-jobs_going")
    app.see(going, text=f"Run Fulfillment on {LARGE_RUN_ORDERS:,} orders is going")

    # Another analyst, in a session of their own, sees it and cannot start a second run.
    other = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:


        second = App(other.new_page(), app.server)
        second.open("Fulfillment", title="Run Fulfillment")
        second.see(second.main.locator(".st-key-job_progress"),
                   text=f"Run Fulfillment on {LARGE_RUN_ORDERS:,} orders")
        second.see(re.compile(r"is going \(started by analyst at .*\)\. Run Fulfillment is "
                              r"back when it ends\."))
        assert second.button("Run Fulfillment").is_disabled()
        second.snap("fulfillment_run_going_elsewhere")
    finally:
        other.close()

    # Back on Fulfillment: the run is there, committed and opened in the results.
    app.nav("Fulfillment", title="Run Fulfillment")


    done = app.main.get_by_text(
        re.compile(rf"Run \d+ is done: it ran {LARGE_RUN_ORDERS:,} orders\."))
    expect(done.first).to_be_visible(timeout=120_000)
    seconds = time.perf_counter() - started
    app.wait_idle()
    run_id = int(re.search(r"Run (\d+) is done", done.first.inner_text()).group(1))
    picked = app.page.get_by_role("combobox", name="Run", exact=True).input_value()
    assert picked.startswith(f"Run {run_id} ·"), picked
    app.see(re.compile(r"^0 On Order orders in this group"))
    assert app.button("Run Fulfillment").is_disabled()
    app.snap("fulfillment_large_run_done")
    app.assert_no_exception()
    print(f"large run of {LARGE_RUN_ORDERS:,} orders shown after {seconds:.1f} s")

    wh = app.server.open_db()
    try:
        assert wh.count_orders(OrderFilter(statuses=["On Order"])) == 0
        runs = wh.runs()
        assert int(runs["run_id"].iloc[0]) == run_id
        assert int(runs["orders_requested"].iloc[0]) == LARGE_RUN_ORDERS
    finally:
        wh.close()


def test_after_a_run_the_screen_says_what_run_would_do(app):
    """The group run is gone from the selection; the Run button would run nothing, and it
    says so, rather than running every On Order order on a second click."""
    app.open("Orders?status=On+Order", title="Orders")
    app.fill("Search", "140", scope=app.sidebar)
    app.see_exactly("1 matching orders · page 1 of 1")
    app.grid("Orders on this page").tick(1)
    app.see(re.compile(r"^1 selected: 140\b"))
    app.button("Run Fulfillment", key="orders_run").click()
    app.see(app.title, text="Run Fulfillment")
    app.see(re.compile(r"^1 On Order order in this group\. Run Fulfillment will allocate "
                       r"stock to the 1 selected On Order order: 140, with one backorder "
                       r"per short line\.$"))
    app.button("Run Fulfillment").click()
    app.see(re.compile(r"^Run \d+ is done: it ran 1 order\."))
    app.see(re.compile(r"^0 On Order orders in this group\. Run Fulfillment will allocate "
                       r"stock to nothing: no selected order is On Order"))
    assert app.button("Run Fulfillment").is_disabled()
    assert app.page.get_by_role("radiogroup", name="Orders to run").get_by_role(
        "radio", name="Selected orders").is_checked()
    app.snap("fulfillment_after_a_run")

    # A run over a filter names how many it will touch, and says when no filter is set.
    app.main.get_by_text("On Order orders matching a filter", exact=True).click()
    app.see(re.compile(r"no filter is set, with one backorder per short line\.$"))
    wh_count = _on_order_count(app)
    assert wh_count > 0
    app.see(re.compile(rf"^{wh_count:,} On Order orders in this group\. Run Fulfillment "
                       rf"will allocate stock to every On Order order \({wh_count:,}\): "
                       r"no filter is set"))
    app.fill("SKU", "tr-g")
    app.see(re.compile(r"On Order orders? matching a SKU starting tr-g"))
    app.assert_no_exception()


def _on_order_count(app) -> int:
    text = app.main.get_by_text(GROUP).first.inner_text()
    return int(text.split(" ")[0].replace(",", ""))


def test_results_filter_by_severity_and_kind(shared_app, demo_db):
    """The latest demo run's alerts narrowed to one kind, then to one severity: the counts
    are the engine's, and every row shown is of that kind, in words."""
    wh = engine.open(str(demo_db), read_only=True)
    try:
        run_id = int(wh.runs()["run_id"].iloc[0])
        counts = wh.alert_counts(run_id)
    finally:
        wh.close()
    total = int(counts["alerts"].sum())
    shorted = int(counts.loc[counts["kind"] == "shorted", "alerts"].sum())
    warnings = int(counts.loc[counts["severity"] == "warning", "alerts"].sum())
    app = shared_app
    app.open("Fulfillment", title="Run Fulfillment")
    app.see_exactly(f"Alerts ({total:,})")
    app.choose("Kind", f"Shorted ({shorted:,})")
    app.see_exactly(f"{shorted:,} of {total:,} alerts match")
    rows = app.grid("Alerts of the fulfillment run").rows(shorted)  # the visible ones
    assert rows and {r["Kind"] for r in rows} == {"Shorted"}
    app.choose("Kind", f"Ship complete not met ("
               f"{int(counts.loc[counts['kind'] == 'ship_complete_not_met', 'alerts'].sum())})")
    app.choose("Severity", f"Warning ({warnings:,})")
    both = int(counts.loc[(counts["severity"] == "warning")
                          & counts["kind"].isin(["shorted", "ship_complete_not_met"]),
                          "alerts"].sum())
    app.see_exactly(f"{both:,} of {total:,} alerts match")
    rows = app.grid("Alerts of the fulfillment run").rows(both)
    assert rows and {r["Kind"] for r in rows} <= {"Shorted", "Ship complete not met"}
    app.snap("fulfillment_results_filtered")
    app.assert_no_exception()
