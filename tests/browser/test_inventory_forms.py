"""Inventory forms in Chromium: a warning's link (?sku=) fills the SKU in and its stock
shows before anything is submitted; a refused change keeps what was typed; a change of
unusual size is confirmed first, and "No" writes nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import engine

pytestmark = pytest.mark.browser

SKU = "TR-GR"


def stock_of(db, sku: str) -> dict:
    wh = engine.open(str(db), read_only=True)
    try:
        items = wh.items(search=sku)
        return items.loc[items["sku"] == sku].iloc[0].to_dict()
    finally:
        wh.close()


def metrics(app, key: str) -> dict[str, str]:
    """{label: value} of the stock metrics in the container `key`, read at once when the
    app is idle (a rerun replaces them)."""
    app.wait_idle()
    return dict(app.page.evaluate("""(key) => [...document.querySelectorAll(
        `.st-key-${key} [data-testid='stMetric']`)].map(m => [
          m.querySelector("[data-testid='stMetricLabel']").innerText.trim(),
          m.querySelector("[data-testid='stMetricValue']").innerText.trim()])""", key))


def test_stock_shown_input_kept_and_large_changes_confirmed(app, demo_db):
    before = stock_of(demo_db, SKU)
    app.open(f"Inventory?sku={SKU.lower()}", title="Inventory")  # a warning's link
    expect(app.page.get_by_role("combobox", name="SKU", exact=True)).to_have_value(SKU)
    app.wait_idle()
    shown = metrics(app, "inv_recv_stock")
    assert shown == {"Available": f"{before['available']:,}",
                     "Reserved": f"{before['reserved']:,}", "Free": f"{before['free']:,}",
                     "Frozen": f"{before['frozen']:,}", "Damaged": f"{before['damaged']:,}",
                     "Quarantine": f"{before['quarantine']:,}"}
    app.snap("inventory_stock_before_a_change")

    # A refused adjustment: more than there is. What was typed stays for another try.
    app.page.get_by_role("tab", name="Adjust").click()
    expect(app.page.get_by_role("combobox", name="SKU", exact=True)).to_have_value(SKU)
    too_many = before["available"] + 1
    delta = app.page.get_by_role("spinbutton", name="Change (+ adds, − removes)")
    delta.fill(str(-too_many))
    app.page.get_by_role("textbox", name="Reason", exact=True).fill("cycle count 7")
    app.button("Adjust").click()
    app.see(app.main.locator("[data-testid='stAlertContentError']"), text="would leave")
    assert delta.input_value() == str(-too_many)
    assert app.page.get_by_role("textbox", name="Reason", exact=True).input_value() == \
        "cycle count 7"
    app.snap("inventory_refused_keeps_input")

    # A receipt of 20,000 is confirmed first; "No" writes nothing and keeps the quantity.
    app.page.get_by_role("tab", name="Receive").click()
    qty = app.page.get_by_role("spinbutton", name="Quantity received", exact=True)
    qty.fill("20000")
    app.button("Receive").click()
    app.see(re.compile(rf"Please confirm: receive 20,000 units of {SKU}\? 20,000 units is "
                       r"more than 10,000\."))
    app.snap("inventory_confirm_large_receipt")
    app.button("No, change it").click()
    expect(app.page.locator(".st-key-inventory_confirm")).to_have_count(0)
    app.wait_idle()
    assert metrics(app, "inv_recv_stock")["Available"] == f"{before['available']:,}"
    assert qty.input_value() == "20000"

    app.button("Receive").click()
    app.button(f"Yes, receive 20,000 units of {SKU}").click()
    app.see(re.compile(rf"Receipt \d+: 20,000 units of {SKU} into Available\."))
    assert metrics(app, "inv_recv_stock")["Available"] == f"{before['available'] + 20_000:,}"
    assert qty.input_value() == "1"  # made: the form starts afresh
    app.assert_no_exception()
