"""What if, on the Run Fulfillment screen: a preview of the run (the engine's
simulate_fulfillment) and settings compared side by side (compare_policies).

Both go on as jobs that write nothing (ui.jobs, writes=False): a large group shows a
progress bar, other sessions are not held up, and a click, a rerun or leaving the screen
loses nothing; the result is shown when the analyst is back. A desk that is viewing only
may use them. Each result keeps the setting it was made for (the orders, the policy, the
grouping, the warehouse's change count then), so when any of these changes it says it is
out of date: the analyst never runs something other than what they previewed without being
told."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from engine import BACKORDER_GROUPINGS, POLICIES

from . import charts, jobs
from .alert_table import show_alerts
from .labels import GROUPING_SHORT, MONEY_FORMAT, plural, policy_label, setting_label
from .state import warehouse
from .text import escape_md

PREVIEW_JOB = "fulfil_preview"
COMPARE_JOB = "fulfil_compare"
PREVIEW_KEY = "fulfil_preview_result"
COMPARE_KEY = "fulfil_compare_result"
PENDING_KEY = "fulfil_whatif_pending"  # {job kind: what it was started for}
PICK_KEY = "fulfil_compare_settings"
AUTO_PICK_KEY = "fulfil_compare_auto"  # the picks last made for the analyst
ALERT_LIMIT = 500  # alerts a preview shows; the summary says what the rest hold
NOTHING_WRITTEN = "Nothing was written: no order, stock, run or audit row changed."


@dataclass(frozen=True)
class Setting:
    """What a preview or comparison was made for."""

    orders: str  # the group's source and filter, as a digest
    count: int  # On Order orders in the group then
    changes_then: int  # the warehouse's change count then: any write since may move stock
    policy: str
    grouping: str

    @classmethod
    def of(cls, source: str, group_filter: object, count: int, changes_then: int,
           policy: str, grouping: str) -> Setting:
        digest = hashlib.sha1(f"{source}|{group_filter!r}".encode()).hexdigest()
        return cls(digest, int(count), int(changes_then), policy, grouping)

    def changes(self, now: Setting, settings_too: bool = True) -> list[str]:
        """What is different now, in words; empty when nothing is."""
        what = []
        if (self.orders, self.count) != (now.orders, now.count):
            what.append("the orders changed")
        if settings_too and self.policy != now.policy:
            what.append("the policy changed")
        if settings_too and self.grouping != now.grouping:
            what.append("the backorder grouping changed")
        if self.changes_then != now.changes_then:
            what.append("the warehouse changed since (a run, a receipt or a stock change), "
                        "so stock may have moved")
        return what


def _pending() -> dict:
    return st.session_state.setdefault(PENDING_KEY, {})


def running(kind: str) -> jobs.Job | None:
    job = jobs.mine(kind)
    return job if job is not None and job.running else None


def take_ends() -> None:
    """A preview or comparison of this session that has ended: keep its result (with the
    setting it was made for), or say why it failed. Called at the top of the screen."""
    for kind, key in ((PREVIEW_JOB, PREVIEW_KEY), (COMPARE_JOB, COMPARE_KEY)):
        job = jobs.take_finished(kind)
        if job is None:
            continue
        made_for = _pending().pop(kind, None)
        if job.state != "done" or made_for is None:
            st.error(escape_md(job.error or "The preview failed."), icon=":material/error:")
            continue
        if kind == PREVIEW_JOB:
            st.session_state[key] = {"setting": made_for, "at": job.finished_at,
                                     "summary": dict(job.result.summary),
                                     "alerts": job.result.alerts}
        else:
            setting, picked = made_for
            st.session_state[key] = {"setting": setting, "picked": picked,
                                     "at": job.finished_at, "table": job.result}


def forget() -> None:
    """After a run: what was previewed has happened (or changed); start afresh."""
    for key in (PREVIEW_KEY, COMPARE_KEY):
        st.session_state.pop(key, None)


def start_preview(order_nos: list[str], now: Setting) -> bool:
    """Simulate the run in a job that writes nothing. True when it started."""
    wh = warehouse()
    label = f"Preview of {plural(len(order_nos), 'order')}"
    job = jobs.launch(PREVIEW_JOB, label, jobs.reader(), lambda progress: wh.simulate_fulfillment(
        order_nos, backorder_grouping=now.grouping, policy=now.policy, progress=progress,
        alert_limit=ALERT_LIMIT), writes=False)
    if job is None:
        return False
    _pending()[PREVIEW_JOB] = now
    return True


def start_compare(order_nos: list[str], now: Setting, picked: list[str]) -> bool:
    wh = warehouse()
    settings = [dict(zip(("policy", "backorder_grouping"), p.split("|"), strict=True))
                for p in picked]
    label = f"Comparison on {plural(len(order_nos), 'order')}"
    job = jobs.launch(COMPARE_JOB, label, jobs.reader(), lambda progress: wh.compare_policies(
        order_nos, settings, progress=progress), writes=False)
    if job is None:
        return False
    _pending()[COMPARE_JOB] = (now, list(picked))
    return True


def preview_changes(now: Setting) -> list[str] | None:
    """None when there is no preview; else what changed since it (empty: it is current)."""
    shown = st.session_state.get(PREVIEW_KEY)
    return None if shown is None else shown["setting"].changes(now)


def stale_warning(now: Setting) -> None:
    """Beside the Run button: the preview below is not of what Run would do now."""
    changes = preview_changes(now)
    if changes:
        st.warning(f"The preview below is out of date: {escape_md('; '.join(changes))}. "
                   "Preview again to see what Run Fulfillment would do now.",
                   icon=":material/update:")


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def preview_panel(now: Setting) -> None:
    """The preview's progress while it goes, then what the run would do."""
    job = running(PREVIEW_JOB)
    if job is not None:
        jobs.progress_panel(job.job_id, key="preview_progress")
    shown = st.session_state.get(PREVIEW_KEY)
    if shown is None:
        return
    made_for: Setting = shown["setting"]
    s, alerts = shown["summary"], shown["alerts"]
    stale = bool(made_for.changes(now))
    with st.container(border=True, key="fulfil_preview_box"):
        st.subheader("Preview (out of date)" if stale else
                     "Preview: what Run Fulfillment would do")
        at: datetime = shown["at"]
        st.caption(f"Simulated at {at:%H:%M:%S} on {plural(s['orders_requested'], 'order')}, "
                   f"by {escape_md(policy_label(made_for.policy))}, with "
                   f"{GROUPING_SHORT.get(made_for.grouping, '')}. {NOTHING_WRITTEN}")
        with st.container(horizontal=True):
            st.metric("Line fill rate", _rate(s["lines_filled"], s["lines_requested"]),
                      border=True, help="Lines filled in full, of the lines requested")
            st.metric("Unit fill rate", _rate(s["units_allocated"], s["units_requested"]),
                      border=True, help="Units allocated, of the units requested")
            st.metric("Orders complete", f"{s['orders_filled_complete']:,} of "
                      f"{s['orders_requested']:,}", border=True)
            st.metric("Backorders to create", f"{s['backorders_created']:,}", border=True,
                      help=f"{s['units_backordered']:,} units would go to backorder")
            st.metric("Units to short", f"{s['units_shorted']:,}", border=True,
                      help="Short on items that may not backorder")
            st.metric("Left On Order", f"{s['orders_remaining']:,}", border=True,
                      help="Ship complete could not be met")
        _preview_alerts(s, alerts)


