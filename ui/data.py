"""Cached reads. Each takes the database path so that caches never mix two databases, and
`after_write` clears them all. Filters are dataclasses, which st.cache_data hashes by value."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine import AuditFilter, BackorderFilter, OrderFilter

from .state import warehouse_at

TTL = "5m"  # a safety net for writes made by other processes; our own writes clear the cache


@st.cache_data(ttl=TTL, show_spinner=False)
def orders(path: str, f: OrderFilter, limit: int, offset: int, sort: str) -> pd.DataFrame:
    return warehouse_at(path).orders(f, limit=limit, offset=offset, sort=sort)


@st.cache_data(ttl=TTL, show_spinner=False)
def count_orders(path: str, f: OrderFilter) -> int:
    return warehouse_at(path).count_orders(f)


@st.cache_data(ttl=TTL, show_spinner=False)
def order_nos(path: str, f: OrderFilter, limit: int | None = None,
              sort: str = "rank") -> list[str]:
    return warehouse_at(path).order_nos(f, limit, sort=sort)


@st.cache_data(ttl=TTL, show_spinner=False)
def order(path: str, order_no: str) -> dict | None:
    return warehouse_at(path).order(order_no)


@st.cache_data(ttl=TTL, show_spinner=False)
def order_lines(path: str, order_no: str) -> pd.DataFrame:
    return warehouse_at(path).order_lines(order_no)


@st.cache_data(ttl=TTL, show_spinner=False)
def order_history(path: str, order_no: str) -> pd.DataFrame:
    return warehouse_at(path).order_history(order_no)


@st.cache_data(ttl=TTL, show_spinner=False)
def ship_codes(path: str) -> list[str]:
    return warehouse_at(path).ship_codes()


@st.cache_data(ttl=TTL, show_spinner=False)
def attention(path: str) -> dict:
    return warehouse_at(path).attention()


@st.cache_data(ttl=TTL, show_spinner=False)
def releasable_now(path: str, include_blocked: bool = False) -> pd.DataFrame:
    return warehouse_at(path).releasable_now(include_blocked)


@st.cache_data(ttl=TTL, show_spinner=False)
def runs(path: str) -> pd.DataFrame:
    return warehouse_at(path).runs()


def change_count(path: str) -> int:
    """Not cached: it must see another session's or process's write at once."""
    return warehouse_at(path).change_count()


@st.cache_data(ttl=TTL, show_spinner=False)
def alerts(path: str, run_id: int, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    return warehouse_at(path).alerts(run_id, limit, offset)


@st.cache_data(ttl=TTL, show_spinner=False)
def alert_count(path: str, run_id: int) -> int:
    return int(warehouse_at(path).alert_counts(run_id)["alerts"].sum())


@st.cache_data(ttl=TTL, show_spinner=False)
def items(path: str, backorder_allowed: bool | None = None, has_backorders: bool = False,
          shorted_not_allowed: bool = False, search: str | None = None,
          limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    return warehouse_at(path).items(backorder_allowed, has_backorders, shorted_not_allowed, search,
                             limit, offset)


@st.cache_data(ttl=TTL, show_spinner=False)
def count_items(path: str, backorder_allowed: bool | None = None, has_backorders: bool = False,
                shorted_not_allowed: bool = False, search: str | None = None) -> int:
    return warehouse_at(path).count_items(backorder_allowed, has_backorders, shorted_not_allowed,
                                   search)


@st.cache_data(ttl=TTL, show_spinner=False)
def skus(path: str, prefix: str | None = None, limit: int | None = None) -> list[str]:
    return warehouse_at(path).skus(prefix, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def inventory(path: str, search: str | None = None, limit: int | None = None) -> pd.DataFrame:
    return warehouse_at(path).inventory(search, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def ledger(path: str, limit: int = 200, sku: str | None = None) -> pd.DataFrame:
    return warehouse_at(path).ledger(limit, sku)


@st.cache_data(ttl=TTL, show_spinner=False)
def backorder_volume(path: str, f: BackorderFilter) -> pd.DataFrame:
    return warehouse_at(path).backorder_volume(f)


@st.cache_data(ttl=TTL, show_spinner=False)
def backorder_aging(path: str, f: BackorderFilter) -> pd.DataFrame:
    return warehouse_at(path).backorder_aging(f)


@st.cache_data(ttl=TTL, show_spinner=False)
def top_backorder_skus(path: str, f: BackorderFilter, limit: int = 10) -> pd.DataFrame:
    return warehouse_at(path).top_backorder_skus(f, limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def fill_rates(path: str, f: BackorderFilter) -> pd.DataFrame:
    return warehouse_at(path).fill_rates(f)


@st.cache_data(ttl=TTL, show_spinner=False)
def is_empty(path: str) -> bool:
    return warehouse_at(path).is_empty()



@st.cache_data(ttl=TTL, show_spinner=False)
def alert_counts(path: str, run_id: int) -> pd.DataFrame:
    """A run's alerts counted by severity and kind: the filter's choices and counts."""
    return warehouse_at(path).alert_counts(run_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def run_alerts(path: str, run_id: int, severities: tuple[str, ...], kinds: tuple[str, ...],
               limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    return warehouse_at(path).run_alerts(run_id, list(severities), list(kinds), limit, offset)


@st.cache_data(ttl=TTL, show_spinner=False)
def count_run_alerts(path: str, run_id: int, severities: tuple[str, ...],
                     kinds: tuple[str, ...]) -> int:
    return warehouse_at(path).count_run_alerts(run_id, list(severities), list(kinds))


@st.cache_data(ttl=TTL, show_spinner=False)
def sku_stock(path: str, sku: str) -> dict | None:
    """One SKU's stock by status, with reserved and free, or None for an unknown SKU."""
    frame = warehouse_at(path).items(search=sku)
    row = frame.loc[frame["sku"] == sku]
    return None if row.empty else row.iloc[0].to_dict()


