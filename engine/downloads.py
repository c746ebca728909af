"""Which read model an export is, and its query for the whole filter (not the page shown).

Each entry takes the warehouse's read cursor and the options the screen's grid used, and
returns the query the grid runs, without a page limit; `exports` writes it to the file."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from . import expected, reads
from .errors import ValidationError
from .reads import AuditFilter, OrderFilter

Query = tuple[str, list]


def _orders(cur, releasable: pd.DataFrame | None, now, filter: OrderFilter | None = None,
            sort: str = "rank") -> Query:
    return reads.orders_query(cur, filter or OrderFilter(), None, 0, sort, releasable, now)


def _order_lines(cur, releasable: pd.DataFrame | None, now,
                 filter: OrderFilter | None = None) -> Query:
    return reads.filtered_lines_query(cur, filter or OrderFilter(), releasable)


def _alerts(cur, releasable, now, run_id: int, severities: list[str] | None = None,
            kinds: list[str] | None = None) -> Query:
    return reads.run_alerts_query(int(run_id), severities, kinds)


def _items(cur, releasable, now, **options) -> Query:
    return reads.items_query(**options)


def _inventory(cur, releasable, now, search: str | None = None) -> Query:
    return reads.inventory_query(search)


def _ledger(cur, releasable, now, sku: str | None = None) -> Query:
    return reads.ledger_query(None, sku)


def _audit(cur, releasable, now, filter: AuditFilter | None = None) -> Query:
    return reads.audit_query(filter or AuditFilter())


def _expected_receipts(cur, releasable, now) -> Query:
    return expected.expected_receipts_query(cur)


EXPORTABLE: dict[str, Callable[..., Query]] = {
    "orders": _orders, "order_lines": _order_lines, "alerts": _alerts, "items": _items,
    "inventory": _inventory, "ledger": _ledger, "audit": _audit,
    "expected_receipts": _expected_receipts,
}


def query_for(cur: duckdb.DuckDBPyConnection, what: str, releasable: pd.DataFrame | None,
              now, options: dict) -> Query:
    if what not in EXPORTABLE:
        raise ValidationError(f"There is no export of {what!r}; there are "
                              f"{', '.join(EXPORTABLE)}.", column="what", value=what)
    try:
        return EXPORTABLE[what](cur, releasable, now, **options)
    except TypeError as exc:  # an option the read does not have
        raise ValidationError(f"The {what} export has no such option: {exc}",
                              column="options", value=sorted(options)) from None
