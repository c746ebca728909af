"""The Orders grid's pure helpers: indexed by order_no, Select first, edits matched by
order number (not position), and the release wizard's table of what was not released."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui.grid import NO_SUPPLY, SELECT, cell_edits, grid_frame, late_text, ticks  # noqa: E402
from ui.release import not_released_table  # noqa: E402
from ui.why import eta_line, holders, receipt_refs  # noqa: E402


def page() -> pd.DataFrame:
    return pd.DataFrame({
        "order_no": ["9", "10", "10.001"], "parent_order_no": [None, None, "10"],
        "order_date": pd.to_datetime(["2026-11-01"] * 3), "priority": [1, 2, 2],
        "status": ["On Order", "Processed", "Back Order"], "ship_code": [None, None, "x"],
        "ship_complete": [False, False, False], "customer": ["a", "b", "b"],
        "lines": [1, 1, 1], "units": [1, 2, 3], "units_allocated": [0, 2, 0],
        "units_backordered": [0, 0, 0], "units_shorted": [0, 0, 0], "skus": ["A", "B", "C"]})


def test_grid_frame_is_indexed_by_order_no_with_select_first():
    frame = grid_frame(page(), {"10.001"})
    assert frame.columns[0] == SELECT
    assert list(frame.index) == ["9", "10", "10.001"]
    assert frame[SELECT].tolist() == [False, False, True]
    assert frame.loc["10.001", "status"] == ["Back Order"]


def test_ticks_and_edits_follow_order_numbers_even_when_rows_reorder():
    original = grid_frame(page(), set())
    edited = original.iloc[::-1].copy()  # the grid sorted differently
    edited.loc["9", SELECT] = True
    edited.loc["10.001", "priority"] = 5
    edited.loc["9", "ship_complete"] = True
    on, off = ticks(edited)
    assert on == ["9"] and set(off) == {"10", "10.001"}
    assert cell_edits(original, edited) == {"10.001": {"priority": 5},
                                            "9": {"ship_complete": True}}


def test_no_edits_no_changes():
    original = grid_frame(page(), set())
    assert cell_edits(original, original.copy()) == {}


def test_not_released_joins_review_holds_and_engine_refusals():
    review = pd.DataFrame({"order_no": ["1.001", "2.001", "3.001"],
                           "outcome": ["ok", "warning", "ok"],
                           "reason": ["free", "SKU A needs 5: 2 free", "free"]})
    refused = pd.DataFrame({"order_no": ["3.001"], "outcome": ["warning"],
                            "reason": ["taken by another release"]})
    table = not_released_table(review, refused)
    assert table["order_no"].tolist() == ["2.001", "3.001"]
    assert table["reason"].tolist()[1] == "taken by another release"


def test_back_order_rows_carry_eta_late_and_what_covers_them():
    frame = page().assign(
        eta=pd.to_datetime([None, None, "2026-12-04"]),
        ship_by=pd.to_datetime(["2026-11-20", None, "2026-12-01"]),
        covered_by=[None, None, "PO-7701"],
        late_by_days=pd.array([None, None, 3], dtype="Int32"))
    shown = grid_frame(frame, set())
    assert shown.loc["10.001", "eta"] == date(2026, 12, 4)
    assert shown.loc["10.001", "late_by_days"] == "late by 3 days"
    assert shown.loc["10.001", "covered_by"] == "PO-7701"
    assert shown.loc["9", "ship_by"] == date(2026, 11, 20)
    assert shown.loc["9", ["eta", "late_by_days", "covered_by"]].isna().all()
    nothing = frame.assign(covered_by=[None] * 3, eta=pd.NaT)
    assert grid_frame(nothing, set()).loc["10.001", "covered_by"] == NO_SUPPLY
    assert [late_text(n) for n in (None, pd.NA, 0, 1, 2)] == [
        None, None, None, "late by 1 day", "late by 2 days"]


def test_record_eta_line_refs_and_holders():
    info = {"eta": pd.Timestamp("2026-12-04"), "covered_by": "PO-7701, *x*",
            "ship_by": pd.Timestamp("2026-12-01"), "late_by_days": 3}
    assert eta_line(info) == ("**ETA** 4 Dec 2026 · covered by PO\\-7701\\, \\*x\\* · "
                              "**late by 3 days** (ship by 1 Dec 2026)")
    assert eta_line({"eta": pd.NaT, "covered_by": None, "ship_by": None,
                     "late_by_days": pd.NA}) == "**ETA** none: no known supply covers it"
    why = pd.DataFrame({"sku": ["A", "B"], "next_receipt_ref": ["PO-1", None],
                        "holders": [["7", "8"], None], "holders_more": [2, 0]})
    assert receipt_refs(why, "PO-2, PO-1") == ["PO-1", "PO-2"]
    assert receipt_refs(why, "free stock") == ["PO-1"]
    assert holders(why) == [("A", ["7", "8"], 2)]
