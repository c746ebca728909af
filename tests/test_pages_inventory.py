"""Inventory: receive (auto-release), adjust and change status, errors shown plainly."""

from __future__ import annotations

from pages_helpers import INVENTORY, app, open_db, shown

pytest_plugins = ["pages_fixtures"]

RECEIVE = "FormSubmitter:inventory_receive_form-Receive"
ADJUST = "FormSubmitter:inventory_adjust_form-Adjust"
CHANGE = "FormSubmitter:inventory_status_form-Change status"


def test_renders_on_demo_data(demo_db):
    at = app(INVENTORY)
    assert not at.exception
    assert len(at.dataframe) == 2  # on hand and ledger
    assert not at.dataframe[1].value.empty


def test_receipt_releases_waiting_backorders(small_db):
    wh = open_db(small_db)
    wh.run_fulfillment(["1", "2", "3"])  # 2.001 waits for 5 A
    at = app(INVENTORY)
    at.selectbox(key="inv_recv_sku").select("A")
    at.number_input(key="inv_recv_qty").set_value(5)
    at.button(key=RECEIVE).click().run()
    assert not at.exception and not at.error
    assert "2.001" in shown(at.success[0].value)
    assert wh.order("2.001")["status"] == "On Order"
    assert at.dataframe[-1].value["kind"].iloc[0] == "Receipt"  # a word, not an identifier


def test_adjustment_offers_the_backorders_now_releasable(small_db):
    wh = open_db(small_db)
    wh.run_fulfillment(["1", "2", "3"])
    at = app(INVENTORY)
    at.selectbox(key="inv_adj_sku").select("A")
    at.number_input(key="inv_adj_delta").set_value(5)
    at.text_input(key="inv_adj_reason").set_value("found a box")
    at.button(key=ADJUST).click().run()
    assert not at.exception and not at.error
    assert wh.order("2.001")["status"] == "Back Order"  # adjustments release nothing
    releasable = at.container(key="inventory_releasable").dataframe[0].value
    assert releasable["order_no"].tolist() == ["2.001"]
    assert at.button(key="inventory_release").label == "Release Back Order"


def test_engine_errors_are_shown_not_raised(small_db):
    open_db(small_db).run_fulfillment(["1"])  # reserves 4 of the 5 A
    at = app(INVENTORY)
    at.selectbox(key="inv_adj_sku").select("A")
    at.number_input(key="inv_adj_delta").set_value(-3)
    at.button(key=ADJUST).click().run()
    assert not at.exception
    assert "reserved" in at.error[0].value
    at.selectbox(key="inv_st_sku").select("B")
    at.number_input(key="inv_st_qty").set_value(9)
    at.button(key=CHANGE).click().run()
    assert not at.exception
    assert "only 3 on hand" in at.error[0].value


def test_a_refused_change_keeps_the_input_and_a_large_one_is_confirmed(small_db):
    wh = open_db(small_db)
    wh.run_fulfillment(["1"])  # reserves 4 of the 5 A
    at = app(INVENTORY)
    at.selectbox(key="inv_adj_sku").select("A").run()
    assert at.selectbox(key="inv_st_sku").value == "A"  # the forms share the SKU
    stock = {m.label: m.value for m in at.container(key="inv_adj_stock").metric}
    assert (stock["Available"], stock["Reserved"], stock["Free"]) == ("5", "4", "1")
    at.number_input(key="inv_adj_delta").set_value(-3)
    at.text_input(key="inv_adj_reason").set_value("count")
    at.button(key=ADJUST).click().run()
    assert "reserved" in at.error[0].value
    assert at.number_input(key="inv_adj_delta").value == -3  # kept for another try
    assert at.text_input(key="inv_adj_reason").value == "count"

    at.number_input(key="inv_recv_qty").set_value(60)  # > 10 x the 5 A on hand
    at.button(key=RECEIVE).click().run()
    assert "Please confirm" in at.warning[0].value
    assert wh.inventory("A")["qty"].sum() == 5  # nothing yet
    at.button(key="inventory_confirm_yes").click().run()
    assert not at.exception and not at.error
    assert int(wh.inventory("A").query("status == 'Available'")["qty"].iloc[0]) == 65
    assert at.number_input(key="inv_recv_qty").value == 1  # made: the form is cleared


def test_empty_database(empty_db):
    at = app(INVENTORY)
    assert "warehouse is empty" in at.info[0].value


