"""Items: which items may backorder, their stock by status, units waiting and shorted.
The backorder flag is edited in the grid and saved through the engine with an audit row."""

from __future__ import annotations

import math

import streamlit as st

from ui import data
from ui.export import export_read
from ui.labels import MONEY_FORMAT, plural
from ui.layout import page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help

GRID_KEY = "items_grid"
PAGE_SIZE = 200  # one page in the grid; filtering and paging happen in DuckDB
ALLOWED = {"Any": None, "Allowed": True, "Not allowed": False}

path = page("Items", ":material/sell:", "Switch an item's backorder flag: short lines of "
            "items that may not backorder are dropped instead of waiting.")
stop_if_empty(path)

if st.query_params.get("view") == "shorted" and not st.session_state.get("_items_qp"):
    st.session_state["_items_qp"] = True
    st.session_state["items_f_shorted"] = True

cols = st.columns([2, 1, 1, 2], vertical_alignment="bottom")
allowed = cols[0].segmented_control("Backorder", list(ALLOWED), default="Any",
                                    key="items_f_allowed")
has_backorders = cols[1].checkbox("Has backorders", key="items_f_waiting")
shorted = cols[2].checkbox("Shorted but not allowed", key="items_f_shorted")
search = cols[3].text_input("Search", key="items_f_search", placeholder="SKU or description")

filters = (ALLOWED.get(allowed or "Any"), has_backorders, shorted, search.strip() or None)
total = data.count_items(path, *filters)
if not total:
    st.info("No item matches these filters.", icon=":material/search_off:")
    st.stop()
pages = max(math.ceil(total / PAGE_SIZE), 1)
st.session_state["items_page"] = min(st.session_state.get("items_page", 1), pages)
head = st.columns([2, 1, 1], vertical_alignment="bottom")
page_no = int(head[1].number_input("Page", min_value=1, max_value=pages, step=1,
                                   key="items_page"))
head[0].markdown(f"**{plural(total, 'item')}** · page {page_no} of {pages}")
with head[2].popover(f"Download all {plural(total, 'item')}", icon=":material/download:"):
    export_read(st, path, "items", "items", "items_download", rows=total, label="Items",
                backorder_allowed=filters[0], has_backorders=filters[1],
                shorted_not_allowed=filters[2], search=filters[3])
frame = data.items(path, *filters, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)

# The one editable column comes first, like Select on Orders: one click on its checkbox.
original = frame.set_index("sku", drop=False)[
    ["backorder", *[c for c in frame.columns if c != "backorder"]]]
edited = st.data_editor(
    original, key=GRID_KEY, hide_index=True, row_height=35, num_rows="fixed",
    disabled=[c for c in original.columns if c != "backorder" or not can_write()],
    alt="Items with their backorder flag, stock and demand",
    column_config={
        "sku": st.column_config.TextColumn("SKU", pinned=True),
        "description": "Description",
        "backorder": st.column_config.CheckboxColumn("Backorder allowed", width="small",
                                                     pinned=True,
                                                     help=write_help("Editable; saved with "
                                                                     "an audit row")),
        "unit_price": st.column_config.NumberColumn("Unit price", format=MONEY_FORMAT),
        "available": "Available", "reserved": "Reserved", "free": "Free",
        "frozen": "Frozen", "damaged": "Damaged", "quarantine": "Quarantine",
        "units_waiting": "Units waiting", "units_shorted": "Units shorted",
    })
changed = edited.loc[edited["backorder"] != original["backorder"], "backorder"]
turn_on = changed.index[changed].tolist()
turn_off = changed.index[~changed.astype(bool)].tolist()

if st.button(f"Save backorder flags ({len(changed)})", key="items_save", type="primary",
             disabled=changed.empty or not can_write(),
             help=write_help("Save the ticked flags, each with an audit row")):
    wh = warehouse()
    ok_on, n_on = attempt(lambda: wh.set_backorder(turn_on, True, user=user()) if turn_on else 0)
    ok_off, n_off = attempt(
        lambda: wh.set_backorder(turn_off, False, user=user()) if turn_off else 0)
    if n_on or n_off or (ok_on and ok_off):  # refresh whenever anything was written
        after_write(f"Backorder allowed on {plural(n_on or 0, 'item')}, not allowed on "
                    f"{plural(n_off or 0, 'item')}")
        if ok_on and ok_off:
            st.rerun()
