"""Page scaffolding every screen shares: wide layout, title, analyst name, toasts, and the
empty-warehouse message."""

from __future__ import annotations

import streamlit as st

from . import data
from .state import USER_KEY, db_path, show_flashes, warehouse

HOME = "app.py"
PAGES = {
    "orders": "pages/1_Orders.py",
    "fulfillment": "pages/2_Fulfillment.py",
    "release": "pages/3_Release.py",
    "analytics": "pages/4_Analytics.py",
    "items": "pages/5_Items.py",
    "inventory": "pages/6_Inventory.py",
}


def page(title: str, icon: str, caption: str | None = None) -> str:
    """Set up a screen and return the database path that the cached reads take."""
    st.set_page_config(page_title=f"{title} · Backorder desk", page_icon=icon, layout="wide")
    warehouse()  # opens (and on first start seeds) the database before any read
    show_flashes()
    with st.sidebar:
        st.text_input("Analyst", value="analyst", key=USER_KEY, persist_state="session",
                      help="Written into the audit log with every change you make")
    st.title(f"{icon} {title}")
    if caption:
        st.caption(caption)
    return db_path()


def stop_if_empty(path: str) -> None:
    """On an empty warehouse, say what to do instead of showing empty tables."""
    if data.is_empty(path):
        st.info("The warehouse is empty: there are no items or orders yet. Import data "
                "through the engine (`wh.import_items`, `wh.import_inventory`, "
                "`wh.import_orders`), or load the demo warehouse from Home.", icon="📭")
        st.page_link(HOME, label="Go to Home", icon="🏠")
        st.stop()
