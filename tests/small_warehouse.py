"""A small warehouse from plain rows, as the property tests draw them."""

from __future__ import annotations

import pandas as pd

import engine

LINE_COLUMNS = ["order_no", "line_no", "sku", "ordered_qty"]


def fill(wh: engine.Warehouse, allowed: dict[str, bool], stock: list[tuple],
         orders: list[dict], lines: list[tuple], unit_price: float | None = None
         ) -> engine.Warehouse:
    """Items (SKU → backorder allowed), stock rows (sku, status, qty; zero rows left out),
    orders and their lines (order_no, line_no, sku, ordered_qty)."""
    items = pd.DataFrame({"sku": list(allowed), "backorder": list(allowed.values())})
    if unit_price is not None:
        items["unit_price"] = unit_price
    wh.import_items(items)
    positive = [row for row in stock if row[2] > 0]
    if positive:
        wh.import_inventory(pd.DataFrame(positive, columns=["sku", "status", "qty"]))
    wh.import_orders(pd.DataFrame(orders), pd.DataFrame(lines, columns=LINE_COLUMNS))
    return wh
