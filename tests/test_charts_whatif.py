"""The What if chart (ui.charts.comparison_figure), tested on the engine's own comparison:
one small chart per measure, one colour per setting and the same in every chart, the
values are the engine's, and setting names are shown as text."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from engine import OrderFilter  # noqa: E402
from ui import charts  # noqa: E402

SETTINGS = [{"policy": "rank", "backorder_grouping": "per_line"},
            {"policy": "fair_share", "backorder_grouping": "per_line"},
            {"policy": "fair_share", "backorder_grouping": "per_order"}]


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    """Four customers short on one SKU: fair share serves each some, rank serves the
    first ones in full and one at zero."""
    wh = engine.open()
    try:
        wh.import_items(pd.DataFrame({"sku": ["A", "B"], "backorder": [True, True],
                                      "unit_price": [2.0, 3.0]}))
        wh.import_inventory(pd.DataFrame({"sku": ["A", "B"], "status": "Available",
                                          "qty": [9, 4]}))
        wh.import_orders(
            pd.DataFrame({"order_no": ["1", "2", "3", "4"], "order_date": "2026-11-01",
                          "priority": [1, 2, 3, 4], "status": "On Order",
                          "customer": ["Acme", "Bolt", "Cord", "Dune"]}),
            pd.DataFrame({"order_no": ["1", "1", "2", "3", "4"], "line_no": [1, 2, 1, 1, 1],
                          "sku": ["A", "B", "A", "A", "A"], "ordered_qty": [4, 2, 4, 3, 2]}))
        on_order = wh.order_nos(OrderFilter(statuses=["On Order"]))
        return wh.compare_policies(on_order, SETTINGS)
    finally:
        wh.close()


def test_one_chart_per_measure_one_colour_per_setting(comparison):
    fig = charts.comparison_figure(comparison)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Fill rate", "Orders complete", "Backorders created",
                      "Customers served at zero"]
    names = ["Rank of service · one backorder per short line",
             "Fair share · one backorder per short line",
             "Fair share · one backorder per order"]
    assert [t.name for t in fig.data if t.showlegend] == names  # each named once
    for name in names:
        traces = [t for t in fig.data if t.name == name]
        assert len(traces) == len(charts.COMPARISON_PANELS)
        assert len({t.marker.color for t in traces}) == 1  # the same colour everywhere
    assert len({t.marker.color for t in fig.data}) == len(names)
    assert fig.layout.barmode == "group"


def test_the_bars_are_the_engines_numbers(comparison):
    fig = charts.comparison_figure(comparison)
    by_axis: dict[str, list] = {}
    for trace in fig.data:
        by_axis.setdefault(trace.xaxis, []).append(trace)
    fill, complete, backorders, at_zero = (by_axis[a] for a in ("x", "x2", "x3", "x4"))
    assert [list(t.y) for t in fill] == [[r.line_fill_rate, r.unit_fill_rate]
                                         for r in comparison.itertuples()]
    assert [list(t.x) for t in fill] == [["Lines", "Units"]] * len(comparison)
    assert [t.y[0] for t in complete] == comparison["orders_complete"].tolist()
    assert [t.y[0] for t in backorders] == comparison["backorders_created"].tolist()
    assert [t.y[0] for t in at_zero] == comparison["customers_served_at_zero"].tolist()
    assert fig.layout.yaxis.tickformat == ".0%"
    assert list(fig.layout.yaxis.range) == [0, 1.05]
    assert fig.layout.yaxis4.dtick == 1  # one customer at most: whole ticks, not 0.2


def test_no_comparison_says_so():
    fig = charts.comparison_figure(pd.DataFrame(columns=["policy", "backorder_grouping"]))
    assert not fig.data
    assert fig.layout.annotations[0].text == "Nothing compared yet"


def test_an_empty_group_has_no_fill_rate_rather_than_a_crash():
    """Nothing requested: the engine gives no fill rate (None); the bar is left out."""
    row = {"policy": "rank", "backorder_grouping": "per_line", "line_fill_rate": None,
           "unit_fill_rate": None, "orders_requested": 0, "orders_complete": 0,
           "backorders_created": 0, "customers_served_at_zero": 0}
    fig = charts.comparison_figure(pd.DataFrame([row]))
    assert list(fig.data[0].y) == [None, None]


def test_setting_names_are_text(monkeypatch):
    """A policy name the labels do not know (say, a new one) is shown as written."""
    row = {"policy": "<b>new</b>", "backorder_grouping": "per_line", "line_fill_rate": 1.0,
           "unit_fill_rate": 1.0, "orders_requested": 1, "orders_complete": 1,
           "backorders_created": 0, "customers_served_at_zero": 0}
    fig = charts.comparison_figure(pd.DataFrame([row]))
    assert fig.data[0].name.startswith("&lt;b&gt;new&lt;/b&gt;")


def test_the_example_tells_the_policies_apart(comparison):
    """The fixture is worth charting: the policies differ where the chart looks."""
    rank, fair = comparison.iloc[0], comparison.iloc[1]
    assert rank["customers_served_at_zero"] == 1 and fair["customers_served_at_zero"] == 0
