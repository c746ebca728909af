"""The rules a warehouse must satisfy whatever happened to it, as SQL over the whole file.

A restored snapshot is checked against them before anyone uses it: a file that breaks one
is refused rather than trusted. Each check yields the offending rows (at most a few)."""

from __future__ import annotations

import duckdb

from .reservations import RESERVED_FROM_LINES
from .schema import ORDER_TOTALS, STOCK_STATUSES, sql_list

CHECKS: dict[str, str] = {
    "a line's allocated, shorted and backordered units exceed what was ordered": """
        SELECT order_no || ' line ' || line_no FROM order_lines
        WHERE allocated_qty < 0 OR shorted_qty < 0 OR backorder_qty < 0
           OR allocated_qty + shorted_qty + backorder_qty > ordered_qty""",
    "on-hand stock is negative": """
        SELECT sku || ' ' || status FROM on_hand WHERE qty < 0""",
    "reserved units differ from the allocated order lines": f"""
        SELECT coalesce(k.sku, d.sku) FROM sku_reserved k
        FULL JOIN ({RESERVED_FROM_LINES}) d USING (sku)
        WHERE coalesce(k.reserved, 0) <> coalesce(d.reserved, 0)""",
    "reserved units exceed Available stock": """
        SELECT r.sku FROM reserved r
        LEFT JOIN on_hand h ON h.sku = r.sku AND h.status = 'Available'
        WHERE r.reserved > coalesce(h.qty, 0)""",
    "an order's kept totals differ from its lines": f"""
        SELECT o.order_no FROM orders o
        LEFT JOIN ({ORDER_TOTALS.format(lines="order_lines")}) t USING (order_no)
        WHERE o.lines <> coalesce(t.lines, 0) OR o.units <> coalesce(t.units, 0)
           OR abs(o.value - coalesce(t.value, 0)) > 0.005""",
    "an order number is used twice": """
        SELECT order_no FROM orders GROUP BY order_no HAVING count(*) > 1""",
    "an order line belongs to no order": """
        SELECT l.order_no FROM order_lines l ANTI JOIN orders o USING (order_no)""",
    "an order line names an unknown SKU": """
        SELECT l.sku FROM order_lines l ANTI JOIN items i USING (sku)""",
    "a SKU is listed twice": """
        SELECT sku FROM items GROUP BY sku HAVING count(*) > 1""",
    "stock has an unknown status": f"""
        SELECT sku || ' ' || status FROM inventory_ledger
        WHERE status NOT IN ({sql_list(STOCK_STATUSES)})""",
}


ID_CHECKS = {
    "a run's result points at no order line": """
        SELECT x.run_id || ' line ' || x.line_id FROM run_line_results x
        ANTI JOIN order_lines l USING (line_id)""",
    "a run's result points at no order": """
        SELECT x.run_id || ' order ' || x.order_id FROM run_order_results x
        ANTI JOIN orders o USING (order_id)""",
    "an order id is used twice": """
        SELECT order_id FROM orders GROUP BY order_id HAVING count(*) > 1""",
    "an order line id is used twice": """
        SELECT line_id FROM order_lines GROUP BY line_id HAVING count(*) > 1""",
    "an id is missing": """
        SELECT 'order ' || order_no FROM orders WHERE order_id IS NULL
        UNION ALL SELECT 'line ' || order_no || '/' || line_no FROM order_lines
        WHERE line_id IS NULL""",
    "an id lies beyond its counter": """
        SELECT 'order ' || max(order_id) FROM orders
        HAVING max(order_id) > (SELECT last FROM id_counters WHERE kind = 'order')
        UNION ALL SELECT 'line ' || max(line_id) FROM order_lines
        HAVING max(line_id) > (SELECT last FROM id_counters WHERE kind = 'line')""",
}


def problems(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """One sentence per broken rule, naming up to three offenders; empty when sound."""
    found = []
    for rule, sql in {**CHECKS, **ID_CHECKS}.items():
        offenders = [str(r[0]) for r in cur.execute(f"SELECT * FROM ({sql}) LIMIT 4").fetchall()]
        if offenders:
            more = ", …" if len(offenders) > 3 else ""
            found.append(f"{rule}: {', '.join(offenders[:3])}{more}")
    return found
