"""One PostgreSQL warehouse, served by the dashboard and open in a notebook at once: both
write, neither is told the warehouse is locked, and each sees what the other wrote. Only
on PostgreSQL (BACKORDER_TEST_STORE); `make test-postgres` runs it."""

from __future__ import annotations

import pytest
import stores

import engine

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not stores.on_postgres(),
                                 reason="needs a PostgreSQL server (BACKORDER_TEST_STORE)")]


@pytest.fixture
def served_and_oracle(tmp_path):
    """The demo warehouse in a new database, and a copy of it on which the receipt the
    analyst will make was made first: what it releases is the oracle."""
    served = stores.new_database()
    wh = engine.open(served)
    wh.load_demo()
    wh.close()
    oracle_url = stores.copy_location(served, tmp_path)
    oracle = engine.open(oracle_url)
    waiting = oracle.releasable_now(include_blocked=True)
    blocked = waiting[~waiting["releasable"] & ~waiting["skus"].str.contains(",")].iloc[0]
    sku, qty = blocked["skus"], int(blocked["units"])
    released = oracle.receive(sku, qty, user="oracle").released
    oracle.close()
    assert released, "the oracle receipt should release something"
    yield served, sku, qty, released
    stores.drop_database(oracle_url)
    stores.drop_database(served)


def test_the_dashboard_and_a_notebook_write_one_warehouse(start_app, served_and_oracle):
    served, sku, qty, released = served_and_oracle
    app = start_app(served)  # the dashboard's server holds the warehouse open
    notebook = engine.open(served)  # and so does the analyst's notebook
    try:
        app.open("Inventory", title="Inventory")
        app.choose("SKU", sku)
        app.page.get_by_role("spinbutton", name="Quantity received", exact=True).fill(
            str(qty))
        app.page.get_by_role("textbox", name="Reference", exact=True).fill("PO 4711")
        app.button("Receive").click()
        counted = notebook.adjust("SB-PK", 5, reason="cycle count in the notebook",
                                  user="notebook")  # while the dashboard writes
        assert counted is not None
        units = f"{qty:,} unit{'s' if qty != 1 else ''}"
        app.see(f"{units} of {sku} into Available. Released by itself: "
                f"{', '.join(released)}.")
        app.assert_no_exception()

        # Each sees the other's change: the notebook the release, the dashboard the count.
        assert notebook.order(released[0])["status"] == "On Order"
        app.open("Audit", title="Audit")
        app.fill("User", "notebook")
        app.see(app.main, text="1 change · page 1 of 1")
        app.assert_no_exception()
    finally:
        notebook.close()
