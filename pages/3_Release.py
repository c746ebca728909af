"""Release Back Order, step by step: Select → Review → Submit → Confirmation → OK.
OK returns to the screen where the analyst started."""

from __future__ import annotations

import streamlit as st

from ui import data, orders, release
from ui.colors import OUTCOME_COLORS, OUTCOME_LABELS, as_badges, badge_column
from ui.layout import HOME, PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help
from ui.text import escape_md

STEP_TITLES = {"select": "1 · Select", "review": "2 · Review and Submit",
               "confirm": "3 · Confirmation"}

path = page("Release Back Order", "↩️", "Releasing reserves the stock at once: the order goes "
            "On Order, Ready to ship. Orders are taken in rank order; one that does not fit "
            "is passed over.")
stop_if_empty(path)

# A deep link (?orders=140.001,2454.001&from=orders) starts a release once.
if "orders" in st.query_params and st.session_state.get("_release_qp") != dict(st.query_params):
    st.session_state["_release_qp"] = dict(st.query_params)
    start_from = PAGES.get(st.query_params.get("from", ""), HOME)
    release.start(st.query_params["orders"].split(","), origin=start_from)

step = release.step()
st.markdown("  →  ".join(f"**{t}**" if s == step else t for s, t in STEP_TITLES.items()))


def outcome_table(frame, key: str) -> None:
    st.container(key=key).dataframe(as_badges(frame.assign(outcome=frame["outcome"].map(OUTCOME_LABELS)),
                           "outcome"),
                 hide_index=True, alt="Release outcome per order",
                 column_order=["order_no", "outcome", "reason"],
                 column_config={"order_no": st.column_config.TextColumn("Order"),
                                "outcome": badge_column("Outcome", {
                                    OUTCOME_LABELS[k]: v for k, v in OUTCOME_COLORS.items()}),
                                "reason": st.column_config.TextColumn("Reason", width="large")})


def add_releasable() -> None:
    release.set_chosen(release.chosen() + data.releasable_now(path)["order_no"].tolist())
    st.session_state.pop(release.PICK_KEY, None)


def back_to_select() -> None:
    st.session_state[release.STEP_KEY] = "select"
    st.session_state.pop(release.PICK_KEY, None)


if step == "select":
    chosen = release.chosen()
    open_backorders = data.releasable_now(path, include_blocked=True)["order_no"].tolist()
    picked = st.multiselect(
        "Backorders to release", list(dict.fromkeys(chosen + open_backorders[:2000])),
        default=chosen, key=release.PICK_KEY, accept_new_options=True,
        placeholder="Pick backorders, or type an order number")
    release.set_chosen(picked)
    if not open_backorders:
        st.info("There is no open backorder to release.", icon="👍")
    cols = st.columns([1, 2, 5])
    if cols[0].button("Review", key="release_review", type="primary", disabled=not picked):
        ok, review = attempt(lambda: warehouse().review_release(picked))
        if ok and review is not None:
            release.to_review(review)
            st.rerun()
    cols[1].button("Add all releasable now", key="release_add_releasable",
                   on_click=add_releasable)

elif step == "review":
    review = release.review()
    counts = review["outcome"].value_counts()
    st.markdown("  ".join(f":{OUTCOME_COLORS[o]}-badge[{OUTCOME_LABELS[o]}] **{counts.get(o, 0)}**"
                          for o in ("ok", "warning", "error")))
    outcome_table(review, "release_review_table")
    ready = release.ok_orders()
    if not ready:
        st.warning("No order can be released now, so there is nothing to submit.")
    cols = st.columns([1, 1, 6])
    cols[0].button("Back", key="release_back", on_click=back_to_select)
    if cols[1].button("Submit", key="release_submit", type="primary",
                      disabled=not ready or not can_write(),
                      help=write_help(f"Release the {len(ready)} ok orders in one transaction")):
        if release.claim_submit():
            ok, result = attempt(lambda: warehouse().release_backorders(ready, user=user()))
            if ok and result is not None:
                release.to_confirm(result.released,
                                   release.not_released_table(review, result.not_released))
                orders.clear_selection()
                after_write(f"Released {len(result.released)} backorder(s)")
                st.rerun()
            else:
                release.to_review(review)  # nothing happened: allow another try
        else:
            st.info("This review was already submitted.")

else:
    outcome = release.result() or {"released": [], "not_released": None}
    released = outcome["released"]
    if released:
        st.success(f"Released {len(released)} backorder(s): {escape_md(', '.join(released))}. "
                   "They are "
                   "On Order, Ready to ship, with their stock reserved.", icon="✅")
    else:
        st.warning("Nothing was released.")
    refused = outcome["not_released"]
    if refused is not None and not refused.empty:
        st.subheader(f"Not released ({len(refused)})")
        outcome_table(refused, "release_refused_table")
    if st.button("OK", key="release_ok", type="primary"):
        target = release.origin()
        release.reset()
        st.switch_page(target)
