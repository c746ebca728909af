"""Who did it: without authentication the name typed in the sidebar goes into the audit
log (as written, whatever it holds); with authentication the logged-in user does and a
typed name never can. The logged-in path in a real server is in
tests/browser/test_identity.py."""

from __future__ import annotations

import pytest
from pages_helpers import ORDERS, app, open_db, tick

from ui.identity import AUTH_BROKEN, AUTH_OFF, AUTH_ON, audit_name

pytest_plugins = ["pages_fixtures"]


def test_without_authentication_the_typed_name_is_audited(small_db):
    at = app(ORDERS)
    assert at.text_input(key="user_name").label == "Analyst"
    assert "auth_login" not in [b.key for b in at.button]
    name = "**Ada** [log in again](http://127.0.0.1:9/) <b>x</b>"
    at.text_input(key="user_name").set_value(name).run()
    at.session_state["orders_grid"] = {"edited_rows": {0: {"priority": 5}},
                                       "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="orders_save").click().run()
    assert not at.exception and not at.error
    changes = open_db(small_db).audit_log()
    assert changes.loc[changes["action"] == "priority_changed", "user"].tolist() == [name]


def test_a_blank_name_is_audited_as_analyst(small_db):
    at = app(ORDERS)
    at.text_input(key="user_name").set_value("   ").run()
    tick(at, "orders_grid", [0], column="priority", value=4)
    at.button(key="orders_save").click().run()
    changes = open_db(small_db).audit_log()
    assert changes.loc[changes["action"] == "priority_changed", "user"].tolist() == ["analyst"]


@pytest.mark.parametrize(("mode", "claims", "typed", "expected"), [
    (AUTH_OFF, {}, "Ada", "Ada"),
    (AUTH_OFF, {}, "  ", "analyst"),
    (AUTH_OFF, {"is_logged_in": True, "email": "eve@example.com"}, "Ada", "Ada"),
    (AUTH_ON, {"is_logged_in": True, "email": "ada@example.com", "name": "Ada"}, "Eve",
     "ada@example.com"),
    (AUTH_ON, {"is_logged_in": True, "name": "Ada Lovelace"}, "Eve", "Ada Lovelace"),
    (AUTH_ON, {"is_logged_in": False}, "Eve", None),
    (AUTH_ON, {}, "Eve", None),
    (AUTH_ON, {"is_logged_in": "true", "email": "eve@example.com"}, "Eve", None),
    (AUTH_ON, {"is_logged_in": True}, "Eve", None),
    (AUTH_BROKEN, {"is_logged_in": True, "email": "ada@example.com"}, "Eve", None),
])
def test_the_audit_name_follows_the_login(mode, claims, typed, expected):
    """With authentication on, only a logged-in user with a name or e-mail may write."""
    assert audit_name(mode, claims, typed) == expected
