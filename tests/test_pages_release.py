"""Release Back Order: every step, a warning order that is not released, the double-submit
guard, and OK back to the screen where the analyst started."""

from __future__ import annotations

from pages_helpers import (
    INVENTORY,
    ORDERS,
    RELEASE,
    TITLES,
    app,
    follow,
    open_db,
    shown,
    tick,
    title,
)

from engine import OrderFilter

pytest_plugins = ["pages_fixtures"]


def ok_and_warning_on_first_page(wh) -> tuple[int, int, str, str]:
    """Grid positions of one releasable and one not releasable backorder on page 1."""
    page = wh.orders(OrderFilter(statuses=["Back Order"]), limit=25)["order_no"].tolist()
    outcomes = {n: wh.review_release([n])["outcome"].iloc[0] for n in page}
    ok = next(n for n in page if outcomes[n] == "ok")
    warning = next(n for n in page if outcomes[n] == "warning")
    return page.index(ok), page.index(warning), ok, warning


def test_every_step_from_the_grid_and_back(demo_db):
    wh = open_db(demo_db)
    ok_pos, warn_pos, ok_no, warn_no = ok_and_warning_on_first_page(wh)
    at = app(ORDERS)
    at.multiselect(key="orders_f_status").set_value(["Back Order"]).run()
    tick(at, "orders_grid", [ok_pos, warn_pos])
    at.button(key="orders_release").click().run()
    follow(at, RELEASE)

    # Select
    assert sorted(at.session_state["release_order_nos"]) == sorted([ok_no, warn_no])
    at.button(key="release_review").click().run()
    # Review: one ok (green), one warning with its reason
    review = at.session_state["release_review_frame"].set_index("order_no")
    assert review.loc[ok_no, "outcome"] == "ok"
    assert review.loc[warn_no, "outcome"] == "warning"
    assert "needs" in review.loc[warn_no, "reason"]
    review_rows = at.container(key="release_review_table").dataframe[0].value
    assert len(review_rows) == 2
    assert not at.button(key="release_submit").disabled
    # Submit
    at.button(key="release_submit").click().run()
    assert not at.exception and not at.error
    assert at.session_state["release_step"] == "confirm"
    # Confirmation: released and not released, with reasons
    assert ok_no in shown(at.success[0].value)
    refused = at.container(key="release_refused_table").dataframe[0].value
    assert refused["order_no"].tolist() == [warn_no]
    assert wh.order(ok_no)["status"] == "On Order"
    assert wh.order(ok_no)["ship_code"] == "Ready to ship"
    assert wh.order(warn_no)["status"] == "Back Order"
    # OK: back to the Orders grid, the wizard forgotten
    at.button(key="release_ok").click().run()
    assert not at.exception
    assert title(at) == TITLES[ORDERS]
    assert "release_order_nos" not in at.session_state
    assert at.session_state["orders_selected"] == []


def test_submit_is_disabled_when_nothing_is_ok(demo_db):
    wh = open_db(demo_db)
    _, _, _, warn_no = ok_and_warning_on_first_page(wh)
    at = app()
    at.session_state["release_order_nos"] = [warn_no]
    at.session_state["release_step"] = "select"
    at.switch_page(RELEASE).run()
    at.button(key="release_review").click().run()
    assert at.button(key="release_submit").disabled
    assert at.warning


def test_a_second_submit_of_the_same_review_does_nothing(demo_db):
    wh = open_db(demo_db)
    ok_no = wh.releasable_now()["order_no"].iloc[0]
    at = app()
    at.session_state["release_order_nos"] = [ok_no]
    at.switch_page(RELEASE).run()
    at.button(key="release_review").click().run()
    token = at.session_state["release_token"]
    at.button(key="release_submit").click().run()
    assert at.session_state["release_step"] == "confirm"
    audit_rows = len(wh.audit_log())
    # replay the click against the same review, as a double click would
    at.session_state["release_step"] = "review"
    at.session_state["release_token"] = token
    at.run()
    at.button(key="release_submit").click().run()
    assert not at.exception
    assert at.info and "already submitted" in at.info[-1].value
    assert len(wh.audit_log()) == audit_rows


def test_add_all_releasable_now_and_an_error_order(demo_db):
    wh = open_db(demo_db)
    releasable = wh.releasable_now()["order_no"].tolist()
    at = app(RELEASE)
    at.button(key="release_add_releasable").click().run()
    assert at.session_state["release_order_nos"] == releasable
    at.button(key="release_clear").click().run()
    assert at.session_state["release_order_nos"] == []
    at.multiselect(key="release_pick").set_value(releasable[:1] + ["140"]).run()
    assert at.session_state["release_order_nos"] == releasable[:1] + ["140"]
    assert at.multiselect(key="release_pick").value == []
    at.button(key="release_review").click().run()
    review = at.session_state["release_review_frame"].set_index("order_no")
    assert review.loc["140", "outcome"] == "error"
    at.button(key="release_submit").click().run()
    assert wh.order(releasable[0])["status"] == "On Order"
    refused = at.container(key="release_refused_table").dataframe[0].value
    assert refused["order_no"].tolist() == ["140"]


def test_inventory_is_the_origin_after_a_status_change(demo_db):
    wh = open_db(demo_db)
    wh.run_fulfillment(["140"])  # 140 wants 5 TR-GR: 2 Available, 3 Frozen
    waiting = wh.orders(OrderFilter(search="140", statuses=["Back Order"]))["order_no"]
    assert waiting.tolist() == ["140.001"]
    at = app(INVENTORY)
    at.selectbox(key="inv_st_sku").select("TR-GR")
    at.number_input(key="inv_st_qty").set_value(3)
    at.selectbox(key="inv_st_from").select("Frozen")
    at.selectbox(key="inv_st_to").select("Available")
    at.button(key="FormSubmitter:inventory_status_form-Change status").click().run()
    assert not at.exception and not at.error
    releasable = at.container(key="inventory_releasable").dataframe[0].value
    assert "140.001" in releasable["order_no"].tolist()
    at.button(key="inventory_release").click().run()
    follow(at, RELEASE)
    at.session_state["release_order_nos"] = ["140.001"]
    at.run()
    at.button(key="release_review").click().run()
    at.button(key="release_submit").click().run()
    assert wh.order("140.001")["status"] == "On Order"
    at.button(key="release_ok").click().run()
    assert title(at) == TITLES[INVENTORY]


def test_empty_database(empty_db):
    at = app(RELEASE)
    assert "warehouse is empty" in at.info[0].value
