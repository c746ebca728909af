"""Who did it, with Streamlit authentication switched on by a real secrets file: nobody
logged in may look but not change anything, and the typed name is gone; after a real OIDC
login (a local provider, tests/browser/oidc_provider.py) the audit log names the logged-in
user. The no-authentication path is tested in tests/test_pages_identity.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

pytestmark = pytest.mark.browser

PERSON = {"sub": "u-17", "email": "ada@example.com", "name": "Ada Lovelace"}
ITEMS_GRID = "Items with their backorder flag"


def secrets_file(folder, provider_url: str):
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-string-for-the-browser-test-only"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n')
    return path


def test_login_names_the_user_in_the_audit_log(start_app, fresh_db, tmp_path):
    with Provider(PERSON) as provider:
        secrets = secrets_file(tmp_path, provider.url)
        app = start_app(fresh_db, args=("--secrets.files", str(secrets)))

        app.open("Inventory", title="Inventory")  # not logged in: look, but no writes
        app.see(app.sidebar.get_by_text("Not logged in"))
        assert app.sidebar.get_by_role("textbox", name="Analyst").count() == 0
        expect(app.button("Receive")).to_be_disabled()

        app.open("Items", title="Items")
        app.button("Log in", scope=app.sidebar).click()  # the provider says yes at once
        # the e-mail is shown as text: an invisible word joiner keeps it from being a link
        app.see(app.sidebar.get_by_text("Logged in as"),
                text=re.compile(r"ada@\u2060?example\.com"))
        app.open("Items", title="Items")
        app.fill("Search", "TR-GR")
        app.see_exactly("1 item · page 1 of 1")
        grid = app.grid(ITEMS_GRID)
        assert grid.wait_for_row(SKU="TR-GR")["Backorder allowed"] == "true"
        grid.tick(1)
        app.button("Save backorder flags (1)").click()
        app.see(app.button("Save backorder flags (0)"))
        app.assert_no_exception()

        app.wait_idle()
        app.button("Log out", scope=app.sidebar).click()
        log_in = app.sidebar.get_by_role("button", name="Log in")
        try:
            log_in.wait_for(timeout=20_000)
        except Exception:  # a click that lands during a rerun on a loaded machine is lost
            log_out = app.button("Log out", scope=app.sidebar)
            if log_out.count():
                log_out.click()
        app.see(log_in)

    wh = app.server.open_db()
    try:
        audit = wh.audit_log(sku="TR-GR")
        assert audit["user"].iloc[0] == PERSON["email"]
    finally:
        wh.close()


def test_an_unreadable_secrets_file_switches_writes_off(start_app, fresh_db, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[auth\nthis is not toml")
    app = start_app(fresh_db, args=("--secrets.files", str(secrets)))
    app.open("Inventory", title="Inventory")
    app.see(app.sidebar.get_by_text("secrets file cannot be read"))
    assert app.sidebar.get_by_role("textbox", name="Analyst").count() == 0
    expect(app.button("Receive")).to_be_disabled()
    app.assert_no_exception()
