"""The alerts of a run, as the Fulfillment screen shows them: a run's, or a preview's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .colors import SEVERITY_COLORS, as_badges, badge_column
from .labels import words


def show_alerts(alerts: pd.DataFrame, key: str, alt: str, link_new_orders: bool) -> None:
    """A new backorder links to its record once it exists (`link_new_orders`); a preview's
    would-be numbers stay text."""
    table = as_badges(alerts, "severity")
    table["kind"] = alerts["kind"].map(words)
    if link_new_orders:
        new_order = "new_order_link"
        table[new_order] = [f"Orders?order={n}" if isinstance(n, str) and n else None
                            for n in alerts["new_order_no"]]
        new_order_column = st.column_config.LinkColumn("New order",
                                                       display_text=r"order=(.*)$")
    else:
        new_order = "new_order_no"
        new_order_column = st.column_config.TextColumn(
            "New order", help="The number the backorder would get")
    st.dataframe(
        table, hide_index=True, key=key, alt=alt,
        column_order=["severity", "kind", "order_no", "sku", "qty", new_order, "message"],
        column_config={
            "severity": badge_column("Severity", SEVERITY_COLORS),
            "kind": st.column_config.TextColumn("Kind"),
            "order_no": st.column_config.TextColumn("Order"),
            "sku": st.column_config.TextColumn("SKU"),
            "qty": st.column_config.NumberColumn("Back-ordered / shorted qty"),
            new_order: new_order_column,
            "message": st.column_config.TextColumn("Message", width="large"),
        })
