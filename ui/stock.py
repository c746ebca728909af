"""The Inventory screen's helpers: one SKU's stock shown before a change is submitted, a
confirmation asked above a sane size, the SKU kept alike in the three forms, and the
auto-release setting's toggles."""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from engine.auto_release import AutoRelease

from . import data
from .labels import plural
from .state import warehouse_at
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


AUTO_KEYS = {"on_receipt": "inv_auto_receipt", "on_adjustment": "inv_auto_adjustment",
             "on_status_change": "inv_auto_status"}
AUTO_LABELS = {"on_receipt": "On receipt", "on_adjustment": "On adjustment",
               "on_status_change": "On status change"}
AUTO_HELP = {"on_receipt": "A receipt releases the backorders waiting for its SKU",
             "on_adjustment": "An adjustment that adds Available stock releases them",
             "on_status_change": "A status change into Available releases them"}
AUTO_SEEDED = "_inv_auto_seeded"  # the saved setting the toggles were last set from


@st.cache_data(ttl=data.TTL, show_spinner=False)
def _auto_release(path: str) -> dict[str, bool]:
    return asdict(warehouse_at(path).auto_release())


def auto_release(path: str) -> AutoRelease:
    """Which availability events release waiting backorders by themselves. Cached as plain
    values: a class pickled by the cache must be the very class of the module now loaded,
    which a module reloaded by the server's file watcher is not."""
    return AutoRelease(**_auto_release(path))


def auto_release_toggles(saved: AutoRelease, disabled: bool) -> AutoRelease:
    """One toggle per event, set from the saved setting (again whenever it changed, here
    or at another desk); returns what the toggles now say."""
    seeded = tuple(asdict(saved).values())  # plain values: they outlive a module reload
    if st.session_state.get(AUTO_SEEDED) != seeded:
        st.session_state[AUTO_SEEDED] = seeded
        for name, key in AUTO_KEYS.items():
            st.session_state[key] = getattr(saved, name)
    chosen = {name: st.toggle(AUTO_LABELS[name], key=key, disabled=disabled,
                              help=AUTO_HELP[name])
              for name, key in AUTO_KEYS.items()}
    return AutoRelease(**chosen)


def released_by_hand(setting: AutoRelease) -> str:
    """A sentence naming the events that release nothing on their own, or nothing."""
    off = [AUTO_LABELS[name].removeprefix("On ").replace("receipt", "receipts")
           .replace("adjustment", "adjustments").replace("status change", "status changes")
           for name in AUTO_KEYS if not getattr(setting, name)]
    if not off or len(off) == len(AUTO_KEYS):
        return ""
    return (f"{' and '.join(off).capitalize()} release nothing on their own: release those "
            "backorders by hand. ")
