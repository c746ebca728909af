"""The engine's public face: one `Warehouse` object, shared by pages, notebooks and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

import pandas as pd
from duckdb import DuckDBPyConnection as DuckDBCursor

from . import (
    analytics,
    auto_release,
    downloads,
    edits,
    eta,
    eta_views,
    expected,
    exports,
    import_check,
    imports,
    inputs,
    inventory,
    order_actions,
    reads,
    release,
    simulation,
    snapshot,
    waiting,
    why,
)
from .allocation import Progress, RunResult, run_fulfillment
from .analytics import BackorderFilter
from .db import Database
from .errors import BackorderError
from .frames import fetch_frame
from .guard import guarded, writes
from .import_check import FileToImport, ImportReport
from .policies import DEFAULT_POLICY
from .reads import AuditFilter, OrderFilter

# What the orders reads join as `eta_set`, with the dtypes `backorder_eta` gives them.
ETA_SET = {"order_no": object, "eta": "datetime64[us]", "covered_by": object,
           "late_by_days": "Int32"}
DemoLoader = Callable[["Warehouse", int], None]
_DEMO_LOADER: DemoLoader | None = None


def register_demo(loader: DemoLoader) -> None:
    """`data.demo` hands the engine its loader, so `wh.load_demo()` works without the
    engine knowing where demo data comes from."""
    global _DEMO_LOADER
    _DEMO_LOADER = loader


class Warehouse:
    """Safe to share across threads: each call takes its own cursor, writes are serialised,
    and a write that overlaps another `Warehouse`'s on the same file is retried."""

    def __init__(self, path: str = ":memory:", clock: Callable[[], datetime] | None = None,
                 read_only: bool = False, memory_limit: str | None = None,
                 temp_directory: str | None = None):
        self.db = Database(path, clock, read_only=read_only, memory_limit=memory_limit,
                           temp_directory=temp_directory)
        self.path = path

    @property
    def read_only(self) -> bool:
        """Opened for viewing only: every write raises `ReadOnlyError`."""
        return self.db.read_only

    # -- clock and lifecycle -------------------------------------------------------------
    @property
    def clock(self) -> Callable[[], datetime]:
        return self.db.clock

    @clock.setter
    def clock(self, value: Callable[[], datetime]) -> None:
        self.db.clock = value

    def now(self) -> datetime:
        return self.db.now()

    def close(self) -> None:
        self.db.close()

    @guarded
    def change_count(self) -> int:
        """Grows with every write, by anyone: a preview made at one count is out of date
        at another."""
        return self.db.change_count()

    @guarded
    def is_empty(self) -> bool:
        with self.db.read() as cur:
            return cur.execute(
                "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM orders)"
            ).fetchall()[0][0] == 0

    @guarded  # many transactions, each retried on its own
    def load_demo(self, seed: int = 0) -> None:
        """Loads the demo warehouse, history included, into an empty database. The demo
        lives in `data/`, which registers itself on import (`import data.demo`): data
        calls the engine, never the reverse."""
        if not self.is_empty():
            raise BackorderError("The demo data goes into an empty warehouse; this one has data")
        if _DEMO_LOADER is None:
            raise BackorderError("No demo data is installed: `import data.demo` first "
                                 "(the dashboard does).")
        _DEMO_LOADER(self, seed)

    # -- imports -------------------------------------------------------------------------
    @writes
    def import_items(self, df: pd.DataFrame, user: str | None = None) -> int:
        return imports.import_items(self.db, df, user)

    @writes
    def import_inventory(self, df: pd.DataFrame, user: str | None = None) -> int:
        return imports.import_inventory(self.db, df, user)

    @writes
    def import_orders(self, orders: pd.DataFrame, lines: pd.DataFrame,
                      user: str | None = None) -> int:
        return imports.import_orders(self.db, orders, lines, user)

    @writes
    def import_expected_receipts(self, df: pd.DataFrame, user: str | None = None) -> int:
        """Inbound supply (purchase-order or transfer lines with a due date), the source of
        backorder ETAs; returns how many lines were written."""
        return imports.import_expected_receipts(self.db, df, user)

    @guarded
    def expected_receipts(self) -> pd.DataFrame:
        """Every expected receipt line with its open quantity, soonest due first."""
        with self.db.read() as cur:
            return expected.expected_receipts(cur)

    @guarded
    def backorder_eta(self) -> pd.DataFrame:
        """One row per open backorder: `order_no`, `eta` (null when no known supply covers
        it), `covered_by`, `days_waiting`, `late_by_days`, `ship_by`, and the receipt that
        releases it (`released_by_ref`, `released_by_line`). Worked out once per change of
        the warehouse and per day, and shared by every screen."""
        return self._eta().reset_index(drop=True)

    def _eta(self) -> pd.DataFrame:
        """`backorder_eta`, indexed by order number for lookups of one order."""
        today = self.now().date()
        midnight = datetime.combine(today, datetime.min.time())

        def compute(cur):
            frame = eta.backorder_eta(cur, midnight)
            return frame.set_index("order_no", drop=False)
        return self.db.once_per_change(f"backorder_eta:{today}", compute)

    @contextmanager
    def _order_reads(self, f: OrderFilter | None, sort: str = "rank",
                     shows_eta: bool = False) -> Iterator[tuple[DuckDBCursor, pd.DataFrame | None]]:
        """A read cursor with what the orders reads join: the releasable set when the
        filter asks for it, and the ETAs (`eta_set`) when they are shown, filtered or sorted
        by. A count or a list of numbers that needs no ETA does not wait for them."""
        releasable = self._releasable_list(f) if isinstance(f, OrderFilter) else None
        filters_by_eta = isinstance(f, OrderFilter) and bool(f.eta)
        wanted = shows_eta or filters_by_eta or reads.sorts_by_eta(sort)
        etas = (self._eta()[list(ETA_SET)].reset_index(drop=True) if wanted
                else pd.DataFrame({c: pd.Series(dtype=t) for c, t in ETA_SET.items()}))
        with self.db.read() as cur:
            cur.register("eta_set", etas)
            yield cur, releasable

    @guarded
    def why_waiting(self, order_no: str) -> pd.DataFrame:
        """Per SKU of the backorder: what it needs, what is free and held, who holds the
        reservations, what is ranked ahead, the next receipt, and a one-line reason."""
        order_no = str(order_no).strip()
        etas = self._eta()
        row = etas.loc[order_no].to_dict() if order_no in etas.index else None
        with self.db.read() as cur:
            return why.why_waiting(cur, order_no, row, self.now().date())

    @guarded
    def receipt_plan(self) -> pd.DataFrame:
        """Open expected receipts, soonest first, with the backorders each will release."""
        return self._over_etas(lambda cur: eta_views.receipt_plan(cur, self.now().date()))

    @guarded
    def receipt_releases(self, ref: str) -> pd.DataFrame:
        """The backorders expected receipt `ref` will release, in rank order."""
        return self._over_etas(lambda cur: eta_views.receipt_releases(cur, str(ref)))

    @guarded
    def eta_outlook(self, days: int = 28) -> pd.DataFrame:
        """Backorders and units expected to release per day over the coming `days`, by
        what covers them, and the backlog no known supply covers (a row with no day)."""
        days = inputs.whole(days, "days", low=1, high=366)
        return self._over_etas(lambda cur: eta_views.outlook(cur, self.now().date(), days))

    def _over_etas(self, read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
        etas = self._eta().reset_index(drop=True)
        with self.db.read() as cur:
            cur.register("eta_all", etas)
            return read(cur)

    @guarded
    def auto_release(self) -> auto_release.AutoRelease:
        """Which availability events release waiting backorders by themselves."""
        with self.db.read() as cur:
            return auto_release.settings(cur)

    @writes
    def set_auto_release(self, on_receipt: bool = True, on_adjustment: bool = False,
                         on_status_change: bool = False,
                         user: str | None = None) -> auto_release.AutoRelease:
        """Off by default for adjustments and status changes, as in the WMS; audited."""
        return auto_release.set_auto_release(self.db, on_receipt, on_adjustment,
                                             on_status_change, user)

    # -- fulfillment and release -----------------------------------------------------------
    @writes
    def run_fulfillment(self, order_nos: Iterable[str] | str, user: str | None = None,
                        backorder_grouping: str = "per_line",
                        progress: Progress | None = None,
                        policy: str = DEFAULT_POLICY) -> RunResult:
        """`policy` is one of `engine.POLICIES` ("rank", "fair_share"); the run keeps it."""
        return run_fulfillment(self.db, order_nos, user, backorder_grouping, progress, policy)

    @guarded
    def simulate_fulfillment(self, order_nos: Iterable[str] | str, user: str | None = None,
                             backorder_grouping: str = "per_line",
                             policy: str = DEFAULT_POLICY, progress: Progress | None = None,
                             alert_limit: int | None = None) -> RunResult:
        """What `run_fulfillment` would do now, with nothing written (`run_id` is None)."""
        return simulation.simulate_fulfillment(self.db, order_nos, user, backorder_grouping,
                                               policy, progress, alert_limit)

    @guarded
    def compare_policies(self, order_nos: Iterable[str] | str, settings: list[dict],
                         progress: Progress | None = None) -> pd.DataFrame:
        """Simulations side by side, one row per setting ({"policy", "backorder_grouping"}):
        fill rates, orders complete, backorders, units shorted, value back-ordered,
        customers served at zero."""
        return simulation.compare_policies(self.db, order_nos, settings, progress)

    @guarded
    def review_release(self, order_nos: Iterable[str] | str) -> pd.DataFrame:
        return release.review_release(self.db, order_nos)

    @writes
    def release_backorders(self, order_nos: Iterable[str] | str,
                           user: str | None = None) -> release.ReleaseResult:
        return release.release_backorders(self.db, order_nos, user)

    @guarded
    def waiting_reasons(self, order_nos: Iterable[str] | str) -> pd.DataFrame:
        """One short line per Back Order order among `order_nos`: what it lacks."""
        with self.db.read() as cur:
            return waiting.waiting_reasons(cur, order_nos)

    @guarded
    def releasable_now(self, include_blocked: bool = False) -> pd.DataFrame:
        return release.releasable_now(self.db, include_blocked)

    # -- inventory events and the end of an order's life -------------------------------------
    @writes
    def receive(self, sku: str, qty: int, user: str | None = None,
                reason: str | None = None, ref: str | None = None) -> inventory.ReceiptResult:
        """With a `ref`, booked against that expected receipt's open quantity."""
        return inventory.receive(self.db, sku, qty, user, reason, ref)

    @writes
    def adjust(self, sku: str, delta: int, reason: str | None = None, user: str | None = None,
               status: str = "Available") -> inventory.StockChangeResult:
        return inventory.adjust(self.db, sku, delta, reason, user, status)

    @writes
    def change_status(self, sku: str, qty: int, from_status: str, to_status: str,
                      user: str | None = None, reason: str | None = None
                      ) -> inventory.StockChangeResult:
        return inventory.change_status(self.db, sku, qty, from_status, to_status, user, reason)

    @writes
    def ship(self, order_nos: Iterable[str] | str,
             user: str | None = None) -> inventory.OrderActionResult:
        return inventory.ship(self.db, order_nos, user)

    @writes
    def cancel(self, order_nos: Iterable[str] | str, reason: str | None = None,
               user: str | None = None) -> inventory.OrderActionResult:
        return inventory.cancel(self.db, order_nos, reason, user)

    # -- grid edits ------------------------------------------------------------------------
    @writes
    def edit_orders(self, changes: pd.DataFrame | Mapping[str, Mapping[str, object]],
                    user: str | None = None) -> int:
        return edits.edit_orders(self.db, changes, user)

    @writes
    def set_backorder(self, skus: Iterable[str] | str, allowed: bool,
                      user: str | None = None) -> int:
        return edits.set_backorder(self.db, skus, allowed, user)

    # -- read models -------------------------------------------------------------------------
    def _releasable_list(self, f: OrderFilter) -> pd.DataFrame | None:
        if not f.releasable_only:
            return None
        return release.releasable_now(self.db)[["order_no"]]

    # -- files from a WMS or ERP: checked in full, then imported in one transaction --------
    @guarded
    def check_import(self, files: list[FileToImport], replace: bool = False,
                     progress: Progress | None = None) -> ImportReport:
        """Every bad row of the files (row, column, value, reason); writes nothing."""
        return import_check.check_import(self.db, files, replace, progress)

    @writes
    def import_files(self, files: list[FileToImport], replace: bool = False,
                     user: str | None = None, progress: Progress | None = None
                     ) -> ImportReport:
        """Adds the files' items, stock and orders, or with `replace` empties the warehouse
        first; nothing is written unless every row of every file is valid."""
        return import_check.import_files(self.db, files, replace, user, progress)

    @writes
    def replace_with_snapshot(self, folder: str, user: str | None = None) -> dict:
        """Replaces the whole warehouse by the snapshot in `folder`, in one transaction;
        refused, with nothing changed, when the snapshot breaks a rule."""
        return snapshot.replace_with_snapshot(self.db, folder, user)

    # -- exports and snapshots -------------------------------------------------------------
    @guarded
    def export(self, what: str, path: str, fmt: str = "csv", **options) -> int:
        """Every row of a read model under the grid's filter (not the page shown) to a CSV,
        Excel or Parquet file; returns the row count. `what` is one of `engine.EXPORTS`;
        `options` are the read's own (`filter=`, `sort=`, `run_id=`, `search=`, ...)."""
        exports.check_format(fmt)
        if what == "releasable_now":
            return exports.frame_to_file(self.releasable_now(), path, fmt)
        with self._order_reads(options.get("filter"), shows_eta=what == "orders") as (
                cur, releasable):
            sql, params = downloads.query_for(cur, what, releasable, self.now(), options)
            return exports.query_to_file(cur, sql, params, path, fmt)

    @guarded
    def export_snapshot(self, folder: str) -> dict:
        """The whole warehouse as Parquet files and a manifest, from one moment."""
        return snapshot.export_snapshot(self.db, folder)

    @guarded
    def orders(self, filter: OrderFilter | None = None, limit: int | None = None,
               offset: int = 0, sort: str = "rank") -> pd.DataFrame:
        f = filter or OrderFilter()
        with self._order_reads(f, sort, shows_eta=True) as (cur, releasable):
            return reads.list_orders(cur, f, limit, offset, sort, releasable, self.now())

    @guarded
    def order_nos(self, filter: OrderFilter | None = None, limit: int | None = None,
                  sort: str = "rank") -> list[str]:
        """Numbers of the matching orders in grid order: select all matching, group runs."""
        f = filter or OrderFilter()
        with self._order_reads(f, sort) as (cur, releasable):
            return reads.list_order_nos(cur, f, limit, sort, releasable, self.now())

    @guarded
    def status_counts(self, filter: OrderFilter | None = None) -> dict[str, int]:
        """Matching orders per status, in one query: e.g. a selection's summary."""
        f = filter or OrderFilter()
        with self._order_reads(f) as (cur, releasable):
            return reads.status_counts(cur, f, releasable)

    @guarded
    def count_orders(self, filter: OrderFilter | None = None) -> int:
        f = filter or OrderFilter()
        with self._order_reads(f) as (cur, releasable):
            return reads.count_orders(cur, f, releasable)

    @guarded
    def order(self, order_no: str) -> dict | None:
        frame = self.orders(OrderFilter(order_nos=[str(order_no)]))
        return None if frame.empty else frame.iloc[0].to_dict()

    @guarded
    def order_lines(self, order_no: str) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.order_lines(cur, order_no)

    @guarded
    def order_history(self, order_no: str) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.order_history(cur, order_no)

    @guarded
    def items(self, backorder_allowed: bool | None = None, has_backorders: bool = False,
              shorted_not_allowed: bool = False, search: str | None = None,
              limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.items(cur, backorder_allowed, has_backorders, shorted_not_allowed,
                               search, limit, offset)

    @guarded
    def count_items(self, backorder_allowed: bool | None = None, has_backorders: bool = False,
                    shorted_not_allowed: bool = False, search: str | None = None) -> int:
        with self.db.read() as cur:
            return reads.count_items(cur, backorder_allowed, has_backorders,
                                     shorted_not_allowed, search)

    @guarded
    def skus(self, prefix: str | None = None, limit: int | None = None) -> list[str]:
        """Every SKU, or the first `limit` starting with `prefix` (a picker's choices)."""
        with self.db.read() as cur:
            return reads.skus(cur, prefix, limit)

    @guarded
    def inventory(self, search: str | None = None, limit: int | None = None) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.inventory(cur, search, limit)

    @guarded
    def ledger(self, limit: int = 200, sku: str | None = None) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.ledger(cur, limit, sku)

    @guarded
    def alerts(self, run_id: int, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.alerts(cur, run_id, limit, offset)

    @guarded
    def alert_counts(self, run_id: int) -> pd.DataFrame:
        """A run's alerts counted by severity and kind."""
        with self.db.read() as cur:
            return reads.alert_counts(cur, run_id)

    @guarded
    def runs(self) -> pd.DataFrame:
        with self.db.read() as cur:
            return reads.runs(cur)

    @guarded
    def audit_log(self, limit: int | None = None, order_no: str | None = None,
                  sku: str | None = None, filter: AuditFilter | None = None,
                  offset: int = 0) -> pd.DataFrame:
        """Newest first; `order_no` and `sku` narrow it, or a whole `AuditFilter`."""
        f = filter or AuditFilter(order_no=order_no, sku=sku)
        with self.db.read() as cur:
            return reads.audit_log(cur, f, limit, offset)

    @guarded
    def count_audit(self, filter: AuditFilter | None = None) -> int:
        with self.db.read() as cur:
            return reads.count_audit(cur, filter or AuditFilter())

    @guarded
    def audit_actions(self) -> list[str]:
        with self.db.read() as cur:
            return reads.audit_actions(cur)

    @guarded
    def ship_codes(self) -> list[str]:
        with self.db.read() as cur:
            return reads.distinct_ship_codes(cur)

    @guarded
    def attention(self) -> dict:
        """What needs an analyst now: the home page's numbers."""
        releasable = self.releasable_now()
        with self.db.read() as cur:
            totals = reads.open_backorder_totals(cur, self.now())
            short_not_allowed = reads.skus_shorted_not_allowed(cur)
            last = fetch_frame(cur, 'SELECT run_id, "at" FROM runs ORDER BY run_id DESC LIMIT 1')
        last_run = None
        if not last.empty:  # only the last run's alerts are counted, not every run's
            row = last.iloc[0]
            counts = self.alert_counts(int(row["run_id"]))
            last_run = {"run_id": int(row["run_id"]), "at": row["at"],
                        "by_severity": counts.groupby("severity")["alerts"].sum().to_dict(),
                        "by_kind": counts.groupby("kind")["alerts"].sum().to_dict()}
        return {"backorders": totals, "releasable": releasable,
                "last_run": last_run, "items_short_not_allowed": int(short_not_allowed)}

    # -- analytics ---------------------------------------------------------------------------
    @guarded
    def backorder_volume(self, f: BackorderFilter | None = None) -> pd.DataFrame:
        with self.db.read() as cur:
            return analytics.volume_over_time(cur, f or BackorderFilter())

    @guarded
    def backorder_aging(self, f: BackorderFilter | None = None) -> pd.DataFrame:
        with self.db.read() as cur:
            return analytics.aging(cur, f or BackorderFilter(), self.now())

    @guarded
    def top_backorder_skus(self, f: BackorderFilter | None = None, limit: int = 10
                           ) -> pd.DataFrame:
        with self.db.read() as cur:
            return analytics.top_skus(cur, f or BackorderFilter(), limit)

    @guarded
    def fill_rates(self, f: BackorderFilter | None = None) -> pd.DataFrame:
        with self.db.read() as cur:
            return analytics.fill_rate_by_run(cur, f or BackorderFilter())

    # -- run alerts filtered, ship and cancel reviewed (screens of issue 7) ------------------
    @guarded
    def run_alerts(self, run_id: int, severities: list[str] | None = None,
                   kinds: list[str] | None = None, limit: int | None = None,
                   offset: int = 0) -> pd.DataFrame:
        """A run's alerts narrowed by severity and kind, paged."""
        with self.db.read() as cur:
            return reads.run_alerts(cur, run_id, severities, kinds, limit, offset)

    @guarded
    def count_run_alerts(self, run_id: int, severities: list[str] | None = None,
                         kinds: list[str] | None = None) -> int:
        with self.db.read() as cur:
            return reads.count_run_alerts(cur, run_id, severities, kinds)

    @guarded
    def review_ship(self, order_nos: Iterable[str] | str) -> pd.DataFrame:
        """What `ship` would do to each order: order_no, status, outcome, reason."""
        with self.db.read() as cur:
            return order_actions.review(cur, order_nos, order_actions.SHIP_REFUSAL)

    @guarded
    def review_cancel(self, order_nos: Iterable[str] | str) -> pd.DataFrame:
        """What `cancel` would do to each order: order_no, status, outcome, reason."""
        with self.db.read() as cur:
            return order_actions.review(cur, order_nos, order_actions.CANCEL_REFUSAL)
