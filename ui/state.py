"""Session plumbing shared by every page: the one Warehouse per process, who is working,
after-write refresh, toasts that survive a rerun, and engine errors shown without tracebacks."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import streamlit as st

import engine
from engine import BackorderError

DB_ENV = "BACKORDER_DB"
DEFAULT_DB = "data/backorder.duckdb"
USER_KEY = "user_name"
FLASH_KEY = "_flash_messages"
# Widget keys of grids that hold edits; deleted after each write so stale ticks go away.
GRID_KEYS = ("orders_grid", "items_grid")

T = TypeVar("T")
_log = logging.getLogger("backorder_desk")


def db_path() -> str:
    """The database file this process serves; BACKORDER_DB overrides the default."""
    return os.environ.get(DB_ENV, DEFAULT_DB)


@st.cache_resource(show_spinner="Opening the warehouse…")
def _open(path: str) -> engine.Warehouse:
    """One Warehouse per database file and process, shared by all sessions (it is
    thread-safe). A file that did not exist yet gets the demo data, so a fresh clone shows
    a living warehouse."""
    is_new = path != ":memory:" and not Path(path).exists()
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    wh = engine.open(path)
    if is_new and wh.is_empty():
        wh.load_demo()
    return wh


def warehouse() -> engine.Warehouse:
    """The shared Warehouse for the configured database."""
    return _open(db_path())


def user() -> str:
    """The analyst's name, written into the audit log with every change."""
    return st.session_state.get(USER_KEY) or "analyst"


def flash(message: str, icon: str = "✅") -> None:
    """Queue a toast for the next run, so it survives the rerun that refreshes the data."""
    st.session_state.setdefault(FLASH_KEY, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(FLASH_KEY, []):
        st.toast(message, icon=icon)


def clear_grids(*keys: str) -> None:
    """Drop grid widget state (ticks and edits); call before the grid renders."""
    for key in keys or GRID_KEYS:
        if key in st.session_state:
            del st.session_state[key]


def after_write(message: str) -> None:
    """Every write ends here: fresh reads for everyone, clean grids, and a toast."""
    st.cache_data.clear()
    clear_grids()
    flash(message)


def attempt(action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run an engine call: (True, result), or show the error as a message, never a
    traceback, and give (False, None)."""
    try:
        return True, action()
    except BackorderError as exc:
        st.error(str(exc), icon="⛔")
        return False, None
    except Exception:  # every engine write is one transaction, so nothing was written
        _log.exception("engine call failed")
        st.error("Something went wrong and nothing was saved. The details are in the server "
                 "log; please try again or tell your administrator.", icon="⛔")
        return False, None
