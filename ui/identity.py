"""Who is working, for the audit log written with every change.

With Streamlit authentication configured (an `[auth]` section in .streamlit/secrets.toml,
see the README), it is the logged-in user, `st.user`, and somebody not logged in may look
but not change anything. Without it, the name typed in the sidebar is used."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .text import escape_md

NAME_KEY = "user_name"
DEFAULT_NAME = "analyst"
AUTH_OFF, AUTH_ON, AUTH_BROKEN = "off", "on", "broken"
CLAIMS = ("email", "name", "preferred_username", "sub")  # first one present names the user
_log = logging.getLogger("backorder_desk")


def auth_mode() -> str:
    """AUTH_ON when secrets.toml has an [auth] section, AUTH_OFF when it has none or there
    is no secrets file, AUTH_BROKEN when a secrets file cannot be read: then nobody may
    change anything, rather than falling back to typed names by accident."""
    try:
        return AUTH_ON if "auth" in st.secrets else AUTH_OFF
    except FileNotFoundError as exc:  # Streamlit's StreamlitSecretNotFoundError
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return AUTH_OFF
        _log.warning("the secrets file cannot be read: %s", exc)
        return AUTH_BROKEN


def claims() -> dict[str, object]:
    """The logged-in user's claims (st.user), only asked for when authentication is on."""
    return dict(st.user.to_dict()) if auth_mode() == AUTH_ON else {}


def audit_name(mode: str, user_claims: Mapping[str, object], typed: object) -> str | None:
    """The name written into the audit log, or None when nobody may change anything.
    With authentication on: the logged-in user's e-mail (or name); never a typed name."""
    if mode == AUTH_OFF:
        return str(typed or "").strip() or DEFAULT_NAME
    if mode == AUTH_ON and user_claims.get("is_logged_in") is True:
        for claim in CLAIMS:
            value = str(user_claims.get(claim) or "").strip()
            if value:
                return value
    return None


def why_not() -> str | None:
    """Why this session may not change anything (authentication only), or None."""
    mode = auth_mode()
    if audit_name(mode, claims(), "") is not None:
        return None
    if mode == AUTH_BROKEN:
        return ("Changes are off: the server's secrets file cannot be read. Tell your "
                "administrator.")
    return "Log in to make changes. You can look at everything without logging in."


def sidebar() -> None:
    """Who is working: the name field, or the logged-in user with Log out, or Log in."""
    mode = auth_mode()
    if mode == AUTH_OFF:
        st.text_input("Analyst", value=DEFAULT_NAME, key=NAME_KEY, persist_state="session",
                      help="Written into the audit log with every change you make")
        return
    name = audit_name(mode, claims(), "")
    if name is not None:
        st.caption(f"Logged in as **{escape_md(name)}**")
        if st.button("Log out", key="auth_logout", icon=":material/logout:"):
            st.logout()
        return
    if mode == AUTH_BROKEN:
        st.warning(why_not() or "", icon=":material/lock:")
        return
    st.caption("Not logged in: you can look, but not change anything.")
    if st.button("Log in", key="auth_login", type="primary", icon=":material/login:"):
        try:
            st.login()
        except StreamlitAPIException as exc:  # e.g. the provider is not set up
            _log.warning("login failed: %s", exc)
            st.error(f"Logging in is not possible: {escape_md(exc)}", icon=":material/error:")
