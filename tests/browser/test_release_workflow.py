"""Release Back Order in Chromium, the promises of issue 7: "Add all releasable now" fills
the review; OK returns to the Orders grid as it was, or to the order record the release
started from; a selection of hundreds is a count and a summary, reviewed in rank order and
filtered by outcome, with warnings linked to the SKU's stock; and an order released by
another session first is refused in words."""

from __future__ import annotations

import re

import pytest

from engine import OrderFilter

from .conftest import VIEWPORT, App

pytestmark = pytest.mark.browser

ORDERS_GRID = "Orders on this page"
REVIEW_GRID = "Release outcome per order"
CHOSEN = "release_chosen_summary"


def review_and_submit(app: App, count: int) -> None:
    app.button("Review").click()
    app.see(app.button("Submit"))
    app.grid(REVIEW_GRID).rows(count)
    app.button("Submit").click()


def test_add_all_releasable_now_fills_the_review(app, demo_facts):
    """The button adds every backorder releasable now, Review shows each as releasable,
    and Submit releases them all."""
    releasable = list(demo_facts.releasable)
    app.open("Release", title="Release Back Order")
    app.button("Add all releasable now").click()
    app.see(app.main.locator(f".st-key-{CHOSEN}"),
            text=f"{len(releasable)} chosen: {', '.join(releasable[:3])}")
    app.button("Review").click()
    app.see(app.page.get_by_role("button", name=f"Can release ({len(releasable)})"))
    rows = app.grid(REVIEW_GRID).rows(len(releasable))
    assert {r["Outcome"] for r in rows} == {"Can release"}
    app.button("Submit").click()
    app.see(f"Released {len(releasable)} backorders:")
    app.assert_no_exception()
    wh = app.server.open_db()
    try:
        statuses = wh.orders(OrderFilter(order_nos=releasable))["status"]
        assert (statuses == "On Order").all()
    finally:
        wh.close()


def test_ok_returns_to_the_grid_as_it_was(app, oracle):
    """Filters, search, sort and page are as the analyst left them when OK brings them
    back from the release (of a releasable backorder on page 2 of that view)."""
    f = OrderFilter(statuses=["Back Order"], search="Sports")
    in_view = oracle.orders(f, sort="-units")["order_no"].tolist()
    total = len(in_view)
    assert 25 < total <= 50
    releasable = set(oracle.releasable_now()["order_no"])
    row, order_no = next((i, n) for i, n in enumerate(in_view[25:]) if n in releasable)
    app.open("Orders", title="Orders")
    app.choose("Status", "Back Order", scope=app.sidebar)
    app.fill("Search", "Sports", scope=app.sidebar)
    app.choose("Sort by", "Units")
    app.choose("Direction", "High to low")
    app.button("Next").click()
    app.see_exactly(f"{total} matching orders · page 2 of 2")
    grid = app.grid(ORDERS_GRID)
    grid.wait_for_row(Order=in_view[25])
    grid.tick(row + 1)
    app.see(re.compile(rf"^1 selected: {re.escape(order_no)}\b"))
    app.button("Release Back Order", key="orders_release").click()

    app.see(app.title, text="Release Back Order")
    review_and_submit(app, 1)
    app.see(f"Released 1 backorder: {order_no}.")
    app.button("OK").click()

    app.see(app.title, text="Orders")
    app.see_exactly(f"{total - 1} matching orders · page 2 of 2")  # it left Back Order
    assert app.tags("orders_f_status") == ["Back Order"]
    assert app.value("textbox", "Search", scope=app.sidebar) == "Sports"
    assert app.value("combobox", "Sort by") == "Units"
    assert app.value("combobox", "Direction") == "High to low"
    assert app.value("spinbutton", "Page") == "2"
    still = [n for n in in_view if n != order_no]
    rows = app.grid(ORDERS_GRID).rows(total - 1 - 25)
    assert [r["Order"] for r in rows[:3]] == still[25:28]
    app.assert_no_exception()


