"""Invariants on random warehouses (hypothesis), checked against a plain sequential model."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pandas as pd
import stores
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import drifted_reservations
from small_warehouse import fill

import engine

SKUS = ["A", "B", "C", "D"]
STATUSES = ["Available", "Frozen", "Damaged"]


@st.composite
def warehouses(draw):
    allowed = {s: draw(st.booleans()) for s in SKUS}
    stock = [(s, status, draw(st.integers(0, 12))) for s in SKUS for status in STATUSES]
    n_orders = draw(st.integers(1, 9))
    orders, lines = [], []
    for _ in range(n_orders):
        order_no = str(draw(st.integers(1, 40)))
        if any(o["order_no"] == order_no for o in orders):
            continue
        orders.append({"order_no": order_no, "priority": draw(st.integers(1, 3)),
                       "order_date": date(2026, 11, 1) + timedelta(days=draw(st.integers(0, 2))),
                       "ship_complete": draw(st.booleans()), "status": "On Order"})
        for line_no in range(1, draw(st.integers(1, 3)) + 1):
            lines.append((order_no, line_no, draw(st.sampled_from(SKUS)),
                          draw(st.integers(1, 6))))
    grouping = draw(st.sampled_from(["per_line", "per_order"]))
    return allowed, stock, orders, lines, grouping


def _load(allowed, stock, orders, lines) -> engine.Warehouse:
    wh = stores.new_warehouse()
    return fill(wh, allowed, stock, orders, lines)


def _rank(order: dict) -> tuple:
    return (order["priority"], order["order_date"], int(order["order_no"]))


def reference_run(stock, orders, lines) -> dict[tuple[str, int], int]:
    """The rule as a person would apply it, one line at a time."""
    remaining = defaultdict(int)
    for sku, status, qty in stock:
        if status == "Available":
            remaining[sku] += qty
    by_order = defaultdict(list)
    for line in lines:
        by_order[line[0]].append(line)
    allocated = {}
    for order in sorted(orders, key=_rank):
        mine = sorted(by_order[order["order_no"]], key=lambda line: line[1])
        if order["ship_complete"]:
            need = defaultdict(int)
            for _, _, sku, qty in mine:
                need[sku] += qty
            fits = all(remaining[sku] >= qty for sku, qty in need.items())
            for order_no, line_no, sku, qty in mine:
                allocated[(order_no, line_no)] = qty if fits else 0
                if fits:
                    remaining[sku] -= qty
        else:
            for order_no, line_no, sku, qty in mine:
                take = min(qty, remaining[sku])
                remaining[sku] -= take
                allocated[(order_no, line_no)] = take
    return allocated


def _all_lines(wh) -> pd.DataFrame:
    frames = [wh.order_lines(n) for n in wh.orders()["order_no"]]
    return pd.concat(frames, ignore_index=True)


def _check_stock_invariants(wh, stock) -> None:
    assert drifted_reservations(wh).empty  # the kept reserved units equal the lines' sum
    items = wh.items()
    assert (items["free"] >= 0).all()
    assert (items["reserved"] <= items["available"]).all()
    inventory = wh.inventory()
    frozen = inventory[inventory["status"] != "Available"]
    assert (frozen["reserved"] == 0).all()
    # Frozen and Damaged stock is untouched by allocation and release.
    for sku, status, qty in stock:
        if status != "Available":
            row = inventory[(inventory["sku"] == sku) & (inventory["status"] == status)]
            assert int(row["qty"].sum()) == qty


@settings(max_examples=stores.examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(warehouses())
def test_a_run_allocates_exactly_as_the_sequential_rule_and_conserves_units(case):
    allowed, stock, orders, lines, grouping = case
    wh = _load(allowed, stock, orders, lines)
    wh.run_fulfillment([o["order_no"] for o in orders], backorder_grouping=grouping)

    expected = reference_run(stock, orders, lines)
    got = _all_lines(wh)
    originals = got[~got["order_no"].str.contains(".", regex=False)]
    actual = {(r.order_no, r.line_no): r.allocated_qty for r in originals.itertuples()}
    assert actual == expected  # ranking, Available only, ship complete, min(need, free)

    overview = wh.orders().set_index("order_no")
    for order in orders:
        mine = originals[originals["order_no"] == order["order_no"]]
        status = overview.loc[order["order_no"], "status"]
        if status == "On Order":  # ship complete not met: untouched
            assert order["ship_complete"]
            assert (mine[["allocated_qty", "shorted_qty", "backorder_qty"]] == 0).all().all()
            continue
        # Conservation on every fulfilled line.
        assert (mine["ordered_qty"] == mine["allocated_qty"] + mine["shorted_qty"]
                + mine["backorder_qty"]).all()
        assert status == ("Processed" if mine["allocated_qty"].sum() > 0 else "Cancelled")

    # Every backordered unit sits on a Back Order order, once.
    backorder_lines = got[got["order_no"].str.contains(".", regex=False)]
    assert set(overview.loc[backorder_lines["order_no"].unique(), "status"]) <= {"Back Order"}
    assert backorder_lines["ordered_qty"].sum() == originals["backorder_qty"].sum()
    per_sku = backorder_lines.groupby("sku")["ordered_qty"].sum()
    expected_per_sku = originals.groupby("sku")["backorder_qty"].sum()
    assert per_sku.to_dict() == expected_per_sku[expected_per_sku > 0].to_dict()
    # Items that may not backorder are shorted, never backordered.
    for sku, may in allowed.items():
        mine = originals[originals["sku"] == sku]
        assert (mine["shorted_qty"] == 0).all() if may else (mine["backorder_qty"] == 0).all()
    _check_stock_invariants(wh, stock)
    wh.close()


@settings(max_examples=stores.examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(warehouses(), st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 8)), max_size=3))
def test_release_of_every_backorder_follows_rank_and_keeps_stock_whole(case, receipts):
    allowed, stock, orders, lines, grouping = case
    wh = _load(allowed, stock, orders, lines)
    wh.run_fulfillment([o["order_no"] for o in orders], backorder_grouping=grouping)
    for sku, qty in receipts:
        wh.adjust(sku, qty, reason="found")  # adjustments free stock, release nothing

    waiting = wh.orders(engine.OrderFilter(statuses=["Back Order"]), sort="rank")
    free_before = wh.items().set_index("sku")["free"].to_dict()
    remaining = dict(free_before)
    expected = []
    for order_no in waiting["order_no"]:
        need = wh.order_lines(order_no).groupby("sku")["ordered_qty"].sum()
        if all(remaining[sku] >= qty for sku, qty in need.items()):
            expected.append(order_no)
            for sku, qty in need.items():
                remaining[sku] -= qty

    review = wh.review_release(list(reversed(waiting["order_no"].tolist())))
    assert sorted(review.loc[review["outcome"] == "ok", "order_no"]) == sorted(expected)
    assert sorted(wh.releasable_now()["order_no"]) == sorted(expected)
    result = wh.release_backorders(waiting["order_no"].tolist())
    assert sorted(result.released) == sorted(expected)
    for order_no in waiting["order_no"]:
        released_lines = wh.order_lines(order_no)
        whole = (released_lines["allocated_qty"] == released_lines["ordered_qty"]).all()
        none = (released_lines["allocated_qty"] == 0).all()
        assert whole if order_no in expected else none
    free_after = wh.items().set_index("sku")["free"].to_dict()
    assert free_after == remaining
    _check_stock_invariants(wh, stock)
    # Shipping and cancelling give reservations back exactly.
    processed = wh.order_nos(engine.OrderFilter(statuses=["Processed"]))
    wh.ship(processed[::2] or ["1"])
    wh.cancel(wh.order_nos()[1::3] or ["1"])
    assert drifted_reservations(wh).empty
    wh.close()
