"""Inventory and Items in Chromium: a receipt releases waiting backorders by itself and says
which; an item's backorder flag switched in the grid is still switched after a reload."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ITEMS_GRID = "Items with their backorder flag"


def test_receipt_shows_the_backorders_it_released(app, demo_facts):
    """Receiving stock releases, in rank order, the backorders it covers; the screen names
    them, and each is then On Order, Ready to ship."""
    app.open("Inventory", title="Inventory")
    app.choose("SKU", demo_facts.receipt_sku)
    app.page.get_by_role("spinbutton", name="Quantity received", exact=True).fill(
        str(demo_facts.receipt_qty))
    app.page.get_by_role("textbox", name="Reference", exact=True).fill("PO 4711")
    app.button("Receive").click()

    released = ", ".join(demo_facts.receipt_releases)
    units = f"{demo_facts.receipt_qty:,} unit{'s' if demo_facts.receipt_qty != 1 else ''}"
    app.see(f"{units} of {demo_facts.receipt_sku} into Available. "
            f"Released by itself: {released}.")
    app.snap("inventory_receipt")
    app.assert_no_exception()

    for order_no in demo_facts.receipt_releases:  # the alert's "open order" deep link
        app.open(f"Orders?order={order_no}", title="Orders")
        app.see(app.dialog, text=f"Order {order_no}")  # its record, in a dialog
        app.see(app.dialog, text="On Order")
        app.see(app.dialog, text="ship code Ready to ship")


def test_backorder_flag_switched_in_the_grid_survives_a_reload(app):
    """The flag is written through the engine, not only held in the grid's state."""
    app.open("Items", title="Items")
    app.fill("Search", "TR-GR")
    app.see_exactly("1 item · page 1 of 1")
    grid = app.grid(ITEMS_GRID)
    assert grid.wait_for_row(SKU="TR-GR")["Backorder allowed"] == "true"

    grid.tick(1)  # the flag is the grid's first column, a checkbox like Select on Orders
    app.button("Save backorder flags (1)").click()
    app.see(app.button("Save backorder flags (0)"))

    app.page.reload()
    app.see(app.title, text="Items")
    app.fill("Search", "TR-GR")
    app.see_exactly("1 item · page 1 of 1")
    grid.wait_for_row(SKU="TR-GR", Backorder_allowed="false")
    app.snap("items_flag_switched")
    app.assert_no_exception()
