"""A database the desk cannot use (damaged, or held by another program) gets a message that
says what is wrong and what to do on every screen, never an exception; and once the file
is fixed, a reload works (the failed open was not cached)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import copy_db

pytestmark = pytest.mark.browser

SCREENS = [("", "Backorder desk"), ("Orders", "Orders"), ("Inventory", "Inventory")]
HOLD = ("import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "print('holding', flush=True)\n"
        "time.sleep(600)\n")


def assert_says(app, message: str) -> None:
    """Every screen shows `message` and the reload advice, and nothing technical."""
    for path, title in SCREENS:
        app.open(path, title=title)
        app.see(app.main.get_by_test_id("stAlert").first, text=message)
        app.see("reload this page")
        app.assert_no_exception()
        text = app.main.inner_text()
        for technical in ("Error", "Traceback", "Exception", "IO Error"):
            assert technical not in text, f"{technical!r} on /{path}: {text[:500]}"
        assert app.main.get_by_test_id("stMetric").count() == 0


def test_a_damaged_file_says_restore_and_recovers(start_app, demo_db, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(os.urandom(64 * 1024))
    app = start_app(db)
    assert_says(app, "is damaged or is not a Backorder desk database")
    app.see("restore a snapshot")

    copy_db(demo_db, db)  # the administrator restores the file
    app.open("", title="Backorder desk")
    app.see("Backorders waiting")
    app.assert_no_exception()


def test_a_file_held_by_another_program_names_it_and_recovers(start_app, demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "warehouse.duckdb")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        app = start_app(db)
        assert_says(app, f"is open in another program (PID {holder.pid})")
    finally:
        holder.terminate()
        holder.wait(timeout=10)

    app.open("", title="Backorder desk")  # the other program has closed it: a reload works
    app.see("Backorders waiting")
    app.assert_no_exception()
