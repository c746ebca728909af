"""A snapshot carries the whole warehouse, history included, into a new file that behaves
like the old one; a broken or foreign snapshot is refused and leaves no file behind."""

from __future__ import annotations

import json
import os

import duckdb
import pytest
import stores
from invariants import all_broken

import engine
from engine.snapshot import SnapshotError, export_snapshot, restore_snapshot

# Restoring makes a new DuckDB file; replacing a warehouse by a snapshot works on any store.
into_a_new_file = pytest.mark.file_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    wh = engine.open(stores.new_location(folder, "demo.duckdb"))
    wh.load_demo(seed=0)
    export_snapshot(wh.db, folder / "snapshot")
    yield wh, folder / "snapshot"
    wh.close()


def edited_copy(snapshot, target, replacements: dict[str, str]):
    """The snapshot copied to `target`, with each named file's rows rewritten by a
    `SELECT * REPLACE (...)` clause: a snapshot damaged, or moved, on purpose."""
    target.mkdir()
    for file in snapshot.iterdir():
        if file.name in replacements:
            duckdb.execute(f"""COPY (SELECT * REPLACE ({replacements[file.name]})
                               FROM read_parquet('{file}')) TO '{target / file.name}'
                               (FORMAT parquet)""")
        else:
            (target / file.name).write_bytes(file.read_bytes())
    return target


def reads(wh) -> dict:
    run_id = int(wh.runs()["run_id"].max())
    return {"orders": wh.orders(), "lines": wh.order_lines("140"), "items": wh.items(),
            "inventory": wh.inventory(), "ledger": wh.ledger(limit=10_000),
            "audit": wh.audit_log(), "runs": wh.runs(), "alerts": wh.alerts(run_id),
            "releasable": wh.releasable_now()}


@into_a_new_file
def test_a_restored_snapshot_reads_exactly_like_the_original(demo, tmp_path):
    wh, snapshot = demo
    restore_snapshot(snapshot, tmp_path / "restored.duckdb")
    restored = engine.open(str(tmp_path / "restored.duckdb"))
    before, after = reads(wh), reads(restored)
    for name in before:
        assert after[name].equals(before[name]), name
    assert all_broken(restored) == {}


@into_a_new_file
def test_a_restored_warehouse_keeps_counting_where_the_original_stopped(demo, tmp_path):
    wh, snapshot = demo
    restore_snapshot(snapshot, tmp_path / "restored.duckdb")
    restored = engine.open(str(tmp_path / "restored.duckdb"))
    receipt = restored.receive("TR-GR", 3, user="ana")
    assert receipt.receipt_id > int(wh.ledger(limit=10_000)["receipt_id"].max())
    on_order = restored.orders(engine.OrderFilter(statuses=["On Order"]))["order_no"]
    run = restored.run_fulfillment(on_order.tolist()[:5], user="ana")
    assert run.run_id == int(wh.runs()["run_id"].max()) + 1
    newest = restored.audit_log(limit=1).iloc[0]
    assert newest["run_id"] == run.run_id  # the new run's rows sort after the history
    assert all_broken(restored) == {}


@into_a_new_file
def test_line_ids_with_gaps_still_point_at_the_same_lines(demo, tmp_path):
    """Run results refer to lines by id; ids with gaps restore as they are, every result
    still on its line, and new lines take ids after the highest."""
    wh, snapshot = demo
    shifted = edited_copy(snapshot, tmp_path / "shifted", {
        "order_lines.parquet": "line_id * 3 + 7 AS line_id",
        "run_line_results.parquet": "line_id * 3 + 7 AS line_id"})
    restore_snapshot(shifted, tmp_path / "restored.duckdb")
    restored = engine.open(str(tmp_path / "restored.duckdb"))
    run_id = int(wh.runs()["run_id"].max())
    assert restored.alerts(run_id).equals(wh.alerts(run_id))
    assert restored.fill_rates().equals(wh.fill_rates())
    restored.run_fulfillment(["140"], user="ana")  # new backorder lines take new ids
    assert all_broken(restored) == {}


@into_a_new_file
def test_a_snapshot_that_breaks_a_rule_is_refused_and_leaves_no_file(demo, tmp_path):
    _, snapshot = demo
    broken = edited_copy(snapshot, tmp_path / "broken", {  # allocated beyond the order
        "order_lines.parquet": """CASE WHEN order_no = '140' AND line_no = 1
                                  THEN ordered_qty + 5 ELSE allocated_qty END AS allocated_qty"""})
    with pytest.raises(SnapshotError, match="140 line 1"):
        restore_snapshot(broken, tmp_path / "restored.duckdb")
    assert not os.path.exists(tmp_path / "restored.duckdb")


@into_a_new_file
def test_foreign_or_incomplete_snapshots_are_refused_with_the_reason(demo, tmp_path):
    _, snapshot = demo
    with pytest.raises(SnapshotError, match="no manifest.json"):
        restore_snapshot(tmp_path, tmp_path / "a.duckdb")
    newer = tmp_path / "newer"
    newer.mkdir()
    manifest = json.loads((snapshot / "manifest.json").read_text())
    (newer / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 999}))
    with pytest.raises(SnapshotError, match="newer version"):
        restore_snapshot(newer, tmp_path / "b.duckdb")
    (newer / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match="missing"):
        restore_snapshot(newer, tmp_path / "c.duckdb")
    for leftover in ("a.duckdb", "b.duckdb", "c.duckdb"):
        assert not os.path.exists(tmp_path / leftover)


@into_a_new_file
def test_nothing_is_overwritten(demo, tmp_path):
    wh, snapshot = demo
    existing = tmp_path / "existing.duckdb"
    existing.write_bytes(b"precious")
    with pytest.raises(SnapshotError, match="already exists"):
        restore_snapshot(snapshot, existing)
    assert existing.read_bytes() == b"precious"
    with pytest.raises(SnapshotError, match="not an empty folder"):
        export_snapshot(wh.db, snapshot)


def test_a_warehouse_replaced_by_a_snapshot_reads_like_the_snapshot(demo, location):
    wh, snapshot = demo
    other = engine.open(location)
    other.load_demo(seed=1)  # different orders, runs and history
    other.replace_with_snapshot(str(snapshot), user="ana")
    before, after = reads(wh), reads(other)
    for name in before:
        if name == "audit":  # plus the row that says the warehouse was replaced
            assert after[name].iloc[0]["action"] == "snapshot_restored"
            assert after[name].iloc[1:].reset_index(drop=True).equals(before[name])
        else:
            assert after[name].equals(before[name]), name
    assert all_broken(other) == {}
    on_order = other.orders(engine.OrderFilter(statuses=["On Order"]))["order_no"]
    run = other.run_fulfillment(on_order.tolist()[:5], user="ana")
    assert other.audit_log(limit=1).iloc[0]["run_id"] == run.run_id
    assert all_broken(other) == {}


def test_a_broken_snapshot_leaves_the_warehouse_as_it_was(demo, tmp_path, location):
    _, snapshot = demo
    broken = edited_copy(snapshot, tmp_path / "broken", {  # a result of no line there
        "run_line_results.parquet": "line_id + 1000000 AS line_id"})
    other = engine.open(location)
    other.load_demo(seed=1)
    before = reads(other)
    with pytest.raises(engine.BackorderError, match="points at no order line"):
        other.replace_with_snapshot(str(broken), user="ana")
    after = reads(other)
    for name in before:
        assert after[name].equals(before[name]), name
