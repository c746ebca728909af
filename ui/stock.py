"""The Inventory screen's helpers: one SKU's stock shown before a change is submitted, a
confirmation asked above a sane size, and the SKU kept alike in the three forms."""

from __future__ import annotations

import streamlit as st

from . import data
from .labels import plural
from .text import escape_md

LARGE_UNITS = 10_000  # a change above this many units is confirmed first
LARGE_FACTOR = 10  # ... and so is one above this many times the SKU's on-hand
SKU_KEYS = ("inv_recv_sku", "inv_adj_sku", "inv_st_sku")  # one per form, kept alike
QP_KEY = "_inventory_qp_sku"


def why_confirm(units: int, on_hand: int) -> str | None:
    """Why a change of `units` to a SKU holding `on_hand` needs a second look, or None."""
    units = abs(int(units))
    if units > LARGE_UNITS:
        return f"{units:,} units is more than {LARGE_UNITS:,}"
    if on_hand > 0 and units > LARGE_FACTOR * on_hand:
        return (f"{units:,} units is more than {LARGE_FACTOR} times the "
                f"{plural(on_hand, 'unit')} this SKU holds")
    return None


def same_sku(changed: str) -> None:
    """A SKU picked in one form is picked in the others too."""
    for key in SKU_KEYS:
        if key != changed:
            st.session_state[key] = st.session_state.get(changed)


PICKER_MAX = 2_000  # more options than this make every rerun of the page slow to draw
FIND_KEY = "inv_sku_find"


def sku_choices(path: str) -> list[str]:
    """What the SKU pickers offer: the whole catalogue when it is small; else the SKUs
    that start with what the analyst types in Find a SKU, and the one already picked."""
    first = data.skus(path, None, PICKER_MAX + 1)
    if len(first) <= PICKER_MAX:
        return first
    find = st.text_input("Find a SKU", key=FIND_KEY, placeholder="the start of a SKU",
                         help=f"The catalogue is large: the pickers list the first "
                              f"{PICKER_MAX:,} SKUs that start with this")
    choices = data.skus(path, find.strip() or None, PICKER_MAX)
    picked = st.session_state.get(SKU_KEYS[0])
    return choices + [picked] if picked and picked not in choices else choices


def sku_from_url(path: str) -> None:
    """`?sku=X` (a warning's link) fills the SKU in, once per link."""
    wanted = st.query_params.get("sku")
    if not wanted or st.session_state.get(QP_KEY) == wanted:
        return
    st.session_state[QP_KEY] = wanted
    match = next((s for s in data.skus(path, wanted.strip(), 50)
                  if s.lower() == wanted.strip().lower()), None)
    if match is None:
        st.warning(f"There is no SKU {escape_md(wanted)}.", icon=":material/search_off:")
        return
    for key in SKU_KEYS:
        st.session_state[key] = match


def on_hand(path: str, sku: str | None) -> int:
    stock = data.sku_stock(path, sku) if sku else None
    if not stock:
        return 0
    return int(sum(stock[s] for s in ("available", "frozen", "damaged", "quarantine")))


def panel(path: str, sku: str | None, key: str) -> None:
    """The SKU's stock now: what the analyst is about to change."""
    if not sku:
        st.caption("Pick a SKU to see its stock before you change it.")
        return
    stock = data.sku_stock(path, sku)
    if stock is None:
        return
    with st.container(horizontal=True, key=key):
        st.metric("Available", f"{stock['available']:,}", border=True,
                  help="On hand in status Available, reserved units included")
        st.metric("Reserved", f"{stock['reserved']:,}", border=True,
                  help="Set aside for orders")
        st.metric("Free", f"{stock['free']:,}", border=True,
                  help="Available less reserved: what orders can still get")
        st.metric("Frozen", f"{stock['frozen']:,}", border=True)
        st.metric("Damaged", f"{stock['damaged']:,}", border=True)
        st.metric("Quarantine", f"{stock['quarantine']:,}", border=True)