@st.cache_data(ttl=TTL, show_spinner=False)
def audit_log(path: str, f: AuditFilter, limit: int | None = None,
              offset: int = 0) -> pd.DataFrame:
    return warehouse_at(path).audit_log(limit=limit, filter=f, offset=offset)


@st.cache_data(ttl=TTL, show_spinner=False)
def count_audit(path: str, f: AuditFilter) -> int:
    return warehouse_at(path).count_audit(f)


@st.cache_data(ttl=TTL, show_spinner=False)
def audit_actions(path: str) -> list[str]:
    return warehouse_at(path).audit_actions()


@st.cache_data(ttl=TTL, show_spinner=False)
def waiting_reasons(path: str, order_nos: tuple[str, ...]) -> dict[str, str]:
    """{order_no: why it waits} for the Back Order orders among `order_nos` (a grid page)."""
    frame = warehouse_at(path).waiting_reasons(list(order_nos))
    return dict(zip(frame["order_no"], frame["reason"], strict=True))


@st.cache_data(ttl=TTL, show_spinner=False)
def status_counts(path: str, order_nos: tuple[str, ...]) -> dict[str, int]:
    """How many of `order_nos` are in each status (a selection's summary), counted in DuckDB."""
    from engine import ORDER_STATUSES

    counts = warehouse_at(path).status_counts(OrderFilter(order_nos=list(order_nos)))
    return {s: counts[s] for s in ORDER_STATUSES if counts.get(s)}


@st.cache_data(ttl=TTL, show_spinner=False)
def backorders_of(path: str, order_no: str) -> list[str]:
    """The orders whose direct parent is `order_no`. Every backorder carries its root's
    number, so a search by the root finds them all."""
    root = str(order_no).split(".")[0]
    frame = warehouse_at(path).orders(OrderFilter(search=root), sort="order_no")
    return frame.loc[frame["parent_order_no"] == str(order_no), "order_no"].tolist()


@st.cache_data(ttl=TTL, show_spinner=False)
def why_waiting(path: str, order_no: str) -> pd.DataFrame:
    """Why one backorder waits, SKU by SKU: the numbers, who holds the stock, the next
    receipt and a one-line reason (the order's record)."""
    return warehouse_at(path).why_waiting(order_no)
