"""Release on any availability event (design section 6): a setting, off by default for
adjustments and status changes (as in the WMS), on by default for receipts; audited, and
kept with the warehouse."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import build

import engine
from engine.auto_release import AutoRelease
from engine.schema import SHIP_CODE_READY


@pytest.fixture
def waiting(wh):
    """1.001 waits for 3 of X while 4 sit Frozen; 2.001 waits for 2 of Y, of which none."""
    build(wh, {"X": True, "Y": True}, [("X", "Frozen", 4)],
          [{"order_no": "1"}, {"order_no": "2"}], [("1", 1, "X", 3), ("2", 1, "Y", 2)])
    wh.run_fulfillment(["1", "2"])
    assert wh.order("1.001")["status"] == "Back Order"
    return wh


def _released(wh, order_no: str) -> bool:
    found = wh.order(order_no)
    if found["status"] == "Back Order":
        assert found["units_allocated"] == 0
        return False
    assert (found["status"], found["ship_code"]) == ("On Order", SHIP_CODE_READY)
    assert found["units_allocated"] == found["units"]
    return True


def _changes(wh) -> pd.DataFrame:
    return wh.audit_log(filter=engine.AuditFilter(actions=["auto_release_changed"]))


def test_by_default_only_receipts_release(waiting):
    assert waiting.auto_release() == AutoRelease(
        on_receipt=True, on_adjustment=False, on_status_change=False)
    result = waiting.change_status("X", 4, "Frozen", "Available")
    assert result.released == []
    assert not _released(waiting, "1.001")
    assert waiting.adjust("Y", 5).released == []
    assert not _released(waiting, "2.001")
    assert waiting.receive("X", 1).released == ["1.001"]  # a receipt does, of its SKU


def test_a_status_change_to_available_releases_when_chosen(waiting):
    chosen = waiting.set_auto_release(on_status_change=True, user="ann")
    assert chosen == AutoRelease(on_receipt=True, on_adjustment=False,
                                        on_status_change=True)
    assert waiting.auto_release() == chosen
    # Not enough yet: 2 of the 3 it needs.
    assert waiting.change_status("X", 2, "Frozen", "Available").released == []
    assert not _released(waiting, "1.001")
    result = waiting.change_status("X", 2, "Frozen", "Available", user="bob")
    assert result.released == ["1.001"]
    assert _released(waiting, "1.001")
    items = waiting.items().set_index("sku")
    assert (items.loc["X", "reserved"], items.loc["X", "free"]) == (3, 1)
    released = waiting.audit_log(filter=engine.AuditFilter(actions=["released"]))
    assert released["order_no"].tolist() == ["1.001"]
    assert released["user"].tolist() == ["bob"]
    # Adjustments are still off.
    assert waiting.adjust("Y", 2).released == []
    assert not _released(waiting, "2.001")


def test_a_status_change_away_from_available_releases_nothing(waiting):
    waiting.set_auto_release(on_status_change=True)
    waiting.adjust("X", 5, reason="found")  # adjustments off: 5 free, 1.001 still waits
    assert not _released(waiting, "1.001")
    assert waiting.change_status("X", 1, "Available", "Damaged").released == []
    assert not _released(waiting, "1.001")


def test_a_positive_available_adjustment_releases_when_chosen(waiting):
    waiting.set_auto_release(on_adjustment=True)
    assert waiting.change_status("X", 4, "Frozen", "Available").released == []  # not chosen
    assert waiting.adjust("Y", 1).released == []  # 1 of the 2 needed
    assert waiting.adjust("Y", 1, reason="found").released == ["2.001"]
    assert _released(waiting, "2.001")
    assert waiting.adjust("X", 1, status="Frozen").released == []  # not Available
    assert not _released(waiting, "1.001")
    assert waiting.adjust("X", 1).released == ["1.001"]  # any Available gain releases all it can


def test_with_receipts_off_a_receipt_releases_nothing(waiting):
    waiting.set_auto_release(on_receipt=False)
    got = waiting.receive("Y", 2)
    assert got.released == []
    assert not _released(waiting, "2.001")
    assert waiting.items().set_index("sku").loc["Y", "free"] == 2
    # A release by hand still works.
    assert waiting.release_backorders(["2.001"]).released == ["2.001"]


def test_the_change_is_audited_with_what_changed_and_a_no_op_is_not(waiting):
    assert _changes(waiting).empty
    waiting.set_auto_release(on_receipt=False, on_status_change=True, user="ann")
    log = _changes(waiting)
    assert len(log) == 1
    assert log.iloc[0]["user"] == "ann"
    detail = log.iloc[0]["detail"]
    assert "receipt: off" in detail and "status change: on" in detail
    assert "adjustment" not in detail  # unchanged
    waiting.set_auto_release(on_receipt=False, on_status_change=True, user="ann")
    assert len(_changes(waiting)) == 1  # nothing changed, nothing audited
    waiting.set_auto_release(user="bob")  # back to the defaults
    log = _changes(waiting)
    assert len(log) == 2 and log.iloc[0]["user"] == "bob"
    assert waiting.auto_release() == AutoRelease()


def test_the_setting_survives_closing_and_reopening(location):
    path = location
    wh = engine.open(path)
    try:
        build(wh, {"X": True}, [("X", "Frozen", 4)], [{"order_no": "1"}], [("1", 1, "X", 3)])
        wh.run_fulfillment(["1"])
        wh.set_auto_release(on_receipt=False, on_adjustment=True, on_status_change=True)
    finally:
        wh.close()
    again = engine.open(path)
    try:
        assert again.auto_release() == AutoRelease(
            on_receipt=False, on_adjustment=True, on_status_change=True)
        assert again.change_status("X", 3, "Frozen", "Available").released == ["1.001"]
    finally:
        again.close()
    viewer = engine.open(path, read_only=True)
    try:
        assert viewer.auto_release().on_status_change
        with pytest.raises(engine.ReadOnlyError):
            viewer.set_auto_release(on_status_change=False)
    finally:
        viewer.close()


@pytest.mark.parametrize("value", [1, 0, "true", None, "yes"])
@pytest.mark.parametrize("name", ["on_receipt", "on_adjustment", "on_status_change"])
def test_anything_but_a_bool_is_refused_and_nothing_changes(waiting, name, value):
    with pytest.raises(engine.BackorderError, match=name):
        waiting.set_auto_release(**{name: value})
    assert waiting.auto_release() == AutoRelease()
    assert _changes(waiting).empty
