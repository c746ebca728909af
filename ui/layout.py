"""Page scaffolding every screen shares: wide layout, title, the desk's own sidebar menu,
who is working, the database opened (or why it cannot be), the viewing-only banner,
toasts, and the empty-warehouse message.

The menu is ours (st.page_link), and Streamlit's own list of pages/ is hidden
(client.showSidebarNavigation = false): the legacy pages/ convention keeps every deep link
working right after a restart (DESIGN section 4), and our menu can call the home page
"Home" where Streamlit would call it after its file, "app"."""

from __future__ import annotations

import streamlit as st

from . import data, identity, jobs
from .state import VIEWING_ONLY, db_path, open_or_stop, read_only, show_flashes

HOME = "app.py"
PAGES = {
    "orders": "pages/1_Orders.py",
    "fulfillment": "pages/2_Fulfillment.py",
    "release": "pages/3_Release.py",
    "analytics": "pages/4_Analytics.py",
    "items": "pages/5_Items.py",
    "inventory": "pages/6_Inventory.py",
    "ship": "pages/7_Ship.py",
    "cancel": "pages/8_Cancel.py",
    "audit": "pages/9_Audit.py",
    "import": "pages/10_Import.py",
    "receipts": "pages/11_Expected_receipts.py",
}
# The sidebar menu, in order: (page, label, Material icon).
MENU = [
    (HOME, "Home", ":material/home:"),
    (PAGES["orders"], "Orders", ":material/list_alt:"),
    (PAGES["fulfillment"], "Fulfillment", ":material/local_shipping:"),
    (PAGES["release"], "Release", ":material/lock_open:"),
    (PAGES["analytics"], "Analytics", ":material/monitoring:"),
    (PAGES["items"], "Items", ":material/sell:"),
    (PAGES["inventory"], "Inventory", ":material/warehouse:"),
    (PAGES["receipts"], "Expected receipts", ":material/move_to_inbox:"),
    (PAGES["ship"], "Ship", ":material/outbound:"),
    (PAGES["cancel"], "Cancel", ":material/cancel:"),
    (PAGES["audit"], "Audit", ":material/history:"),
    (PAGES["import"], "Import", ":material/upload_file:"),
]
# Icons some screens still pass as emoji, which headless browsers without an emoji font
# draw as boxes: each becomes its Material icon.
_MATERIAL = {"📦": ":material/home:", "📋": ":material/list_alt:",
             "🚚": ":material/local_shipping:", "↩️": ":material/lock_open:",
             "📈": ":material/monitoring:", "🏷️": ":material/sell:",
             "🏭": ":material/warehouse:"}


def material(icon: str | None) -> str | None:
    """`icon` as a Material icon; an emoji without one is dropped rather than boxed."""
    if not icon or icon.startswith(":material/"):
        return icon or None
    return _MATERIAL.get(icon)


def menu() -> None:
    """The desk's screens in the sidebar, the open one highlighted by Streamlit."""
    with st.sidebar.container(key="desk_menu"):
        for target, label, icon in MENU:
            st.page_link(target, label=label, icon=icon, width="stretch")


def page(title: str, icon: str, caption: str | None = None) -> str:
    """Set up a screen and return the database path that the cached reads take."""
    icon = material(icon)
    st.set_page_config(page_title=f"{title} · Backorder desk", page_icon=icon,
                       layout="wide")
    menu()
    st.title(title, icon=icon)
    open_or_stop()  # opens (and on first start seeds) the database before any read
    show_flashes()
    with st.sidebar:
        identity.sidebar()
        jobs.sidebar_note()
    if read_only():
        st.container(key="viewing_only").info(VIEWING_ONLY, icon=":material/visibility:")
    if caption:
        st.caption(caption)
    return db_path()


def stop_if_empty(path: str) -> None:
    """On an empty warehouse, say what to do instead of showing empty tables."""
    if data.is_empty(path):
        st.info("The warehouse is empty: there are no items or orders yet. Import your "
                "data on the Import screen, or load the demo warehouse from Home.",
                icon=":material/inbox:")
        st.page_link(PAGES["import"], label="Import your data", icon=":material/upload_file:")
        st.page_link(HOME, label="Go to Home", icon=":material/home:")
        st.stop()
