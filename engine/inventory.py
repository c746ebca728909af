"""Inventory events (receipts, adjustments, status changes) and the end of an order's life
(ship, cancel). Only receipts release anything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from . import audit, auto_release, expected, ids, inputs, reservations
from .db import Database
from .errors import InventoryError, ValidationError
from .inputs import MAX_ON_HAND
from .order_actions import CANCEL_REFUSAL, SHIP_REFUSAL, order_states
from .release import ReleaseResult, release_waiting_for
from .schema import STOCK_STATUSES

OUTCOME_COLUMNS = ["order_no", "reason"]
ACTION_OK = "(SELECT order_no FROM action_orders WHERE reason IS NULL)"


@dataclass
class ReceiptResult:
    receipt_id: int
    sku: str
    qty: int
    released: list[str]
    not_released: pd.DataFrame
    ref: str | None = None              # the expected receipt it was booked against
    ref_line_no: int | None = None
    over_received: int = 0              # units beyond that line's open quantity


@dataclass
class StockChangeResult:
    """An adjustment or status change: what it auto-released, when the warehouse chose
    auto-release on that event and stock became Available (else nothing)."""
    released: list[str] = field(default_factory=list)
    not_released: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["order_no", "outcome", "reason"]))


@dataclass
class OrderActionResult:
    """Per-order outcome of ship or cancel: `done` orders and refused ones with a reason."""
    done: list[str]
    refused: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OUTCOME_COLUMNS))

    @property
    def shipped(self) -> list[str]:
        return self.done

    @property
    def not_shipped(self) -> pd.DataFrame:
        return self.refused

    @property
    def cancelled(self) -> list[str]:
        return self.done

    @property
    def not_cancelled(self) -> pd.DataFrame:
        return self.refused


def _check_sku(cur: duckdb.DuckDBPyConnection, sku: str) -> str:
    sku = inputs.text(sku, "sku")
    if not cur.execute("SELECT count(*) FROM items WHERE sku = ?", [sku]).fetchall()[0][0]:
        raise ValidationError(f"Unknown SKU {sku!r}", column="sku", value=sku)
    return sku


def _check_status(status: str, column: str) -> str:
    if not isinstance(status, str) or status not in STOCK_STATUSES:
        raise ValidationError(
            f"{column} must be one of {', '.join(STOCK_STATUSES)}, not {status!r}",
            column=column, value=status)
    return status


def _balance(cur: duckdb.DuckDBPyConnection, sku: str) -> tuple[dict[str, int], int]:
    on_hand = dict(cur.execute("SELECT status, qty FROM on_hand WHERE sku = ?", [sku]).fetchall())
    reserved = cur.execute("SELECT coalesce(sum(reserved), 0) FROM reserved WHERE sku = ?",
                           [sku]).fetchall()[0][0]
    return {s: int(on_hand.get(s, 0)) for s in STOCK_STATUSES}, int(reserved)


def _within_on_hand(sku: str, status: str, after: int) -> None:
    if after > MAX_ON_HAND:
        raise InventoryError(f"{sku} {status} would have {after:,} units on hand; the most "
                             f"one SKU may hold is {MAX_ON_HAND:,}. Nothing was written.")


def _ledger(cur: duckdb.DuckDBPyConnection, at: datetime, user: str | None, kind: str,
            sku: str, status: str, qty: int, receipt_id: int | None = None,
            reason: str | None = None) -> None:
    cur.execute("INSERT INTO inventory_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [ids.take(cur, "ledger"), at, user, kind, sku, status, qty, receipt_id, reason])


def receive(db: Database, sku: str, qty: int, user: str | None = None,
            reason: str | None = None, ref: str | None = None) -> ReceiptResult:
    """Adds Available stock; with a `ref`, books it against that expected receipt. Then
    releases the backorders waiting for the SKU, unless the warehouse turned that off."""
    qty = inputs.quantity(qty)
    reason = inputs.text(reason, "reason", optional=True)
    ref = inputs.text(ref, "ref", optional=True)
    at = db.now()
    with db.write() as cur:
        sku = _check_sku(cur, sku)
        on_hand, _ = _balance(cur, sku)
        _within_on_hand(sku, "Available", on_hand["Available"] + qty)
        line_no, over = expected.book_receipt(cur, ref, sku, qty) if ref else (None, 0)
        receipt_id = ids.take(cur, "receipt")
        _ledger(cur, at, user, "receipt", sku, "Available", qty, receipt_id, reason)
        booked = (f"against {ref} line {line_no}"
                  + (f", {over} over what was expected" if over else "")) if ref else ""
        audit.record_one(cur, at, user, "receipt", sku=sku, qty=qty, receipt_id=receipt_id,
                         detail="; ".join(t for t in (reason or "received into Available",
                                                      booked) if t))
        outcome = (release_waiting_for(cur, sku, at, user, receipt_id)
                   if auto_release.settings(cur).on_receipt else ReleaseResult([]))
    return ReceiptResult(receipt_id=receipt_id, sku=sku, qty=qty, released=outcome.released,
                         not_released=outcome.not_released, ref=ref, ref_line_no=line_no,
                         over_received=over)


def _released_on(cur: duckdb.DuckDBPyConnection, event: str, sku: str, at: datetime,
                 user: str | None) -> StockChangeResult:
    """Auto-release after stock became Available by an adjustment or status change, when
    the warehouse chose it for that event."""
    chosen = auto_release.settings(cur)
    if not (chosen.on_adjustment if event == "adjustment" else chosen.on_status_change):
        return StockChangeResult()
    how = "adjustment" if event == "adjustment" else "status change"
    outcome = release_waiting_for(cur, sku, at, user, how=f"auto-released on {how}")
    return StockChangeResult(released=outcome.released, not_released=outcome.not_released)


def adjust(db: Database, sku: str, delta: int, reason: str | None = None,
           user: str | None = None, status: str = "Available") -> StockChangeResult:
    delta = inputs.delta(delta)
    status = _check_status(status, "status")
    reason = inputs.text(reason, "reason", optional=True)
    at = db.now()
    with db.write() as cur:
        sku = _check_sku(cur, sku)
        on_hand, reserved = _balance(cur, sku)
        after = on_hand[status] + delta
        _within_on_hand(sku, status, after)
        if after < 0:
            raise InventoryError(f"Adjusting {sku} {status} by {delta} would leave {after} "
                                 f"on hand; there are {on_hand[status]}")
        if status == "Available" and after < reserved:
            raise InventoryError(f"Adjusting {sku} Available by {delta} would leave {after} "
                                 f"on hand with {reserved} reserved for orders")
        _ledger(cur, at, user, "adjustment", sku, status, delta, reason=reason)
        audit.record_one(cur, at, user, "adjustment", sku=sku, qty=delta,
                         detail=f"{status}: {reason or 'no reason given'}")
        if status == "Available" and delta > 0:
            return _released_on(cur, "adjustment", sku, at, user)
        return StockChangeResult()


def change_status(db: Database, sku: str, qty: int, from_status: str, to_status: str,
                  user: str | None = None, reason: str | None = None) -> StockChangeResult:
    qty = inputs.quantity(qty)
    reason = inputs.text(reason, "reason", optional=True)
    from_status = _check_status(from_status, "from_status")
    to_status = _check_status(to_status, "to_status")
    if from_status == to_status:
        raise ValidationError(f"from_status and to_status are both {from_status}",
                              column="to_status", value=to_status)
    at = db.now()
    with db.write() as cur:
        sku = _check_sku(cur, sku)
        on_hand, reserved = _balance(cur, sku)
        _within_on_hand(sku, to_status, on_hand[to_status] + qty)
        if on_hand[from_status] < qty:
            raise InventoryError(f"Cannot move {qty} {sku} out of {from_status}: "
                                 f"only {on_hand[from_status]} on hand")
        if from_status == "Available" and on_hand["Available"] - qty < reserved:
            raise InventoryError(
                f"Cannot move {qty} {sku} out of Available: {reserved} of "
                f"{on_hand['Available']} are reserved for orders")
        _ledger(cur, at, user, "status_change", sku, from_status, -qty, reason=reason)
        _ledger(cur, at, user, "status_change", sku, to_status, qty, reason=reason)
        audit.record_one(cur, at, user, "status_change", sku=sku, qty=qty,
                         detail=f"{from_status} → {to_status}"
                         + (f": {reason}" if reason else ""))
        if to_status == "Available":
            return _released_on(cur, "status_change", sku, at, user)
        return StockChangeResult()


def _split(cur: duckdb.DuckDBPyConnection) -> OrderActionResult:
    frame = cur.execute(
        "SELECT order_no, reason FROM action_orders ORDER BY request_pos").df()
    done = frame.loc[frame["reason"].isna(), "order_no"].tolist()
    refused = frame.loc[frame["reason"].notna()].reset_index(drop=True)
    return OrderActionResult(done=done, refused=refused)


def ship(db: Database, order_nos: Iterable[str] | str,
         user: str | None = None) -> OrderActionResult:
    at = db.now()
    with db.write() as cur:
        order_states(cur, order_nos, SHIP_REFUSAL)
        ids.insert_numbered(cur, "ledger", "inventory_ledger", """
            SELECT ?::TIMESTAMP, ?::VARCHAR, 'shipment', sku, 'Available', -qty, NULL::BIGINT,
                   'orders shipped'
            FROM (SELECT l.sku, sum(l.allocated_qty)::BIGINT AS qty
                  FROM order_lines l JOIN action_orders a USING (order_no)
                  WHERE a.reason IS NULL AND l.allocated_qty > 0 GROUP BY l.sku)""", [at, user],
                            order_by="sku")
        reservations.add(cur, reservations.freed_orders_deltas(ACTION_OK))
        cur.execute("""
            UPDATE orders SET status = 'Shipped'
            WHERE order_no IN (SELECT order_no FROM action_orders WHERE reason IS NULL)""")
        audit.record(cur, at, user, """
            SELECT 'shipped', a.order_no, NULL, coalesce(sum(l.allocated_qty), 0), NULL, NULL,
                   'reserved units consumed from Available'
            FROM action_orders a LEFT JOIN order_lines l USING (order_no)
            WHERE a.reason IS NULL GROUP BY a.order_no""")
        return _split(cur)


def cancel(db: Database, order_nos: Iterable[str] | str, reason: str | None = None,
           user: str | None = None) -> OrderActionResult:
    reason = inputs.text(reason, "reason", optional=True)
    at = db.now()
    with db.write() as cur:
        order_states(cur, order_nos, CANCEL_REFUSAL)
        reservations.add(cur, reservations.freed_orders_deltas(ACTION_OK))
        cur.execute("""
            UPDATE orders SET status = 'Cancelled'
            WHERE order_no IN (SELECT order_no FROM action_orders WHERE reason IS NULL)""")
        audit.record(cur, at, user, """
            SELECT 'cancelled', a.order_no, NULL, coalesce(sum(l.allocated_qty), 0), NULL, NULL,
                   ?
            FROM action_orders a LEFT JOIN order_lines l USING (order_no)
            WHERE a.reason IS NULL GROUP BY a.order_no""",
                     [reason or "cancelled; its reservation is freed"])
        return _split(cur)
