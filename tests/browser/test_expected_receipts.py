"""Expected receipts and auto-release in Chromium: a `?ref=PO-7701` deep link opened
directly shows that receipt's section with the backorder it will release; receiving against
it releases that backorder; and the auto-release setting saved on the Inventory screen
is still set after a reload (and in the database)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import engine
from data.demo import SEED_ORDER, SEED_RECEIPT

from .conftest import copy_db

pytestmark = pytest.mark.browser

BACKORDER = f"{SEED_ORDER}.001"
RELEASES_GRID = f"Backorders receipt {SEED_RECEIPT} will release"


@pytest.fixture
def after_run(demo_db, tmp_path):
    """A copy of the demo with order 140 run: backorder 140.001 waits for PO-7701."""
    db = copy_db(demo_db, tmp_path / "warehouse.duckdb")
    wh = engine.open(str(db))
    try:
        wh.run_fulfillment([SEED_ORDER], user="test")
        assert wh.receipt_releases(SEED_RECEIPT)["order_no"].tolist() == [BACKORDER]
    finally:
        wh.close()
    return db


def test_a_ref_deep_link_shows_the_receipt_and_receiving_releases(start_app, after_run):
    app = start_app(after_run)
    app.open(f"Expected_receipts?ref={SEED_RECEIPT}", title="Expected receipts")
    app.assert_no_exception()
    section = app.page.locator(".st-key-receipts_section")
    app.see(section.get_by_role("heading", name=re.compile(rf"\b{SEED_RECEIPT}\b")))
    assert re.search(rf"/Expected_receipts\?ref={re.escape(SEED_RECEIPT)}$", app.page.url)
    # The grid's accessible copy holds the link's target: the order's record on Orders.
    row = app.grid(RELEASES_GRID).wait_for_row(Order=f"Orders?order={BACKORDER}")
    assert row["Priority"] == "2"
    app.snap("expected_receipt_deep_link")

    qty = app.page.get_by_role("spinbutton", name="Quantity of TR-GR received", exact=True)
    expect(qty).to_have_value("6")  # what is still to come
    app.button("Receive", scope=section).click()
    app.see(re.compile(rf"Received 6 units of TR-GR against {SEED_RECEIPT} line 1\. "
                       rf"Released by itself: {re.escape(BACKORDER)}\."))
    app.assert_no_exception()
    # Received in full, PO-7701 leaves the open receipts.
    expect(app.page.locator(".st-key-receipts_section")).to_have_count(0)
    expect(app.page.get_by_role("combobox", name="Receipt", exact=True)).to_have_value("")
    app.snap("expected_receipt_received")
    wh = app.server.open_db()
    try:
        assert wh.order(BACKORDER)["status"] != "Back Order"
    finally:
        wh.close()


def test_auto_release_setting_persists_after_a_reload(app):
    app.open("Inventory", title="Inventory")
    caption = app.main.get_by_text(re.compile("^Backorders are released automatically on"))
    expect(caption.first).to_contain_text("on receipts.")
    app.page.get_by_text("Auto-release", exact=True).click()
    adjustment = app.page.get_by_role("switch", name="On adjustment")
    expect(adjustment).not_to_be_checked()
    save = app.button("Save auto-release")
    expect(save).to_be_disabled()  # nothing changed yet
    adjustment.click(force=True)
    app.wait_idle()
    expect(adjustment).to_be_checked()
    expect(save).to_be_enabled()
    save.click()
    app.see(caption, text="on receipts, adjustments.")
    app.snap("inventory_auto_release_saved")

    app.page.reload()
    app.see(app.title, text="Inventory")
    expect(caption.first).to_contain_text("on receipts, adjustments.")
    app.page.get_by_text("Auto-release", exact=True).click()
    expect(app.page.get_by_role("switch", name="On adjustment")).to_be_checked()
    expect(app.page.get_by_role("switch", name="On status change")).not_to_be_checked()
    wh = app.server.open_db()
    try:
        saved = wh.auto_release()
        assert (saved.on_receipt, saved.on_adjustment, saved.on_status_change) == \
            (True, True, False)
        assert wh.audit_log(limit=1)["action"].iloc[0] == "auto_release_changed"
    finally:
        wh.close()
