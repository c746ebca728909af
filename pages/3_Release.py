"""Release Back Order, step by step: Select → Review → Submit → Confirmation → OK.
OK returns to the screen where the analyst started."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine import OrderFilter
from ui import data, orders, release
from ui.colors import OUTCOME_COLORS, as_badges, badge_column
from ui.export import export_frame, export_read
from ui.labels import plural
from ui.layout import HOME, PAGES, page, stop_if_empty
from ui.state import after_write, attempt, can_write, user, warehouse, write_help
from ui.text import escape_md

STEP_TITLES = {"select": "1 · Select", "review": "2 · Review and Submit",
               "confirm": "3 · Confirmation"}
OUTCOMES = ("ok", "warning", "error")
TABLE_ROWS = 12  # rows a table shows before it scrolls

path = page("Release Back Order", ":material/lock_open:", "Releasing reserves the stock at "
            "once: the order goes On Order, Ready to ship. Orders are taken in rank order; "
            "one that does not fit is passed over.")
stop_if_empty(path)

# A deep link (?orders=140.001,2454.001&from=orders) starts a release once.
if "orders" in st.query_params and st.session_state.get("_release_qp") != dict(st.query_params):
    st.session_state["_release_qp"] = dict(st.query_params)
    start_from = PAGES.get(st.query_params.get("from", ""), HOME)
    release.start(st.query_params["orders"].split(","), origin=start_from)

step = release.step()
st.markdown("  →  ".join(f"**{t}**" if s == step else t for s, t in STEP_TITLES.items()))


def table_height(rows: int) -> int:
    return 35 * (min(max(rows, 1), TABLE_ROWS) + 1) + 3


def outcome_table(frame: pd.DataFrame, key: str) -> None:
    """Outcome per order in words, its reason, and for a warning a link to the stock."""
    view = as_badges(release.outcome_view(frame), "outcome_words")
    st.container(key=key).dataframe(
        view, hide_index=True, alt="Release outcome per order", row_height=35, placeholder="",
        height=table_height(len(view)),
        column_order=["order_no", "outcome_words", "reason", "fix"],
        column_config={
            "order_no": st.column_config.TextColumn("Order"),
            "outcome_words": badge_column("Outcome", {
                release.OUTCOME_WORDS[k]: v for k, v in OUTCOME_COLORS.items()}),
            "reason": st.column_config.TextColumn("Reason", width="large"),
            "fix": st.column_config.LinkColumn(
                "Stock", display_text=r"sku=(.+)$",
                help="Open the SKU's stock in Inventory: make Frozen or Damaged stock "
                     "Available, or see what is missing")})


def add_releasable() -> None:
    release.set_chosen(release.chosen() + data.releasable_now(path)["order_no"].tolist())


def clear_chosen() -> None:
    release.set_chosen([])
    st.session_state.pop(release.CHOSEN_TABLE_KEY, None)


def back_to_select() -> None:
    st.session_state[release.STEP_KEY] = "select"


if step == "select":
    chosen = release.chosen()
    summary = st.container(key="release_chosen_summary")
    if chosen:  # shown in rank order, the order Review takes them in
        rows = data.orders(path, OrderFilter(order_nos=chosen), len(chosen), 0, "rank")
        known = set(rows["order_no"])
        rows = pd.concat([rows, pd.DataFrame({"order_no": [n for n in chosen
                                                           if n not in known]})])
        summary.markdown(orders.summary(rows["order_no"].tolist(),
                                        data.status_counts(path, tuple(chosen)),
                                        word="chosen"))
        positions = {n: i for i, n in enumerate(chosen)}
        rows.index = [positions[n] for n in rows["order_no"]]  # row positions → chosen
        picked_rows = st.dataframe(
            rows, key=release.CHOSEN_TABLE_KEY, on_select="rerun",
            selection_mode="multi-row", hide_index=True, height=table_height(len(rows)),
            placeholder="",
            column_order=["order_no", "status", "priority", "skus", "units", "value"],
            column_config={"order_no": "Order", "status": "Status", "priority": "Priority",
                           "skus": "SKUs", "units": "Units",
                           "value": st.column_config.NumberColumn("Value", format="dollar")},
            alt="Backorders chosen for release, in rank order")
        ticked = [int(rows.index[i]) for i in picked_rows.selection.rows]
        cols = st.columns([1, 1, 4])
        cols[0].button("Remove ticked", key="release_remove", disabled=not ticked,
                       icon=":material/remove_circle:", on_click=release.remove_rows,
                       args=(ticked,))
        cols[1].button("Clear all", key="release_clear", icon=":material/clear_all:",
                       on_click=clear_chosen)
    else:
        summary.markdown(orders.summary([], None, word="chosen"))
    # The first open backorders in rank order, enough to offer 2,000 not yet chosen.
    open_backorders = data.order_nos(path, OrderFilter(statuses=["Back Order"]),
                                     len(chosen) + 2000, sort="rank")
    taken = set(chosen)
    st.multiselect(
        "Add backorders", [n for n in open_backorders if n not in taken][:2000],
        key=release.PICK_KEY, accept_new_options=True, on_change=release.add_picked,
        placeholder="Pick backorders, or type an order number")
    if not open_backorders:
        st.info("There is no open backorder to release.", icon=":material/thumb_up:")
    cols = st.columns([1, 2, 5])
    if cols[0].button("Review", key="release_review", type="primary", disabled=not chosen):
        ranked = data.order_nos(path, OrderFilter(order_nos=chosen), sort="rank")
        in_rank = ranked + [n for n in chosen if n not in set(ranked)]  # unknowns last
        ok, review = attempt(lambda: warehouse().review_release(in_rank))
        if ok and review is not None:
            release.to_review(review)
            st.rerun()
    cols[1].button("Add all releasable now", key="release_add_releasable",
                   icon=":material/playlist_add:", on_click=add_releasable)
    with cols[2].popover("Download releasable now", icon=":material/download:"):
        export_read(st, path, "releasable_now", "releasable_now", "releasable_download",
                    label="Releasable now")

elif step == "review":
    review = release.review()
    counts = review["outcome"].value_counts()
    shown = st.pills(
        "Show", OUTCOMES, selection_mode="multi", default=list(OUTCOMES),
        key=release.SHOW_KEY,
        format_func=lambda o: f"{release.OUTCOME_WORDS[o]} ({counts.get(o, 0):,})")
    st.caption(f"{plural(len(review), 'order')} in rank order; the first that fits takes the "
               "stock first.")
    outcome_table(review[review["outcome"].isin(shown or [])], "release_review_table")
    with st.popover("Download this review", icon=":material/download:"):
        export_frame(st, review, "release_review", "release_review_download", label="Review")
    ready = release.ok_orders()
    if not ready:
        st.warning("No order can be released now, so there is nothing to submit.",
                   icon=":material/block:")
    cols = st.columns([1, 1, 6])
    cols[0].button("Back", key="release_back", on_click=back_to_select,
                   icon=":material/arrow_back:")
    if cols[1].button("Submit", key="release_submit", type="primary",
                      disabled=not ready or not can_write(),
                      help=write_help(f"Release the {plural(len(ready), 'order')} that can "
                                      "be released, in one transaction")):
        if release.claim_submit():
            ok, result = attempt(lambda: warehouse().release_backorders(ready, user=user()))
            if ok and result is not None:
                release.to_confirm(result.released,
                                   release.not_released_table(review, result.not_released))
                orders.clear_selection()
                after_write(f"Released {plural(len(result.released), 'backorder')}")
                st.rerun()
            else:
                release.to_review(review)  # nothing happened: allow another try
        else:
            st.info("This review was already submitted.", icon=":material/info:")

else:
    outcome = release.result() or {"released": [], "not_released": None}
    released = outcome["released"]
    if released:
        names = ", ".join(released[:20]) + (f" and {len(released) - 20:,} more"
                                            if len(released) > 20 else "")
        st.success(f"Released {plural(len(released), 'backorder')}: {escape_md(names)}. "
                   "They are On Order, Ready to ship, with their stock reserved.",
                   icon=":material/check_circle:")
    else:
        st.warning("Nothing was released.", icon=":material/block:")
    refused = outcome["not_released"]
    if refused is not None and not refused.empty:
        st.subheader(f"Not released ({len(refused):,})")
        for row in refused.head(5).itertuples():
            st.markdown(f"**{escape_md(row.order_no)}**: {escape_md(row.reason)}")
        outcome_table(refused, "release_refused_table")
    with st.popover("Download this confirmation", icon=":material/download:"):
        export_frame(st, release.confirmation_table(released, refused), "release_confirmation",
                     "release_confirmation_download", label="Confirmation")
    if st.button("OK", key="release_ok", type="primary"):
        st.switch_page(release.finish())
