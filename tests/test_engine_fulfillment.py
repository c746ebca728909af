"""Fulfillment runs: one test per rule of DESIGN.md §2 that a run must keep."""

from __future__ import annotations

from conftest import build, free, lines_of, order


def test_short_line_goes_to_a_numbered_backorder_with_an_alert(wh):
    build(wh, {"TR-GR": True}, [("TR-GR", "Available", 2), ("TR-GR", "Frozen", 3)],
          [{"order_no": "140", "priority": 2, "customer": "Northwind"}],
          [("140", 1, "TR-GR", 5)])
    result = wh.run_fulfillment(["140"], user="ana")

    alert = result.alerts.set_index("kind").loc["backordered"]
    assert (alert["sku"], alert["qty"], alert["new_order_no"]) == ("TR-GR", 3, "140.001")
    parent, backorder = order(wh, "140"), order(wh, "140.001")
    assert parent["status"] == "Processed"
    assert backorder["status"] == "Back Order"
    assert backorder["ship_code"] == "Unshippable backorder"
    assert backorder["parent_order_no"] == "140"
    assert (backorder["priority"], backorder["customer"]) == (2, "Northwind")
    assert backorder["order_date"] == parent["order_date"]
    line = lines_of(wh, "140").loc[1]
    assert (line["allocated_qty"], line["backorder_qty"], line["shorted_qty"]) == (2, 3, 0)
    assert lines_of(wh, "140.001").loc[1, "ordered_qty"] == 3


def test_only_available_stock_is_allocated(wh):
    build(wh, {"A": True},
          [("A", "Frozen", 50), ("A", "Damaged", 50), ("A", "Quarantine", 50)],
          [{"order_no": "1"}], [("1", 1, "A", 4)])
    wh.run_fulfillment(["1"])
    assert lines_of(wh, "1").loc[1, "allocated_qty"] == 0
    assert order(wh, "1")["status"] == "Cancelled"


def test_lines_are_served_by_priority_then_date_then_number_as_numbers(wh):
    build(wh, {"A": True}, [("A", "Available", 3)], [
        {"order_no": "10", "priority": 3, "order_date": "2026-11-01"},
        {"order_no": "9", "priority": 3, "order_date": "2026-11-01"},
        {"order_no": "8", "priority": 3, "order_date": "2026-10-30"},
        {"order_no": "11", "priority": 1, "order_date": "2026-11-05"},
    ], [("10", 1, "A", 1), ("9", 1, "A", 1), ("8", 1, "A", 1), ("11", 1, "A", 1)])
    wh.run_fulfillment(["10", "9", "8", "11"])
    served = {n: lines_of(wh, n).loc[1, "allocated_qty"] for n in ["11", "8", "9", "10"]}
    assert served == {"11": 1, "8": 1, "9": 1, "10": 0}


def test_a_line_gets_what_is_free_and_later_lines_in_the_same_order_compete_by_line_no(wh):
    build(wh, {"A": True}, [("A", "Available", 5)], [{"order_no": "1"}],
          [("1", 1, "A", 3), ("1", 2, "A", 3)])
    wh.run_fulfillment(["1"])
    lines = lines_of(wh, "1")
    assert list(lines["allocated_qty"]) == [3, 2]
    assert list(lines["backorder_qty"]) == [0, 1]


def test_items_that_may_not_backorder_are_shorted_with_an_alert(wh):
    build(wh, {"NB": False}, [("NB", "Available", 1)], [{"order_no": "1"}], [("1", 1, "NB", 4)])
    result = wh.run_fulfillment(["1"])
    line = lines_of(wh, "1").loc[1]
    assert (line["allocated_qty"], line["shorted_qty"], line["backorder_qty"]) == (1, 3, 0)
    shorted = result.alerts[result.alerts["kind"] == "shorted"]
    assert shorted[["sku", "qty"]].values.tolist() == [["NB", 3]]
    assert wh.orders()["order_no"].tolist() == ["1"]  # no backorder made


def test_nothing_allocated_cancels_with_the_right_ship_code(wh):
    build(wh, {"B": True, "N": False}, [], [{"order_no": "1"}, {"order_no": "2"}],
          [("1", 1, "B", 2), ("2", 1, "N", 2)])
    wh.run_fulfillment(["1", "2"])
    assert (order(wh, "1")["status"], order(wh, "1")["ship_code"]) == (
        "Cancelled", "Fully backordered")
    assert (order(wh, "2")["status"], order(wh, "2")["ship_code"]) == (
        "Cancelled", "Fully shorted")
    assert order(wh, "1.001")["status"] == "Back Order"


