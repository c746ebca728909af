"""Ship and Cancel, step by step like a release: Select → Review → Submit → Confirmation
→ OK. The review asks the engine (review_ship / review_cancel), which holds the rule of
what may ship or be cancelled; this module only keeps the steps and draws them.

The chosen order numbers, the review and the result live in session keys of their own
(prefixed by the action), so a rerun or a visit elsewhere does not lose the step."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import engine
from engine import OrderFilter

from . import data
from .colors import ORDER_STATUS_COLORS, as_badges, badge_column
from .labels import plural
from .state import after_write, attempt, can_write, user, warehouse, write_help
from .text import escape_md

CANDIDATES_SHOWN = 2000  # orders offered in the picker; any number can still be typed
STEP_TITLES = {"select": "1 · Select", "review": "2 · Review and Submit",
               "confirm": "3 · Confirmation"}


@dataclass(frozen=True)
class Action:
    name: str  # "ship" or "cancel": the session keys' prefix
    verb: str  # Ship
    done: str  # shipped
    candidates: tuple[str, ...]  # statuses offered in the picker
    review: Callable[[engine.Warehouse, list[str]], pd.DataFrame]
    act: Callable[[engine.Warehouse, list[str], str, str | None], engine.OrderActionResult]
    asks_reason: bool = False

    def key(self, part: str) -> str:
        return f"{self.name}_{part}"


SHIP = Action("ship", "Ship", "shipped", ("Processed",),
              lambda wh, nos: wh.review_ship(nos),
              lambda wh, nos, who, _reason: wh.ship(nos, user=who))
CANCEL = Action("cancel", "Cancel", "cancelled", ("Pending", "On Order", "Back Order",
                                                   "Processed"),
                lambda wh, nos: wh.review_cancel(nos),
                lambda wh, nos, who, reason: wh.cancel(nos, reason=reason, user=who),
                asks_reason=True)


def _step(a: Action) -> str:
    return st.session_state.get(a.key("step"), "select")


def _reset(a: Action) -> None:
    for part in ("step", "chosen", "review", "result", "token", "pick", "reason"):
        st.session_state.pop(a.key(part), None)


def start(a: Action, order_nos: list[str]) -> None:
    """Begin with `order_nos` chosen (a deep link ?orders=…, or another screen)."""
    _reset(a)
    st.session_state[a.key("chosen")] = [str(n) for n in dict.fromkeys(order_nos)]


def _outcome_table(a: Action, frame: pd.DataFrame, key: str, with_status: bool) -> None:
    labels = {"ok": f"Can {a.verb.lower()}", "error": f"Cannot {a.verb.lower()}"}
    table = frame.assign(outcome=frame["outcome"].map(labels))
    table = as_badges(table, "outcome")
    if with_status:
        table = as_badges(table, "status")
    st.container(key=key).dataframe(
        table, hide_index=True, alt=f"{a.verb} review per order",
        column_order=["order_no", *(["status"] if with_status else []), "outcome", "reason"],
        column_config={
            "order_no": st.column_config.TextColumn("Order"),
            "status": badge_column("Status", ORDER_STATUS_COLORS),
            "outcome": badge_column("Outcome", {labels["ok"]: "green",
                                                labels["error"]: "red"}),
            "reason": st.column_config.TextColumn("Reason", width="large")})


def render(a: Action, path: str) -> None:
    """The whole wizard for action `a` on the database at `path`."""
    if "orders" in st.query_params and \
            st.session_state.get(a.key("qp")) != dict(st.query_params):
        st.session_state[a.key("qp")] = dict(st.query_params)
        start(a, st.query_params["orders"].split(","))
    step = _step(a)
    st.markdown("  →  ".join(f"**{t}**" if s == step else t for s, t in STEP_TITLES.items()))
    if step == "select":
        _select(a, path)
    elif step == "review":
        _review(a)
    else:
        _confirm(a)


def _select(a: Action, path: str) -> None:
    chosen = list(st.session_state.get(a.key("chosen"), []))
    offered = data.order_nos(path, OrderFilter(statuses=list(a.candidates)), CANDIDATES_SHOWN)
    picked = st.multiselect(
        f"Orders to {a.verb.lower()}", list(dict.fromkeys(chosen + offered)), default=chosen,
        key=a.key("pick"), accept_new_options=True,
        placeholder="Pick orders, or type an order number")
    st.session_state[a.key("chosen")] = picked
    st.caption(f"Offered: {', '.join(a.candidates)} orders (the first "
               f"{CANDIDATES_SHOWN:,}). {plural(len(picked), 'order')} chosen.")
    if st.button("Review", key=a.key("review_button"), type="primary", disabled=not picked,
                 icon=":material/fact_check:"):
        ok, review = attempt(lambda: a.review(warehouse(), picked))
        if ok and review is not None:
            st.session_state[a.key("review")] = review
            st.session_state[a.key("token")] = uuid.uuid4().hex
            st.session_state[a.key("step")] = "review"
            st.rerun()


def _back(a: Action) -> None:
    st.session_state[a.key("step")] = "select"
    st.session_state.pop(a.key("pick"), None)


def _review(a: Action) -> None:
    review: pd.DataFrame = st.session_state[a.key("review")]
    ready = review.loc[review["outcome"] == "ok", "order_no"].tolist()
    refused = len(review) - len(ready)
    st.markdown(f":green-badge[Can {a.verb.lower()}] **{len(ready)}**  "
                f":red-badge[Cannot {a.verb.lower()}] **{refused}**")
    _outcome_table(a, review, a.key("review_table"), with_status=True)
    reason = None
    if a.asks_reason:
        reason = st.text_input("Reason", key=a.key("reason"),
                               placeholder="e.g. customer withdrew the order").strip() or None
    if not ready:
        st.warning(f"No order can be {a.done}, so there is nothing to submit.",
                   icon=":material/block:")
    cols = st.columns([1, 2, 5])
    cols[0].button("Back", key=a.key("back"), on_click=_back, args=(a,),
                   icon=":material/arrow_back:")
    if cols[1].button(f"{a.verb} {plural(len(ready), 'order')}", key=a.key("submit"),
                      type="primary", disabled=not ready or not can_write(),
                      help=write_help(f"{a.verb} the orders marked Can {a.verb.lower()}, in "
                                      "one transaction")):
        spent = st.session_state.setdefault(a.key("spent"), set())
        token = st.session_state.get(a.key("token"))
        if token in spent:  # a second click on the same review
            st.info("This review was already submitted.", icon=":material/info:")
            return
        spent.add(token)
        ok, result = attempt(lambda: a.act(warehouse(), ready, user(), reason))
        if ok and result is not None:
            held = review.loc[review["outcome"] != "ok", ["order_no", "reason"]]
            refused_frame = pd.concat([held, result.refused[["order_no", "reason"]]],
                                      ignore_index=True).drop_duplicates("order_no")
            st.session_state[a.key("result")] = {"done": list(result.done),
                                                 "refused": refused_frame}
            st.session_state[a.key("step")] = "confirm"
            after_write(f"{a.done.capitalize()} {plural(len(result.done), 'order')}")
            st.rerun()
        else:
            spent.discard(token)  # nothing happened: allow another try


def _confirm(a: Action) -> None:
    result = st.session_state.get(a.key("result")) or {"done": [], "refused": None}
    done = result["done"]
    if done:
        st.success(f"{a.done.capitalize()} {plural(len(done), 'order')}: "
                   f"{escape_md(', '.join(done))}.", icon=":material/check_circle:")
    else:
        st.warning(f"Nothing was {a.done}.", icon=":material/block:")
    refused = result["refused"]
    if refused is not None and not refused.empty:
        st.subheader(f"Not {a.done} ({len(refused)})")
        _outcome_table(a, refused.assign(outcome="error"), a.key("refused_table"),
                       with_status=False)
    if st.button("OK", key=a.key("ok"), type="primary"):
        _reset(a)
        st.rerun()
