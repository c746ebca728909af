"""Backorder ETAs (design section 6) and receipts booked against expected receipts.

The contract is played out on random warehouses: release every open backorder today, then
receive every open expected receipt on its due date (an overdue one today), in the order
due date, ref, line number. Each backorder must be released exactly on its ETA, one with
no ETA never, and the ones released today are the ones covered by free stock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
import stores
from conftest import build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import all_broken
from small_warehouse import fill

import engine

SKUS = ["A", "B", "C", "D"]
REFS = ["PO-1", "PO-2", "TR-7"]
TODAY = date(2026, 12, 1)
NOW = datetime.combine(TODAY, time(9, 30))


def at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30))


# -- the contract, on random warehouses ----------------------------------------------------

@st.composite
def supplied_warehouses(draw):
    allowed = {s: draw(st.sampled_from([True, True, False])) for s in SKUS}
    stock = [(s, "Available", draw(st.integers(0, 6))) for s in SKUS]
    stock += [(s, "Frozen", draw(st.integers(0, 4))) for s in SKUS]
    orders, lines = [], []
    for _ in range(draw(st.integers(1, 8))):
        order_no = str(draw(st.integers(1, 40)))
        if any(o["order_no"] == order_no for o in orders):
            continue
        orders.append({"order_no": order_no, "priority": draw(st.integers(1, 3)),
                       "order_date": date(2026, 11, 1) + timedelta(days=draw(st.integers(0, 2))),
                       "ship_complete": draw(st.sampled_from([False, False, True])),
                       "status": "On Order"})
        for line_no in range(1, draw(st.integers(1, 3)) + 1):
            lines.append((order_no, line_no, draw(st.sampled_from(SKUS)),
                          draw(st.integers(1, 6))))
    grouping = draw(st.sampled_from(["per_line", "per_order"]))
    # Stock found after the run (adjustments release nothing): some backorders are then
    # covered by free stock today.
    found = draw(st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 6)), max_size=2))
    receipts = []
    for ref in draw(st.lists(st.sampled_from(REFS), min_size=0, max_size=3, unique=True)):
        ref_lines = draw(st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 8),
                                            st.integers(-2, 10)), min_size=1, max_size=3))
        if draw(st.booleans()):  # two lines of the same SKU under one ref
            sku, _, _ = ref_lines[0]
            ref_lines.append((sku, draw(st.integers(1, 8)), draw(st.integers(-2, 10))))
        for line_no, (sku, qty, due) in enumerate(ref_lines, start=1):
            receipts.append({"ref": ref, "line_no": line_no, "sku": sku, "qty": qty,
                             "due_date": TODAY + timedelta(days=due)})
    # Part of one receipt may already have come in (it releases what it can, as any receipt).
    early = None
    if receipts and draw(st.booleans()):
        line = draw(st.sampled_from(receipts))
        early = (line["ref"], line["sku"], draw(st.integers(1, line["qty"] + 2)))
    return allowed, stock, orders, lines, grouping, found, receipts, early


def _warehouse(allowed, stock, orders, lines) -> engine.Warehouse:
    wh = stores.new_warehouse()
    wh.clock = lambda: NOW
    return fill(wh, allowed, stock, orders, lines)


def _query(wh, sql: str) -> pd.DataFrame:
    with wh.db.read() as cur:  # straight from the table: quicker than the orders read model
        return cur.execute(sql).df()


def _waiting(wh) -> list[str]:
    return _query(wh, "SELECT order_no FROM orders WHERE status = 'Back Order'"
                  )["order_no"].tolist()


def play(wh) -> tuple[dict[str, date], set[str], dict[str, tuple[str, int]]]:
    """Today's release of every open backorder, then every open expected receipt on its due
    date. Returns each released order's release date, the orders released today by hand, and
    the receipt (ref, line) that released each of the others."""
    released_on: dict[str, date] = {}
    by_receipt: dict[str, tuple[str, int]] = {}
    waiting = _waiting(wh)
    today = set(wh.release_backorders(waiting).released) if waiting else set()
    released_on.update(dict.fromkeys(today, TODAY))
    coming = wh.expected_receipts()
    coming = coming[coming["open_qty"] > 0].sort_values(["due_date", "ref", "line_no"])
    for r in coming.itertuples():
        day = max(r.due_date.date(), TODAY)
        wh.clock = lambda day=day: at(day)
        got = wh.receive(r.sku, int(r.open_qty), ref=r.ref)
        assert (got.ref, got.ref_line_no, got.over_received) == (r.ref, r.line_no, 0)
        for order_no in got.released:
            assert order_no not in released_on, f"{order_no} released twice"
            released_on[order_no] = day
            by_receipt[order_no] = (r.ref, r.line_no)
    assert wh.expected_receipts()["open_qty"].sum() == 0
    return released_on, today, by_receipt


@settings(max_examples=stores.examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(supplied_warehouses())
def test_each_backorder_is_released_on_its_eta_when_the_receipts_come_on_their_due_dates(case):
    allowed, stock, orders, lines, grouping, found, receipts, early = case
    wh = _warehouse(allowed, stock, orders, lines)
    try:
        wh.run_fulfillment([o["order_no"] for o in orders], backorder_grouping=grouping)
        for sku, qty in found:
            wh.adjust(sku, qty, reason="found")
        if receipts:
            wh.import_expected_receipts(pd.DataFrame(receipts))
        if early:
            wh.receive(early[1], early[2], ref=early[0])

        eta = wh.backorder_eta()
        waiting = _waiting(wh)
        assert sorted(eta["order_no"]) == sorted(waiting)  # one row per open backorder
        released_on, today, by_receipt = play(wh)
        assert set(released_on) <= set(waiting)

        still_waiting = set(_waiting(wh))
        for row in eta.itertuples():
            if pd.isna(row.eta):
                assert row.order_no not in released_on, (
                    f"{row.order_no} has no ETA yet was released on "
                    f"{released_on.get(row.order_no)}")
                assert pd.isna(row.covered_by)
                assert row.order_no in still_waiting
                continue
            assert released_on.get(row.order_no) == row.eta.date(), (
                f"{row.order_no}: ETA {row.eta.date()}, released "
                f"{released_on.get(row.order_no)}")
            assert (row.covered_by == "free stock") == (row.order_no in today)
            if row.order_no in today:
                assert pd.isna(row.released_by_ref)
            else:
                assert (row.released_by_ref, row.released_by_line) == by_receipt[row.order_no]
                assert row.released_by_ref in row.covered_by.split(", ")
        # What the release wrote agrees with what the calls returned.
        overview = _query(wh, "SELECT order_no, status, released_at FROM orders"
                          ).set_index("order_no")
        for order_no, day in released_on.items():
            assert overview.loc[order_no, "released_at"].date() == day
            assert overview.loc[order_no, "status"] == "On Order"
        assert all_broken(wh) == {}  # units conserved, free stock never below zero, ...
    finally:
        wh.close()


# -- receipts booked against an expected receipt --------------------------------------------

@pytest.fixture
def expecting(wh):
    wh.clock = lambda: NOW
    build(wh, {"A": True, "B": True}, [("A", "Available", 2)], [], [])
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-77", "PO-77", "PO-77", "TR-5"], "line_no": [1, 2, 3, 1],
        "sku": ["A", "B", "A", "A"], "qty": [4, 6, 5, 3],
        "due_date": ["2026-12-03", "2026-12-01", "2026-12-08", "2026-12-02"]}))
    return wh


def _open(wh) -> dict[tuple[str, int], tuple[int, int]]:
    frame = wh.expected_receipts()
    return {(r.ref, r.line_no): (r.received_qty, r.open_qty) for r in frame.itertuples()}


def test_a_receipt_with_a_ref_books_the_earliest_open_line_of_its_sku(expecting):
    first = expecting.receive("A", 3, ref="PO-77", user="ann")
    assert (first.ref, first.ref_line_no, first.over_received) == ("PO-77", 1, 0)
    assert _open(expecting)[("PO-77", 1)] == (3, 1)
    # The rest of line 1, then 2 over it: still line 1, the two reported as over.
    second = expecting.receive("A", 3, ref="PO-77")
    assert (second.ref_line_no, second.over_received) == (1, 2)
    assert _open(expecting)[("PO-77", 1)] == (6, 0)
    # Line 1 done: the next receipt of A goes to line 3; TR-5 and line 2 are untouched.
    third = expecting.receive("A", 5, ref="PO-77")
    assert (third.ref_line_no, third.over_received) == (3, 0)
    after = _open(expecting)
    assert after[("PO-77", 3)] == (5, 0)
    assert after[("PO-77", 2)] == (0, 6) and after[("TR-5", 1)] == (0, 3)
    # All of A under PO-77 received: more of it is over-receipt on the last line.
    fourth = expecting.receive("A", 1, ref="PO-77")
    assert (fourth.ref_line_no, fourth.over_received) == (3, 1)
    items = expecting.items().set_index("sku")
    assert items.loc["A", "available"] == 2 + 3 + 3 + 5 + 1  # every unit is on hand
    log = expecting.audit_log(filter=engine.AuditFilter(actions=["receipt"]))
    assert log["detail"].str.contains("against PO-77 line").all()
    assert log["detail"].str.contains("2 over what was expected").sum() == 1


def test_a_receipt_without_a_ref_books_against_nothing(expecting):
    got = expecting.receive("A", 4)
    assert (got.ref, got.ref_line_no, got.over_received) == (None, None, 0)
    assert all(received == 0 for received, _ in _open(expecting).values())


@pytest.mark.parametrize(("ref", "sku", "words"), [
    ("PO-99", "A", "no expected receipt PO-99"),
    ("TR-5", "B", "TR-5 has no line for SKU B"),
])
def test_an_unknown_ref_or_a_ref_without_the_sku_is_refused_and_nothing_written(
        expecting, ref, sku, words):
    before_receipts = expecting.expected_receipts()
    before_ledger = expecting.ledger(sku=sku)
    before_audit = expecting.count_audit()
    with pytest.raises(engine.BackorderError, match=words):
        expecting.receive(sku, 2, ref=ref)
    assert expecting.expected_receipts().equals(before_receipts)
    assert expecting.ledger(sku=sku).equals(before_ledger)
    assert expecting.count_audit() == before_audit


# -- lateness against ship_by, and covered_by naming every receipt ---------------------------

def _one_sku_backorders(wh, ship_by: dict[str, str | None]):
    """Orders 1 and 2 each want 4 of A, of which none is on hand: two backorders."""
    wh.clock = lambda: NOW
    build(wh, {"A": True}, [], [
        {"order_no": "1", "priority": 1, "ship_by": ship_by["1"]},
        {"order_no": "2", "priority": 2, "ship_by": ship_by["2"]},
    ], [("1", 1, "A", 4), ("2", 1, "A", 4)])
    wh.run_fulfillment(["1", "2"])


def test_late_by_days_counts_from_ship_by_to_the_eta_or_to_today(wh):
    _one_sku_backorders(wh, {"1": "2026-12-03", "2": "2026-11-28"})
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-1"], "line_no": [1], "sku": ["A"], "qty": [4],
        "due_date": ["2026-12-08"]}))
    eta = wh.backorder_eta().set_index("order_no")
    first, second = eta.loc["1.001"], eta.loc["2.001"]
    assert first["eta"].date() == date(2026, 12, 8)
    assert first["ship_by"].date() == date(2026, 12, 3)  # inherited from order 1
    assert first["late_by_days"] == 5
    # Order 2's backorder: PO-1 goes to order 1 first, so nothing covers it, and its ship_by
    # is 3 days past.
    assert pd.isna(second["eta"]) and pd.isna(second["covered_by"])
    assert second["late_by_days"] == 3


def test_late_by_days_is_zero_when_on_time_and_null_without_ship_by(wh):
    _one_sku_backorders(wh, {"1": "2026-12-20", "2": None})
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-1"], "line_no": [1], "sku": ["A"], "qty": [8],
        "due_date": ["2026-12-08"]}))
    eta = wh.backorder_eta().set_index("order_no")
    assert eta.loc["1.001", "late_by_days"] == 0
    assert pd.isna(eta.loc["2.001", "late_by_days"])
    assert eta.loc["2.001", "eta"].date() == date(2026, 12, 8)


def test_an_overdue_receipt_is_expected_today(wh):
    _one_sku_backorders(wh, {"1": None, "2": None})
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-1"], "line_no": [1], "sku": ["A"], "qty": [4],
        "due_date": ["2026-11-20"]}))
    eta = wh.backorder_eta().set_index("order_no")
    assert eta.loc["1.001", "eta"].date() == TODAY
    assert eta.loc["1.001", "covered_by"] == "PO-1"
    assert pd.isna(eta.loc["2.001", "eta"])


def test_a_backorder_needing_two_receipts_is_covered_by_both_refs(wh):
    wh.clock = lambda: NOW
    build(wh, {"A": True, "B": True}, [("B", "Frozen", 9)],
          [{"order_no": "7"}], [("7", 1, "A", 3), ("7", 2, "B", 2)])
    wh.run_fulfillment(["7"], backorder_grouping="per_order")
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-1", "TR-2", "PO-3"], "line_no": [1, 1, 1], "sku": ["A", "B", "B"],
        "qty": [3, 1, 1], "due_date": ["2026-12-02", "2026-12-04", "2026-12-06"]}))
    row = wh.backorder_eta().set_index("order_no").loc["7.001"]
    assert row["eta"].date() == date(2026, 12, 6)
    assert set(row["covered_by"].split(", ")) == {"PO-1", "PO-3"}
    assert (row["released_by_ref"], row["released_by_line"]) == ("PO-3", 1)
    # Free stock covering it today: released now, by free stock.
    wh.change_status("B", 2, "Frozen", "Available")
    wh.adjust("A", 3)
    row = wh.backorder_eta().set_index("order_no").loc["7.001"]
    assert (row["eta"].date(), row["covered_by"]) == (TODAY, "free stock")


def test_an_eta_is_only_as_good_as_the_rank_ahead_of_it(wh):
    """A receipt goes to the first backorder in rank that it completes; a later one that
    fits is not held back by an earlier one that does not (passing over)."""
    wh.clock = lambda: NOW
    build(wh, {"A": True, "B": True}, [], [
        {"order_no": "1", "priority": 1}, {"order_no": "2", "priority": 2},
    ], [("1", 1, "A", 5), ("1", 2, "B", 1), ("2", 1, "A", 2)])
    wh.run_fulfillment(["1", "2"], backorder_grouping="per_order")
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-1", "PO-2"], "line_no": [1, 1], "sku": ["A", "B"], "qty": [5, 1],
        "due_date": ["2026-12-02", "2026-12-05"]}))
    eta = wh.backorder_eta().set_index("order_no")
    # 1.001 lacks B until 5 Dec, so 2.001 takes 2 of the 5 A on 2 Dec; 1.001 then lacks A.
    assert eta.loc["2.001", "eta"].date() == date(2026, 12, 2)
    assert pd.isna(eta.loc["1.001", "eta"])


def test_the_receipt_that_releases_a_backorder_is_among_the_refs_covering_it(wh):
    """1.001 lacks only B today (3 of A are free), but 2.001 takes those 3 of A when PO-C
    brings its C; 1.001 then waits for PO-B's B and for PO-A's A, and PO-A releases it."""
    wh.clock = lambda: NOW
    build(wh, {"A": True, "B": True, "C": True}, [], [
        {"order_no": "1", "priority": 1}, {"order_no": "2", "priority": 2},
    ], [("1", 1, "A", 2), ("1", 2, "B", 5), ("2", 1, "A", 3), ("2", 2, "C", 1)])
    wh.run_fulfillment(["1", "2"], backorder_grouping="per_order")
    wh.adjust("A", 3)
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-C", "PO-B", "PO-A"], "line_no": [1, 1, 1], "sku": ["C", "B", "A"],
        "qty": [1, 5, 2], "due_date": ["2026-12-02", "2026-12-03", "2026-12-04"]}))
    eta = wh.backorder_eta().set_index("order_no")
    assert (eta.loc["2.001", "eta"].date(), eta.loc["2.001", "covered_by"]) == (
        date(2026, 12, 2), "PO-C")
    first = eta.loc["1.001"]
    assert first["eta"].date() == date(2026, 12, 4)
    assert first["released_by_ref"] == "PO-A"
    assert set(first["covered_by"].split(", ")) == {"PO-A", "PO-B"}


def test_no_backorders_no_rows(wh):
    wh.clock = lambda: NOW
    build(wh, {"A": True}, [("A", "Available", 9)], [{"order_no": "1"}], [("1", 1, "A", 2)])
    wh.run_fulfillment(["1"])
    eta = wh.backorder_eta()
    assert eta.empty
    assert {"order_no", "eta", "covered_by", "days_waiting", "late_by_days", "ship_by",
            "released_by_ref", "released_by_line"} <= set(eta.columns)


def test_days_waiting_counts_from_when_the_backorder_was_made(wh):
    _one_sku_backorders(wh, {"1": None, "2": None})
    wh.clock = lambda: at(TODAY + timedelta(days=4))
    eta = wh.backorder_eta().set_index("order_no")
    assert eta.loc["1.001", "days_waiting"] == 4
