"""Every screen opens, by its own URL (a deep link, bookmarked or shared) and from the
sidebar, without an exception box. How long each took is printed, not asserted: timings
belong to bench/, and this machine is shared. These tests only read, so they share one
server. The deep-link test also leaves a screenshot of each screen in
test-artifacts/screens/ for a person to look at."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

# (URL path, sidebar link, page title)
SCREENS = [
    ("", "Home", "Backorder desk"),
    ("Orders", "Orders", "Orders"),
    ("Fulfillment", "Fulfillment", "Run Fulfillment"),
    ("Release", "Release", "Release Back Order"),
    ("Analytics", "Analytics", "Backorder analytics"),
    ("Items", "Items", "Items"),
    ("Inventory", "Inventory", "Inventory"),
    ("Expected_receipts", "Expected receipts", "Expected receipts"),
    ("Ship", "Ship", "Ship orders"),
    ("Cancel", "Cancel", "Cancel orders"),
    ("Audit", "Audit", "Audit"),
    ("Import", "Import", "Import"),
]


def nav_links(app):
    """The sidebar menu's links; Streamlit's own list of pages/ stays hidden."""
    assert app.page.get_by_test_id("stSidebarNav").count() == 0
    return app.menu.get_by_role("link")


@pytest.mark.parametrize(("path", "link", "title"), SCREENS, ids=[s[1] for s in SCREENS])
def test_screen_opens_by_its_url(shared_app, path, link, title):
    """A deep link lands on its page with the full sidebar and without an error."""
    seconds = shared_app.open(path, title=title)
    shared_app.assert_no_exception()
    assert shared_app.text_of(nav_links(shared_app)) == [s[1] for s in SCREENS]
    print(f"/{path} opened in {seconds:.1f} s")
    shared_app.snap(f"screen_{SCREENS.index((path, link, title)) + 1}_{link.lower()}")


def test_every_screen_opens_from_the_sidebar(shared_app):
    """Clicking through the sidebar reaches each page in turn, and back home."""
    shared_app.open("", title="Backorder desk")
    for _path, link, title in SCREENS[1:] + SCREENS[:1]:
        started = time.perf_counter()
        shared_app.menu.get_by_role("link", name=link, exact=True).click()
        shared_app.see(shared_app.title, text=title)
        seconds = time.perf_counter() - started
        shared_app.assert_no_exception()
        print(f"{link} opened from the sidebar in {seconds:.1f} s")