def test_ship_complete_order_that_cannot_fill_whole_stays_on_order_and_frees_its_stock(wh):
    build(wh, {"A": True, "B": True}, [("A", "Available", 5), ("B", "Available", 1)], [
        {"order_no": "1", "priority": 1, "ship_complete": True},
        {"order_no": "2", "priority": 2},
    ], [("1", 1, "A", 5), ("1", 2, "B", 2), ("2", 1, "A", 5)])
    result = wh.run_fulfillment(["1", "2"])
    assert order(wh, "1")["status"] == "On Order"
    assert lines_of(wh, "1")["allocated_qty"].sum() == 0
    assert lines_of(wh, "1")["backorder_qty"].sum() == 0
    assert "ship_complete_not_met" in set(result.alerts["kind"])
    assert lines_of(wh, "2").loc[1, "allocated_qty"] == 5  # got the stock order 1 gave back


def test_ship_complete_chain_matches_the_sequential_rule(wh):
    # 1 (ship complete) fails on B; its A goes to 2 (ship complete) which then fits whole.
    build(wh, {"A": True, "B": True}, [("A", "Available", 4), ("B", "Available", 0 + 1)], [
        {"order_no": "1", "priority": 1, "ship_complete": True},
        {"order_no": "2", "priority": 2, "ship_complete": True},
        {"order_no": "3", "priority": 3},
    ], [("1", 1, "A", 3), ("1", 2, "B", 2), ("2", 1, "A", 4), ("3", 1, "A", 1)])
    wh.run_fulfillment(["1", "2", "3"])
    assert order(wh, "1")["status"] == "On Order"
    assert order(wh, "2")["status"] == "Processed"
    assert lines_of(wh, "2").loc[1, "allocated_qty"] == 4
    assert lines_of(wh, "3").loc[1, "allocated_qty"] == 0


def test_per_order_grouping_makes_one_backorder_holding_all_short_lines(wh):
    build(wh, {"A": True, "B": True, "C": True}, [("C", "Available", 9)], [{"order_no": "7"}],
          [("7", 1, "A", 2), ("7", 2, "C", 1), ("7", 3, "B", 4)])
    result = wh.run_fulfillment(["7"], backorder_grouping="per_order")
    assert set(result.alerts.loc[result.alerts["kind"] == "backordered", "new_order_no"]) == {
        "7.001"}
    backorder = lines_of(wh, "7.001")
    assert backorder[["sku", "ordered_qty"]].values.tolist() == [["A", 2], ["B", 4]]
    assert list(backorder.index) == [1, 2]


def test_per_line_grouping_is_the_default_one_backorder_per_short_line(wh):
    build(wh, {"A": True, "B": True}, [], [{"order_no": "7"}],
          [("7", 1, "A", 2), ("7", 2, "B", 4)])
    wh.run_fulfillment(["7"])
    assert lines_of(wh, "7.001")["sku"].tolist() == ["A"]
    assert lines_of(wh, "7.002")["sku"].tolist() == ["B"]


def test_a_new_backorder_takes_the_next_suffix_of_its_root_whatever_its_parent(wh):
    build(wh, {"A": True, "B": True}, [], [
        {"order_no": "140"}, {"order_no": "140.007", "priority": 5},
    ], [("140", 1, "A", 3), ("140", 2, "B", 1), ("140.007", 1, "B", 2)])
    result = wh.run_fulfillment(["140", "140.007"])
    made = result.alerts.loc[result.alerts["kind"] == "backordered"]
    assert dict(zip(made["new_order_no"], made["order_no"], strict=True)) == {
        "140.008": "140", "140.009": "140", "140.010": "140.007"}
    assert order(wh, "140.010")["parent_order_no"] == "140.007"


def test_orders_not_on_order_or_unknown_get_error_alerts_and_are_left_alone(wh):
    build(wh, {"A": True}, [("A", "Available", 5)],
          [{"order_no": "1", "status": "Pending"}, {"order_no": "2"}],
          [("1", 1, "A", 1), ("2", 1, "A", 1)])
    result = wh.run_fulfillment(["1", "2", "404"])
    kinds = result.alerts.set_index("order_no")[["kind", "severity"]]
    assert tuple(kinds.loc["1"]) == ("not_on_order", "error")
    assert tuple(kinds.loc["404"]) == ("not_found", "error")
    assert order(wh, "1")["status"] == "Pending"
    assert lines_of(wh, "1").loc[1, "allocated_qty"] == 0
    assert order(wh, "2")["status"] == "Processed"


