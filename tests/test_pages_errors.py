"""No traceback reaches an analyst: engine errors and unexpected ones become messages."""

from __future__ import annotations

from pages_helpers import shown
from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from engine import ValidationError
    from ui.state import attempt

    def unexpected() -> None:
        raise RuntimeError("disk on fire")

    def refused() -> None:
        raise ValidationError("qty must be greater than zero, not 0")

    ok_one, _ = attempt(unexpected)
    ok_two, _ = attempt(refused)
    st.write(f"outcomes {ok_one} {ok_two}")


def test_errors_are_shown_as_messages_not_tracebacks():
    at = AppTest.from_function(_script).run()
    assert not at.exception
    messages = [shown(e.value) for e in at.error]
    assert "qty must be greater than zero, not 0" in messages
    assert any("nothing was saved" in m and "disk on fire" not in m for m in messages)
    assert "outcomes False False" in at.markdown[0].value
