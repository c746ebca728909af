"""What a fulfillment run would do, worked out without writing anything (design section 7).

A simulation plans the run exactly as `run_fulfillment` does, in the same temp tables,
but on a read cursor inside one read transaction: it takes no write lock, touches no
sequence and leaves no row anywhere; the temp tables go with the cursor. Comparing
policies stages the orders once and allocates them under each setting in turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb
import pandas as pd

from . import policies, run_plan, run_record
from .allocation import (
    ALERT_ORDER,
    Progress,
    Reporter,
    RunResult,
    check_grouping,
    requested_orders,
)
from .db import Database
from .errors import ValidationError
from .frames import load_order_nos
from .schema import ALERT_MESSAGE_SQL

COMPARISON_COLUMNS = [
    "policy", "backorder_grouping", "line_fill_rate", "unit_fill_rate", "orders_requested",
    "orders_complete", "backorders_created", "units_allocated", "units_backordered",
    "units_shorted", "value_backordered", "customers", "customers_served_at_zero"]

# The measures of section 7 that the run summary does not hold.
_MEASURES_SQL = """
    WITH per_line AS (
        SELECT l.order_rank, l.need, coalesce(a.alloc, 0) AS alloc,
               coalesce(a.backordered, 0) * s.unit_price AS value_backordered
        FROM run_lines l JOIN run_skus s USING (sku_id)
        LEFT JOIN run_alloc a USING (line_id)
        WHERE l.need > 0),
    per_customer AS (
        SELECT coalesce(o.customer, 'order ' || o.order_no) AS customer,
               sum(p.alloc) AS alloc
        FROM per_line p JOIN run_ranked o USING (order_rank) GROUP BY 1)
    SELECT (SELECT coalesce(sum(value_backordered), 0) FROM per_line)::DOUBLE
               AS value_backordered,
           (SELECT count(*) FROM per_customer) AS customers,
           (SELECT count(*) FROM per_customer WHERE alloc = 0) AS customers_served_at_zero"""


def _alerts_sql(limit: int | None) -> str:
    page = f"LIMIT {int(limit)}" if limit is not None else ""
    return f"""
        SELECT NULL::BIGINT AS run_id, order_no, sku, severity, kind, qty::BIGINT AS qty,
               new_order_no,
               {ALERT_MESSAGE_SQL} AS message
        FROM (SELECT * FROM ({run_record.STORED_ALERTS_SQL}
                             UNION ALL {run_record.DERIVED_ALERTS_SQL})
                  AS facts(order_no, sku, severity, kind, qty, new_order_no, message)
              ORDER BY {ALERT_ORDER} {page})
        ORDER BY {ALERT_ORDER}"""


def _summary(cur: duckdb.DuckDBPyConnection, at: datetime, user: str | None,
             grouping: str, policy: str) -> dict:
    frame = cur.execute(f"SELECT * FROM ({run_record.SUMMARY_SQL})").df()
    row = {k: int(v) for k, v in frame.iloc[0].to_dict().items()}
    return {"run_id": None, "at": at, "user": user, "backorder_grouping": grouping, **row,
            "policy": policy}


def _staged(cur: duckdb.DuckDBPyConnection, requested: pd.Series) -> None:
    load_order_nos(cur, "run_request", requested)
    run_plan.stage(cur)


def _plan(cur: duckdb.DuckDBPyConnection, rule: policies.Policy, grouping: str) -> None:
    rule.allocate(cur)
    run_record.settle(cur, grouping)


def simulate_fulfillment(db: Database, order_nos: Iterable[str] | str,
                         user: str | None = None, backorder_grouping: str = "per_line",
                         policy: str = policies.DEFAULT_POLICY,
                         progress: Progress | None = None,
                         alert_limit: int | None = None) -> RunResult:
    """The result `run_fulfillment` would give now (`run_id` None), with nothing written.
    `alert_limit` keeps the first alerts only, in the order a run lists them."""
    grouping = check_grouping(backorder_grouping)
    rule = policies.policy(policy)
    requested = requested_orders(order_nos)
    report = Reporter(progress)
    at = db.now()
    with db.read() as cur:
        cur.execute("BEGIN TRANSACTION")  # one snapshot of the warehouse throughout
        try:
            report(0.05, "Reading the orders")
            _staged(cur, requested)
            report(0.3, "Allocating Available stock")
            _plan(cur, rule, grouping)
            report(0.8, "Summing up")
            summary = _summary(cur, at, user, grouping, rule.name)
            alerts = cur.execute(_alerts_sql(alert_limit)).df()
        finally:
            cur.execute("ROLLBACK")
    report(1.0, "Done")
    report.raise_deferred()
    return RunResult(run_id=None, summary=summary, _alerts=alerts)


def _settings(settings: Sequence[dict]) -> list[tuple[policies.Policy, str]]:
    if isinstance(settings, (str, bytes, dict)) or not len(settings):
        raise ValidationError("Choose at least one setting to compare: a list of "
                              "{'policy': ..., 'backorder_grouping': ...}",
                              column="settings", value=settings)
    chosen = []
    for k, setting in enumerate(settings):
        if not isinstance(setting, dict) or set(setting) - {"policy", "backorder_grouping"}:
            raise ValidationError(f"Setting {k + 1} must be a dict of policy and "
                                  f"backorder_grouping, not {setting!r}", row=k + 1,
                                  column="settings", value=setting)
        chosen.append((policies.policy(setting.get("policy", policies.DEFAULT_POLICY)),
                       check_grouping(setting.get("backorder_grouping", "per_line"))))
    return chosen


def compare_policies(db: Database, order_nos: Iterable[str] | str,
                     settings: Sequence[dict], progress: Progress | None = None
                     ) -> pd.DataFrame:
    """One row per setting, in the order given: fill rates, orders complete, backorders
    created, units and value back-ordered, units shorted, customers served at zero."""
    chosen = _settings(settings)
    requested = requested_orders(order_nos)
    report = Reporter(progress)
    rows = []
    with db.read() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            report(0.05, "Reading the orders")
            _staged(cur, requested)
            for k, (rule, grouping) in enumerate(chosen):
                report(0.1 + 0.85 * k / len(chosen), f"Simulating {rule.label}, "
                       f"{grouping.replace('_', ' ')}")
                _plan(cur, rule, grouping)
                summary = _summary(cur, db.now(), None, grouping, rule.name)
                measures = cur.execute(_MEASURES_SQL).df().iloc[0].to_dict()
                rows.append(_comparison_row(summary, measures))
        finally:
            cur.execute("ROLLBACK")
    report(1.0, "Done")
    report.raise_deferred()
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _comparison_row(summary: dict, measures: dict) -> dict:
    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None
    return {
        "policy": summary["policy"], "backorder_grouping": summary["backorder_grouping"],
        "line_fill_rate": rate(summary["lines_filled"], summary["lines_requested"]),
        "unit_fill_rate": rate(summary["units_allocated"], summary["units_requested"]),
        "orders_requested": summary["orders_requested"],
        "orders_complete": summary["orders_filled_complete"],
        "backorders_created": summary["backorders_created"],
        "units_allocated": summary["units_allocated"],
        "units_backordered": summary["units_backordered"],
        "units_shorted": summary["units_shorted"],
        "value_backordered": round(float(measures["value_backordered"]), 2),
        "customers": int(measures["customers"]),
        "customers_served_at_zero": int(measures["customers_served_at_zero"]),
    }