def _preview_alerts(s: dict, alerts: pd.DataFrame) -> None:
    if alerts.empty:
        st.success("The run would raise no alerts: every line would be filled.",
                   icon=":material/check_circle:")
        return
    if len(alerts) >= ALERT_LIMIT:
        st.markdown(
            f"**The first {len(alerts):,} alerts** the run would raise, in the order a run "
            f"lists them. In all it would back-order {plural(s['units_backordered'], 'unit')} "
            f"onto {plural(s['backorders_created'], 'new backorder')}, short "
            f"{plural(s['units_shorted'], 'unit')} and leave "
            f"{plural(s['orders_remaining'], 'order')} On Order.")
    else:
        st.markdown(f"**{plural(len(alerts), 'alert')}** the run would raise.")
    show_alerts(alerts, key="fulfil_preview_alerts", alt="Alerts the run would raise (preview)",
                link_new_orders=False)


SETTING_OPTIONS = [f"{p}|{g}" for p in POLICIES for g in BACKORDER_GROUPINGS]


def _option_label(option: str) -> str:
    return setting_label(*option.split("|", 1))


def compare_panel(now: Setting, order_nos: Callable[[], list[str]]) -> None:
    """Pick settings (every policy with the chosen grouping, unless the analyst picks
    otherwise), compare them, and see them side by side: a table and small charts."""
    with st.container(border=True, key="fulfil_compare_box"):
        st.subheader("Compare settings")
        st.caption("Simulate this group under several policies and groupings and see them "
                   f"side by side. {NOTHING_WRITTEN.replace('was', 'is')}")
        auto = [f"{p}|{now.grouping}" for p in POLICIES]
        # The picks follow the chosen grouping until the analyst picks for themselves.
        if st.session_state.get(PICK_KEY) in (None, st.session_state.get(AUTO_PICK_KEY)):
            st.session_state[PICK_KEY] = auto
        st.session_state[AUTO_PICK_KEY] = auto
        picked = st.pills("Settings to compare", SETTING_OPTIONS, key=PICK_KEY,
                          selection_mode="multi", format_func=_option_label, wrap=True,
                          width="stretch", persist_state="session") or []
        job = running(COMPARE_JOB)
        if st.button("Compare", key="fulfil_compare_go", icon=":material/compare_arrows:",
                          disabled=now.count == 0 or not picked or job is not None,
                          help="Simulate each setting on this group; nothing is written"):
            if start_compare(order_nos(), now, picked):
                st.rerun()
        if job is not None:
            jobs.progress_panel(job.job_id, key="compare_progress")
        shown = st.session_state.get(COMPARE_KEY)
        if shown is None:
            return
        changes = shown["setting"].changes(now, settings_too=False)
        if shown["picked"] != picked:
            changes.append("the settings to compare changed")
        if changes:
            st.warning(f"This comparison is out of date: {escape_md('; '.join(changes))}. "
                       "Compare again.", icon=":material/update:")
        at: datetime = shown["at"]
        st.caption(f"Simulated at {at:%H:%M:%S} on "
                   f"{plural(shown['setting'].count, 'On Order order')}.")
        comparison_table(shown["table"])
        st.plotly_chart(charts.comparison_figure(shown["table"]), key="fulfil_compare_chart")


