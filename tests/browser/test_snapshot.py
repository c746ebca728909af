"""Snapshots in Chromium: the Import screen downloads the whole warehouse as a .zip, and
uploading that .zip later puts the warehouse back as it was, history included."""

from __future__ import annotations

import zipfile

import pytest

import engine

pytestmark = pytest.mark.browser


def test_download_a_snapshot_then_replace_the_warehouse_by_it(start_app, fresh_db, tmp_path):
    wh = engine.open(str(fresh_db))
    try:
        orders_before = wh.count_orders()
        audit_before = len(wh.audit_log())
    finally:
        wh.close()

    app = start_app(fresh_db)
    app.open("Import", title="Import")
    app.page.get_by_text("Snapshots: the whole warehouse", exact=False).click()
    with app.page.expect_download() as info:
        app.button("Download a snapshot (.zip)").click()
    snapshot = tmp_path / "snapshot.zip"
    info.value.save_as(str(snapshot))
    with zipfile.ZipFile(snapshot) as archive:
        assert "manifest.json" in archive.namelist()
        assert "orders.parquet" in archive.namelist()

    wh = app.server.open_db()  # the warehouse moves on after the snapshot
    try:
        wh.receive("TR-GR", 7, user="later")
        assert len(wh.audit_log()) > audit_before
    finally:
        wh.close()

    app = start_app(fresh_db)
    app.open("Import", title="Import")
    app.page.get_by_text("Snapshots: the whole warehouse", exact=False).click()
    app.page.locator(".st-key-snapshot_upload [data-testid='stFileUploaderDropzoneInput']"
                     ).set_input_files(str(snapshot))
    app.see(app.page.get_by_text("Yes: replace every order", exact=False))
    assert app.button("Replace by the snapshot").is_disabled()  # not without a yes
    app.page.get_by_text("Yes: replace every order", exact=False).click()
    app.wait_idle()
    app.button("Replace by the snapshot").click()
    app.see(app.page.get_by_text("The warehouse is now the snapshot of", exact=False))
    app.assert_no_exception()

    wh = app.server.open_db()
    try:
        log = wh.audit_log()
        assert wh.count_orders() == orders_before
        assert log.iloc[0]["action"] == "snapshot_restored"
        assert len(log) == audit_before + 1  # the later receipt is gone with its history
        assert "later" not in set(log["user"])
    finally:
        wh.close()
