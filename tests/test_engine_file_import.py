"""Importing files: each format read, each bad input refused in words, the mapping guessed
from WMS headers, every bad row reported (and nothing written), flat files split, add or
replace."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest
from conftest import build

import engine
from engine.column_mapping import (
    EXPECTED,
    FLAT,
    INVENTORY,
    ITEMS,
    LINES,
    ORDERS,
    guess_kind,
    guess_mapping,
)
from engine.file_read import read_upload
from engine.import_check import FileToImport, check_import, import_files
from engine.import_templates import TEMPLATE_FORMATS, TEMPLATE_KINDS, template_bytes

FLAT_CSV = ("orderNo,orderDate,priorityCode,Status,SKU,orderedQty\n"
            "1,2026-11-01,1,On Order,A,3\n1,2026-11-01,1,On Order,B,1\n"
            "2,2026-11-02,2,On Order,A,2\n")


def as_file(data: bytes | str, name: str, kind: str | None = None) -> FileToImport:
    upload = read_upload(data.encode() if isinstance(data, str) else data, name)
    return FileToImport(upload, guess_mapping(upload.headers, kind or guess_kind(upload.headers)))


def refused(data: bytes, name: str, words: str, sheet: str | None = None) -> None:
    with pytest.raises(engine.ValidationError, match=words):
        read_upload(data, name, sheet)


def problems(wh, *files: FileToImport, replace: bool = False) -> list[tuple]:
    report = check_import(wh.db, list(files), replace)
    return [tuple(r) for r in report.problems[["row", "column", "value"]].itertuples(
        index=False)]


@pytest.fixture
def stocked(wh):
    build(wh, {"A": True, "B": False}, [("A", "Available", 5)], [], [])
    return wh


# -- reading each format -------------------------------------------------------------------
def _frame() -> pd.DataFrame:
    return pd.DataFrame({"order_no": ["1", "2"], "sku": ["Å-1", "B"], "qty": [3, 4]})


def test_csv_is_read_as_text():
    upload = read_upload(b"order_no,sku,qty\n1,A,3\n2,B,4\n", "o.csv")
    assert upload.table.to_pydict() == {"order_no": ["1", "2"], "sku": ["A", "B"],
                                        "qty": ["3", "4"]}


def test_xlsx_is_read_with_dates_and_whole_numbers_as_written():
    buffer = io.BytesIO()
    frame = _frame().assign(day=pd.to_datetime(["2026-11-01", "2026-11-02"]), qty=[3.0, 4.0])
    frame.to_excel(buffer, index=False, sheet_name="Orders")
    upload = read_upload(buffer.getvalue(), "o.xlsx")
    assert upload.table.to_pydict()["day"] == ["2026-11-01", "2026-11-02"]
    assert upload.table.to_pydict()["qty"] == ["3", "4"]
    assert upload.sheets == ["Orders"]


def test_parquet_is_read():
    buffer = io.BytesIO()
    _frame().to_parquet(buffer)
    assert read_upload(buffer.getvalue(), "o.parquet").table.to_pydict()["sku"] == ["Å-1", "B"]


def test_templates_read_back_as_their_own_kind():
    for kind in TEMPLATE_KINDS:
        for fmt in TEMPLATE_FORMATS:
            upload = read_upload(template_bytes(kind, fmt), f"t.{fmt}")
            assert guess_kind(upload.headers) == kind, (kind, fmt)


# -- bad files, one test each ------------------------------------------------------------------
def test_wrong_file_type():
    refused(b"hello", "notes.docx", "is not a CSV, Excel")


def test_old_excel_file():
    refused(b"\xd0\xcf\x11\xe0", "book.xls", "save it as .xlsx")


def test_workbook_named_csv():
    buffer = io.BytesIO()
    _frame().to_excel(buffer, index=False)
    refused(buffer.getvalue(), "o.csv", "looks like an Excel workbook")


def test_empty_file():
    refused(b"", "o.csv", "the file is empty")


def test_header_without_rows():
    refused(b"sku,qty\n", "o.csv", "a header but no rows")


def test_no_header():
    refused(b"140,2026-11-01,1\n141,2026-11-02,2\n", "o.csv", "looks like data, not column")


def test_a_column_named_twice():
    refused(b"sku,sku\nA,B\n", "o.csv", "'sku' appears twice")


def test_missing_sheet():
    buffer = io.BytesIO()
    _frame().to_excel(buffer, index=False, sheet_name="Orders")
    refused(buffer.getvalue(), "o.xlsx", "no sheet 'Lines'; its sheets are 'Orders'", "Lines")


def test_not_utf8_names_the_line():
    refused(b"sku,description\nA,ok\nB,caf\xe9\n", "o.csv", "line 3 is not UTF-8")


def test_utf8_bom_is_dropped_and_unicode_kept():
    upload = read_upload("\ufeffsku;description\nÅ-1;Café 東京\n".encode(), "o.csv")
    assert upload.table.to_pydict() == {"sku": ["Å-1"], "description": ["Café 東京"]}


def test_utf16_with_bom_is_read():
    upload = read_upload("sku,qty\nÄ,1\n".encode("utf-16"), "o.csv")
    assert upload.table.to_pydict() == {"sku": ["Ä"], "qty": ["1"]}


def test_not_parquet():
    refused(b"sku,qty\n", "o.parquet", "is not a Parquet file")


# -- bad cells: every row named ------------------------------------------------------------------
def test_mixed_types_in_a_column_name_each_bad_row(stocked):
    buffer = io.BytesIO()
    pd.DataFrame({"sku": ["A", "A", "A"], "status": ["Available"] * 2 + ["Frozen"],
                  "qty": [1, "two", True]}).to_excel(buffer, index=False)
    stock = FileToImport(read_upload(buffer.getvalue(), "s.xlsx"),
                         guess_mapping(["sku", "status", "qty"], INVENTORY))
    assert problems(stocked, stock) == [(3, "qty", "two"), (3, "sku", "A"),  # (sku, status)
                                        (4, "qty", "True")]                 # twice


def test_dates_in_several_formats_are_refused_per_row(stocked):
    text = FLAT_CSV.replace("2026-11-02", "02/11/2026")
    found = check_import(stocked.db, [as_file(text, "o.csv")]).problems
    assert found[["row", "column", "value"]].values.tolist() == [[4, "orderDate",
                                                                  "02/11/2026"]]
    assert "YYYY-MM-DD" in found["reason"][0]


def test_thousands_separators_are_refused_not_guessed(stocked):
    text = "sku,status,qty\nA,Available,\"1,200\"\nB,Available,3\n"
    found = check_import(stocked.db, [as_file(text, "s.csv")]).problems
    assert found[["row", "column", "value"]].values.tolist() == [[2, "qty", "1,200"]]
    assert "thousands separators" in found["reason"][0]


def test_duplicates_against_stored_rows_are_reported_per_row(stocked):
    items = as_file("sku,backorder\nA,true\nC,true\nB,false\n", "i.csv")
    assert problems(stocked, items) == [(2, "sku", "A"), (4, "sku", "B")]


def test_zero_stock_rows_are_accepted_skipped_and_counted(stocked):
    stock = as_file("sku,status,qty\nA,Frozen,0\nB,Available,4\n", "s.csv")
    report = import_files(stocked.db, [stock])
    assert (report.counts[INVENTORY], report.zero_stock_rows) == (1, 1)
    assert stocked.inventory().query("sku == 'B'")["qty"].tolist() == [4]


def test_one_bad_row_in_100k_writes_nothing_and_names_it(stocked, tmp_path):
    path = tmp_path / "big.csv"
    duckdb.sql(f"""COPY (SELECT o AS order_no, '2026-11-01' AS order_date,
                       CASE WHEN o = 77777 THEN 'urgent' ELSE '1' END AS priority,
                       'On Order' AS status, 'A' AS sku, 1 AS ordered_qty
                       FROM range(1, 100001) t(o)) TO '{path}' (HEADER)""")
    flat = as_file(path.read_bytes(), "big.csv")
    assert flat.kind == FLAT
    assert problems(stocked, flat) == [(77778, "priority", "urgent")]
    with pytest.raises(engine.ValidationError, match="row 77778, column 'priority'"):
        import_files(stocked.db, [flat])
    assert stocked.count_orders() == 0


# -- mapping ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("headers", "kind", "expected"), [
    (["orderNo", "orderDate", "priorityCode", "Status"], ORDERS,
     {"order_no": "orderNo", "order_date": "orderDate", "priority": "priorityCode",
      "status": "Status"}),
    (["Order No", "Line", "itemNo", "Qty"], LINES,
     {"order_no": "Order No", "line_no": "Line", "sku": "itemNo", "ordered_qty": "Qty"}),
    (["order_number", "SKU", "orderedQty", "date", "priority", "status"], FLAT,
     {"order_no": "order_number", "sku": "SKU", "ordered_qty": "orderedQty"}),
    (["SKU", "Status", "quantity"], INVENTORY,
     {"sku": "SKU", "status": "Status", "qty": "quantity"}),
    (["item", "Description", "Backorder Allowed", "Price"], ITEMS,
     {"sku": "item", "backorder": "Backorder Allowed", "unit_price": "Price"}),
    (["PO Number", "PO Line", "Item No", "Qty Ordered", "ETA"], EXPECTED,
     {"ref": "PO Number", "line_no": "PO Line", "sku": "Item No", "qty": "Qty Ordered",
      "due_date": "ETA"}),
    (["ASN", "Line", "SKU", "Expected Qty", "Expected Date", "Vendor"], EXPECTED,
     {"ref": "ASN", "line_no": "Line", "sku": "SKU", "qty": "Expected Qty",
      "due_date": "Expected Date"}),
    (["transferOrder", "lineNo", "productCode", "quantity", "deliveryDate"], EXPECTED,
     {"ref": "transferOrder", "line_no": "lineNo", "sku": "productCode", "qty": "quantity",
      "due_date": "deliveryDate"}),
])
def test_mapping_is_guessed_from_wms_headers(headers, kind, expected):
    assert guess_kind(headers) == kind
    mapping = guess_mapping(headers, kind)
    assert {k: mapping.columns[k] for k in expected} == expected
    assert not mapping.missing()


# -- flat files ---------------------------------------------------------------------------------
def test_flat_file_is_split_into_orders_and_lines(stocked):
    import_files(stocked.db, [as_file(FLAT_CSV, "o.csv")], user="me")
    assert stocked.order("1")["lines"] == 2 and stocked.order("2")["units"] == 2
    assert stocked.order_lines("1")[["line_no", "sku"]].values.tolist() == [[1, "A"],
                                                                           [2, "B"]]


def test_flat_file_whose_lines_disagree_on_their_order_is_refused(stocked):
    text = FLAT_CSV.replace("1,2026-11-01,1,On Order,B", "1,2026-11-01,3,On Order,B")
    found = check_import(stocked.db, [as_file(text, "o.csv")]).problems
    assert found[["row", "column", "value"]].values.tolist() == [[3, "priorityCode", "3"]]
    assert "row 2, the first row of order 1" in found["reason"][0]


# -- add or replace --------------------------------------------------------------------------------
def test_add_keeps_what_is_there(stocked):
    import_files(stocked.db, [as_file("sku,backorder\nC,true\n", "i.csv"),
                              as_file("sku,status,qty\nA,Available,2\n", "s.csv")])
    assert sorted(stocked.items()["sku"]) == ["A", "B", "C"]
    assert stocked.inventory().query("sku == 'A'")["qty"].tolist() == [7]


def test_replace_empties_the_warehouse_in_the_same_transaction(stocked):
    import_files(stocked.db, [as_file("sku,status,qty\nA,Available,2\n", "s.csv"),
                              as_file(FLAT_CSV.replace(",B,", ",A,"), "o.csv")])
    stocked.run_fulfillment(["1", "2"], user="me")
    items = as_file("sku,backorder\nA,true\nZ,false\n", "i.csv")  # A exists: fine here
    import_files(stocked.db, [items], replace=True, user="me")
    assert sorted(stocked.items()["sku"]) == ["A", "Z"]
    assert stocked.count_orders() == 0 and stocked.inventory().empty
    assert stocked.runs().empty
    assert stocked.audit_log()["action"].tolist().count("warehouse_replaced") == 1
    with stocked.db.read() as cur:
        assert cur.execute("SELECT count(*) FROM sku_reserved").fetchall() == [(0,)]


def test_a_bad_replace_leaves_the_warehouse_as_it_was(stocked):
    with pytest.raises(engine.ValidationError):
        import_files(stocked.db, [as_file("sku,backorder\nA,maybe\n", "i.csv")], replace=True)
    assert sorted(stocked.items()["sku"]) == ["A", "B"]


# -- expected receipts ----------------------------------------------------------------------------
PO_CSV = ("PO Number,PO Line,Item No,Qty Ordered,ETA,Vendor\n"
          "PO-77,1,A,10,2026-12-03,Acme\nPO-77,2,N1,4,2026-12-03,Acme\n"
          "TR-5,1,B,2,2026-11-30,DC North\n")


def test_expected_receipts_with_wms_headers_are_guessed_checked_and_imported(stocked):
    receipts = as_file(PO_CSV, "po.csv")
    assert receipts.kind == EXPECTED
    items = as_file("sku,backorder\nN1,true\n", "i.csv")  # N1 comes in the same upload
    report = check_import(stocked.db, [items, receipts])
    assert report.ok and report.counts == {ITEMS: 1, EXPECTED: 3}
    import_files(stocked.db, [items, receipts], user="me")
    found = stocked.expected_receipts()
    assert found[["ref", "line_no", "sku", "qty", "open_qty"]].values.tolist() == [
        ["TR-5", 1, "B", 2, 2], ["PO-77", 1, "A", 10, 10], ["PO-77", 2, "N1", 4, 4]]
    log = stocked.audit_log()
    assert log.query("action == 'expected_receipts_imported'")["detail"].tolist() == [
        "3 lines of 2 refs"]


def test_every_bad_expected_receipt_row_is_reported_and_nothing_written(stocked):
    text = PO_CSV.replace("PO-77,2,N1,4", "PO-77,1,N1,four").replace("2026-11-30", "30/11/26")
    receipts = as_file(text, "po.csv")
    assert problems(stocked, receipts) == [(3, "Qty Ordered", "four"), (3, "PO Line", "1"),
                                           (3, "Item No", "N1"), (4, "ETA", "30/11/26")]
    with pytest.raises(engine.ValidationError, match="po.csv row 3, column 'Qty Ordered'"):
        import_files(stocked.db, [receipts])
    assert stocked.expected_receipts().empty


def test_expected_receipts_already_stored_are_reported_per_row_and_replace_empties_them(
        stocked):
    import_files(stocked.db, [as_file(PO_CSV.replace(",N1,", ",A,"), "po.csv")])
    again = as_file("ref,line_no,sku,qty,due_date\nPO-77,2,A,1,2026-12-09\n"
                    "PO-78,1,A,1,2026-12-09\nTR-5,1,A,1,2026-12-09\n", "po2.csv")
    assert problems(stocked, again) == [(2, "line_no", "2"), (4, "line_no", "1")]
    items = as_file("sku,backorder\nA,true\n", "i.csv")
    import_files(stocked.db, [items, again], replace=True)
    assert stocked.expected_receipts()["ref"].tolist() == ["PO-77", "PO-78", "TR-5"]
    import_files(stocked.db, [items], replace=True)
    assert stocked.expected_receipts().empty
