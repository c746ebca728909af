"""Checks every warehouse must pass at any moment, whatever happened to it: used by the
soak and the kill tests. Each returns the offending rows (empty when all is well)."""

from __future__ import annotations

import pandas as pd

import engine


def _query(wh: engine.Warehouse, sql: str) -> pd.DataFrame:
    with wh.db.read() as cur:
        return cur.execute(sql).df()


def broken_lines(wh: engine.Warehouse) -> pd.DataFrame:
    """Lines whose units do not add up: never more handed out than ordered, and a line of a
    processed or shipped order accounts for every unit."""
    return _query(wh, """
        SELECT l.*, o.status FROM order_lines l JOIN orders o USING (order_no)
        WHERE least(l.allocated_qty, l.shorted_qty, l.backorder_qty) < 0
           OR l.allocated_qty + l.shorted_qty + l.backorder_qty > l.ordered_qty
           OR (o.status IN ('Processed', 'Shipped')
               AND l.allocated_qty + l.shorted_qty + l.backorder_qty <> l.ordered_qty)""")


def lost_backorder_units(wh: engine.Warehouse) -> int:
    """Units sent to backorder by runs minus units on the backorders the runs created."""
    return int(_query(wh, """
        SELECT (SELECT coalesce(sum(backorder_qty), 0) FROM order_lines)
             - (SELECT coalesce(sum(l.ordered_qty), 0) FROM order_lines l
                JOIN orders o USING (order_no) WHERE o.created_by_run IS NOT NULL) AS lost
        """)["lost"].iloc[0])


def over_reserved_skus(wh: engine.Warehouse) -> pd.DataFrame:
    """SKUs with more units reserved than Available on hand: free stock below zero."""
    return _query(wh, """
        SELECT r.sku, r.reserved, coalesce(h.qty, 0) AS available
        FROM reserved r LEFT JOIN on_hand h ON h.sku = r.sku AND h.status = 'Available'
        WHERE r.reserved > coalesce(h.qty, 0)""")


def negative_stock(wh: engine.Warehouse) -> pd.DataFrame:
    return _query(wh, "SELECT * FROM on_hand WHERE qty < 0")


def released_twice(wh: engine.Warehouse) -> pd.DataFrame:
    return _query(wh, """
        SELECT order_no, count(*) AS releases FROM audit WHERE action = 'released'
        GROUP BY order_no HAVING count(*) > 1""")


def unaudited_stock_moves(wh: engine.Warehouse) -> pd.DataFrame:
    """Ledger entries by kind against audit rows of the same change (a status change books
    two ledger entries under one audit row)."""
    return _query(wh, """
        WITH ledger AS (
            SELECT kind, count(*) / CASE kind WHEN 'status_change' THEN 2 ELSE 1 END AS moves
            FROM inventory_ledger WHERE kind IN ('receipt', 'adjustment', 'status_change')
            GROUP BY kind),
        audited AS (
            SELECT action AS kind, count(*) AS rows FROM audit
            WHERE action IN ('receipt', 'adjustment', 'status_change') GROUP BY action)
        SELECT * FROM ledger FULL JOIN audited USING (kind)
        WHERE coalesce(moves, 0) <> coalesce(rows, 0)""")


def unaudited_runs(wh: engine.Warehouse) -> pd.DataFrame:
    """Runs that processed orders with no audit row for them, and audit rows of no run."""
    return _query(wh, """
        SELECT r.run_id FROM runs r
        WHERE r.orders_processed + r.orders_cancelled
              <> (SELECT count(*) FROM audit a WHERE a.run_id = r.run_id
                  AND a.action = 'fulfilled')
        UNION ALL
        SELECT DISTINCT a.run_id FROM audit a
        WHERE a.run_id IS NOT NULL AND a.run_id NOT IN (SELECT run_id FROM runs)""")