def test_allocated_units_are_reserved_and_free_stock_drops(wh):
    build(wh, {"A": True}, [("A", "Available", 10), ("A", "Frozen", 4)], [{"order_no": "1"}],
          [("1", 1, "A", 7)])
    wh.run_fulfillment(["1"])
    stock = wh.inventory().set_index("status")
    assert (stock.loc["Available", "qty"], stock.loc["Available", "reserved"]) == (10, 7)
    assert stock.loc["Frozen", "reserved"] == 0
    assert free(wh, "A") == 3
    # A second run over new demand sees only the 3 free units.
    import pandas as pd
    wh.import_orders(pd.DataFrame({"order_no": ["2"], "order_date": ["2026-11-02"],
                                   "priority": [1], "status": ["On Order"]}),
                     pd.DataFrame({"order_no": ["2"], "line_no": [1], "sku": ["A"],
                                   "ordered_qty": [5]}))
    wh.run_fulfillment(["2"])
    assert lines_of(wh, "2").loc[1, "allocated_qty"] == 3


def test_run_summary_and_fill_rates(wh):
    build(wh, {"A": True}, [("A", "Available", 3)], [{"order_no": "1"}, {"order_no": "2"}],
          [("1", 1, "A", 2), ("2", 1, "A", 2)])
    result = wh.run_fulfillment(["1", "2"])
    s = result.summary
    assert (s["orders_processed"], s["units_allocated"], s["backorders_created"]) == (2, 3, 1)
    rates = wh.fill_rates().iloc[-1]
    assert rates["line_fill_rate"] == 0.5
    assert rates["unit_fill_rate"] == 0.75
    assert rates["order_fill_rate"] == 0.5


def test_fill_rates_follow_the_sku_and_priority_filters(wh):
    import engine
    build(wh, {"A": True, "B": True}, [("A", "Available", 5)], [
        {"order_no": "1", "priority": 1}, {"order_no": "2", "priority": 2}],
          [("1", 1, "A", 2), ("1", 2, "B", 2), ("2", 1, "A", 3)])
    wh.run_fulfillment(["1", "2"])
    only_a = wh.fill_rates(engine.BackorderFilter(sku="A")).iloc[0]
    assert (only_a["line_fill_rate"], only_a["unit_fill_rate"]) == (1.0, 1.0)
    only_b = wh.fill_rates(engine.BackorderFilter(sku="B")).iloc[0]
    assert (only_b["unit_fill_rate"], only_b["orders_run"]) == (0.0, 1)
    urgent = wh.fill_rates(engine.BackorderFilter(priorities=[1])).iloc[0]
    assert (urgent["units_requested"], urgent["order_fill_rate"]) == (4, 0.0)
    assert wh.top_backorder_skus(engine.BackorderFilter(sku="B"))["sku"].tolist() == ["B"]


def test_items_are_paged_and_counted_in_the_engine(wh):
    build(wh, {s: True for s in "ABCDE"}, [], [], [])
    assert wh.count_items() == 5
    assert wh.items(limit=2, offset=2)["sku"].tolist() == ["C", "D"]
    assert wh.order_nos() == []


def test_per_order_backorders_of_one_root_are_numbered_in_rank_order(wh):
    build(wh, {"A": True, "B": True}, [], [
        {"order_no": "140.001", "priority": 1}, {"order_no": "140", "priority": 2}],
          [("140", 1, "A", 1), ("140", 2, "B", 1), ("140.001", 1, "A", 2)])
    result = wh.run_fulfillment(["140", "140.001"], backorder_grouping="per_order")
    made = result.alerts.loc[result.alerts["kind"] == "backordered"]
    assert sorted(set(zip(made["order_no"], made["new_order_no"], strict=True))) == [
        ("140", "140.003"), ("140.001", "140.002")]
    assert lines_of(wh, "140.003")["sku"].tolist() == ["A", "B"]


def test_alerts_are_paged_and_counted_in_the_engine(wh):
    build(wh, {"A": True}, [], [{"order_no": str(n)} for n in range(1, 8)],
          [(str(n), 1, "A", 1) for n in range(1, 8)])
    run_id = wh.run_fulfillment([str(n) for n in range(1, 8)] + ["404"]).run_id
    everything = wh.alerts(run_id)
    assert int(wh.alert_counts(run_id)["alerts"].sum()) == len(everything) == 8
    assert everything.iloc[0]["kind"] == "not_found"  # errors first
    page = wh.alerts(run_id, limit=3, offset=3)
    assert page["new_order_no"].tolist() == everything["new_order_no"].iloc[3:6].tolist()
