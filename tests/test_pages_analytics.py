"""Backorder analytics: four charts that follow the filters, each with its data download."""

from __future__ import annotations

import json

from pages_helpers import ANALYTICS, app, open_db

from engine import BackorderFilter

pytest_plugins = ["pages_fixtures"]


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_four_charts_and_downloads_on_demo_data(demo_db):
    at = app(ANALYTICS)
    specs = charts(at)
    assert len(specs) == 4
    assert all(spec["data"] for spec in specs)
    downloads = [b for b in at.get("download_button")]
    assert len(downloads) == 4


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