def test_ok_returns_to_the_order_record(app, demo_facts):
    """A release started from an order's record ends on that record, open and in view,
    showing the order released."""
    order_no = demo_facts.releasable[0]
    app.open(f"Orders?order={order_no}", title="Orders")
    app.see(app.dialog, text="Back Order")
    app.button("Release Back Order", key="orders_detail_release").click()
    app.see(app.title, text="Release Back Order")
    review_and_submit(app, 1)
    app.see(f"Released 1 backorder: {order_no}.")
    app.button("OK").click()

    app.see(app.title, text="Orders")
    app.see(app.dialog, text=f"Order {order_no}")
    app.see(app.dialog, text="On Order")
    app.see(app.dialog, text="ship code Ready to ship")
    assert app.in_viewport(app.dialog)
    app.assert_no_exception()


def test_a_large_selection_is_a_count_and_a_summary(app, oracle):
    """Select all 300-odd backorders: a count and a few numbers, not a wall of tags, on the
    Orders bar and in the Select step; the review is in rank order, can show one outcome,
    and a warning links to the stock of the SKU it lacks."""
    f = OrderFilter(statuses=["Back Order"])
    total = oracle.count_orders(f)
    in_rank = oracle.order_nos(f, sort="rank")
    review = oracle.review_release(in_rank)
    warnings = review[review["outcome"] == "warning"]
    ok = int((review["outcome"] == "ok").sum())
    assert total > 200 and len(warnings) > 200

    app.open("Orders", title="Orders")
    app.choose("Status", "Back Order", scope=app.sidebar)
    app.choose("Sort by", "Units")  # the selection is made in another order than rank
    app.choose("Direction", "High to low")
    by_units = oracle.order_nos(f, sort="-units")
    assert by_units[:10] != in_rank[:10]
    app.button("Select all matching").click()
    app.see(re.compile(rf"^{total} selected: {re.escape(', '.join(by_units[:3]))} and "
                       rf"{total - 3} more · {total} Back Order$"))
    assert app.page.locator("[data-tag]").count() == 1  # the Status filter's own tag
    app.button("Release Back Order", key="orders_release").click()

    app.see(app.title, text="Release Back Order")
    app.see(app.main.locator(f".st-key-{CHOSEN}"),
            text=f"{total} chosen: {', '.join(in_rank[:3])} and {total - 3} more")
    assert app.page.locator("[data-tag]").count() == 0
    app.snap("release_large_selection")
    app.button("Review").click()
    app.see(app.page.get_by_role("button", name=f"Not now ({len(warnings)})"))
    grid = app.grid(REVIEW_GRID)
    rows = grid.rows(total)
    assert [r["Order"] for r in rows[:10]] == in_rank[:10]  # rank order

    app.page.get_by_role("button", name=f"Can release ({ok})").click()
    rows = grid.rows(len(warnings))
    assert {r["Outcome"] for r in rows} == {"Not now"}
    assert [r["Order"] for r in rows[:5]] == warnings["order_no"].head(5).tolist()
    first = warnings.iloc[0]
    sku = re.search(r"SKU (\S+) needs", first["reason"]).group(1)
    assert rows[0]["Stock"] == f"Inventory?sku={sku}"  # the link; the grid shows the SKU
    app.snap("release_large_review_not_now")
    app.assert_no_exception()


def test_released_by_someone_else_is_said_in_words(browser, app, demo_facts):
    """Two sessions review the same backorder; Dana submits first. The other analyst's
    confirmation says who released it, and when, in words."""
    order_no = demo_facts.releasable[0]
    context = browser.new_context(viewport=VIEWPORT)
    try:
        dana = App(context.new_page(), app.server)
        for who in (app, dana):
            who.open(f"Release?orders={order_no}&from=orders", title="Release Back Order")
        dana.fill("Analyst", "Dana", scope=dana.sidebar)
        for who in (app, dana):
            who.button("Review").click()
            who.see(who.page.get_by_role("button", name="Can release (1)"))
        dana.button("Submit").click()
        dana.see(f"Released 1 backorder: {order_no}.")

        app.button("Submit").click()
        app.see("Nothing was released.")
        app.see_exactly("Not released (1)")
        said = re.compile(rf"^{re.escape(order_no)}: Already released by Dana at "
                          r"\d\d:\u2060?\d\d on \d\d \w{3}; it is On Order, not Back Order$")
        app.see(said)
        [row] = app.grid(REVIEW_GRID).rows(1)
        assert row["Outcome"] == "Cannot release"
        assert row["Reason"].startswith("Already released by Dana at ")
        app.snap("release_released_by_someone_else")
        app.assert_no_exception()
    finally:
        context.close()
