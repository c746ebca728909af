"""What if in Chromium: on the demo, the analyst takes every On Order order, previews the
run (nothing is written), compares the two policies side by side, picks fair share (the
preview says it is out of date until previewed again), runs, and sees the run's results
allocated by fair share; the engine's runs() agrees, and the run did what the preview
said it would."""

from __future__ import annotations

import re

import pytest

import engine
from engine import OrderFilter

pytestmark = pytest.mark.browser

POLICY_GROUP = "Allocation policy"


@pytest.fixture(scope="module")
def expected(demo_db) -> dict:
    """What the engine says the demo's On Order orders would give, from the file the
    test's server started from (a copy of it), opened for viewing only."""
    wh = engine.open(str(demo_db), read_only=True)
    try:
        on_order = wh.order_nos(OrderFilter(statuses=["On Order"]))
        rank = wh.simulate_fulfillment(on_order).summary
        fair = wh.simulate_fulfillment(on_order, policy="fair_share").summary
        compared = wh.compare_policies(on_order, [
            {"policy": "rank", "backorder_grouping": "per_line"},
            {"policy": "fair_share", "backorder_grouping": "per_line"}])
        runs = len(wh.runs())
    finally:
        wh.close()
    return {"orders": len(on_order), "rank": rank, "fair": fair, "compared": compared,
            "runs": runs}


def test_preview_compare_then_run_fair_share(app, expected):
    n = expected["orders"]
    app.open("Fulfillment", title="Run Fulfillment")
    app.main.get_by_text("On Order orders matching a filter", exact=True).click()
    app.see(re.compile(rf"^{n:,} On Order orders in this group"))

    # Preview: what the run would do, by rank of service, and nothing written.
    app.button("Preview").click()
    box = app.main.locator(".st-key-fulfil_preview_box")
    app.see(box, text="Preview: what Run Fulfillment would do")
    rank = expected["rank"]
    app.see(box, text="Simulated at")
    app.see(box, text="Nothing was written")
    assert _metric(app, box, "Orders complete") == \
        f"{rank['orders_filled_complete']:,} of {n:,}"
    assert _metric(app, box, "Backorders to create") == f"{rank['backorders_created']:,}"
    assert _metric(app, box, "Units to short") == f"{rank['units_shorted']:,}"
    assert _metric(app, box, "Line fill rate") == \
        f"{rank['lines_filled'] / rank['lines_requested']:.1%}"
    app.grid("Alerts the run would raise").rows(  # the first alerts, read from the grid
        _shown_alert_count(app, box))
    app.snap("whatif_1_preview")

    # Compare: both policies (with the chosen grouping) side by side, with the chart.
    compare = app.main.locator(".st-key-fulfil_compare_box")
    assert app.text_of(app.main.locator(
        ".st-key-fulfil_compare_settings [aria-pressed='true']")) == [
        "Rank of service · one backorder per short line",
        "Fair share · one backorder per short line"]
    app.button("Compare", scope=compare).click()
    rows = app.grid("Settings compared side by side").rows(2)
    compared = expected["compared"]
    assert [r["Setting"] for r in rows] == [
        "Rank of service · one backorder per short line",
        "Fair share · one backorder per short line"]
    assert [r["Backorders created"] for r in rows] == \
        [f"{v:,}" for v in compared["backorders_created"]]
    assert [r["Orders complete"] for r in rows] == \
        [f"{c:,} of {n:,}" for c in compared["orders_complete"]]
    app.see(compare.locator("[data-testid='stPlotlyChart']"))
    app.snap("whatif_2_compare")

    # Pick fair share: the preview says it is out of date until previewed again.
    app.page.get_by_role("radiogroup", name=POLICY_GROUP).get_by_text(
        "Fair share", exact=True).click()
    app.see(re.compile(r"^The preview below is out of date: the policy changed\."))
    app.see(box, text="Preview (out of date)")
    app.button("Preview").click()
    app.see(box, text="Preview: what Run Fulfillment would do")
    fair = expected["fair"]
    assert _metric(app, box, "Backorders to create") == f"{fair['backorders_created']:,}"
    assert app.main.get_by_text(re.compile(r"^The preview below is out of date")).count() == 0
    app.snap("whatif_3_fair_share_preview")

    # Run: the chosen policy is applied, and the results say so.
    app.button("Run Fulfillment").click()
    app.see(re.compile(rf"^Run \d+ is done: it ran {n:,} orders\."))
    app.see(re.compile(rf"^{n:,} orders requested · one backorder per short line · "
                       r"allocated by Fair share$"))
    picked = app.value("combobox", "Run")
    assert re.match(r"^Run \d+ · .* · Fair share · analyst$", picked), picked
    assert box.count() == 0  # what was previewed has happened
    app.snap("whatif_4_run_fair_share")
    app.assert_no_exception()

    wh = app.server.open_db()
    try:
        runs = wh.runs()
        assert len(runs) == expected["runs"] + 1  # the previews and comparison wrote none
        latest = runs.iloc[0]
        assert latest["policy"] == "fair_share"
        assert int(latest["orders_requested"]) == n
        # The run did what its preview said it would.
        for measure in ("backorders_created", "units_shorted", "orders_filled_complete",
                        "units_allocated"):
            assert int(latest[measure]) == fair[measure], measure
    finally:
        wh.close()


def _metric(app, scope, label: str) -> str:
    metric = scope.locator("[data-testid='stMetric']").filter(
        has=app.page.get_by_text(label, exact=True))
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def _shown_alert_count(app, box) -> int:
    """The count the preview names above its alerts ('**12 alerts** the run would…')."""
    text = box.get_by_text(re.compile(r"alerts? the run would raise")).first.inner_text()
    return int(re.search(r"([\d,]+) alerts?", text).group(1).replace(",", ""))
