"""An export holds exactly the rows of the read it was asked for, in every format, and an
export that cannot be written leaves no half file behind."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from engine import exports
from engine.exports import ExportError, frame_to_file, query_to_file

ROWS = """SELECT range AS n, 'order ' || range AS order_no, range * 1.5 AS value,
                 DATE '2026-11-01' + CAST(range % 30 AS INTEGER) AS order_date,
                 range % 2 = 0 AS ship_complete
          FROM range(?)"""


def read_back(path, fmt, as_text: bool = False) -> pd.DataFrame:
    if fmt == "xlsx":
        return pd.read_excel(path, dtype=str if as_text else None)
    if fmt == "csv" and as_text:
        return duckdb.execute(f"SELECT * FROM read_csv('{path}', all_varchar = true)").df()
    return duckdb.execute(f"SELECT * FROM '{path}'").df()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_every_row_of_the_read_lands_in_the_file(tmp_path, fmt):
    con = duckdb.connect()
    path = tmp_path / f"orders.{fmt}"
    assert query_to_file(con, ROWS, [1234], path, fmt) == 1234
    back = read_back(path, fmt)
    assert len(back) == 1234
    assert list(back.columns) == ["n", "order_no", "value", "order_date", "ship_complete"]
    assert back["order_no"].iloc[-1] == "order 1233"
    assert float(back["value"].sum()) == pytest.approx(sum(n * 1.5 for n in range(1234)))


def test_a_large_export_streams_from_duckdb(tmp_path):
    con = duckdb.connect()
    path = tmp_path / "big.parquet"
    assert query_to_file(con, ROWS, [1_000_000], path, "parquet") == 1_000_000
    assert duckdb.execute(f"SELECT count(*) FROM '{path}'").fetchall()[0][0] == 1_000_000


def test_more_rows_than_a_sheet_holds_are_refused_with_a_way_out(tmp_path, monkeypatch):
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 100)
    path = tmp_path / "too_big.xlsx"
    with pytest.raises(ExportError, match="CSV or Parquet"):
        query_to_file(duckdb.connect(), ROWS, [101], path, "xlsx")
    assert not path.exists()


def test_a_failed_export_leaves_no_file_and_unknown_formats_are_named(tmp_path):
    path = tmp_path / "broken.csv"
    with pytest.raises(duckdb.Error):
        query_to_file(duckdb.connect(), "SELECT 1 / 0 > ? AS x FROM no_such_table", [1],
                      path, "csv")
    assert not path.exists()
    with pytest.raises(ExportError, match="not 'pdf'"):
        query_to_file(duckdb.connect(), ROWS, [1], tmp_path / "x.pdf", "pdf")


def test_a_frame_on_screen_exports_the_same_way(tmp_path):
    frame = pd.DataFrame({"order_no": ["140.001", "141"], "outcome": ["released", "blocked"]})
    for fmt in exports.EXPORT_FORMATS:
        path = tmp_path / f"review.{fmt}"
        assert frame_to_file(frame, path, fmt) == 2
        back = read_back(path, fmt, as_text=True)
        assert back["order_no"].tolist() == ["140.001", "141"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import engine

    wh = engine.open(str(tmp_path_factory.mktemp("exports") / "demo.duckdb"))
    wh.load_demo(seed=0)
    yield wh
    wh.close()


def test_an_order_export_is_the_whole_filtered_grid_in_grid_order(demo, tmp_path):
    import engine

    f = engine.OrderFilter(statuses=["Back Order", "Processed"])
    path = tmp_path / "orders.parquet"
    rows = demo.export("orders", str(path), "parquet", filter=f, sort="-units")
    grid = demo.orders(f, sort="-units")
    assert rows == len(grid) > 50  # more than a page
    back = duckdb.execute(f"SELECT * FROM '{path}'").df()
    assert back["order_no"].tolist() == grid["order_no"].tolist()
    assert list(back.columns) == list(grid.columns)


def test_exports_of_lines_alerts_audit_and_releasable_match_their_reads(demo, tmp_path):
    import engine

    f = engine.OrderFilter(statuses=["Back Order"])
    lines = tmp_path / "lines.csv"
    expected_lines = sum(len(demo.order_lines(n)) for n in demo.order_nos(f))
    assert demo.export("order_lines", str(lines), "csv", filter=f) == expected_lines
    run_id = int(demo.runs()["run_id"].max())
    assert demo.export("alerts", str(tmp_path / "a.xlsx"), "xlsx", run_id=run_id,
                       severities=["info"]) == len(demo.run_alerts(run_id, ["info"]))
    who = engine.AuditFilter(actions=["released"])
    assert demo.export("audit", str(tmp_path / "audit.csv"), "csv", filter=who) == len(
        demo.audit_log(filter=who))
    assert demo.export("releasable_now", str(tmp_path / "r.csv"), "csv") == len(
        demo.releasable_now())
    for what in ("items", "inventory", "ledger"):
        assert demo.export(what, str(tmp_path / f"{what}.csv"), "csv") > 0


def test_an_unknown_export_or_option_is_named_and_writes_nothing(demo, tmp_path):
    import engine

    with pytest.raises(engine.ValidationError, match="no export of 'invoices'"):
        demo.export("invoices", str(tmp_path / "x.csv"), "csv")
    with pytest.raises(engine.ValidationError, match="no such option"):
        demo.export("inventory", str(tmp_path / "y.csv"), "csv", colour="red")
    assert not list(tmp_path.iterdir())
