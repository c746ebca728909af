"""Ship, Cancel and Audit through AppTest: the review is the engine's, Submit acts once on
the orders marked ok, and the audit log pages in DuckDB."""

from __future__ import annotations

from pages_helpers import AUDIT, CANCEL, SHIP, app, open_db, shown

pytest_plugins = ["pages_fixtures"]


def test_ship_reviews_then_ships_only_processed_orders(small_db):
    wh = open_db(small_db)
    wh.run_fulfillment(["1"])  # 1 is Processed; 2 and 3 stay On Order
    at = app(SHIP)
    at.query_params["orders"] = "1,2"
    at.run()
    at.button(key="ship_review_button").click().run()
    review = at.get_by_key("ship_review_table").dataframe[0].value
    assert review["order_no"].tolist() == ["1", "2"]
    assert [o[0] for o in review["outcome"]] == ["Can ship", "Cannot ship"]
    assert at.button(key="ship_submit").label == "Ship 1 order"
    at.button(key="ship_submit").click().run()
    assert not at.exception and not at.error
    assert "Shipped 1 order: 1." in shown(at.success[0].value)
    assert wh.order("1")["status"] == "Shipped" and wh.order("2")["status"] == "On Order"


def test_cancel_takes_a_reason_into_the_audit_log(small_db):
    wh = open_db(small_db)
    at = app(CANCEL)
    at.query_params["orders"] = "3"
    at.run()
    at.button(key="cancel_review_button").click().run()
    at.text_input(key="cancel_reason").set_value("customer withdrew")
    at.button(key="cancel_submit").click().run()
    assert not at.exception and not at.error
    assert wh.order("3")["status"] == "Cancelled"
    assert wh.audit_log(limit=1)["detail"].iloc[0] == "customer withdrew"


def test_audit_pages_and_filters(demo_db):
    wh = open_db(demo_db)
    at = app(AUDIT)
    assert len(at.dataframe[0].value) == 100
    assert f"**{wh.count_audit():,} changes**" in at.markdown[0].value
    at.multiselect(key="audit_f_actions").select("receipt").run()
    frame = at.dataframe[0].value
    assert set(frame["action"]) == {"Receipt"}
