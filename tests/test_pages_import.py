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
    """Into the import uploader (the snapshot section has an uploader of its own)."""
    uploader = next(u for u in at.file_uploader if u.key.startswith("import_files_"))
    for name, content in files:
        uploader.upload(name, content)
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


PO = (b"PO Number,PO Line,Item No,Qty Ordered,ETA\n"
      b"PO-77,1,A,10,2026-12-03\nPO-77,2,N1,4,2026-12-03\nTR-5,1,B,2,2026-11-30\n")


def test_expected_receipts_are_guessed_and_imported_with_new_items(small_db):
    at = app(IMPORT)
    upload(at, ("items.csv", ITEMS), ("po.csv", PO))
    assert not at.exception, at.exception
    assert [s.value for s in at.selectbox if s.label == "What the file holds"] == \
        ["items", "expected_receipts"]
    assert "Ready to import 2 items, 3 expected receipt lines" in at.success[0].value
    at.button(key="import_go").click().run()
    assert not at.exception and not at.error
    assert open_db(small_db).expected_receipts()["ref"].tolist() == ["TR-5", "PO-77", "PO-77"]


def test_a_bad_expected_receipt_row_is_reported(small_db):
    at = app(IMPORT)
    upload(at, ("po.csv", PO.replace(b"TR-5,1,B,2", b"TR-5,1,ZZ,2")))
    report = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert report[["row", "column", "value"]].values.tolist() == [[3, "Item No", "N1"],
                                                                  [4, "Item No", "ZZ"]]
    assert not [b for b in at.button if b.key == "import_go"]
    assert open_db(small_db).expected_receipts().empty