def test_a_large_catalogue_is_picked_by_typing_the_start_of_a_sku(small_db):
    """Thousands of SKUs in a picker make every rerun slow to draw: past PICKER_MAX the
    pickers list only the SKUs that start with what the analyst types."""
    import pandas as pd

    from ui.stock import PICKER_MAX

    wh = open_db(small_db)
    many = [f"BULK-{n:05d}" for n in range(PICKER_MAX + 500)]
    wh.import_items(pd.DataFrame({"sku": many, "description": "bulk", "backorder": True,
                                  "unit_price": 1.0}))
    at = app(INVENTORY)
    assert not at.exception
    assert len(at.selectbox(key="inv_recv_sku").options) == PICKER_MAX
    at.text_input(key="inv_sku_find").set_value("bulk-0249").run()
    assert at.selectbox(key="inv_recv_sku").options == [f"BULK-0249{d}" for d in range(10)]
    at.selectbox(key="inv_recv_sku").select("BULK-02493")
    at.number_input(key="inv_recv_qty").set_value(4)
    at.button(key=RECEIVE).click().run()
    assert not at.exception and not at.error
    stock = wh.inventory("BULK-02493").set_index("status")["qty"]
    assert stock["Available"] == 4


def test_auto_release_is_off_for_adjustments_by_default_and_saving_it_is_audited(small_db):
    wh = open_db(small_db)
    wh.run_fulfillment(["1", "2", "3"])  # 2.001 waits for 5 A, 3.001 for 3 B
    at = app(INVENTORY)
    toggles = {t.key: t.value for t in at.toggle}
    assert toggles == {"inv_auto_receipt": True, "inv_auto_adjustment": False,
                       "inv_auto_status": False}
    assert "released automatically on receipts" in at.caption[0].value
    assert at.button(key="inventory_auto_save").disabled  # nothing changed yet
    at.toggle(key="inv_auto_adjustment").set_value(True).run()
    at.toggle(key="inv_auto_status").set_value(True).run()
    at.button(key="inventory_auto_save").click().run()
    assert not at.exception and not at.error
    assert wh.auto_release().on_adjustment and wh.auto_release().on_status_change
    logged = wh.audit_log(limit=1).iloc[0]
    assert logged["action"] == "auto_release_changed" and logged["user"] == "analyst"
    assert "adjustment: on" in logged["detail"]
    assert "receipts, adjustments, status changes" in at.caption[0].value

    # An adjustment now releases by itself, and the screen says which.
    at.selectbox(key="inv_adj_sku").select("A")
    at.number_input(key="inv_adj_delta").set_value(5)
    at.button(key=ADJUST).click().run()
    assert not at.exception and not at.error
    assert wh.order("2.001")["status"] != "Back Order"
    said = shown(at.success[0].value)
    assert "auto-release on adjustments" in said and "2.001" in said
    # ... and so does a status change into Available.
    at.selectbox(key="inv_st_sku").select("B")
    at.number_input(key="inv_st_qty").set_value(3)
    at.button(key=CHANGE).click().run()
    assert not at.exception and not at.error
    assert "3.001" in shown(at.success[0].value)


def test_a_receipt_against_an_expected_receipt_says_so(small_db):
    import pandas as pd

    wh = open_db(small_db)
    wh.import_expected_receipts(pd.DataFrame({"ref": ["PO-9"], "line_no": [1], "sku": ["A"],
                                              "qty": [3], "due_date": ["2026-12-01"]}))
    at = app(INVENTORY)
    at.selectbox(key="inv_recv_sku").select("A")
    at.number_input(key="inv_recv_qty").set_value(5)
    at.text_input(key="inv_recv_ref").set_value("PO-9")
    at.button(key=RECEIVE).click().run()
    assert not at.exception and not at.error
    assert "against PO-9 line 1" in shown(at.success[0].value)
    assert "2 units more than PO-9 line 1" in shown(at.warning[0].value)
    assert int(wh.expected_receipts()["received_qty"].iloc[0]) == 5
    assert at.text_input(key="inv_recv_ref").value == ""  # made: the form is cleared

    at.text_input(key="inv_recv_ref").set_value("PO-NONE")
    at.button(key=RECEIVE).click().run()
    assert not at.exception
    assert "There is no expected receipt PO" in shown(at.error[0].value)


def test_viewing_only_cannot_change_auto_release(small_db, monkeypatch):
    monkeypatch.setenv("BACKORDER_READ_ONLY", "1")
    at = app(INVENTORY)
    assert all(t.disabled for t in at.toggle)
    save = at.button(key="inventory_auto_save")
    assert save.disabled and "Viewing only" in save.help
