"""Backorder analytics: four charts that follow the filters and the ETA outlook of every open
backorder, each with its data download."""

from __future__ import annotations

import json

from pages_helpers import ANALYTICS, app, open_db

from engine import BackorderFilter

pytest_plugins = ["pages_fixtures"]


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_five_charts_and_downloads_on_demo_data(demo_db):
    at = app(ANALYTICS)
    specs = charts(at)
    assert len(specs) == 5  # four that follow the filters, then the ETA outlook
    assert all(spec["data"] for spec in specs)
    downloads = [b for b in at.get("download_button")]
    assert len(downloads) == 5


def test_eta_outlook_shows_releases_ahead_and_the_backlog_without_supply(demo_db):
    wh = open_db(demo_db)
    outlook = wh.eta_outlook(28)
    backlog = outlook[outlook["day"].isna()].iloc[0]
    at = app(ANALYTICS)
    assert not at.exception
    metrics = {m.label: m.value for m in at.get_by_key("an_eta_metrics").metric}
    assert metrics["No known supply"] == f"{backlog['orders']:,}"
    assert metrics["Units with no known supply"] == f"{backlog['units']:,}"
    ahead = outlook[outlook["day"].notna()]
    assert metrics["Units"] == f"{ahead['units'].sum():,}"
    eta = charts(at)[4]
    assert [t["name"] for t in eta["data"]] == ["Free stock", "Expected receipts"]
    assert eta["layout"]["barmode"] == "stack"
    assert "No known supply" in eta["layout"]["annotations"][0]["text"]


def test_eta_outlook_ignores_the_filters(demo_db):
    at = app(ANALYTICS)
    at.text_input(key="an_sku").set_value("NO-SUCH").run()
    assert not at.exception
    assert charts(at)[4]["data"]  # every open backorder, whatever the filters


def test_charts_follow_the_sku_filter(demo_db):
    wh = open_db(demo_db)
    sku = wh.top_backorder_skus(limit=1)["sku"].iloc[0]
    at = app(ANALYTICS)
    at.text_input(key="an_sku").set_value(sku).run()
    assert not at.exception
    top = charts(at)[2]
    waiting = next(t for t in top["data"] if t["name"] == "Waiting")
    expected = wh.top_backorder_skus(BackorderFilter(sku=sku))
    assert waiting["y"] == expected["sku"].tolist()
    assert sku in waiting["y"]


def test_a_filter_matching_nothing_shows_empty_charts(demo_db):
    at = app(ANALYTICS)
    at.text_input(key="an_sku").set_value("NO-SUCH").run()
    assert not at.exception
    specs = charts(at)
    assert not specs[0]["data"]
    assert "No backorders" in specs[0]["layout"]["annotations"][0]["text"]


def test_empty_database(empty_db):
    at = app(ANALYTICS)
    assert "warehouse is empty" in at.info[0].value
    assert not at.get("plotly_chart")
