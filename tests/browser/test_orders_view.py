"""The Orders screen in Chromium: the Sort control sorts the whole filtered set (and a header
click cannot sort only the page), the SKU filter takes any case and a prefix, the view is
kept when the analyst visits another screen, and an order's record opens where the analyst
is looking, with its parent and backorders as links and why it waits. These tests only
read, so they share one server; the engine reads the same demo data for the expected
answers."""

from __future__ import annotations

import re

import pytest

from engine import OrderFilter

pytestmark = pytest.mark.browser

ORDERS_GRID = "Orders on this page"
SELECT_WIDTH = 75  # px: the grid's "small" Select column; the Order column follows it


def matching(app, total: int, page: int = 1, pages: int | None = None) -> None:
    pages = pages or max(-(-total // 25), 1)
    app.see_exactly(f"{total:,} matching orders · page {page} of {pages}")


def scroll_to_units(app, grid) -> None:
    """Scroll the grid sideways until Units shows: the grid is wider than the window, and
    its accessible copy holds the columns in view (Select and Order stay, pinned)."""
    box = grid.locator.bounding_box()
    app.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    app.page.mouse.wheel(600, 0)
    grid._poll("grid.headers.includes('Units')")


def test_sort_by_units_sorts_the_whole_filtered_set(shared_app, oracle):
    """Units, high to low, on Shipped orders: the first row is the largest order of all
    2,000-odd, not of the 25 on screen; a click on a header does not re-sort the page."""
    app = shared_app
    f = OrderFilter(statuses=["Shipped"])
    total = oracle.count_orders(f)
    everything = oracle.orders(f)
    largest = int(everything["units"].max())
    first_page = oracle.orders(f, limit=25, sort="open_first")
    assert int(first_page["units"].max()) < largest, "the test needs the largest off page 1"
    expected = oracle.orders(f, limit=25, sort="-units")

    app.open("Orders", title="Orders")
    app.choose("Status", "Shipped", scope=app.sidebar)
    matching(app, total)
    app.choose("Sort by", "Units")
    app.choose("Direction", "High to low")
    grid = app.grid(ORDERS_GRID)
    grid.wait_for_row(Order=expected["order_no"].iloc[0])
    scroll_to_units(app, grid)
    top = grid.wait_for_row(Order=expected["order_no"].iloc[0])
    assert int(top["Units"]) == largest
    rows = grid.rows(25)
    assert [int(r["Units"]) for r in rows[:5]] == expected["units"].head(5).tolist()

    # A click on the Order header would sort these 25 rows by order number: it must
    # change nothing (the Sort control is the one way to sort).
    assert min(expected["order_no"]) != expected["order_no"].iloc[0]
    header = grid.point(0, x_offset=SELECT_WIDTH + 30)
    hit = app.page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).getAttribute('data-testid')", header)
    assert hit == "stDataFrameResizable", "a click on a header reaches the grid"
    app.page.mouse.click(*header)
    sort_item = app.page.get_by_text("Sort ascending", exact=True)
    if sort_item.count():  # Streamlit's column menu: what a header click would offer
        sort_item.click()
    app.wait_idle()
    assert grid.rows(25)[0]["Order"] == expected["order_no"].iloc[0]
    app.assert_no_exception()


def test_sku_filter_takes_any_case_and_a_prefix(shared_app, oracle):
    """`tr-g` finds the orders with a TR-GR or TR-GY line, as `TR-G` would."""
    app = shared_app
    total = oracle.count_orders(OrderFilter(sku="tr-g"))
    assert total == oracle.count_orders(OrderFilter(sku="TR-G")) > 0
    assert total > oracle.count_orders(OrderFilter(sku="TR-GR"))
    app.open("Orders", title="Orders")
    app.fill("SKU", "tr-g", scope=app.sidebar)
    matching(app, total)
    expected = oracle.orders(OrderFilter(sku="tr-g"), limit=25, sort="open_first")
    assert all(re.search(r"\bTR-G", skus) for skus in expected["skus"])
    shown = [row["Order"] for row in app.grid(ORDERS_GRID).rows(min(total, 25))]
    assert shown[:10] == expected["order_no"].head(10).tolist()
    app.assert_no_exception()


def test_the_view_is_kept_when_the_analyst_comes_back(shared_app, oracle):
    """Filters, search, sort, page and the selection survive a visit to another screen."""
    app = shared_app
    f = OrderFilter(statuses=["Back Order"], search="Sports")
    total = oracle.count_orders(f)
    assert total > 25, "the test needs a second page"
    page_two = oracle.orders(f, limit=25, offset=25, sort="-units")["order_no"].tolist()

    app.open("Orders", title="Orders")
    app.choose("Status", "Back Order", scope=app.sidebar)
    app.fill("Search", "Sports", scope=app.sidebar)
    app.choose("Sort by", "Units")
    app.choose("Direction", "High to low")
    matching(app, total)
    app.button("Next").click()
    matching(app, total, page=2)
    grid = app.grid(ORDERS_GRID)
    grid.wait_for_row(Order=page_two[0])
    grid.tick(1)
    app.see(re.compile(rf"^1 selected: {re.escape(page_two[0])}\b"))

    app.nav("Items", title="Items")
    app.nav("Orders", title="Orders")
    matching(app, total, page=2)
    assert app.tags("orders_f_status") == ["Back Order"]
    assert app.value("textbox", "Search", scope=app.sidebar) == "Sports"
    assert app.value("combobox", "Sort by") == "Units"
    assert app.value("combobox", "Direction") == "High to low"
    assert app.value("spinbutton", "Page") == "2"
    app.see(re.compile(rf"^1 selected: {re.escape(page_two[0])}\b"))
    rows = app.grid(ORDERS_GRID).rows(total - 25 if total < 50 else 25)
    assert [r["Order"] for r in rows[:5]] == page_two[:5]
    assert rows[0]["Select"] == "true"
    app.assert_no_exception()


def test_an_order_opens_where_the_analyst_is_looking(shared_app, oracle):
    """From a link (an alert's Orders?order=N), the record is a dialog in the window, with
    why it waits, and its parent and backorders as links that open their records."""
    app = shared_app
    backorder = oracle.orders(OrderFilter(statuses=["Back Order"]), limit=1).iloc[0]
    child, parent = backorder["order_no"], backorder["parent_order_no"]
    reason = oracle.waiting_reasons([child])["reason"].iloc[0]

    app.open(f"Orders?order={child}", title="Orders")
    record = app.dialog
    app.see(record, text=f"Order {child}")
    assert app.in_viewport(record)
    app.see(record, text=f"Why waiting: {reason}")
    app.snap("orders_record_backorder")
    record.get_by_role("link", name=parent).click()
    app.see(record, text=f"Order {parent}")
    assert app.in_viewport(record)
    app.see(record.get_by_role("link", name=child))
    app.page.keyboard.press("Escape")
    app.wait_idle()
    expect_gone(record)

    # From the grid, scrolled down to its last row: the record still opens in view.
    app.fill("Search", child, scope=app.sidebar)
    matching(app, 1)
    grid = app.grid(ORDERS_GRID)
    row = grid.wait_for_row(Order=child)
    assert row["Why waiting"] == reason  # the grid's column says it too
    grid.tick(1)
    app.see(app.button(f"Open {child}"))
    app.main.evaluate("(e) => e.scrollTo(0, e.scrollHeight)")
    app.button(f"Open {child}").click()
    app.see(record, text=f"Order {child}")
    assert app.in_viewport(record)
    app.assert_no_exception()


def expect_gone(locator) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_count(0)
