"""State of the Run Fulfillment screen: the group of orders handed over from the Orders
grid, the run whose results are open, and the run itself."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from . import orders
from .state import after_write, attempt, user, warehouse

PAGE = "pages/2_Fulfillment.py"
GROUP_KEY = "fulfil_order_nos"
RUN_KEY = "fulfil_run_id"
PICK_KEY = "fulfil_run_pick"
SOURCE_KEY = "fulfil_source"


def hand_over(order_nos: list[str]) -> None:
    """Orders chosen elsewhere become the group to run (and the group shown first)."""
    st.session_state[GROUP_KEY] = [str(n) for n in dict.fromkeys(order_nos)]
    st.session_state.pop(SOURCE_KEY, None)


def group() -> list[str]:
    return list(st.session_state.get(GROUP_KEY, []))


def show_run(run_id: int) -> None:
    """Open a run's results (the one just made, or an earlier one)."""
    st.session_state[RUN_KEY] = int(run_id)
    st.session_state[PICK_KEY] = int(run_id)  # the picker must name the run it shows


def pick_default(run_id: int, run_ids: list[int]) -> None:
    """Drive the Run picker through its own state: a keyed selectbox ignores `index` once
    it has a value, so a new run would otherwise show under the old run's label."""
    if st.session_state.get(PICK_KEY) not in run_ids:
        st.session_state[PICK_KEY] = int(run_id)


def shown_run() -> int | None:
    return st.session_state.get(RUN_KEY)


def _newest_run() -> int | None:
    runs = warehouse().runs()
    return int(runs["run_id"].max()) if not runs.empty else None


def run(order_nos: list[str], grouping: str,
        progress: Callable[[float, str], object]) -> bool:
    """Run fulfillment on `order_nos`, reporting to `progress`. True when a run was made.

    A click during the run makes `progress` raise Streamlit's rerun request; the engine
    finishes (commits) the run first and raises it afterwards. So the screens are
    refreshed and the new run opened in a `finally`, whichever way the call ends."""
    before = _newest_run()
    try:
        ok, _ = attempt(lambda: warehouse().run_fulfillment(
            order_nos, user=user(), backorder_grouping=grouping, progress=progress))
    finally:
        made = _newest_run()
        if made is not None and made != before:
            show_run(made)
            hand_over([])
            orders.clear_selection()
            after_write(f"Run {made} done: {len(order_nos)} orders")
    return ok and made != before
