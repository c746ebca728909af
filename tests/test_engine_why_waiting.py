"""Why a backorder is still waiting (design section 6): per SKU, what it needs, what is free,
on hand, held and by whom, what is ranked ahead of it, the next receipt and how much of it
is already claimed, and one line an analyst can read out."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import pytest
from conftest import build

import engine

TODAY = date(2026, 12, 1)
NOW = datetime.combine(TODAY, time(9, 30))


def _row(wh, order_no: str, sku: str) -> pd.Series:
    frame = wh.why_waiting(order_no)
    assert frame["sku"].tolist().count(sku) == 1
    return frame.set_index("sku").loc[sku]


def test_the_seed_order_waits_for_the_frozen_tr_gr(wh):
    wh.load_demo()
    wh.run_fulfillment(["140"])
    assert wh.order("140")["status"] == "Processed"
    assert wh.order("140.001")["status"] == "Back Order"
    row = _row(wh, "140.001", "TR-GR")
    assert (row["needed"], row["free"], row["frozen"]) == (3, 0, 3)
    assert row["available_on_hand"] >= 2 and row["reserved"] >= 2
    assert "140" in list(row["holders"])  # its own parent holds the 2 Available
    reason = row["reason"]
    assert reason.startswith("TR-GR: needs 3; 0 free")
    assert "3 Frozen" in reason
    if isinstance(row["next_receipt_ref"], str):
        assert row["next_receipt_ref"] in reason and "ETA" in reason
        assert row["next_receipt_qty"] > 0 and pd.notna(row["next_receipt_due"])
        eta = wh.backorder_eta().set_index("order_no").loc["140.001"]
        assert pd.notna(eta["eta"])
    else:
        assert "no ETA" in reason


@pytest.fixture
def held(wh):
    """Order 10 (rank first) takes all 4 of X; 11 (rank second) waits for 3 of X in 11.001,
    12 (rank third) for 2 of X and 1 of Y in 12.001; PO-1 brings 5 of X on 3 Dec."""
    wh.clock = lambda: NOW
    build(wh, {"X": True, "Y": True}, [("X", "Available", 4), ("Y", "Available", 1),
                                       ("X", "Damaged", 2)], [
        {"order_no": "10", "priority": 1}, {"order_no": "11", "priority": 2},
        {"order_no": "12", "priority": 3},
    ], [("10", 1, "X", 4), ("11", 1, "X", 3), ("12", 1, "X", 2), ("12", 2, "Y", 1)])
    wh.run_fulfillment(["10", "11", "12"])
    wh.import_expected_receipts(pd.DataFrame({
        "ref": ["PO-1", "PO-2"], "line_no": [1, 1], "sku": ["X", "X"], "qty": [5, 9],
        "due_date": ["2026-12-03", "2026-12-09"]}))
    return wh


def test_the_order_holding_the_stock_is_named_and_the_claims_ahead_are_counted(held):
    assert held.order("12.001")["status"] == "Back Order"
    row = _row(held, "12.001", "X")
    assert (row["needed"], row["free"], row["available_on_hand"], row["reserved"]) == (
        2, 0, 4, 4)
    assert (row["frozen"], row["damaged"], row["quarantine"]) == (0, 2, 0)
    assert list(row["holders"]) == ["10"] and row["holders_more"] == 0
    assert row["ahead_in_rank"] == 3  # 11.001 wants 3 of X and is ranked first
    assert row["next_receipt_ref"] == "PO-1"  # the soonest, not the larger PO-2
    assert row["next_receipt_due"].date() == date(2026, 12, 3)
    assert (row["next_receipt_qty"], row["next_receipt_claimed"]) == (5, 3)
    assert row["reason"] == (
        "X: needs 2; 0 free (4 on hand, all reserved for 10); 2 Damaged; PO-1 brings 5 on "
        "3 Dec, 3 already claimed by orders ahead: ETA 3 Dec.")
    # 11.001 has nobody ahead: nothing of PO-1 is claimed before it.
    first = _row(held, "11.001", "X")
    assert (first["ahead_in_rank"], first["next_receipt_claimed"]) == (0, 0)
    assert "already claimed" not in first["reason"]


def test_every_sku_of_the_backorder_gets_a_row(held):
    """12's Y line was filled, so 12.001 holds only X; a backorder of two SKUs gets two."""
    assert held.why_waiting("12.001")["sku"].tolist() == ["X"]
    held.import_orders(pd.DataFrame([{"order_no": "13", "priority": 3,
                                      "order_date": "2026-11-02", "status": "On Order"}]),
                       pd.DataFrame([("13", 1, "X", 1), ("13", 2, "Y", 2)],
                                    columns=["order_no", "line_no", "sku", "ordered_qty"]))
    held.run_fulfillment(["13"], backorder_grouping="per_order")
    frame = held.why_waiting("13.001").set_index("sku")
    assert frame.index.tolist() == ["X", "Y"]
    assert frame.loc["Y", "needed"] == 2 and frame.loc["Y", "ahead_in_rank"] == 0
    assert frame.loc["X", "ahead_in_rank"] == 3 + 2  # 11.001 and 12.001
    assert "no expected receipt" in frame.loc["Y", "reason"]
    assert "no ETA" in frame.loc["Y", "reason"]
    assert list(frame.columns) == ["needed", "free", "available_on_hand", "reserved", "frozen",
                                   "damaged", "quarantine", "ahead_in_rank",
                                   "next_receipt_ref", "next_receipt_due",
                                   "next_receipt_qty", "next_receipt_claimed", "holders",
                                   "holders_more", "reason"]


