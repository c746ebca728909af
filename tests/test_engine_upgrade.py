"""A database file made by an earlier version opens in this one with every kept fact
(reserved units per SKU, order totals) rebuilt from the lines, and stays sound."""

from __future__ import annotations

import duckdb
from conftest import build
from invariants import all_broken

import engine


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
