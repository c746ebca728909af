"""Page scaffolding every screen shares: wide layout, title, who is working, the database
opened (or why it cannot be), the viewing-only banner, toasts, and the empty-warehouse
message."""

from __future__ import annotations

import streamlit as st

from . import data, identity
from .state import VIEWING_ONLY, db_path, open_or_stop, read_only, show_flashes

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
    st.title(f"{icon} {title}")
    open_or_stop()  # opens (and on first start seeds) the database before any read
    show_flashes()
    with st.sidebar:
        identity.sidebar()
    if read_only():
        st.container(key="viewing_only").info(VIEWING_ONLY, icon="👁️")
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
