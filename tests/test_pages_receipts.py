"""Expected receipts: open receipts soonest due first (overdue flagged) with what each will
release; a receipt picked by its row or by a ?ref= link shows its section; receiving
against it releases backorders and reports an over-receipt; viewing only refuses."""

from __future__ import annotations

import pandas as pd
from pages_helpers import RECEIPTS, app, open_db, shown

pytest_plugins = ["pages_fixtures"]

RECEIVE = "FormSubmitter:receipts_receive_form-Receive"
SEED_ORDER, SEED_BACKORDER, SEED_REF = "140", "140.001", "PO-7701"


def deep_link(ref: str):
    at = app(RECEIPTS)
    at.query_params["ref"] = ref
    at.run()
    assert not at.exception, at.exception
    return at


def has_section(at) -> bool:
    try:
        at.get_by_key("receipts_section")
    except KeyError:
        return False
    return True


def section_title(at) -> str:
    return shown(at.get_by_key("receipts_section").subheader[0].value)


def test_lists_open_receipts_soonest_due_first_with_overdue_flagged(demo_db):
    plan = open_db(demo_db).receipt_plan()
    at = app(RECEIPTS)
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert table["ref"].tolist() == plan["ref"].tolist()
    assert table["due_date"].is_monotonic_increasing
    assert [d[0] for d in table["due"]] == ["Overdue" if o else "Expected"
                                            for o in plan["overdue"]]
    assert plan["overdue"].any() and not plan["overdue"].all()
    metrics = {m.label: m.value for m in at.get_by_key("receipts_metrics").metric}
    assert metrics["Open receipts"] == str(plan["ref"].nunique())
    assert metrics["Overdue"] == str(plan.loc[plan["overdue"], "ref"].nunique())
    assert metrics["Backorders they will release"] == f"{plan['backorders'].sum():,}"
    assert not has_section(at)  # nothing picked yet
    assert at.get("download_button")  # the export


def test_a_ref_link_shows_the_receipt_and_the_orders_it_will_release(demo_db):
    open_db(demo_db).run_fulfillment([SEED_ORDER])  # 140.001 waits for TR-GR
    at = deep_link(SEED_REF)
    assert SEED_REF in section_title(at)
    assert at.selectbox(key="receipts_ref").value == SEED_REF
    releases = at.get_by_key("receipts_section").dataframe[1].value
    assert releases["order_no"].tolist() == [SEED_BACKORDER]
    assert releases["order"].tolist() == [f"Orders?order={SEED_BACKORDER}"]  # the record
    assert at.query_params["ref"] in (SEED_REF, [SEED_REF])  # the URL names it


def test_a_ref_link_is_case_blind_and_an_unknown_one_is_said_so(demo_db):
    at = deep_link(SEED_REF.lower())
    assert SEED_REF in section_title(at)
    at = deep_link("PO-<b>nope</b>")
    assert "There is no expected receipt PO-<b>nope</b>" in shown(at.warning[0].value)
    assert not has_section(at)


def test_a_row_picks_its_receipt(demo_db):
    plan = open_db(demo_db).receipt_plan()
    at = app(RECEIPTS)
    at.session_state["receipts_plan"] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    assert not at.exception
    assert plan["ref"].iloc[2] in section_title(at)


def test_receiving_against_the_receipt_releases_and_reports_over_receipt(demo_db):
    wh = open_db(demo_db)
    wh.run_fulfillment([SEED_ORDER])
    at = deep_link(SEED_REF)
    qty = at.number_input(key="receipts_recv_qty")
    assert qty.value == 6  # what is still to come on the line
    qty.set_value(8)
    at.text_input(key="receipts_recv_reason").set_value("delivery note 5521")
    at.button(key=RECEIVE).click().run()
    assert not at.exception and not at.error
    done = shown(at.success[0].value)
    assert f"against {SEED_REF} line 1" in done and SEED_BACKORDER in done
    assert "2 units more than PO-7701 line 1" in shown(at.warning[0].value)
    assert wh.order(SEED_BACKORDER)["status"] != "Back Order"
    booked = wh.expected_receipts().set_index("ref").loc[SEED_REF]
    assert int(booked["received_qty"]) == 8 and int(booked["open_qty"]) == 0
    receipt = wh.audit_log(limit=5)
    assert (receipt["action"] == "receipt").any()
    assert f"against {SEED_REF}" in receipt.loc[receipt["action"] == "receipt",
                                                "detail"].iloc[0]
    # Received in full, the receipt leaves the list; its link says so.
    assert SEED_REF not in at.dataframe[0].value["ref"].tolist()
    assert "PO-7701 has nothing more to come" in shown(at.caption[1].value)
    assert at.selectbox(key="receipts_ref").value is None
    at = deep_link(SEED_REF)
    assert "received in full" in shown(at.info[0].value)


def test_a_refused_receipt_is_shown_not_raised(demo_db):
    at = deep_link(SEED_REF)
    at.number_input(key="receipts_recv_qty").set_value(10**13)  # more than one receipt may bring
    at.button(key=RECEIVE).click().run()
    assert not at.exception
    assert at.error and "at most" in shown(at.error[0].value)


def test_viewing_only_cannot_receive(demo_db, monkeypatch):
    monkeypatch.setenv("BACKORDER_READ_ONLY", "1")
    at = deep_link(SEED_REF)
    assert SEED_REF in section_title(at)
    submit = at.button(key=RECEIVE)
    assert submit.disabled and "Viewing only" in submit.help


def test_no_open_receipt_says_where_to_import_them(small_db):
    at = app(RECEIPTS)
    assert not at.exception
    assert "No expected receipt is open" in at.info[0].value


def test_empty_database(empty_db):
    at = app(RECEIPTS)
    assert "warehouse is empty" in at.info[0].value


def test_a_receipt_of_two_lines_receives_the_line_picked(small_db):
    wh = open_db(small_db)
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["TR-1", "TR-1"], "line_no": [1, 2], "sku": ["A", "B"], "qty": [4, 9],
        "due_date": [pd.Timestamp.now().date()] * 2}))
    at = deep_link("TR-1")
    assert at.number_input(key="receipts_recv_qty").value == 4
    at.selectbox(key="receipts_recv_line").select(2).run()
    assert at.number_input(key="receipts_recv_qty").value == 9
    assert "B" in at.number_input(key="receipts_recv_qty").label
    at.button(key=RECEIVE).click().run()
    assert not at.exception and not at.error
    lines = wh.expected_receipts().set_index("line_no")
    assert lines.loc[2, "received_qty"] == 9 and lines.loc[1, "received_qty"] == 0
