"""Import screen: upload, mapping guessed, every bad row reported (and downloadable),
nothing written until the files are clean, add or replace (confirmed), viewing only."""

from __future__ import annotations

from pages_helpers import app, open_db

pytest_plugins = ["pages_fixtures"]

IMPORT = "pages/10_Import.py"
ITEMS = b"Item No,Description,Backorder Allowed,Price\nN1,New one,true,2.5\nN2,New two,false,1\n"
FLAT = (b"orderNo,orderDate,priorityCode,Status,SKU,orderedQty\n"
        b"900,2026-11-01,1,On Order,N1,3\n900,2026-11-01,1,On Order,N2,1\n"
        b"901,2026-11-02,2,On Order,N1,2\n")
BAD_FLAT = (b"orderNo,orderDate,priorityCode,Status,SKU,orderedQty\n"
            b"900,2026-11-01,9,On Order,N1,3\n900,2026-11-01,9,On Order,N2,\"1,200\"\n"
            b"901,01/11/2026,2,On Order,N1,2\n")


def upload(at, *files):
    for name, content in files:
        at.file_uploader[0].upload(name, content)
    return at.run()


def test_clean_files_are_imported_with_counts(small_db):
    at = app(IMPORT)
    upload(at, ("items.csv", ITEMS), ("orders.csv", FLAT))
    assert not at.exception, at.exception
    assert [s.value for s in at.selectbox if s.label == "What the file holds"] == \
        ["items", "flat"]
    assert "Ready to import 2 items, 2 orders, 3 order lines" in at.success[0].value
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    assert "Imported 2 items, 2 orders, 3 order lines" in at.success[0].value
    wh = open_db(small_db)
    assert wh.order("900")["lines"] == 2 and wh.count_orders() == 5


def test_every_bad_row_is_reported_and_nothing_is_written(small_db):
    at = app(IMPORT)
    upload(at, ("items.csv", ITEMS), ("orders.csv", BAD_FLAT))
    report = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert report[["row", "column"]].values.tolist() == [
        [2, "priorityCode"], [3, "orderedQty"], [4, "orderDate"]]
    assert "3 problems in 3 rows" in at.error[0].value
    assert not [b for b in at.button if b.key == "import_go"]
    assert at.get("download_button")  # the report as CSV
    assert open_db(small_db).count_orders() == 3


def test_replace_needs_a_confirmation(small_db):
    at = app(IMPORT)
    upload(at, ("items.csv", ITEMS), ("orders.csv", FLAT))
    at.radio(key="import_mode").set_value("replace").run()
    assert at.button(key="import_go").disabled
    at.checkbox(key="import_confirm_replace").check().run()
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    wh = open_db(small_db)
    assert sorted(wh.orders()["order_no"]) == ["900", "901"]
    assert sorted(wh.items()["sku"]) == ["N1", "N2"]


def test_a_wrong_file_is_refused_in_words(small_db):
    at = app(IMPORT)
    upload(at, ("notes.docx", b"hello"))
    assert "is not a CSV" in at.error[0].value and "Parquet file" in at.error[0].value
    assert not at.exception


def test_empty_warehouse_home_links_to_import(empty_db):
    at = app()
    assert any(p.label == "Import your data" for p in at.get("page_link"))


def test_viewing_only_checks_but_does_not_import(small_db, monkeypatch):
    monkeypatch.setenv("BACKORDER_READ_ONLY", "1")
    at = app(IMPORT)
    upload(at, ("items.csv", ITEMS), ("orders.csv", FLAT))
    assert at.success and at.button(key="import_go").disabled
    assert "Viewing only" in at.warning[0].value
