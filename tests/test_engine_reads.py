"""Reads behind the Orders grid and the charts: sorting covers the whole filtered set, and
text typed by an analyst matches by prefix or substring, case ignored, with % and _ literal."""

from __future__ import annotations

import pytest
from conftest import build

import engine


@pytest.fixture
def shop(wh):
    build(wh, {"TR-GR": True, "TR-BK": True, "X_1": True, "X%2": True},
          [("TR-GR", "Available", 100), ("TR-BK", "Available", 100)],
          [{"order_no": str(n), "customer": f"Customer {n % 4}", "priority": 1 + n % 5}
           for n in range(1, 61)],
          [(str(n), 1, ["TR-GR", "TR-BK", "X_1", "X%2"][n % 4], n) for n in range(1, 61)])
    return wh


def test_sorting_by_units_covers_every_filtered_order_not_just_the_page(shop):
    page = shop.orders(limit=5, sort="-units")
    assert page["order_no"].tolist() == ["60", "59", "58", "57", "56"]
    assert shop.orders(limit=5, offset=5, sort="units")["units"].tolist() == [6, 7, 8, 9, 10]
    assert shop.order_nos(limit=3, sort="-value") == ["60", "59", "58"]


@pytest.mark.parametrize("column", sorted(engine.ORDER_COLUMNS_SORTABLE))
def test_every_sortable_column_sorts_the_whole_set(shop, column):
    frame = shop.orders(sort=column)
    page = shop.orders(limit=10, offset=20, sort=column)
    assert page["order_no"].tolist() == frame["order_no"].iloc[20:30].tolist()
    reverse = shop.orders(sort="-" + column)
    assert len(reverse) == len(frame) == 60


def test_an_unknown_sort_is_refused(shop):
    with pytest.raises(engine.ValidationError, match="sort"):
        shop.orders(sort="units; DROP TABLE orders")


def test_sku_filter_ignores_case_and_takes_a_prefix(shop):
    f = engine.OrderFilter(sku="tr-g")
    assert shop.count_orders(f) == 15
    assert set(shop.orders(f)["skus"]) == {"TR-GR"}
    assert shop.count_orders(engine.OrderFilter(sku="TR-")) == 30


def test_percent_and_underscore_typed_by_an_analyst_are_plain_characters(shop):
    assert shop.count_orders(engine.OrderFilter(sku="X_")) == 15  # X_1, not X%2
    assert set(shop.orders(engine.OrderFilter(sku="x%"))["skus"]) == {"X%2"}
    assert shop.count_orders(engine.OrderFilter(sku="%")) == 0
    assert shop.count_orders(engine.OrderFilter(search="_")) == 0
    assert shop.count_items(search="%") == 1


def test_analytics_sku_filter_matches_like_the_grid(shop):
    shop.run_fulfillment([str(n) for n in range(1, 61)])  # X_1 and X%2 have no stock
    top = shop.top_backorder_skus(engine.BackorderFilter(sku="x_"))
    assert top["sku"].tolist() == ["X_1"]
    assert "free" in top.columns
    rates = shop.fill_rates(engine.BackorderFilter(sku="tr-"))
    assert rates["unit_fill_rate"].iloc[0] == pytest.approx(200 / (480 + 435))  # TR-* only
    assert shop.fill_rates(engine.BackorderFilter(sku="x"))["unit_fill_rate"].iloc[0] == 0


def test_audit_log_filters_by_who_what_and_when(shop):
    shop.receive("TR-GR", 5, user="Dana Smith")
    shop.adjust("TR-BK", -3, reason="count", user="Lee")
    f = engine.AuditFilter(user="dana")
    assert shop.audit_log(filter=f)["action"].tolist() == ["receipt"]
    assert shop.count_audit(engine.AuditFilter(actions=["adjustment", "receipt"])) == 2
    assert "order_imported" in shop.audit_actions()
    assert shop.count_audit() == len(shop.audit_log())
    assert len(shop.audit_log(limit=10, offset=10)) == 10


def test_waiting_reasons_name_what_each_backorder_lacks(wh):
    build(wh, {"A": True, "B": True}, [("A", "Available", 2), ("A", "Frozen", 3)],
          [{"order_no": "1"}, {"order_no": "2"}], [("1", 1, "A", 5), ("2", 1, "B", 1)])
    wh.run_fulfillment(["1", "2"])
    reasons = wh.waiting_reasons(["1.001", "2.001", "1", "99"]).set_index("order_no")["reason"]
    assert reasons.to_dict() == {"1.001": "A needs 3: 0 free, 3 Frozen",
                                 "2.001": "B needs 1: 0 free"}
    wh.adjust("B", 1)
    assert wh.waiting_reasons(["2.001"])["reason"].tolist() == ["Free stock covers it"]


def test_a_selection_is_counted_per_status_in_one_read(shop):
    shop.run_fulfillment(shop.order_nos(engine.OrderFilter(statuses=["On Order"]))[:3])
    chosen = shop.order_nos() + ["999999"]  # an unknown number counts nowhere
    counts = shop.status_counts(engine.OrderFilter(order_nos=chosen))
    assert counts == {s: shop.count_orders(engine.OrderFilter(order_nos=chosen, statuses=[s]))
                      for s in engine.ORDER_STATUSES
                      if shop.count_orders(engine.OrderFilter(order_nos=chosen, statuses=[s]))}
    assert sum(counts.values()) == len(chosen) - 1 and len(counts) > 1
