"""The seed's story end to end in Chromium: order 140 goes short on TR-GR, the analyst frees
the Frozen stock and releases backorder 140.001 by hand (DESIGN.md section 1)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


ORDERS_GRID = "Orders on this page"


def test_run_free_frozen_stock_and_release_the_seed_backorder(app):
    """The workflow the dashboard exists for, clicked through as an analyst would."""
    # Orders: narrow to order 140, tick it, and run fulfillment on it.
    app.open("Orders", title="Orders")
    app.choose("Status", "On Order", scope=app.sidebar)
    app.see(re.compile(r"^[\d,]+ matching orders"))
    app.fill("Search", "140", scope=app.sidebar)
    app.see_exactly("1 matching orders · page 1 of 1")
    grid = app.grid(ORDERS_GRID)
    assert [row["Order"] for row in grid.rows(1)] == ["140"]
    grid.tick(1)
    app.see(re.compile(r"^1 selected: 140\b"))
    app.snap("workflow_1_orders_ticked")
    app.button("Run Fulfillment").click()
    app.see(app.title, text="Run Fulfillment")
    app.see(re.compile(r"^1 On Order order in this group\. Run Fulfillment will allocate "
                       r"stock to the 1 selected On Order order: 140,"))
    app.button("Run Fulfillment").click()

    # Fulfillment Results: one alert, 3 TR-GR back-ordered onto 140.001.
    app.see_exactly("Alerts (1)")
    [alert] = app.grid("Alerts of the fulfillment run").rows(1)
    assert (alert["Order"], alert["SKU"], alert["Back-ordered / shorted qty"]) == \
        ("140", "TR-GR", "3")
    assert alert["Kind"] == "Backordered"
    assert "140.001" in alert["New order"]
    app.snap("workflow_2_fulfillment_results")

    # Inventory: the cycle count ends, 3 TR-GR go from Frozen to Available.
    app.nav("Inventory", title="Inventory")
    app.page.get_by_role("tab", name="Change status").click()
    app.choose("SKU", "TR-GR")
    app.page.get_by_role("spinbutton", name="Quantity", exact=True).fill("3")
    app.choose("From", "Frozen")
    app.choose("To", "Available")
    app.button("Change status").click()
    app.see_exactly("Backorders releasable now")
    app.snap("workflow_3_inventory_status_changed")

    # Orders: 140.001 is releasable now (nothing released it); tick it and release it.
    app.nav("Orders", title="Orders")
    assert app.tags("orders_f_status") == ["On Order"]  # the view was kept: widen it
    app.sidebar.get_by_role("button", name="Remove On Order").click()
    app.see(re.compile(r"^[\d,]+ matching orders"))
    app.sidebar.get_by_text("Releasable now", exact=True).click()
    app.fill("Search", "140", scope=app.sidebar)
    app.see_exactly("1 matching orders · page 1 of 1")
    grid = app.grid(ORDERS_GRID)
    row = grid.wait_for_row(Order="140.001")
    assert (row["Order"], row["Status"]) == ("140.001", "Back Order")
    grid.tick(1)
    app.see(re.compile(r"^1 selected: 140\.001\b"))
    app.button("Release Back Order", key="orders_release").click()

    # Release: Review shows the green mark, Submit releases it, OK goes back to Orders.
    app.see(app.title, text="Release Back Order")
    app.button("Review").click()
    app.see(app.button("Submit"))
    review = app.grid("Release outcome per order").wait_for_row(Order="140.001")
    assert (review["Order"], review["Outcome"]) == ("140.001", "Can release")
    assert "TR-GR" in review["Reason"]
    app.see(app.page.get_by_role("button", name="Can release (1)"))
    app.snap("workflow_4_release_review")
    app.button("Submit").click()
    app.see("Released 1 backorder: 140.001")
    app.snap("workflow_5_release_confirmation")
    app.button("OK").click()

    app.see(app.title, text="Orders")
    app.see_exactly("0 matching orders · page 1 of 1")  # the view as left: releasable now
    app.sidebar.get_by_text("Releasable now", exact=True).click()
    app.see_exactly("2 matching orders · page 1 of 1")  # the search "140" was kept too
    rows = {row["Order"]: row for row in app.grid(ORDERS_GRID).rows(2)}
    assert rows["140.001"]["Status"] == "On Order"
    assert rows["140.001"]["Ship code"] == "Ready to ship"
    assert rows["140"]["Status"] == "Processed"
    app.snap("workflow_6_orders_after_release")
    app.assert_no_exception()


def test_results_name_the_run_just_made(app):
    """After Run Fulfillment, the Run picker must name the run whose numbers it shows."""
    app.open("Fulfillment", title="Run Fulfillment")
    app.main.get_by_text("On Order orders matching a filter", exact=True).click()
    app.fill("SKU", "TR-GR")
    app.see(re.compile(r"^1 On Order order in this group"))
    app.button("Run Fulfillment").click()
    app.see_exactly("Alerts (1)")
    picked = app.page.get_by_role("combobox", name="Run", exact=True).input_value()
    assert picked.endswith("· analyst"), f"the Run picker shows {picked!r}"
