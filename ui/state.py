"""Session plumbing shared by every page: the one Warehouse per process (or why it cannot
be opened), who is working and whether they may change anything, after-write refresh,
toasts that survive a rerun, and engine errors shown without tracebacks."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import streamlit as st

import data.demo  # noqa: F401 - registers the demo behind wh.load_demo()
import engine
from engine import BackorderError

from . import identity
from .text import escape_md

DB_ENV = "BACKORDER_DB"
READ_ONLY_ENV = "BACKORDER_READ_ONLY"
DEFAULT_DB = "data/backorder.duckdb"
USER_KEY = identity.NAME_KEY
FLASH_KEY = "_flash_messages"
# Widget keys of grids that hold edits; deleted after each write so stale ticks go away.
GRID_KEYS = ("orders_grid", "items_grid")
VIEWING_ONLY = ("Viewing only: this desk opened the database for reading "
                f"({READ_ONLY_ENV}=1), so nothing can be changed here.")

T = TypeVar("T")
_log = logging.getLogger("backorder_desk")


class NotAllowedError(BackorderError):
    """A change asked of a desk that may not make it (viewing only, or nobody logged in)."""


def db_path() -> str:
    """The database this process serves: BACKORDER_DB overrides the default file, and
    may be a postgresql:// URL of a warehouse a team shares."""
    return os.environ.get(DB_ENV, DEFAULT_DB)


def read_only() -> bool:
    """BACKORDER_READ_ONLY=1 opens the database for viewing only."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@st.cache_resource(show_spinner="Opening the warehouse…")
def _open(path: str, viewing_only: bool = False) -> engine.Warehouse:
    """One Warehouse per database file and process, shared by all sessions (it is
    thread-safe). A file that did not exist yet gets the demo data, so a fresh clone shows
    a living warehouse. A failed open raises, and st.cache_resource keeps no result, so
    the next page load tries again (after the file was fixed)."""
    if viewing_only:
        return engine.open(path, read_only=True)
    if engine.is_shared_store(path):  # a team's warehouse: never filled with the demo
        return engine.open(path)
    is_new = path != ":memory:" and not Path(path).exists()
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    wh = engine.open(path)
    if is_new and wh.is_empty():
        wh.load_demo()
    return wh


def warehouse_at(path: str) -> engine.Warehouse:
    """The shared Warehouse on `path`, for writing unless the desk is viewing only."""
    return _open(path, read_only())


def warehouse() -> engine.Warehouse:
    """The shared Warehouse for the configured database."""
    return warehouse_at(db_path())


def open_or_stop() -> None:
    """Open the database, or say what is wrong with it and what to do, and stop the page.
    Never a traceback: the engine's message names the file and the remedy."""
    try:
        warehouse()
        return
    except BackorderError as exc:
        st.error(escape_md(exc), icon=":material/error:")
    except Exception:  # not the engine's to explain (e.g. the folder cannot be made)
        _log.exception("opening the database failed")
        st.error(f"The database {escape_md(engine.shown_location(db_path()))} cannot be "
                 "opened. The details are in "
                 "the server log; tell your administrator.", icon=":material/error:")
    st.info("Nothing was changed. When the file is fixed (or the other program has "
            "closed it), reload this page.", icon=":material/refresh:")
    st.stop()


def user() -> str:
    """Who is making a change, for the audit log: the logged-in user when authentication
    is on, otherwise the name typed in the sidebar. Raises NotAllowedError when nobody
    may change anything (so `attempt` shows it as a message)."""
    name = identity.audit_name(identity.auth_mode(), identity.claims(),
                               st.session_state.get(USER_KEY))
    if name is None or read_only():
        raise NotAllowedError(why_not_write() or "Nothing can be changed here.")
    return name


def why_not_write() -> str | None:
    """Why this session may not change anything, or None when it may."""
    if read_only():
        return VIEWING_ONLY
    return identity.why_not()


def can_write() -> bool:
    """Every write control asks this: False when viewing only or nobody is logged in."""
    return why_not_write() is None


def write_help(text: str) -> str:
    """A write control's tooltip: what it does, or why it is off."""
    return text if can_write() else escape_md(why_not_write())


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """Queue a toast for the next run, so it survives the rerun that refreshes the data.
    The message is shown as text (it may hold order numbers, SKUs or names)."""
    st.session_state.setdefault(FLASH_KEY, []).append((escape_md(message), icon))


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
    traceback, and give (False, None). Engine messages quote input, so they are shown
    as text."""
    try:
        return True, action()
    except BackorderError as exc:
        st.error(escape_md(exc), icon=":material/error:")
        return False, None
    except Exception:  # every engine write is one transaction, so nothing was written
        _log.exception("engine call failed")
        st.error("Something went wrong and nothing was saved. The details are in the server "
                 "log; please try again or tell your administrator.", icon=":material/error:")
        return False, None
