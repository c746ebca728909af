"""Items: filters, and the backorder flag edited in the grid and saved with an audit row."""

from __future__ import annotations

from pages_helpers import ITEMS, app, open_db, tick

pytest_plugins = ["pages_fixtures"]


def test_renders_one_page_of_items_on_demo_data(demo_db):
    at = app(ITEMS)
    frame = at.data_editor[0].value
    wh = open_db(demo_db)
    assert frame["sku"].tolist() == wh.items(limit=200)["sku"].tolist()
    assert f"**{wh.count_items():,} items**" in " ".join(m.value for m in at.markdown)
    assert {"backorder", "available", "frozen", "damaged", "units_waiting",
            "units_shorted"} <= set(frame.columns)


def test_shorted_but_not_allowed_filter_from_a_deep_link(demo_db):
    at = app()
    at.query_params["view"] = "shorted"
    at.switch_page(ITEMS).run()
    assert at.checkbox(key="items_f_shorted").value
    expected = open_db(demo_db).items(shorted_not_allowed=True)["sku"].tolist()
    assert at.data_editor[0].value["sku"].tolist() == expected


def test_backorder_flag_is_saved_and_audited(small_db):
    at = app(ITEMS)
    frame = at.data_editor[0].value
    position = frame["sku"].tolist().index("C")
    assert not frame["backorder"].iloc[position]
    tick(at, "items_grid", [position], column="backorder", value=True)
    assert "(1)" in at.button(key="items_save").label
    at.button(key="items_save").click().run()
    assert not at.exception and not at.error
    wh = open_db(small_db)
    items = wh.items().set_index("sku")
    assert bool(items.loc["C", "backorder"])
    assert "backorder_flag_changed" in wh.audit_log(sku="C")["action"].tolist()
    assert at.toast


def test_filters(small_db):
    open_db(small_db).run_fulfillment(["1", "2", "3"])
    at = app(ITEMS)
    at.segmented_control(key="items_f_allowed").set_value("Not allowed").run()
    assert at.data_editor[0].value["sku"].tolist() == ["C"]
    at.segmented_control(key="items_f_allowed").set_value("Any").run()
    at.checkbox(key="items_f_waiting").check().run()
    assert at.data_editor[0].value["sku"].tolist() == ["A", "B"]


def test_empty_database(empty_db):
    at = app(ITEMS)
    assert "warehouse is empty" in at.info[0].value
