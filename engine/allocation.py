"""Fulfillment runs: one transaction that plans the allocation of a group of orders in
SQL (run_plan) and records it (run_record)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import ids, policies, run_plan, run_record
from .db import Database
from .errors import ValidationError
from .frames import load_order_nos
from .inputs import order_no_list
from .orderno import ROOT_SQL, SUFFIX_SQL
from .policies import DEFAULT_POLICY
from .schema import ALERT_MESSAGE_SQL

BACKORDER_GROUPINGS = ("per_line", "per_order")
Progress = Callable[[float, str], None]


@dataclass
class RunResult:
    """`alerts` is read when first asked for: a large run has millions of them, and a
    screen that pages them in DuckDB never needs the whole frame."""
    run_id: int
    summary: dict[str, int] = field(default_factory=dict)
    _read_alerts: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)
    _alerts: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def alerts(self) -> pd.DataFrame:
        if self._alerts is None and self._read_alerts is not None:
            self._alerts = self._read_alerts()
        return self._alerts if self._alerts is not None else pd.DataFrame()


class Reporter:
    """Passes progress on, but never lets the callback decide the transaction. An
    interrupt or a rerun request it raises is held until the run has committed, then
    raised; an ordinary error from it is logged and dropped (a broken progress bar does not
    fail a run). Either way the callback is not called again."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._deferred: BaseException | None = None

    def __call__(self, fraction: float, message: str) -> None:
        if self._progress is None or self._deferred is not None:
            return
        try:
            self._progress(fraction, message)
        except BaseException as exc:  # noqa: BLE001 - held, then raised after the commit
            self._deferred = exc

    def raise_deferred(self) -> None:
        if isinstance(self._deferred, Exception):
            logging.getLogger("engine").warning("progress callback failed: %r", self._deferred)
        elif self._deferred is not None:
            raise self._deferred


def check_grouping(backorder_grouping: object) -> str:
    if backorder_grouping not in BACKORDER_GROUPINGS:
        raise ValidationError(
            f"backorder_grouping must be one of {', '.join(BACKORDER_GROUPINGS)}, "
            f"not {backorder_grouping!r}", column="backorder_grouping", value=backorder_grouping)
    return str(backorder_grouping)


def requested_orders(order_nos: Iterable[str] | str) -> pd.Series:
    """The order numbers asked for, refused before anything is read or written."""
    requested = order_no_list(order_nos)
    if not (requested != "").any():
        raise ValidationError("No orders to run: choose at least one order",
                              column="order_nos", value=order_nos)
    return requested


def run_fulfillment(db: Database, order_nos: Iterable[str] | str, user: str | None = None,
                    backorder_grouping: str = "per_line",
                    progress: Progress | None = None, policy: str = DEFAULT_POLICY
                    ) -> RunResult:
    check_grouping(backorder_grouping)
    rule = policies.policy(policy)
    requested = requested_orders(order_nos)
    report = Reporter(progress)
    at = db.now()
    with db.write() as cur:
        run_id = ids.take(cur, "run")
        report(0.05, "Reading the orders")
        load_order_nos(cur, "run_request", requested)
        run_plan.stage(cur)
        report(0.25, "Allocating Available stock in rank order")
        rule.allocate(cur)
        report(0.55, "Settling lines, shorts and backorders")
        run_record.settle(cur, backorder_grouping)
        report(0.75, "Writing results")
        run_record.write(cur, run_id, at, user, backorder_grouping, rule.name)
    report(1.0, "Done")
    report.raise_deferred()
    with db.read() as cur:
        summary = run_summary(cur, run_id)

    def load_alerts() -> pd.DataFrame:
        with db.read() as cur:
            return read_alerts(cur, run_id)

    return RunResult(run_id=run_id, summary=summary, _read_alerts=load_alerts)


ALERT_COLUMNS = "run_id, order_no, sku, severity, kind, qty, new_order_no, message"
SEVERITY_ORDER = "CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"
ALERT_ORDER = f"{SEVERITY_ORDER}, {ROOT_SQL}, {SUFFIX_SQL}, new_order_no, sku"


def paged_alerts_sql(where_sql: str, limit: int | None = None, offset: int = 0) -> str:
    """Errors first, then warnings, then the rest; by order number as numbers. The page is
    cut before messages are made: a large run has millions of derived alerts."""
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return f"""
        SELECT run_id, order_no, sku, severity, kind, qty, new_order_no,
               {ALERT_MESSAGE_SQL} AS message
        FROM (SELECT * FROM alert_facts WHERE {where_sql} ORDER BY {ALERT_ORDER} {page})
        ORDER BY {ALERT_ORDER}"""


def read_alerts(cur: duckdb.DuckDBPyConnection, run_id: int, limit: int | None = None,
                offset: int = 0) -> pd.DataFrame:
    return cur.execute(paged_alerts_sql("run_id = ?", limit, offset), [run_id]).df()


def run_summary(cur: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, int]:
    frame = cur.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
    if frame.empty:
        return {}
    return frame.iloc[0].to_dict()