def drifted_order_totals(wh: engine.Warehouse) -> pd.DataFrame:
    """Orders whose kept lines, units and value differ from their lines."""
    from engine.schema import ORDER_TOTALS

    return _query(wh, f"""
        SELECT o.order_no, o.lines, o.units, o.value, t.lines AS from_lines
        FROM orders o LEFT JOIN ({ORDER_TOTALS.format(lines="order_lines")}) t USING (order_no)
        WHERE o.lines <> coalesce(t.lines, 0) OR o.units <> coalesce(t.units, 0)
           OR abs(o.value - coalesce(t.value, 0)) > 0.005""")


def miscounted_alerts(wh: engine.Warehouse) -> pd.DataFrame:
    """Alert counts read without building the alerts, against the alerts themselves."""
    return _query(wh, """
        WITH built AS (SELECT run_id, severity, kind, count(*) AS alerts FROM alerts
                       GROUP BY ALL),
        counted AS (SELECT run_id, severity, kind, sum(alerts) AS alerts
                    FROM alert_kind_counts GROUP BY ALL)
        SELECT * FROM built FULL JOIN counted USING (run_id, severity, kind)
        WHERE built.alerts IS DISTINCT FROM counted.alerts""")


def duplicate_ids(wh: engine.Warehouse) -> pd.DataFrame:
    """Ids given twice: each writer takes ids under the write lock, whichever process."""
    return _query(wh, """
        SELECT 'order' AS kind, order_id AS id FROM orders GROUP BY ALL HAVING count(*) > 1
        UNION ALL SELECT 'line', line_id FROM order_lines GROUP BY ALL HAVING count(*) > 1
        UNION ALL SELECT 'run', run_id FROM runs GROUP BY ALL HAVING count(*) > 1
        UNION ALL SELECT 'ledger', entry_id FROM inventory_ledger GROUP BY ALL
            HAVING count(*) > 1
        UNION ALL SELECT 'receipt', receipt_id FROM inventory_ledger
            WHERE receipt_id IS NOT NULL GROUP BY ALL HAVING count(*) > 1
        UNION ALL SELECT 'audit', audit_id FROM (SELECT audit_id FROM audit_entries
            UNION ALL SELECT audit_id FROM run_log_ids) GROUP BY ALL HAVING count(*) > 1
        UNION ALL SELECT 'order number', NULL FROM orders GROUP BY order_no
            HAVING count(*) > 1""")


def all_broken(wh: engine.Warehouse) -> dict[str, object]:
    """Every invariant at once: an empty dict means the warehouse is sound."""
    found: dict[str, object] = {}
    for name, check in [("lines", broken_lines), ("over_reserved", over_reserved_skus),
                        ("negative_stock", negative_stock), ("released_twice", released_twice),
                        ("unaudited_stock_moves", unaudited_stock_moves),
                        ("unaudited_runs", unaudited_runs),
                        ("drifted_reservations", drifted_reservations),
                        ("drifted_order_totals", drifted_order_totals),
                        ("miscounted_alerts", miscounted_alerts),
                        ("duplicate_ids", duplicate_ids)]:
        rows = check(wh)
        if not rows.empty:
            found[name] = rows.head(10).to_dict("records")
    lost = lost_backorder_units(wh)
    if lost:
        found["lost_backorder_units"] = lost
    return found


def drifted_reservations(wh: engine.Warehouse) -> pd.DataFrame:
    """SKUs whose kept reserved units differ from the sum over their order lines."""
    from engine.reservations import RESERVED_FROM_LINES

    return _query(wh, f"""
        SELECT sku, coalesce(k.reserved, 0) AS kept, coalesce(d.reserved, 0) AS from_lines
        FROM (SELECT * FROM sku_reserved WHERE reserved <> 0) k
        FULL JOIN ({RESERVED_FROM_LINES}) d USING (sku)
        WHERE coalesce(k.reserved, 0) <> coalesce(d.reserved, 0)""")
