"""State of the Release Back Order wizard (Select → Review → Submit → Confirmation → OK).

Grid ticks vanish when the grid stops rendering, so the chosen order numbers live in our own
session keys. A token per review guards against a double submit."""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

PAGE = "pages/3_Release.py"
ORDERS_KEY = "release_order_nos"
STEP_KEY = "release_step"
ORIGIN_KEY = "release_origin"
REVIEW_KEY = "release_review_frame"
RESULT_KEY = "release_result"
TOKEN_KEY = "release_token"
SUBMITTED_KEY = "release_submitted_tokens"
PICK_KEY = "release_pick"  # the Select step's multiselect
STEPS = ("select", "review", "confirm")


def start(order_nos: list[str], origin: str) -> None:
    """Begin a release for `order_nos`; OK at the end returns to `origin` (a page path)."""
    reset()
    set_chosen(order_nos)
    st.session_state[ORIGIN_KEY] = origin
    st.session_state[STEP_KEY] = "select"


def reset() -> None:
    for key in (ORDERS_KEY, STEP_KEY, ORIGIN_KEY, REVIEW_KEY, RESULT_KEY, TOKEN_KEY, PICK_KEY):
        st.session_state.pop(key, None)


def chosen() -> list[str]:
    return list(st.session_state.get(ORDERS_KEY, []))


def set_chosen(order_nos: list[str]) -> None:
    st.session_state[ORDERS_KEY] = [str(n) for n in dict.fromkeys(order_nos)]


def step() -> str:
    return st.session_state.get(STEP_KEY, "select")


def origin() -> str:
    return st.session_state.get(ORIGIN_KEY, "app.py")


def to_review(review: pd.DataFrame) -> None:
    """Keep the review and issue a fresh token that a single Submit may spend."""
    st.session_state[REVIEW_KEY] = review
    st.session_state[TOKEN_KEY] = uuid.uuid4().hex
    st.session_state[STEP_KEY] = "review"


def review() -> pd.DataFrame | None:
    return st.session_state.get(REVIEW_KEY)


def ok_orders() -> list[str]:
    frame = review()
    if frame is None or frame.empty:
        return []
    return frame.loc[frame["outcome"] == "ok", "order_no"].tolist()


def claim_submit() -> bool:
    """True once per review: a second click (or a rerun of the same click) gets False."""
    token = st.session_state.get(TOKEN_KEY)
    spent = st.session_state.setdefault(SUBMITTED_KEY, set())
    if token is None or token in spent:
        return False
    spent.add(token)
    return True


def to_confirm(released: list[str], not_released: pd.DataFrame) -> None:
    st.session_state[RESULT_KEY] = {"released": list(released), "not_released": not_released}
    st.session_state[STEP_KEY] = "confirm"


def result() -> dict | None:
    return st.session_state.get(RESULT_KEY)


def not_released_table(review_frame: pd.DataFrame, engine_refused: pd.DataFrame) -> pd.DataFrame:
    """Everything not released: orders the review already held back (warning or error),
    plus any ok order the engine then refused (a concurrent release took the stock)."""
    held = review_frame.loc[review_frame["outcome"] != "ok", ["order_no", "outcome", "reason"]]
    frames = [f for f in (held, engine_refused[["order_no", "outcome", "reason"]]) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["order_no", "outcome", "reason"])
    return pd.concat(frames, ignore_index=True).drop_duplicates("order_no")
