"""Home: attention numbers on demo data, releasable-now shortcuts, empty and first start."""

from __future__ import annotations

import os

from pages_helpers import RELEASE, app, follow, open_db

pytest_plugins = ["pages_fixtures"]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_attention_on_demo_data(demo_db):
    at = app()
    wh = open_db(demo_db)
    att = wh.attention()
    assert metric(at, "Backorders waiting") == f"{att['backorders']['orders']:,}"
    assert metric(at, "Units waiting") == f"{att['backorders']['units']:,}"
    assert metric(at, "Releasable now") == f"{len(att['releasable']):,}"
    assert metric(at, "Shorted, not allowed") == f"{att['items_short_not_allowed']:,}"
    run_id = att["last_run"]["run_id"]
    assert any(f"Run **{run_id}**" in m.value for m in at.markdown)


def test_one_click_from_a_releasable_order_to_the_release_form(demo_db):
    first = open_db(demo_db).releasable_now()["order_no"].iloc[0]
    at = app()
    at.button(key=f"home_release_{first}").click().run()
    follow(at, RELEASE)
    assert at.session_state["release_order_nos"] == [first]
    assert at.session_state["release_origin"] == "app.py"


def test_release_all_releasable(demo_db):
    releasable = open_db(demo_db).releasable_now()["order_no"].tolist()
    at = app()
    at.button(key="home_release_all").click().run()
    follow(at, RELEASE)
    assert at.session_state["release_order_nos"] == releasable


def test_empty_database_offers_the_demo(empty_db):
    at = app()
    assert "warehouse is empty" in at.info[0].value
    assert not at.metric
    at.button(key="home_load_demo").click().run()
    assert not at.exception and not at.error
    assert open_db(empty_db).count_orders() > 0
    assert at.metric


def test_first_start_creates_and_seeds_the_database(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "fresh.duckdb"
    monkeypatch.setenv("BACKORDER_DB", str(path))
    at = app()
    assert os.path.exists(path)
    assert open_db(path).count_orders() > 0
    assert at.metric
