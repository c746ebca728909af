"""A database file made by an earlier version opens in this one with every kept fact
(reserved units per SKU, order totals) rebuilt from the lines, and stays sound."""

from __future__ import annotations

import duckdb
import pytest
from conftest import build
from invariants import all_broken

import engine

pytestmark = pytest.mark.file_store  # files made by earlier versions of the desk


def test_a_file_of_the_first_schema_is_brought_up_to_date(tmp_path):
    path = str(tmp_path / "old.duckdb")
    wh = engine.open(path)
    build(wh, {"A": True, "B": False}, [("A", "Available", 4), ("B", "Available", 1)],
          [{"order_no": "1"}, {"order_no": "2"}],
          [("1", 1, "A", 3), ("1", 2, "B", 2), ("2", 1, "A", 5)])
    wh.run_fulfillment(["1", "2"])
    wh.close()
    old = duckdb.connect(path)  # take the file back to how the first version left it
    old.execute("DROP TABLE schema_version; DELETE FROM sku_reserved;"
                "ALTER TABLE orders DROP COLUMN lines; ALTER TABLE orders DROP COLUMN units;"
                "ALTER TABLE orders DROP COLUMN value;")
    old.close()

    upgraded = engine.open(path)
    assert all_broken(upgraded) == {}
    assert upgraded.items().set_index("sku").loc["A", "reserved"] == 4
    totals = upgraded.orders(sort="-lines").set_index("order_no")
    assert totals.loc[["1", "2"], ["lines", "units"]].values.tolist() == [[2, 5], [1, 5]]
    assert totals.index[0] == "1"  # the only order with two lines sorts first
    upgraded.receive("A", 10)  # and it keeps working
    assert all_broken(upgraded) == {}


def test_alerts_and_audit_stored_as_tables_by_version_3_are_kept_once(tmp_path):
    path = str(tmp_path / "v3.duckdb")
    wh = engine.open(path)
    build(wh, {"A": True, "B": False}, [("A", "Available", 4), ("B", "Available", 1)],
          [{"order_no": "1"}, {"order_no": "2"}],
          [("1", 1, "A", 3), ("1", 2, "B", 2), ("2", 1, "A", 5)])
    run_id = wh.run_fulfillment(["1", "2"]).run_id
    alerts_before = wh.alerts(run_id).sort_values(["order_no", "kind"]).reset_index(drop=True)
    audit_before = wh.audit_log().drop(columns="at")
    wh.close()
    assert {"backordered", "shorted"} <= set(alerts_before["kind"])
    old = duckdb.connect(path)  # as version 3 left it: every alert and audit row a row
    old.execute("""
        CREATE TABLE old_alerts AS SELECT * FROM alerts;
        CREATE TABLE old_audit AS
            SELECT * REPLACE (row_number() OVER (ORDER BY audit_id) AS audit_id) FROM audit;
        DROP VIEW alerts; DROP VIEW audit;
        ALTER TABLE old_alerts RENAME TO alerts; ALTER TABLE old_audit RENAME TO audit;
        DELETE FROM alert_entries; DELETE FROM audit_entries; DELETE FROM run_log_ids;
        DELETE FROM run_order_results; UPDATE schema_version SET version = 3;""")
    old.close()

    upgraded = engine.open(path)
    after = upgraded.alerts(run_id).sort_values(["order_no", "kind"]).reset_index(drop=True)
    assert after.equals(alerts_before)
    assert upgraded.audit_log().drop(columns="at").equals(audit_before)
    upgraded.receive("A", 10)  # and it keeps working, each alert still there once
    assert all_broken(upgraded) == {}
    assert len(upgraded.alerts(run_id)) == len(alerts_before)