def test_a_received_receipt_is_no_longer_the_next_one(held):
    held.receive("X", 5, ref="PO-1")  # releases 11.001 (3), and 12.001 (2, and Y is free)
    assert held.order("12.001")["status"] == "On Order"
    row = _row(held, "12.001", "X")
    assert row["next_receipt_ref"] == "PO-2"
    assert "not waiting" in row["reason"]


def test_only_the_first_holders_are_named_and_the_rest_counted(wh):
    wh.clock = lambda: NOW
    holders = [str(n) for n in range(1, 6)]
    build(wh, {"X": True}, [("X", "Available", 6)],
          [{"order_no": n, "priority": 1} for n in holders] + [{"order_no": "9"}],
          [(n, 1, "X", 1) for n in holders] + [("9", 1, "X", 4)])
    wh.run_fulfillment(holders + ["9"])
    row = _row(wh, "9.001", "X")
    assert (row["needed"], row["free"], row["reserved"]) == (3, 0, 6)
    assert list(row["holders"]) == ["1", "2", "3"]  # in rank order
    assert row["holders_more"] == 3  # 4, 5 and 9 itself
    assert "all reserved for 1, 2, 3 and 3 more" in row["reason"]
    assert "no expected receipt" in row["reason"]


def test_free_stock_that_does_not_cover_it_is_shown_with_what_is_reserved(wh):
    wh.clock = lambda: NOW
    build(wh, {"X": True}, [("X", "Available", 2)], [{"order_no": "1"}], [("1", 1, "X", 5)])
    wh.run_fulfillment(["1"])
    wh.adjust("X", 1)  # one unit found: free, yet not the 3 that 1.001 needs
    row = _row(wh, "1.001", "X")
    assert (row["free"], row["available_on_hand"], row["reserved"]) == (1, 3, 2)
    assert row["reason"].startswith("X: needs 3; 1 free (3 on hand, 2 reserved for 1)")


def test_a_backorder_free_stock_covers_is_releasable_now(wh):
    wh.clock = lambda: NOW
    build(wh, {"X": True}, [("X", "Frozen", 4)], [{"order_no": "1"}], [("1", 1, "X", 3)])
    wh.run_fulfillment(["1"])
    wh.change_status("X", 4, "Frozen", "Available")  # releases nothing by default
    row = _row(wh, "1.001", "X")
    assert (row["free"], row["frozen"]) == (4, 0)
    assert row["reason"].endswith("releasable now.")


def test_an_unknown_order_is_refused(held):
    with pytest.raises(engine.BackorderError, match="99.001 was not found"):
        held.why_waiting("99.001")


def test_an_order_that_is_not_waiting_says_so(held):
    frame = held.why_waiting("10")
    assert frame["reason"].str.contains("Order 10 is Processed, not waiting").all()
