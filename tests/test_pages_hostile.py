"""Hostile text through every screen's text inputs and URL parameters: no exception, and
nothing of it rendered as Markdown (what the browser shows is proved in
tests/browser/test_hostile_input.py)."""

from __future__ import annotations

import re

import pytest
from pages_helpers import (
    ANALYTICS,
    FULFILLMENT,
    INVENTORY,
    ITEMS,
    ORDERS,
    RECEIPTS,
    RELEASE,
    app,
)

pytest_plugins = ["pages_fixtures"]

MARKDOWN = "**bold** ![x](http://127.0.0.1:9/x.png) [log in again](http://127.0.0.1:9/)"
HOSTILE = [
    MARKDOWN,
    "<img src=http://127.0.0.1:9/y.png onerror=alert(1)>",
    "'; DROP TABLE orders; --",
    "% _ \\ \" ' \x00",
    "9" * 40,
    "-1e309",
    "x" * 5000,
    "🙂 :red[red] $x$",
]
# What would show if a value were rendered as Markdown or HTML instead of text.
RENDERED = ("![x](", "](http", "<img", ":red[", "**bold**")


def alerts_and_text(at) -> list[str]:
    """Everything on the page that Streamlit renders as Markdown."""
    return [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success",
                                 "toast", "subheader", "title")
            for e in getattr(at, kind)]


def assert_shown_as_text(at) -> None:
    assert not at.exception, at.exception
    for text in alerts_and_text(at):
        bare = re.sub(r"\\.", "·", text)  # what is left once escaped characters are gone
        for marker in RENDERED:
            assert marker not in bare, f"{marker!r} would render in {text[:200]!r}"


@pytest.mark.parametrize("page", [ORDERS, FULFILLMENT, ANALYTICS, ITEMS, INVENTORY])
def test_text_inputs_take_anything(demo_db, page):
    at = app(page)
    keys = [t.key for t in at.text_input if t.key]
    assert keys, "every one of these screens has a text input"
    for value in HOSTILE:
        for key in keys:
            if not at.text_input(key=key).disabled:
                at.text_input(key=key).set_value(value)
        at.run()
        assert_shown_as_text(at)


@pytest.mark.parametrize("value", HOSTILE)
def test_url_parameters_take_anything(demo_db, value):
    at = app()
    for page, params in ((ORDERS, {"order": value, "sku": value, "status": value,
                                   "releasable": value}),
                         (RELEASE, {"orders": value, "from": value}),
                         (ITEMS, {"view": value}), (RECEIPTS, {"ref": value})):
        at.switch_page(page)
        for key, param in params.items():
            at.query_params[key] = param
        at.run()
        assert_shown_as_text(at)
        at.query_params.clear()


def test_the_order_header_and_a_missing_order_show_text(demo_db):
    at = app()
    at.switch_page(ORDERS)
    at.query_params["order"] = MARKDOWN
    at.run()
    assert_shown_as_text(at)
    assert any(w.value.startswith("Order ") and "not found" in w.value for w in at.warning)


def test_typed_order_numbers_in_the_release_form(demo_db):
    at = app(RELEASE)
    at.multiselect(key="release_pick").set_value([MARKDOWN, "0140", "1" * 30]).run()
    at.button(key="release_review").click().run()
    assert_shown_as_text(at)
