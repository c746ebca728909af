"""When and why in Chromium (design section 6): on the demo after a run on order 140,
backorder 140.001 waits for TR-GR that PO-7701 brings. The analyst finds it with the ETA
filter, reads its ETA, lateness, what covers it and why it waits in the Orders grid, opens
its record, and follows the link to the receipt that will release it; back on Orders, the
filter is as they left it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

import engine
from data.demo import SEED_ORDER, SEED_RECEIPT, SEED_RECEIPT_DAYS, SEED_SHIP_BY_DAYS

from .conftest import copy_db

pytestmark = pytest.mark.browser

ORDERS_GRID = "Orders on this page"
BACKORDER = f"{SEED_ORDER}.001"


def day(value) -> str:
    """A date as the grids and the record show it (DATE_FORMAT, 'D MMM YYYY')."""
    return f"{value:%-d %b %Y}"


@pytest.fixture
def after_run(demo_db, tmp_path) -> dict:
    """A copy of the demo with order 140 run, and what the screens must say of 140.001:
    its ETA is PO-7701's due date, three days after its ship-by date."""
    db = copy_db(demo_db, tmp_path / "warehouse.duckdb")
    wh = engine.open(str(db))
    try:
        wh.run_fulfillment([SEED_ORDER], user="test")
        receipt = wh.expected_receipts().query("ref == @SEED_RECEIPT").iloc[0]
        order = wh.orders(engine.OrderFilter(order_nos=[BACKORDER])).iloc[0]
        late = SEED_RECEIPT_DAYS - SEED_SHIP_BY_DAYS
        assert order["status"] == "Back Order"
        assert order["eta"].date() == receipt["due_date"].date()  # the contract, not the UI
        assert order["ship_by"].date() + timedelta(days=late) == order["eta"].date()
        return {"db": db, "eta": day(order["eta"]), "ship_by": day(order["ship_by"]),
                "eta_iso": f"{order['eta']:%Y-%m-%d}",
                "ship_by_iso": f"{order['ship_by']:%Y-%m-%d}", "late": late,
                "short_reason": wh.waiting_reasons([BACKORDER])["reason"].iloc[0],
                "reason": wh.why_waiting(BACKORDER)["reason"].iloc[0]}
    finally:
        wh.close()


def test_a_late_backorder_shows_when_and_why_and_links_to_its_receipt(start_app, after_run):
    app = start_app(after_run["db"])
    app.open("Orders", title="Orders")
    app.choose("ETA", "Late (ETA after ship-by)", scope=app.sidebar)
    app.fill("Search", BACKORDER, scope=app.sidebar)
    app.see_exactly("1 matching orders · page 1 of 1")

    grid = app.grid(ORDERS_GRID)
    row = grid.wait_for_row(Order=BACKORDER)
    # The grid's accessible copy holds dates as ISO text; the canvas draws "4 Dec 2026".
    assert row["ETA"] == after_run["eta_iso"]
    assert row["Late"] == f"late by {after_run['late']} days"
    assert row["Covered by"] == SEED_RECEIPT
    assert row["Why waiting"] == after_run["short_reason"]
    assert row["Ship by"] == after_run["ship_by_iso"]
    app.snap("orders_eta_late")

    grid.tick(1)
    app.button(f"Open {BACKORDER}").click()
    record = app.dialog
    app.see(record, text=f"Order {BACKORDER}")
    app.see(record, text=f"ETA {after_run['eta']} · covered by {SEED_RECEIPT} · "
                         f"late by {after_run['late']} days (ship by {after_run['ship_by']})")
    app.see(record, text=after_run["reason"])
    app.see(record.get_by_role("link", name=SEED_ORDER, exact=True))  # holds the TR-GR
    app.snap("orders_record_when_and_why")

    link = record.get_by_role("link", name=SEED_RECEIPT, exact=True)
    assert re.search(rf"Expected_receipts\?ref={re.escape(SEED_RECEIPT)}$",
                     link.get_attribute("href"))
    link.click()
    app.see(app.title, text="Expected receipts")
    app.see(app.main.get_by_role("heading", name=re.compile(rf"\b{SEED_RECEIPT}\b")))
    assert re.search(rf"/Expected_receipts\?ref={re.escape(SEED_RECEIPT)}$", app.page.url)
    app.snap("expected_receipt_from_record")
    app.assert_no_exception()

    # Back on Orders, the screen is as the analyst left it: the record open, and under it
    # the ETA filter and the search.
    app.nav("Orders", title="Orders")
    app.see(record, text=f"Order {BACKORDER}")
    app.page.keyboard.press("Escape")
    app.wait_idle()
    expect(record).to_have_count(0)
    app.see_exactly("1 matching orders · page 1 of 1")
    assert app.value("combobox", "ETA", scope=app.sidebar) == "Late (ETA after ship-by)"
    app.grid(ORDERS_GRID).wait_for_row(Order=BACKORDER, ETA=after_run["eta_iso"])
    app.assert_no_exception()