def comparison_table(table: pd.DataFrame) -> None:
    frame = table.copy()
    frame.insert(0, "setting", [setting_label(p, g) for p, g in
                                zip(table["policy"], table["backorder_grouping"], strict=True)])
    for rate in ("line_fill_rate", "unit_fill_rate"):  # in percent, one decimal shown
        frame[rate] = pd.to_numeric(table[rate], errors="coerce") * 100
    frame["orders_complete"] = [f"{c:,} of {r:,}" for c, r in
                                zip(table["orders_complete"], table["orders_requested"],
                                    strict=True)]
    frame["customers_served_at_zero"] = [
        f"{z:,} of {c:,}" for z, c in zip(table["customers_served_at_zero"], table["customers"],
                                          strict=True)]
    number = st.column_config.NumberColumn
    st.dataframe(
        frame, hide_index=True, key="fulfil_compare_table", alt="Settings compared side by side",
        column_order=["setting", "line_fill_rate", "unit_fill_rate", "orders_complete",
                      "backorders_created", "units_backordered",
                      "units_shorted", "value_backordered", "customers_served_at_zero"],
        column_config={
            "setting": st.column_config.TextColumn("Setting", pinned=True),
            "line_fill_rate": number("Line fill rate", format="%.1f%%"),
            "unit_fill_rate": number("Unit fill rate", format="%.1f%%"),
            "orders_complete": st.column_config.TextColumn("Orders complete"),
            "backorders_created": number("Backorders created", format="localized"),
            "units_backordered": number("Units back-ordered", format="localized"),
            "units_shorted": number("Units shorted", format="localized"),
            "value_backordered": number("Value back-ordered", format=MONEY_FORMAT),
            "customers_served_at_zero": st.column_config.TextColumn(
                "Served at zero", help="Customers who would get nothing at all, of the "
                                       "customers in the group"),
        })
