"""Release Back Order in Chromium: a review that mixes an order that fits with one that does
not, and the route from an order's detail. The first is checked in the database too, since
a wizard can show "released" while the write went nowhere."""

from __future__ import annotations

import re

import pytest

from engine import OrderFilter

pytestmark = pytest.mark.browser

ORDERS_GRID = "Orders on this page"
REVIEW_GRID = "Release outcome per order"


def tick_order(app, order_no: str) -> None:
    """Search the Orders grid for one order and tick it; earlier ticks stay selected."""
    app.fill("Search", order_no, scope=app.sidebar)
    grid = app.grid(ORDERS_GRID)
    grid.wait_for_row(Order=order_no)
    app.see_exactly("1 matching orders · page 1 of 1")
    grid.tick(1)


def order_status(app, order_no: str) -> dict[str, str]:
    """An order's row in the Orders grid, found by searching for it."""
    app.fill("Search", order_no, scope=app.sidebar)
    return app.grid(ORDERS_GRID).wait_for_row(Order=order_no)


def test_mixed_review_releases_only_the_order_that_fits(app, demo_facts):
    """One backorder with free stock and one without: Review says so per order, and Submit
    releases the green one only."""
    fits, short = demo_facts.releasable[0], demo_facts.blocked

    app.open("Orders", title="Orders")
    tick_order(app, fits)
    app.see(re.compile(r"^1 selected: "))
    tick_order(app, short)
    app.see(re.compile(r"^2 selected: "))
    app.button("Release Back Order", key="orders_release").click()

    app.see(app.title, text="Release Back Order")
    app.button("Review").click()
    for pill in ("Can release (1)", "Not now (1)", "Cannot release (0)"):
        app.see(app.page.get_by_role("button", name=pill))
    review = {row["Order"]: row for row in app.grid(REVIEW_GRID).rows(2)}
    assert review[fits]["Outcome"] == "Can release"
    assert review[short]["Outcome"] == "Not now"
    assert review[short]["Reason"] == demo_facts.blocked_reason
    app.snap("release_mixed_review")

    app.button("Submit").click()
    app.see(f"Released 1 backorder: {fits}.")
    app.see_exactly("Not released (1)")
    [refused] = app.grid(REVIEW_GRID).rows(1)
    assert (refused["Order"], refused["Reason"]) == (short, demo_facts.blocked_reason)
    app.snap("release_mixed_confirmation")
    app.button("OK").click()

    app.see(app.title, text="Orders")
    released = order_status(app, fits)
    assert (released["Status"], released["Ship code"]) == ("On Order", "Ready to ship")
    assert order_status(app, short)["Status"] == "Back Order"
    app.assert_no_exception()

    wh = app.server.open_db()  # stops the server: the file is ours to read
    try:
        rows = wh.orders(OrderFilter(order_nos=[fits, short])).set_index("order_no")
        assert rows.loc[fits, "status"] == "On Order"
        assert rows.loc[fits, "ship_code"] == "Ready to ship"
        assert rows.loc[short, "status"] == "Back Order"
        assert (wh.order_lines(fits)["allocated_qty"] == wh.order_lines(fits)["ordered_qty"]).all()
        released_rows = wh.audit_log(order_no=fits)
        assert (released_rows["user"] == "analyst").any()
    finally:
        wh.close()


def test_release_from_an_orders_detail(app, demo_facts):
    """The Release Back Order button on an order's record starts the wizard for that
    order, and OK comes back to the record."""
    order_no = demo_facts.releasable[0]
    app.open("Orders", title="Orders")
    app.fill("Open order", order_no, scope=app.sidebar)
    app.see(app.dialog, text="Back Order")
    app.button("Release Back Order", key="orders_detail_release").click()

    app.see(app.title, text="Release Back Order")
    app.see(app.main.locator(".st-key-release_chosen_summary"), text=f"1 chosen: {order_no}")
    app.button("Review").click()
    app.see(app.page.get_by_role("button", name="Can release (1)"))
    [row] = app.grid(REVIEW_GRID).rows(1)
    assert (row["Order"], row["Outcome"]) == (order_no, "Can release")
    app.button("Submit").click()
    app.see(f"Released 1 backorder: {order_no}.")
    app.button("OK").click()

    app.see(app.title, text="Orders")
    app.see(app.dialog, text="On Order")
    app.see(app.dialog, text="ship code Ready to ship")
    app.assert_no_exception()
