"""The fair-share policy (DESIGN.md section 7) on random warehouses (hypothesis), after a
real run: every section 2 invariant holds, ship-complete orders are whole or nothing and
decided first, and the ordinary lines short of a SKU share what is left in proportion to
need (largest remainders, ties by rank)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pandas as pd
import stores
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import all_broken
from small_warehouse import fill

import engine

SKUS = ["A", "B", "C"]
STATUSES = ["Available", "Frozen", "Damaged"]
CUSTOMERS = ["Acme", "Bolt", "Core", "Dyna"]


@st.composite
def warehouses(draw):
    """Few SKUs and many lines, so SKUs are often short and contended; equal needs and
    equal ranks are common, so remainders tie."""
    allowed = {s: draw(st.booleans()) for s in SKUS}
    stock = [(s, status, draw(st.integers(0, 15))) for s in SKUS for status in STATUSES]
    orders, lines = [], []
    for order_no in draw(st.lists(st.integers(1, 60), min_size=1, max_size=8, unique=True)):
        order_no = str(order_no)
        orders.append({"order_no": order_no, "priority": draw(st.integers(1, 2)),
                       "order_date": date(2026, 11, 1) + timedelta(days=draw(st.integers(0, 1))),
                       "ship_complete": draw(st.booleans()), "status": "On Order",
                       "customer": draw(st.sampled_from(CUSTOMERS))})
        for line_no in range(1, draw(st.integers(1, 3)) + 1):
            lines.append((order_no, line_no, draw(st.sampled_from(SKUS)),
                          draw(st.integers(1, 8))))
    grouping = draw(st.sampled_from(["per_line", "per_order"]))
    return allowed, stock, orders, lines, grouping


def load(allowed, stock, orders, lines) -> engine.Warehouse:
    wh = stores.new_warehouse()
    return fill(wh, allowed, stock, orders, lines, unit_price=1.0)


def rank(order: dict) -> tuple:
    return (order["priority"], order["order_date"], int(order["order_no"]))


def available(stock) -> dict[str, int]:
    free: dict[str, int] = defaultdict(int)
    for sku, status, qty in stock:
        if status == "Available":
            free[sku] += qty
    return free


def ship_complete_decided_first(stock, orders, lines) -> tuple[set[str], dict[str, int]]:
    """The ship-complete orders that fit, in rank order over all free stock, and the free
    stock per SKU they leave for the ordinary lines."""
    left = available(stock)
    filled = set()
    for order in sorted((o for o in orders if o["ship_complete"]), key=rank):
        need: dict[str, int] = defaultdict(int)
        for order_no, _, sku, qty in lines:
            if order_no == order["order_no"]:
                need[sku] += qty
        if all(left[sku] >= qty for sku, qty in need.items()):
            filled.add(order["order_no"])
            for sku, qty in need.items():
                left[sku] -= qty
    return filled, left


def reference_fair_share(stock, orders, lines) -> dict[tuple[str, int], int]:
    """The rule as a person would apply it: floor(need x avail / demand) per ordinary line,
    then the leftover units one each to the largest remainders, ties by rank."""
    filled, left = ship_complete_decided_first(stock, orders, lines)
    by_no = {o["order_no"]: o for o in orders}
    allocated = {}
    ordinary: dict[str, list] = defaultdict(list)
    for order_no, line_no, sku, qty in lines:
        if by_no[order_no]["ship_complete"]:
            allocated[(order_no, line_no)] = qty if order_no in filled else 0
        else:
            ordinary[sku].append((rank(by_no[order_no]), line_no, order_no, qty))
    for sku, competing in ordinary.items():
        avail, demand = left[sku], sum(c[3] for c in competing)
        if demand <= avail:
            for _, line_no, order_no, qty in competing:
                allocated[(order_no, line_no)] = qty
            continue
        shares = {(o, n): (q * avail // demand, q * avail % demand, (r, n))
                  for r, n, o, q in competing}
        extra = avail - sum(base for base, _, _ in shares.values())
        turns = sorted(shares, key=lambda k: (-shares[k][1], shares[k][2]))
        for k, (base, _, _) in shares.items():
            allocated[k] = base + (1 if k in turns[:extra] else 0)
    return allocated


def all_lines(wh: engine.Warehouse) -> pd.DataFrame:
    with wh.db.read() as cur:
        return cur.execute("""
            SELECT l.*, o.status, o.parent_order_no, o.ship_complete
            FROM order_lines l JOIN orders o USING (order_no)""").df()


@settings(max_examples=stores.examples(120), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(warehouses())
def test_fair_share_keeps_every_invariant_and_shares_in_proportion_to_need(case):
    allowed, stock, orders, lines, grouping = case
    wh = load(allowed, stock, orders, lines)
    result = wh.run_fulfillment([o["order_no"] for o in orders], backorder_grouping=grouping,
                                policy="fair_share")
    assert wh.runs()["policy"].tolist() == ["fair_share"]
    assert result.summary["policy"] == "fair_share"
    got = all_lines(wh)
    originals = got[got["parent_order_no"].isna()]
    backorders = got[got["parent_order_no"].notna()]
    alloc = {(r.order_no, r.line_no): int(r.allocated_qty) for r in originals.itertuples()}

    # Section 2 invariants: units conserved, nothing over-allocated, stock sound, audited.
    assert all_broken(wh) == {}
    fulfilled = originals[originals["status"] != "On Order"]
    assert (fulfilled["ordered_qty"] == fulfilled["allocated_qty"] + fulfilled["shorted_qty"]
            + fulfilled["backorder_qty"]).all()
    sent = originals.groupby(["order_no", "sku"])["backorder_qty"].sum()
    made = backorders.groupby(["parent_order_no", "sku"])["ordered_qty"].sum()
    assert sent[sent > 0].to_dict() == made.to_dict()  # each backordered unit, once
    for sku, may in allowed.items():
        mine = originals[originals["sku"] == sku]
        assert (mine["shorted_qty"] == 0).all() if may else (mine["backorder_qty"] == 0).all()
    items = wh.items().set_index("sku")
    assert (items["free"] >= 0).all()
    free = available(stock)
    for sku in SKUS:
        assert originals.loc[originals["sku"] == sku, "allocated_qty"].sum() <= free[sku]
        assert items.loc[sku, "reserved"] == originals.loc[
            originals["sku"] == sku, "allocated_qty"].sum()
    inventory = wh.inventory().set_index(["sku", "status"])["qty"]
    for sku, status, qty in stock:  # Frozen and Damaged never used
        if status != "Available" and qty:
            assert inventory[(sku, status)] == qty

    # Ship complete: whole, or nothing and still On Order; decided before the others.
    filled, left = ship_complete_decided_first(stock, orders, lines)
    for order in orders:
        if not order["ship_complete"]:
            continue
        mine = originals[originals["order_no"] == order["order_no"]]
        if order["order_no"] in filled:
            assert (mine["allocated_qty"] == mine["ordered_qty"]).all()
            assert (mine["status"] == "Processed").all()
        else:
            assert (mine[["allocated_qty", "shorted_qty", "backorder_qty"]] == 0).all().all()
            assert (mine["status"] == "On Order").all()

    # The ordinary lines of each SKU share what the ship-complete orders left.
    ordinary = originals[~originals["ship_complete"]]
    for sku, competing in ordinary.groupby("sku"):
        avail, demand = left[sku], int(competing["ordered_qty"].sum())
        got_units = competing["allocated_qty"]
        if demand <= avail:
            assert (got_units == competing["ordered_qty"]).all()
            continue
        share = competing["ordered_qty"] * avail / demand
        assert ((got_units - share).abs() < 1).all(), (sku, avail, demand)
        assert got_units.sum() == avail  # the SKU's stock is used up
    # Exactly the largest-remainder rounding, ties by rank.
    assert alloc == reference_fair_share(stock, orders, lines)
    wh.close()


# -- deterministic cases ----------------------------------------------------------------------
def _two_customers(wh, ship_complete_first: bool = False) -> None:
    wh.import_items(pd.DataFrame({"sku": ["A"], "backorder": [True], "unit_price": [1.0]}))
    wh.import_inventory(pd.DataFrame({"sku": ["A"], "status": ["Available"], "qty": [5]}))
    wh.import_orders(pd.DataFrame([
        {"order_no": "1", "priority": 1, "customer": "Acme", "ship_complete": False},
        {"order_no": "2", "priority": 2, "customer": "Bolt", "ship_complete": False},
    ]).assign(order_date="2026-11-01", status="On Order"),
        pd.DataFrame([("1", 1, "A", 6), ("2", 1, "A", 4)],
                     columns=["order_no", "line_no", "sku", "ordered_qty"]))


def _allocated(wh) -> dict[str, int]:
    return {n: int(wh.order_lines(n)["allocated_qty"].sum()) for n in ("1", "2")}


def test_two_customers_wanting_6_and_4_of_5_get_3_and_2(wh):
    _two_customers(wh)
    result = wh.run_fulfillment(["1", "2"], policy="fair_share")
    assert _allocated(wh) == {"1": 3, "2": 2}
    assert {n: int(wh.order_lines(n)["backorder_qty"].sum()) for n in ("1", "2")} == {
        "1": 3, "2": 2}
    assert result.summary["units_allocated"] == 5
    assert wh.runs()["policy"].tolist() == ["fair_share"]


def test_under_rank_the_first_gets_5_and_the_second_nothing(wh):
    _two_customers(wh)
    wh.run_fulfillment(["1", "2"])
    assert _allocated(wh) == {"1": 5, "2": 0}
    assert wh.order("2")["status"] == "Cancelled"
    assert wh.runs()["policy"].tolist() == ["rank"]


def test_fair_share_serves_fewer_customers_at_zero(wh):
    _two_customers(wh)
    compared = wh.compare_policies(["1", "2"], [{"policy": "rank"}, {"policy": "fair_share"}])
    at_zero = compared.set_index("policy")["customers_served_at_zero"]
    assert (at_zero["rank"], at_zero["fair_share"]) == (1, 0)


def test_leftover_units_go_to_the_largest_remainders_then_by_rank(wh):
    # 3 free among needs 1, 1, 1, 2 (demand 5): shares 0.6, 0.6, 0.6, 1.2 -> bases 0,0,0,1,
    # remainders 3,3,3,1 (of 5): the two leftover units go to the first two in rank.
    wh.import_items(pd.DataFrame({"sku": ["A"], "backorder": [True]}))
    wh.import_inventory(pd.DataFrame({"sku": ["A"], "status": ["Available"], "qty": [3]}))
    wh.import_orders(pd.DataFrame([
        {"order_no": str(n), "priority": p} for n, p in ((10, 2), (9, 2), (11, 1), (12, 3))
    ]).assign(order_date="2026-11-01", status="On Order"),
        pd.DataFrame([("10", 1, "A", 1), ("9", 1, "A", 1), ("11", 1, "A", 1),
                      ("12", 1, "A", 2)], columns=["order_no", "line_no", "sku", "ordered_qty"]))
    wh.run_fulfillment(["9", "10", "11", "12"], policy="fair_share")
    got = {n: int(wh.order_lines(n)["allocated_qty"].sum()) for n in ("11", "9", "10", "12")}
    assert got == {"11": 1, "9": 1, "10": 0, "12": 1}


def test_ship_complete_orders_are_decided_first_and_the_rest_is_shared(wh):
    # 10 free. Ship-complete order 3 (rank last) wants 6 and is filled first; the 4 left
    # are shared by ordinary orders 1 and 2 (needs 6 and 2): 3 and 1. Ship-complete order
    # 4 wants 5 of what is left after 3 (4): it gets nothing and stays On Order.
    wh.import_items(pd.DataFrame({"sku": ["A"], "backorder": [True]}))
    wh.import_inventory(pd.DataFrame({"sku": ["A"], "status": ["Available"], "qty": [10]}))
    wh.import_orders(pd.DataFrame([
        {"order_no": "1", "priority": 1, "ship_complete": False},
        {"order_no": "2", "priority": 2, "ship_complete": False},
        {"order_no": "3", "priority": 3, "ship_complete": True},
        {"order_no": "4", "priority": 4, "ship_complete": True},
    ]).assign(order_date="2026-11-01", status="On Order"),
        pd.DataFrame([("1", 1, "A", 6), ("2", 1, "A", 2), ("3", 1, "A", 6), ("4", 1, "A", 5)],
                     columns=["order_no", "line_no", "sku", "ordered_qty"]))
    result = wh.run_fulfillment(["1", "2", "3", "4"], policy="fair_share")
    got = {n: int(wh.order_lines(n)["allocated_qty"].sum()) for n in ("1", "2", "3", "4")}
    assert got == {"1": 3, "2": 1, "3": 6, "4": 0}
    assert wh.order("4")["status"] == "On Order"
    kinds = result.alerts.set_index("order_no")["kind"]
    assert kinds["4"] == "ship_complete_not_met"
