"""Viewing only (BACKORDER_READ_ONLY=1): every screen opens the database for reading, says
so, and offers no write, even when the client sends edits; the file is left unchanged."""

from __future__ import annotations

import hashlib
import json

import pytest
from pages_helpers import (
    ANALYTICS,
    AUDIT,
    CANCEL,
    FULFILLMENT,
    INVENTORY,
    ITEMS,
    ORDERS,
    RECEIPTS,
    RELEASE,
    SHIP,
    TITLES,
    app,
    tick,
    title,
)

pytest_plugins = ["pages_fixtures"]

SCREENS = [None, ORDERS, FULFILLMENT, RELEASE, ANALYTICS, ITEMS, INVENTORY, SHIP, CANCEL,
           AUDIT, RECEIPTS]


@pytest.fixture
def viewing_only(monkeypatch):
    monkeypatch.setenv("BACKORDER_READ_ONLY", "1")


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def the_warehouse(path):
    """The app's own (read-only) Warehouse: the file cannot be opened twice here."""
    from ui.state import _open
    return _open(str(path), True)


def test_every_screen_says_viewing_only(small_db, viewing_only):
    before = digest(small_db)
    for page in SCREENS:
        at = app(page)
        assert title(at) == TITLES[page]
        banner = at.get_by_key("viewing_only").info[0].value
        assert banner.startswith("Viewing only"), banner
    assert the_warehouse(small_db).read_only
    assert digest(small_db) == before


def locked_columns(at) -> set[str]:
    columns = json.loads(at.data_editor[0].proto.columns)
    return {name for name, config in columns.items() if config.get("disabled")}


def test_orders_grid_edits_and_run_are_refused(small_db, viewing_only):
    at = app(ORDERS)
    assert {"priority", "ship_complete"} <= locked_columns(at)
    assert "Select" not in locked_columns(at)
    tick(at, "orders_grid", [0])  # ticking to look is fine
    assert at.session_state["orders_selected"]
    assert at.button(key="orders_run").disabled
    # a client that sends an edit anyway cannot save it
    at.session_state["orders_grid"] = {"edited_rows": {0: {"priority": 5}},
                                       "added_rows": [], "deleted_rows": []}
    at.run()
    save = at.button(key="orders_save")
    assert "(1)" in save.label and save.disabled
    assert "Viewing only" in save.help


def test_fulfillment_items_and_inventory_writes_are_off(small_db, viewing_only):
    at = app(FULFILLMENT)
    assert at.markdown[0].value.startswith("**3 On Order orders** in this group")
    assert at.button(key="fulfil_run").disabled

    at = app(ITEMS)
    assert "backorder" in locked_columns(at)
    tick(at, "items_grid", [0], column="backorder", value=False)
    assert "(1)" in at.button(key="items_save").label
    assert at.button(key="items_save").disabled

    at = app(INVENTORY)
    submits = {b.label: b.disabled for b in at.button
               if b.label in ("Receive", "Adjust", "Change status")}
    assert submits == {"Receive": True, "Adjust": True, "Change status": True}


def test_release_can_be_reviewed_but_not_submitted(demo_db, viewing_only):
    at = app()
    releasable = the_warehouse(demo_db).releasable_now()["order_no"].iloc[0]
    at.switch_page(RELEASE)
    at.query_params["orders"] = releasable
    at.run()
    at.button(key="release_review").click().run()
    assert at.session_state["release_step"] == "review"
    assert not at.exception and not at.error
    assert at.button(key="release_submit").disabled


def test_load_demo_is_off_on_an_empty_database(empty_db, viewing_only):
    at = app()
    assert "warehouse is empty" in at.info[-1].value
    assert at.button(key="home_load_demo").disabled


def test_a_missing_file_is_not_created(tmp_path, monkeypatch, viewing_only):
    missing = tmp_path / "nowhere" / "desk.duckdb"
    monkeypatch.setenv("BACKORDER_DB", str(missing))
    at = app()
    assert not at.exception
    assert "There is no database at" in at.error[0].value
    assert not missing.exists() and not missing.parent.exists()


def test_ship_and_cancel_can_be_reviewed_but_not_submitted(small_db, viewing_only):
    for page, key in ((SHIP, "ship"), (CANCEL, "cancel")):
        at = app()
        at.switch_page(page)
        at.query_params["orders"] = "1"
        at.run()
        at.button(key=f"{key}_review_button").click().run()
        assert not at.exception and not at.error
        assert at.button(key=f"{key}_submit").disabled
