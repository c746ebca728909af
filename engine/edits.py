"""Grid edits: an order's priority and ship-complete flag, an item's backorder flag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from . import audit, inputs
from .db import Database
from .errors import ValidationError
from .schema import sql_list
from .validation import Column, duplicates, first_violation, stage

EDITABLE_STATUSES = ("Pending", "On Order", "Back Order")
# A grid gives real values: "2" is not a priority and "false" is not a flag here.
EDIT_COLUMNS = [
    Column("order_no", "text"),
    Column("priority", "whole", required=False, nullable=True, text_ok=False),
    Column("ship_complete", "bool", required=False, nullable=True, text_ok=False),
]
EDITABLE_COLUMNS = ("priority", "ship_complete")


def _as_frame(changes: pd.DataFrame | Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """Accepts a frame with `order_no`, or `{order_no: {column: value}}` as a grid gives it.
    A column that cannot be edited is refused: ignoring it would lose the analyst's edit."""
    if not isinstance(changes, (pd.DataFrame, Mapping)):
        raise ValidationError(f"changes must be a table of order edits, not {changes!r}",
                              column="changes", value=changes)
    if isinstance(changes, pd.DataFrame):
        frame = changes.reset_index() if "order_no" not in changes.columns else changes
    else:
        not_edits = [(no, edit) for no, edit in changes.items() if not isinstance(edit, Mapping)]
        if not_edits:
            no, edit = not_edits[0]
            raise ValidationError(f"changes for order {no!r} must map columns to new values, "
                                  f"not {edit!r}", column="changes", value=edit)
        # As objects: the values are checked as they were given, not as pandas guesses them.
        frame = pd.DataFrame(list(changes.values()), dtype=object)
        frame.insert(0, "order_no", pd.Series(list(changes.keys()), dtype=object))
    unknown = [c for c in frame.columns if c not in ("order_no", *EDITABLE_COLUMNS)]
    if unknown:
        raise ValidationError(f"changes: column {unknown[0]!r} cannot be edited (only "
                              f"{', '.join(EDITABLE_COLUMNS)})", column=str(unknown[0]),
                              value=unknown[0])
    return frame


def edit_orders(db: Database, changes: pd.DataFrame | Mapping[str, Mapping[str, object]],
                user: str | None = None) -> int:
    """Returns how many orders changed. Only orders not yet processed may be edited."""
    frame = _as_frame(changes)
    at = db.now()
    with db.write() as cur:
        stage(cur, frame, "changes", EDIT_COLUMNS, "order_edits")
        duplicates(cur, "changes", "order_edits", ["order_no"], "order_no",
                   "appears twice in one edit; give each order one row")
        first_violation(cur, "changes", "order_no", """
            SELECT row_no, order_no FROM order_edits
            WHERE order_no NOT IN (SELECT order_no FROM orders)""", "was not found")
        first_violation(cur, "changes", "order_no", f"""
            SELECT e.row_no, e.order_no || ' (' || o.status || ')'
            FROM order_edits e JOIN orders o USING (order_no)
            WHERE o.status NOT IN ({sql_list(EDITABLE_STATUSES)})""",
                        "is already processed and can no longer be edited")
        first_violation(cur, "changes", "priority", """
            SELECT row_no, priority FROM order_edits WHERE priority NOT BETWEEN 1 AND 5""",
                        "must be between 1 (most urgent) and 5")
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE order_edit_diff AS
            SELECT o.order_no,
                   CASE WHEN e.priority IS NOT NULL AND e.priority <> o.priority
                        THEN e.priority END AS new_priority, o.priority AS old_priority,
                   CASE WHEN e.ship_complete IS NOT NULL AND e.ship_complete <> o.ship_complete
                        THEN e.ship_complete END AS new_ship_complete,
                   o.ship_complete AS old_ship_complete
            FROM order_edits e JOIN orders o USING (order_no)""")
        cur.execute("""
            UPDATE orders AS o
            SET priority = coalesce(d.new_priority, o.priority),
                ship_complete = coalesce(d.new_ship_complete, o.ship_complete)
            FROM order_edit_diff d
            WHERE o.order_no = d.order_no
              AND (d.new_priority IS NOT NULL OR d.new_ship_complete IS NOT NULL)""")
        audit.record(cur, at, user, """
            SELECT 'priority_changed', order_no, NULL, new_priority, NULL, NULL,
                   'priority ' || old_priority || ' → ' || new_priority
            FROM order_edit_diff WHERE new_priority IS NOT NULL
            UNION ALL
            SELECT 'ship_complete_changed', order_no, NULL, NULL, NULL, NULL,
                   'ship complete ' || old_ship_complete || ' → ' || new_ship_complete
            FROM order_edit_diff WHERE new_ship_complete IS NOT NULL""")
        return cur.execute("""
            SELECT count(*) FROM order_edit_diff
            WHERE new_priority IS NOT NULL OR new_ship_complete IS NOT NULL""").fetchall()[0][0]


def set_backorder(db: Database, skus: Iterable[str] | str, allowed: bool,
                  user: str | None = None) -> int:
    """Switch the backorder flag of items; returns how many items changed."""
    allowed = inputs.flag(allowed, "allowed")
    frame = pd.DataFrame({"sku": inputs.text_list(skus, "skus")})
    at = db.now()
    with db.write() as cur:
        stage(cur, frame, "items", [Column("sku", "text")], "flag_skus")
        first_violation(cur, "items", "sku", """
            SELECT row_no, sku FROM flag_skus WHERE sku NOT IN (SELECT sku FROM items)""",
                        "is not a known SKU")
        cur.execute("""
            CREATE OR REPLACE TEMP TABLE flag_changes AS
            SELECT DISTINCT sku FROM items
            WHERE sku IN (SELECT sku FROM flag_skus) AND backorder <> ?""", [bool(allowed)])
        cur.execute("UPDATE items SET backorder = ? WHERE sku IN (SELECT sku FROM flag_changes)",
                    [bool(allowed)])
        audit.record(cur, at, user, """
            SELECT 'backorder_flag_changed', NULL, sku, NULL, NULL, NULL, ?
            FROM flag_changes""",
                     ["backorder " + ("allowed" if allowed else "not allowed")])
        return cur.execute("SELECT count(*) FROM flag_changes").fetchall()[0][0]
