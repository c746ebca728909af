"""State of the Release Back Order wizard (Select → Review → Submit → Confirmation → OK).

Grid ticks vanish when the grid stops rendering, so the chosen order numbers live in our own
session keys. A token per review guards against a double submit."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import pandas as pd
import streamlit as st

from . import orders

PAGE = "pages/3_Release.py"
ORDERS_KEY = "release_order_nos"
STEP_KEY = "release_step"
ORIGIN_KEY = "release_origin"
RECORD_KEY = "release_origin_record"  # the order record the release started from
REVIEW_KEY = "release_review_frame"
RESULT_KEY = "release_result"
TOKEN_KEY = "release_token"
SUBMITTED_KEY = "release_submitted_tokens"
PICK_KEY = "release_pick"  # the Select step's "Add backorders" box
CHOSEN_TABLE_KEY = "release_chosen_table"
SHOW_KEY = "release_show_outcomes"
INVENTORY_PAGE = "Inventory"  # the stock screen's URL path; ?sku= fills in the SKU
# Outcomes in words (DESIGN section 1): ok can be released, warning not now, error never.
OUTCOME_WORDS = {"ok": "Can release", "warning": "Not now", "error": "Cannot release"}
STEPS = ("select", "review", "confirm")


def start(order_nos: list[str], origin: str, record: str | None = None) -> None:
    """Begin a release for `order_nos`; OK at the end returns to `origin` (a page path),
    with the order `record` open again when the release started from that record."""
    reset()
    set_chosen(order_nos)
    st.session_state[ORIGIN_KEY] = origin
    if record:
        st.session_state[RECORD_KEY] = str(record)
    st.session_state[STEP_KEY] = "select"


def reset() -> None:
    for key in (ORDERS_KEY, STEP_KEY, ORIGIN_KEY, RECORD_KEY, REVIEW_KEY, RESULT_KEY,
                TOKEN_KEY, PICK_KEY, SHOW_KEY):
        st.session_state.pop(key, None)


def finish() -> str:
    """OK: forget the wizard and return the page to go back to. The Orders screen keeps
    its own view (filters, sort, page, search); a record the release started from is
    opened again there."""
    target, record = origin(), st.session_state.get(RECORD_KEY)
    reset()
    if record:
        orders.open_record(record)
    return target


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


def confirmation_table(released: list[str], refused: pd.DataFrame | None) -> pd.DataFrame:
    """The whole confirmation as one table for a download: released and not released."""
    done = pd.DataFrame({"order_no": released, "outcome": "released", "reason": ""})
    frames = [f for f in (done, refused) if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=["order_no", "outcome", "reason"])
    return pd.concat([f[["order_no", "outcome", "reason"]] for f in frames], ignore_index=True)


def add_picked() -> None:
    """Callback of the "Add backorders" box: add what was picked, then empty the box."""
    set_chosen(chosen() + list(st.session_state.get(PICK_KEY) or []))
    st.session_state[PICK_KEY] = []


def remove_rows(positions: list[int]) -> None:
    """Take the chosen orders at `positions` (rows of the chosen table) out."""
    gone = {chosen()[i] for i in positions if 0 <= i < len(chosen())}
    set_chosen([n for n in chosen() if n not in gone])
    st.session_state.pop(CHOSEN_TABLE_KEY, None)


_SHORT_SKU = re.compile(r"SKU (\S+) needs")


def fix_link(outcome: str, reason: str) -> str | None:
    """For a warning, a link to the stock of the first SKU it lacks (Inventory with the
    SKU filled in), where Frozen or Damaged stock is made Available, or stock received."""
    if outcome != "warning":
        return None
    found = _SHORT_SKU.search(reason or "")
    return f"{INVENTORY_PAGE}?sku={quote(found.group(1), safe='')}" if found else None


def outcome_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Review or refusal rows as a person reads them: the outcome in words, and a link to
    fix what a warning lacks."""
    return frame.assign(
        outcome_words=frame["outcome"].map(OUTCOME_WORDS).fillna(frame["outcome"]),
        fix=[fix_link(o, r) for o, r in zip(frame["outcome"], frame["reason"], strict=True)])
