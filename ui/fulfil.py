"""State of the Run Fulfillment screen: the group of orders handed over from the Orders
grid, the run whose results are open, and the run itself, which goes on as a job (ui.jobs)
so that a click or leaving the screen cannot lose it."""

from __future__ import annotations

import streamlit as st

from engine import DEFAULT_POLICY

from . import jobs, orders, preview
from .labels import plural, policy_label
from .state import after_write, warehouse
from .text import escape_md

PAGE = "pages/2_Fulfillment.py"
GROUP_KEY = "fulfil_order_nos"
RUN_KEY = "fulfil_run_id"
PICK_KEY = "fulfil_run_pick"
SOURCE_KEY = "fulfil_source"
LAST_DONE_KEY = "fulfil_last_done"  # what the last run of this session ran, to say so
JOB_KIND = "fulfillment"


def hand_over(order_nos: list[str]) -> None:
    """Orders chosen elsewhere become the group to run (and the group shown first)."""
    st.session_state[GROUP_KEY] = [str(n) for n in dict.fromkeys(order_nos)]
    if order_nos:
        st.session_state.pop(SOURCE_KEY, None)
        st.session_state.pop(LAST_DONE_KEY, None)


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


def start(order_nos: list[str], grouping: str, source: str,
          policy: str = DEFAULT_POLICY) -> jobs.Job | None:
    """Start the run as a job, allocating by `policy`; None (with the reason on screen)
    when it cannot start, e.g. another run is going."""
    name = jobs.who()
    if name is None:
        return None
    wh = warehouse()
    label = f"Run Fulfillment on {plural(len(order_nos), 'order')}"
    job = jobs.launch(JOB_KIND, label, name, lambda progress: wh.run_fulfillment(
        order_nos, user=name, backorder_grouping=grouping, progress=progress, policy=policy),
        exclusive=True)
    if job is not None:
        st.session_state[LAST_DONE_KEY] = {"source": source, "orders": len(order_nos),
                                           "policy": policy_label(policy)}
    return job


def take_end() -> None:
    """When this session's run has ended: open the new run, or say why it failed."""
    job = jobs.take_finished(JOB_KIND)
    if job is None:
        return
    if job.state == "done":
        run_id = int(job.result.run_id)
        show_run(run_id)
        st.session_state[GROUP_KEY] = []
        orders.clear_selection()
        preview.forget()  # what was previewed has happened
        done = st.session_state.get(LAST_DONE_KEY) or {}
        done["run_id"] = run_id
        st.session_state[LAST_DONE_KEY] = done
        after_write(f"Run {run_id} done: {plural(done.get('orders', 0), 'order')}")
    else:
        st.session_state.pop(LAST_DONE_KEY, None)
        st.error(escape_md(job.error or "The run failed; nothing was saved."),
                 icon=":material/error:")


def last_done() -> dict | None:
    return st.session_state.get(LAST_DONE_KEY)
