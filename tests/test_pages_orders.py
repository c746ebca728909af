"""Orders screen: the paged grid, filters, selection via the grid's state, edits, detail."""

from __future__ import annotations

from pages_helpers import FULFILLMENT, ORDERS, RELEASE, app, follow, open_db, tick

from engine import OrderFilter

pytest_plugins = ["pages_fixtures"]


def grid(at):
    return at.data_editor[0].value


def test_renders_one_page_of_demo_orders(demo_db):
    at = app(ORDERS)
    wh = open_db(demo_db)
    frame = grid(at)
    assert len(frame) == 25
    assert frame.columns[0] == "Select"
    assert frame.index.name == "order_no"
    assert list(frame.index) == wh.orders(limit=25, sort="open_first")["order_no"].tolist()
    shown = wh.orders(OrderFilter(order_nos=list(frame.index)))
    assert not shown["status"].isin(["Shipped", "Cancelled"]).any()  # open work first
    assert f"**{wh.count_orders():,}** matching orders" in at.markdown[0].value


def test_empty_database_says_so(empty_db):
    at = app(ORDERS)
    assert "warehouse is empty" in at.info[0].value
    assert not at.data_editor


def test_filters_and_paging_run_in_the_engine(demo_db):
    at = app(ORDERS)
    wh = open_db(demo_db)
    at.multiselect(key="orders_f_status").set_value(["Back Order"]).run()
    f = OrderFilter(statuses=["Back Order"])
    total = wh.count_orders(f)
    assert f"**{total:,}** matching orders" in at.markdown[0].value
    assert list(grid(at).index) == wh.orders(f, limit=25)["order_no"].tolist()
    at.number_input(key="orders_page_no").set_value(2).run()
    assert list(grid(at).index) == wh.orders(f, limit=25, offset=25)["order_no"].tolist()
    # a new filter goes back to page 1
    at.checkbox(key="orders_f_releasable").check().run()
    assert at.number_input(key="orders_page_no").value == 1
    releasable = wh.releasable_now()["order_no"].tolist()
    assert set(grid(at).index) <= set(releasable)


def test_ticks_become_the_selection_and_run_fulfillment(small_db):
    at = app(ORDERS)
    order_nos = list(grid(at).index)
    tick(at, "orders_grid", [0, 1])
    assert at.session_state["orders_selected"] == order_nos[:2]
    at.button(key="orders_run").click().run()
    follow(at, FULFILLMENT)
    assert at.session_state["fulfil_order_nos"] == order_nos[:2]
    at.button(key="fulfil_run").click().run()
    assert not at.exception
    wh = open_db(small_db)
    assert wh.runs()["orders_requested"].tolist() == [2]
    assert {wh.order(n)["status"] for n in order_nos[:2]} == {"Processed"}
    assert wh.order(order_nos[2])["status"] == "On Order"
    assert at.session_state["orders_selected"] == []


def test_select_all_matching_and_clear(demo_db):
    at = app(ORDERS)
    at.multiselect(key="orders_f_status").set_value(["Back Order"]).run()
    at.button(key="orders_select_all").click().run()
    wh = open_db(demo_db)
    expected = wh.orders(OrderFilter(statuses=["Back Order"]))["order_no"].tolist()
    assert sorted(at.session_state["orders_selected"]) == sorted(expected)
    assert "orders_grid" not in at.session_state or grid(at)["Select"].all()
    at.button(key="orders_clear").click().run()
    assert at.session_state["orders_selected"] == []


def test_priority_edit_is_saved_with_an_audit_row(small_db):
    at = app(ORDERS)
    first = grid(at).index[0]
    tick(at, "orders_grid", [0], column="priority", value=4)
    at.button(key="orders_save").click().run()
    assert not at.exception and not at.error
    wh = open_db(small_db)
    assert wh.order(first)["priority"] == 4
    audit = wh.audit_log(order_no=first)
    assert "priority_changed" in audit["action"].tolist()
    assert "orders_grid" not in at.session_state or not at.session_state["orders_grid"].get(
        "edited_rows")
    assert at.toast and "Saved changes to 1 order" in at.toast[0].value


def test_edit_of_a_processed_order_shows_the_engine_error(small_db):
    open_db(small_db).run_fulfillment(["1"])
    at = app(ORDERS)
    position = list(grid(at).index).index("1")
    tick(at, "orders_grid", [position], column="ship_complete", value=True)
    at.button(key="orders_save").click().run()
    assert not at.exception
    assert "already processed" in at.error[0].value
    assert open_db(small_db).order("1")["ship_complete"] is False


def test_detail_shows_lines_history_and_releases_a_backorder(small_db):
    wh = open_db(small_db)
    wh.run_fulfillment(["1", "2", "3"])
    at = app(ORDERS)
    at.text_input(key="orders_open_input").set_value("2.001").run()
    assert at.session_state["orders_open_no"] == "2.001"
    assert at.text_input(key="orders_open_input").value == ""
    lines = at.dataframe[-2].value
    assert lines["sku"].tolist() == ["A"]
    assert not at.dataframe[-1].value.empty  # history
    assert "Backorder created" in at.dataframe[-1].value["action"].tolist()
    at.button(key="orders_detail_release").click().run()
    follow(at, RELEASE)
    assert at.session_state["release_order_nos"] == ["2.001"]
    assert at.session_state["release_origin"] == ORDERS
    assert at.session_state["release_origin_record"] == "2.001"


def test_deep_link_opens_an_order(small_db):
    open_db(small_db).run_fulfillment(["2"])
    at = app()
    at.query_params["order"] = "2.001"
    at.switch_page(ORDERS).run()
    assert at.session_state["orders_open_no"] == "2.001"
    assert at.dataframe[-2].value["sku"].tolist() == ["A"]
