"""The engine reads behind each screen, called as app.py, pages/*.py and ui/data.py call
them when an analyst opens the screen (default widgets unless the label says otherwise).
Each entry is one screen's worth of reads: what the analyst waits for."""

from __future__ import annotations

from collections.abc import Callable

import engine
from engine import AuditFilter, BackorderFilter, OrderFilter

ORDERS_PAGE = 25  # the Orders grid's default rows per page
ITEMS_PAGE = 200  # pages/5_Items.py
ON_HAND_ROWS = 500  # pages/6_Inventory.py
ALERTS_PER_PAGE = 500  # pages/2_Fulfillment.py
CANDIDATES_SHOWN = 2000  # ui/order_action.py
AUDIT_PAGE = 100  # pages/9_Audit.py
SHIP_CANDIDATES = ["Processed"]
CANCEL_CANDIDATES = ["Pending", "On Order", "Back Order", "Processed"]


def orders_screen(wh: engine.Warehouse, f: OrderFilter, sort: str, last_page: bool = False):
    """pages/1_Orders.py: ship codes for the filter, the count, one page, and why each
    backorder on it waits."""
    wh.ship_codes()
    total = wh.count_orders(f)
    offset = max((total - 1) // ORDERS_PAGE, 0) * ORDERS_PAGE if last_page else 0
    page = wh.orders(f, limit=ORDERS_PAGE, offset=offset, sort=sort)
    wh.waiting_reasons(page.loc[page["status"] == "Back Order", "order_no"].tolist())
    return total


def release_select(wh: engine.Warehouse, chosen: list[str]):
    """pages/3_Release.py, step 1: the chosen in rank order with a status summary, and the
    first open backorders in rank order, enough to offer 2,000 not yet chosen."""
    if chosen:
        wh.orders(OrderFilter(order_nos=chosen), limit=len(chosen), offset=0, sort="rank")
        if hasattr(wh, "status_counts"):  # ui/data.status_counts, one query since 0497a2e
            wh.status_counts(OrderFilter(order_nos=chosen))
        else:
            for status in engine.ORDER_STATUSES:
                wh.count_orders(OrderFilter(order_nos=chosen, statuses=[status]))
    return wh.order_nos(OrderFilter(statuses=["Back Order"]), len(chosen) + 2000, sort="rank")


def home(wh: engine.Warehouse):
    wh.is_empty()
    return wh.attention()


def fulfillment(wh: engine.Warehouse):
    """pages/2_Fulfillment.py with nothing handed over: the last run's summary and the
    first page of its alerts."""
    runs = wh.runs()
    if runs.empty:
        return None
    run_id = int(runs["run_id"].iloc[0])
    wh.alert_counts(run_id)
    return wh.run_alerts(run_id, [], [], ALERTS_PER_PAGE, 0)


def analytics(wh: engine.Warehouse):
    f = BackorderFilter()
    return (wh.backorder_volume(f), wh.backorder_aging(f), wh.top_backorder_skus(f, 10),
            wh.fill_rates(f))


def items(wh: engine.Warehouse, shorted: bool = False):
    filters = (None, False, shorted, None)
    wh.count_items(*filters)
    return wh.items(*filters, limit=ITEMS_PAGE, offset=0)


def inventory(wh: engine.Warehouse):
    wh.skus()
    wh.inventory(None, ON_HAND_ROWS + 1)
    return wh.ledger(200)


def audit(wh: engine.Warehouse):
    f = AuditFilter()
    wh.audit_actions()
    wh.count_audit(f)
    return wh.audit_log(limit=AUDIT_PAGE, filter=f, offset=0)


def reads(wh: engine.Warehouse, releasable: list[str], sku: str
          ) -> list[tuple[str, Callable[[], object]]]:
    """(label, call) for every screen, in the order an analyst might open them.
    `releasable`: the backorders releasable now (what Home's Release button hands over);
    `sku`: a SKU with backorders, picked in an Inventory form."""
    rel = OrderFilter(releasable_only=True)
    back = OrderFilter(statuses=["Back Order"])
    return [
        ("Home (attention)", lambda: home(wh)),
        ("Orders: no filter, first page", lambda: orders_screen(wh, OrderFilter(),
                                                                  "open_first")),
        ("Orders: Releasable now, by units desc, first page",
         lambda: orders_screen(wh, rel, "-units")),
        ("Orders: Releasable now, by units desc, last page",
         lambda: orders_screen(wh, rel, "-units", last_page=True)),
        ("Orders: Back Order, by rank, first page",
         lambda: orders_screen(wh, back, "rank")),
        ("Orders: Back Order, by rank, last page",
         lambda: orders_screen(wh, back, "rank", last_page=True)),
        ("Orders: Back Order, by customer, first page",
         lambda: orders_screen(wh, back, "customer")),
        ("Orders: SKU filter, first page",
         lambda: orders_screen(wh, OrderFilter(sku=sku), "open_first")),
        ("Release select: nothing chosen", lambda: release_select(wh, [])),
        ("Release select: every releasable backorder chosen (Home's button)",
         lambda: release_select(wh, releasable)),
        ("Release select: 1,000 chosen", lambda: release_select(wh, releasable[:1000])),
        ("Fulfillment results", lambda: fulfillment(wh)),
        ("Analytics: volume", lambda: wh.backorder_volume(BackorderFilter())),
        ("Analytics: aging", lambda: wh.backorder_aging(BackorderFilter())),
        ("Analytics: top SKUs", lambda: wh.top_backorder_skus(BackorderFilter(), 10)),
        ("Analytics: fill rates", lambda: wh.fill_rates(BackorderFilter())),
        ("Analytics (whole screen)", lambda: analytics(wh)),
        ("Items", lambda: items(wh)),
        ("Items: shorted, not allowed", lambda: items(wh, shorted=True)),
        ("Inventory", lambda: inventory(wh)),
        ("Inventory: a SKU picked", lambda: wh.items(search=sku)),
        ("Ship (candidates)", lambda: wh.order_nos(OrderFilter(statuses=SHIP_CANDIDATES),
                                                   CANDIDATES_SHOWN)),
        ("Cancel (candidates)", lambda: wh.order_nos(OrderFilter(statuses=CANCEL_CANDIDATES),
                                                     CANDIDATES_SHOWN)),
        ("Audit", lambda: audit(wh)),
        ("Import", wh.is_empty),
    ]
