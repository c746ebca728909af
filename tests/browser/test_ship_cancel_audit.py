"""Ship, Cancel and Audit in Chromium: Select → Review → Submit → Confirmation, with the
engine's rule in the review (only Processed ships; Shipped and Cancelled cannot be
cancelled), and the audit log filtered, paged and exported whole."""

from __future__ import annotations

import csv
import io
import re

import pytest

import engine
from engine import AuditFilter, OrderFilter

from .conftest import copy_db

pytestmark = pytest.mark.browser

REVIEW = "Ship review per order"


def prepared(demo_db, folder) -> tuple[object, str, str]:
    """A copy of the demo warehouse where order 140 was run (so it is Processed), and an
    order still On Order."""
    db = copy_db(demo_db, folder / "ship.duckdb")
    wh = engine.open(str(db))
    try:
        wh.run_fulfillment(["140"], user="setup")
        assert wh.order("140")["status"] == "Processed"
        on_order = wh.order_nos(OrderFilter(statuses=["On Order"]), 1)[0]
    finally:
        wh.close()
    return db, "140", on_order


def test_ship_then_cancel_with_a_review_of_each_order(start_app, demo_db, tmp_path):
    db, processed, on_order = prepared(demo_db, tmp_path)
    app = start_app(db)
    app.open(f"Ship?orders={processed},{on_order}", title="Ship orders")
    app.button("Review").click()
    rows = {r["Order"]: r for r in app.grid(REVIEW).rows(2)}
    assert rows[processed]["Outcome"] == "Can ship"
    assert rows[on_order]["Outcome"] == "Cannot ship"
    assert rows[on_order]["Reason"] == "Order is On Order, only Processed orders ship"
    assert rows[on_order]["Status"] == "On Order"
    app.snap("ship_review")
    app.button("Ship 1 order").click()
    app.see(f"Shipped 1 order: {processed}.")
    app.see_exactly("Not shipped (1)")
    app.snap("ship_confirmation")
    app.button("OK").click()
    app.see(app.button("Review"))

    # Cancel: the order just shipped cannot be cancelled; the On Order one can.
    app.open(f"Cancel?orders={processed},{on_order}", title="Cancel orders")
    app.see(re.compile(r"2 orders chosen\."))
    app.button("Review").click()
    rows = {r["Order"]: r for r in app.grid("Cancel review per order").rows(2)}
    assert (rows[processed]["Outcome"], rows[processed]["Reason"]) == \
        ("Cannot cancel", "Order is already Shipped")
    assert rows[on_order]["Outcome"] == "Can cancel"
    app.page.get_by_role("textbox", name="Reason", exact=True).fill("customer withdrew")
    app.button("Cancel 1 order").click()
    app.see(f"Cancelled 1 order: {on_order}.")
    app.snap("cancel_confirmation")
    app.assert_no_exception()

    wh = app.server.open_db()
    try:
        assert wh.order(processed)["status"] == "Shipped"
        assert wh.order(on_order)["status"] == "Cancelled"
        log = wh.audit_log(filter=AuditFilter(order_no=on_order, actions=["cancelled"]))
        assert log["detail"].tolist() == ["customer withdrew"]
        assert log["user"].tolist() == ["analyst"]
    finally:
        wh.close()


def test_audit_filters_pages_and_exports_the_whole_filter(shared_app, demo_db):
    wh = engine.open(str(demo_db), read_only=True)
    try:
        total = wh.count_audit(AuditFilter())
        created = wh.count_audit(AuditFilter(actions=["backorder_created"]))
    finally:
        wh.close()
    assert created > 100, "the export must hold more than one page"
    app = shared_app
    app.open("Audit", title="Audit")
    app.see(re.compile(rf"^{total:,} changes · page 1 of"))
    app.choose("Action", "Backorder created")
    app.see(re.compile(rf"^{created:,} changes · page 1 of {-(-created // 100):,}$"))
    app.grid("Changes, newest first")._poll(  # the actions shown are words
        "grid.rows.length > 0 && grid.rows.every(r => r['Action'] === 'Backorder created')")
    app.snap("audit_filtered")
    app.button(f"Download all {created:,} changes").click()
    with app.page.expect_download() as download:
        app.page.get_by_role("button", name="Changes (CSV)", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert len(rows) == created  # the whole filter, not the 100 rows on screen
    assert {r["action"] for r in rows} == {"backorder_created"}
    app.assert_no_exception()
