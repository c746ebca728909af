"""Orders screen, when and why (design section 6): the grid's ETA, Late, Covered by and Ship
by columns for Back Order rows, the ETA and ship-by filters (kept when the analyst leaves
and comes back, and seeded by ?eta= links), the sort by ETA over the whole filtered set,
and a backorder's record explaining why it waits with links to the orders holding the
stock and to the expected receipt."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs

import pandas as pd
import pytest
from pages_helpers import ITEMS, ORDERS, app, open_db, shown

from engine import OrderFilter

pytest_plugins = ["pages_fixtures"]


def grid(at):
    return at.data_editor[0].value


def page_links(at) -> list[tuple[str, str, dict]]:
    """(label, page url path, query params) of each page link on screen."""
    return [(p.proto.label, p.proto.page, parse_qs(p.proto.query_string))
            for p in at.get("page_link")]


def receipt_links(at) -> list:
    """The links to one expected receipt (the menu's link to the screen has no ref)."""
    return [p for p in at.get("page_link")
            if p.proto.page == "Expected_receipts" and "ref" in parse_qs(p.proto.query_string)]


@pytest.fixture
def with_140_backordered(demo_db):
    """The demo after a run on 140: 140.001 waits for 3 TR-GR, PO-7701 brings them on
    today + 8, three days after its ship-by date."""
    wh = open_db(demo_db)
    wh.run_fulfillment(["140"], user="test")
    return demo_db


def test_back_order_rows_show_eta_late_covered_by_and_ship_by(with_140_backordered):
    wh = open_db(with_140_backordered)
    at = app(ORDERS)
    at.text_input(key="orders_f_search").set_value("140").run()
    frame = grid(at)
    row, parent = frame.loc["140.001"], frame.loc["140"]
    expected = wh.orders(OrderFilter(order_nos=["140.001"])).iloc[0]
    assert row["eta"] == expected["eta"].date()
    assert row["covered_by"] == "PO-7701"
    assert row["late_by_days"] == "late by 3 days"
    assert row["ship_by"] == expected["ship_by"].date()
    assert row["eta"] - row["ship_by"] == timedelta(days=3)
    assert row["why_waiting"] == wh.waiting_reasons(["140.001"])["reason"].iloc[0]
    # the parent is Processed: no ETA, nothing late, nothing covering it
    assert parent[["eta", "late_by_days", "covered_by"]].isna().all()


def test_eta_filter_matches_the_engine_and_is_kept_across_screens(with_140_backordered):
    wh = open_db(with_140_backordered)
    at = app(ORDERS)
    for name in ("late", "no supply", "releasable now", "expected"):
        at.selectbox(key="orders_f_eta").set_value(name).run()
        f = OrderFilter(eta=name)
        total = wh.count_orders(f)
        assert f"**{total:,}** matching orders" in at.markdown[0].value, name
        assert list(grid(at).index) == wh.orders(f, limit=25, sort="open_first")[
            "order_no"].tolist(), name
    at.selectbox(key="orders_f_eta").set_value("late").run()
    assert "140.001" in grid(at).index
    assert set(grid(at)["late_by_days"]) <= {f"late by {n} day{'s' * (n != 1)}"
                                              for n in range(1, 400)}
    at.switch_page(ITEMS).run()
    assert not at.exception
    at.switch_page(ORDERS).run()
    assert at.selectbox(key="orders_f_eta").value == "late"
    assert f"**{wh.count_orders(OrderFilter(eta='late')):,}** matching" in at.markdown[0].value


def test_ship_by_filter_and_sort_by_eta_cover_the_whole_set(with_140_backordered):
    wh = open_db(with_140_backordered)
    ship_by = wh.orders(OrderFilter(order_nos=["140.001"]))["ship_by"].iloc[0].date()
    at = app(ORDERS)
    at.date_input(key="orders_f_ship_by_to").set_value(ship_by).run()
    f = OrderFilter(ship_by_to=ship_by)
    assert f"**{wh.count_orders(f):,}** matching orders" in at.markdown[0].value
    assert all(d <= ship_by for d in grid(at)["ship_by"])

    at.date_input(key="orders_f_ship_by_to").set_value(None).run()
    at.multiselect(key="orders_f_status").set_value(["Back Order"]).run()
    at.selectbox(key="orders_sort").set_value("eta").run()
    f = OrderFilter(statuses=["Back Order"])
    soonest = wh.orders(f, limit=25, sort="eta")
    assert list(grid(at).index) == soonest["order_no"].tolist()
    assert soonest["eta"].iloc[0] == wh.orders(f)["eta"].min()  # of all, not of a page
    at.selectbox(key="orders_sort_direction").set_value("High to low").run()
    assert list(grid(at).index) == wh.orders(f, limit=25, sort="-eta")["order_no"].tolist()
    assert at.selectbox(key="orders_sort").options.count("ETA") == 1


def test_eta_links_seed_the_filter_and_junk_is_ignored(with_140_backordered):
    at = app()
    at.query_params["eta"] = "late"
    at.switch_page(ORDERS).run()
    assert not at.exception and not at.warning
    assert at.selectbox(key="orders_f_eta").value == "late"
    assert "eta" not in at.query_params
    at = app()
    at.query_params["eta"] = "<b>soon</b>"
    at.switch_page(ORDERS).run()
    assert not at.exception
    assert at.selectbox(key="orders_f_eta").value is None


def test_backorder_record_explains_why_with_links(with_140_backordered):
    wh = open_db(with_140_backordered)
    why = wh.why_waiting("140.001")
    at = app(ORDERS)
    at.text_input(key="orders_open_input").set_value("140.001").run()
    assert not at.exception
    texts = [shown(m.value) for m in at.markdown]
    eta = wh.orders(OrderFilter(order_nos=["140.001"]))["eta"].iloc[0]
    assert any(t.startswith(f"**ETA** {eta:%-d %b %Y} · covered by PO-7701 · "
                            "**late by 3 days** (ship by ") for t in texts), texts
    assert f"- {why['reason'].iloc[0]}" in texts
    assert "0 free (2 on hand, all reserved for 140)" in why["reason"].iloc[0]
    table = at.dataframe[-3].value  # then the lines and the history
    assert table["sku"].tolist() == ["TR-GR"]
    assert table[["needed", "free", "available_on_hand", "reserved", "frozen"]].iloc[
        0].tolist() == [3, 0, 2, 2, 3]
    assert table["next_receipt_ref"].tolist() == ["PO-7701"]
    links = page_links(at)
    assert ("140", "Orders", {"order": ["140"]}) in links  # holds the TR-GR
    assert [(p.proto.label, parse_qs(p.proto.query_string)) for p in receipt_links(at)] == [
        ("PO\\-7701", {"ref": ["PO-7701"]})]
    assert "TR-GR is reserved for" in [shown(t) for t in texts]


def test_other_orders_show_nothing_new(with_140_backordered):
    at = app(ORDERS)
    at.text_input(key="orders_open_input").set_value("140").run()  # Processed
    assert not at.exception
    assert not any(m.value.startswith("**ETA**") for m in at.markdown)
    assert not receipt_links(at)
    assert not any("needed" in d.value.columns for d in at.dataframe)  # no numbers table


def test_a_receipt_ref_is_text_and_its_link_is_url_encoded(small_db):
    """A ref with Markdown, '&' and '#' reads as written and reaches the receipt screen
    whole."""
    ref = "PO#1 & *2*/[x](y)"
    wh = open_db(small_db)
    wh.import_expected_receipts(pd.DataFrame({
        "ref": [ref], "line_no": [1], "sku": ["B"], "qty": [5],
        "due_date": [date.today() + timedelta(days=3)]}))
    wh.run_fulfillment(["3"], user="test")  # 3 wants 5 B: 2 allocated, 3.001 waits for 3
    at = app(ORDERS)
    at.text_input(key="orders_open_input").set_value("3.001").run()
    assert not at.exception
    [link] = receipt_links(at)
    assert shown(link.proto.label) == ref
    assert parse_qs(link.proto.query_string) == {"ref": [ref]}
    assert "%23" in link.proto.query_string and "%26" in link.proto.query_string
    assert any(f"covered by {ref}" in shown(m.value) for m in at.markdown)
