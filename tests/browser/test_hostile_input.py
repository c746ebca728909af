"""Text from URLs, stored data and the screens' inputs is shown as text in a real browser:
no image or link from it appears in the page, the browser never fetches anything it names,
and it reads exactly as written."""

from __future__ import annotations

import re
from urllib.parse import quote

import pandas as pd
import pytest

import engine

from .conftest import copy_db

pytestmark = pytest.mark.browser

TRAP = "127.0.0.1:9"  # nothing listens there; a request to it means markup was rendered
MARKDOWN = f"**bold** ![x](http://{TRAP}/x.png) [log in again](http://{TRAP}/)"
HTML = f"<img src=http://{TRAP}/y.png> <a href='http://{TRAP}/'>log in again</a> <b>b</b>"
CUSTOMER = MARKDOWN
SKU = f"[HX-1](http://{TRAP}/sku)"
ORDER = "990001"
WORD_JOINER = "\u2060"  # invisible; ui.text puts it where the renderer would make links


def watch_requests(app) -> list[str]:
    """Every URL the browser asks for from now on that points at the trap."""
    trapped: list[str] = []
    app.page.on("request", lambda r: trapped.append(r.url) if TRAP in r.url else None)
    return trapped


def text_of(locator) -> str:
    return locator.inner_text().replace(WORD_JOINER, "")


def assert_no_markup_from_payload(app) -> None:
    """No image or link in the page points at the trap, and no exception box."""
    app.assert_no_exception()
    root = app.page.locator("[data-testid='stApp']")
    assert root.locator(f"img[src*='{TRAP}']").count() == 0
    assert root.locator(f"a[href*='{TRAP}']").count() == 0
    assert root.locator("a", has_text="log in again").count() == 0


@pytest.mark.parametrize("payload", [MARKDOWN, HTML], ids=["markdown", "html"])
def test_an_order_number_in_the_url_is_shown_as_text(shared_app, payload):
    trapped = watch_requests(shared_app)
    shared_app.open(f"Orders?order={quote(payload, safe='')}", title="Orders")
    warning = shared_app.see(shared_app.dialog.get_by_test_id("stAlert").first, text="not found")
    assert text_of(warning.first) == f"Order {payload} was not found."
    assert_no_markup_from_payload(shared_app)
    assert shared_app.main.locator("strong", has_text="bold").count() == 0
    assert trapped == []


def test_hostile_text_typed_into_the_inputs(shared_app):
    trapped = watch_requests(shared_app)
    shared_app.open("Orders", title="Orders")
    shared_app.fill("Analyst", MARKDOWN, scope=shared_app.sidebar)
    shared_app.see("matching orders")
    shared_app.fill("Search", HTML, scope=shared_app.sidebar)
    shared_app.see("No order matches these filters.")
    shared_app.fill("SKU", MARKDOWN, scope=shared_app.sidebar)
    shared_app.see("No order matches these filters.")
    assert_no_markup_from_payload(shared_app)

    shared_app.open("Inventory", title="Inventory")
    shared_app.fill("Find SKU", HTML)
    shared_app.see("On hand")
    assert_no_markup_from_payload(shared_app)
    assert trapped == []


@pytest.fixture
def hostile_db(demo_db, tmp_path):
    """The demo warehouse plus a releasable backorder, first in rank, whose customer and
    SKU are Markdown: an order for an item out of stock, run, then stock adjusted in."""
    db = copy_db(demo_db, tmp_path / "warehouse.duckdb")
    wh = engine.open(str(db))
    try:
        wh.import_items(pd.DataFrame({"sku": [SKU], "description": [HTML],
                                      "backorder": [True], "unit_price": [1.0]}))
        wh.import_orders(
            pd.DataFrame({"order_no": [ORDER], "order_date": ["2000-01-01"], "priority": [1],
                          "status": ["On Order"], "customer": [CUSTOMER]}),
            pd.DataFrame({"order_no": [ORDER], "line_no": [1], "sku": [SKU],
                          "ordered_qty": [2]}))
        wh.run_fulfillment([ORDER], user="setup")
        wh.adjust(SKU, 5, reason="found", user="setup")
        assert wh.releasable_now()["order_no"].iloc[0] == f"{ORDER}.001"
    finally:
        wh.close()
    return db


def test_a_stored_customer_and_sku_show_as_text(start_app, hostile_db):
    app = start_app(hostile_db)
    trapped = watch_requests(app)
    app.open("", title="Backorder desk")
    row = app.see(re.compile(re.escape(f"{ORDER}.001")))
    assert row.count()
    caption = app.main.get_by_test_id("stCaptionContainer").filter(has_text="units ·").first
    assert text_of(caption) == f"{SKU} · 2 units · {CUSTOMER}"
    assert_no_markup_from_payload(app)

    app.open(f"Orders?order={ORDER}.001", title="Orders")
    header = app.see(app.dialog.get_by_test_id("stMarkdown").filter(has_text="ship code").first)
    assert CUSTOMER in text_of(header.first)
    assert_no_markup_from_payload(app)
    assert trapped == []
