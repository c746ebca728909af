"""BACKORDER_READ_ONLY=1 in Chromium: every screen opens and says "Viewing only", every write
control is off, and the file is byte for byte what it was."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENS = [("", "Backorder desk"), ("Orders", "Orders"), ("Fulfillment", "Run Fulfillment"),
           ("Release", "Release Back Order"), ("Analytics", "Backorder analytics"),
           ("Items", "Items"), ("Inventory", "Inventory")]


def digest(db) -> str:
    files = [db, db.with_name(db.name + ".wal")]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


def test_viewing_only_shows_everything_and_changes_nothing(start_app, fresh_db):
    before = digest(fresh_db)
    app = start_app(fresh_db, env={"BACKORDER_READ_ONLY": "1"})
    for path, title in SCREENS:
        app.open(path, title=title)
        app.see(app.page.locator(".st-key-viewing_only"), text="Viewing only")
        app.assert_no_exception()

    app.open("Fulfillment", title="Run Fulfillment")
    group = app.see("On Order orders in this group")
    assert not group.first.inner_text().startswith("0 ")  # there is something it could run
    expect(app.button("Run Fulfillment", key="fulfil_run")).to_be_disabled()

    app.open("Inventory", title="Inventory")
    for submit in ("Receive", "Adjust", "Change status"):  # each form sits in its own tab
        app.page.get_by_role("tab", name=submit).click()
        expect(app.button(submit)).to_be_disabled()

    app.open("Items", title="Items")  # the flag column is locked too: see the AppTest test
    expect(app.button("Save backorder flags (0)")).to_be_disabled()

    app.open("", title="Backorder desk")  # a release can be reviewed, not submitted
    app.button("Release Back Order", key="home_release_all").click()
    app.see(app.title, text="Release Back Order")
    app.button("Review").click()
    app.see("2 · Review and Submit")
    expect(app.button("Submit")).to_be_disabled()
    app.assert_no_exception()

    app.server.stop()
    assert digest(fresh_db) == before
