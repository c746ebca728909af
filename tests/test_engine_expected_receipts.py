"""Expected receipts (design section 6): imported like the other imports (every refusal
names row, column and value and writes nothing), read back soonest first with what is
still to come, audited as one row, and exported."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from conftest import build

import engine


@pytest.fixture
def stocked(wh):
    build(wh, {"A": True, "B": False}, [("A", "Available", 5)], [], [])
    return wh


def receipts(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"ref": ["PO-77", "PO-77", "TR-5"], "line_no": [1, 2, 1],
                          "sku": ["A", "B", "A"], "qty": [10, 4, 2],
                          "due_date": ["2026-12-03", "2026-12-01", "2026-11-30"]})
    return frame.assign(**changes)


def test_a_good_import_reads_back_soonest_first_with_its_open_quantity(stocked):
    assert stocked.import_expected_receipts(receipts(ref=[" PO-77", "PO-77", "TR-5"]),
                                            user="ann") == 3
    found = stocked.expected_receipts()
    assert list(found.columns) == ["ref", "line_no", "sku", "qty", "due_date",
                                   "received_qty", "open_qty"]
    assert found[["ref", "line_no", "sku", "qty", "received_qty", "open_qty"]
                 ].values.tolist() == [["TR-5", 1, "A", 2, 0, 2], ["PO-77", 2, "B", 4, 0, 4],
                                       ["PO-77", 1, "A", 10, 0, 10]]
    assert [d.date() for d in found["due_date"]] == [date(2026, 11, 30), date(2026, 12, 1),
                                                     date(2026, 12, 3)]


def test_a_line_partly_received_before_the_import_keeps_what_came_and_is_open_for_the_rest(
        stocked):
    stocked.import_expected_receipts(receipts(received_qty=[3, None, 2]))
    found = stocked.expected_receipts().set_index(["ref", "line_no"])
    assert found.loc[("PO-77", 1), ["received_qty", "open_qty"]].tolist() == [3, 7]
    assert found.loc[("PO-77", 2), ["received_qty", "open_qty"]].tolist() == [0, 4]
    assert found.loc[("TR-5", 1), ["received_qty", "open_qty"]].tolist() == [2, 0]
    # The ETA plays only what is still to come: TR-5 is in, so it brings nothing more.
    assert set(stocked.receipt_plan()["ref"]) == {"PO-77"}


def test_a_negative_received_quantity_is_refused_by_row_and_nothing_written(stocked):
    with pytest.raises(engine.ValidationError) as refused:
        stocked.import_expected_receipts(receipts(received_qty=[0, -1, 0]))
    assert refused.value.column == "received_qty" and refused.value.row is not None
    assert stocked.expected_receipts().empty


def test_an_empty_warehouse_has_no_expected_receipts(wh):
    assert wh.expected_receipts().empty


def test_the_import_is_one_audit_row(stocked):
    stocked.import_expected_receipts(receipts(), user="ann")
    log = stocked.audit_log(filter=engine.AuditFilter(actions=["expected_receipts_imported"]))
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["user"], row["qty"], row["detail"]) == ("ann", 16, "3 lines of 2 refs")


@pytest.mark.parametrize(("frame", "row", "column", "value", "words"), [
    (receipts(ref=["PO-77", "  ", "TR-5"]), 2, "ref", None, "value is missing"),
    (receipts(line_no=[1, 0, 1]), 2, "line_no", 0, "greater than zero"),
    (receipts(line_no=[1, 2.5, 1]), 2, "line_no", "2.5", "not a whole number"),
    (receipts(sku=["A", "B", "ZZ"]), 3, "sku", "ZZ", "not a known SKU"),
    (receipts(qty=[10, 0, 2]), 2, "qty", 0, "greater than zero"),
    (receipts(qty=[10, 4, 1_000_000_001]), 3, "qty", 1_000_000_001, "at most 1,000,000,000"),
    (receipts(qty=[10, "four", 2]), 2, "qty", "four", "not a whole number"),
    (receipts(due_date=["2026-12-03", "soon", "2026-11-30"]), 2, "due_date", "soon",
     "not a date"),
    (receipts(due_date=["2026-12-03", "30/11/26", "2026-11-30"]), 2, "due_date", "30/11/26",
     "not a date"),  # DuckDB alone would read it as the year 30
    (receipts(due_date=["2026-12-03", None, "2026-11-30"]), 2, "due_date", None,
     "value is missing"),
    (receipts(line_no=[1, 1, 1]), 2, "line_no", 1, "appears twice in the import"),
])
def test_a_bad_row_is_refused_by_row_column_and_value_and_nothing_written(
        stocked, frame, row, column, value, words):
    with pytest.raises(engine.ValidationError, match=words) as refused:
        stocked.import_expected_receipts(frame)
    error = refused.value
    assert (error.row, error.column, error.value) == (row, column, value)
    assert f"row {row}, column '{column}'" in str(error)
    assert stocked.expected_receipts().empty
    assert not stocked.audit_log(
        filter=engine.AuditFilter(actions=["expected_receipts_imported"])).shape[0]


def test_a_missing_column_is_refused(stocked):
    with pytest.raises(engine.ValidationError, match="'due_date': is missing from"):
        stocked.import_expected_receipts(receipts().drop(columns="due_date"))


def test_a_line_already_stored_is_refused_and_the_same_line_no_of_another_ref_is_not(stocked):
    stocked.import_expected_receipts(receipts())
    again = pd.DataFrame({"ref": ["PO-78", "TR-5"], "line_no": [1, 1], "sku": ["A", "A"],
                          "qty": [1, 1], "due_date": ["2026-12-09", "2026-12-09"]})
    with pytest.raises(engine.ValidationError, match="already a line of this ref") as refused:
        stocked.import_expected_receipts(again)
    assert (refused.value.row, refused.value.column, refused.value.value) == (2, "line_no", 1)
    assert len(stocked.expected_receipts()) == 3
    assert stocked.import_expected_receipts(again.iloc[:1]) == 1
    assert len(stocked.expected_receipts()) == 4


def test_viewing_only_refuses_the_import(stocked, tmp_path):
    path = stocked.path
    stocked.close()
    viewer = engine.open(path, read_only=True)
    try:
        with pytest.raises(engine.ReadOnlyError):
            viewer.import_expected_receipts(receipts())
        assert viewer.expected_receipts().empty
    finally:
        viewer.close()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_expected_receipts_export_whole(stocked, tmp_path, fmt):
    stocked.import_expected_receipts(receipts())
    assert "expected_receipts" in engine.EXPORTS
    path = tmp_path / f"expected.{fmt}"
    assert stocked.export("expected_receipts", str(path), fmt) == 3
    back = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    assert back["ref"].tolist() == ["TR-5", "PO-77", "PO-77"]
    assert back["open_qty"].tolist() == [2, 4, 10]


@pytest.mark.file_store  # restored into a new DuckDB file
def test_a_snapshot_carries_them(stocked, tmp_path):
    stocked.import_expected_receipts(receipts())
    stocked.export_snapshot(str(tmp_path / "snap"))
    restored = engine.restore_snapshot(str(tmp_path / "snap"), str(tmp_path / "back.duckdb"))
    try:
        assert restored.expected_receipts().equals(stocked.expected_receipts())
    finally:
        restored.close()


@pytest.mark.file_store
def test_a_file_made_before_expected_receipts_gets_the_table_on_open(tmp_path):
    path = str(tmp_path / "old.duckdb")
    engine.open(path).close()
    with duckdb.connect(path) as con:  # as a file of the previous release was
        con.execute("DROP TABLE expected_receipts")
        con.execute("UPDATE schema_version SET version = 4")
    viewer = engine.open(path, read_only=True)  # viewing only: no table, none expected
    try:
        assert viewer.expected_receipts().empty
    finally:
        viewer.close()
    wh = engine.open(path)
    try:
        wh.import_items(pd.DataFrame({"sku": ["A"], "backorder": [True]}))
        assert wh.import_expected_receipts(receipts(sku=["A"] * 3)) == 3
    finally:
        wh.close()
