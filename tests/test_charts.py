"""Plotly figure builders, tested directly on engine frames (AppTest cannot look inside)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
from engine import AGE_BUCKETS  # noqa: E402
from ui import charts  # noqa: E402
from ui.colors import HEX, ORDER_STATUS_COLORS, SEVERITY_COLORS, hex_of  # noqa: E402


@pytest.fixture(scope="module")
def demo():
    wh = engine.open()
    wh.load_demo(seed=0)
    yield wh
    wh.close()


def test_volume_has_created_and_released_per_day():
    volume = pd.DataFrame({"day": pd.to_datetime(["2026-11-01", "2026-11-01", "2026-11-02"]),
                           "event": ["created", "released", "created"],
                           "orders": [2, 1, 3], "units": [10, 4, 7]})
    fig = charts.volume_figure(volume)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"Created", "Released"}
    assert list(by_name["Created"].y) == [10, 7]
    assert list(by_name["Released"].y) == [4]
    assert by_name["Created"].marker.color == charts.EVENT_COLORS["created"]
    assert fig.layout.barmode == "group"


def test_aging_keeps_the_bucket_order_and_fills_gaps():
    aging = pd.DataFrame({"bucket": [AGE_BUCKETS[3], AGE_BUCKETS[0]], "orders": [1, 2],
                          "units": [5, 9]})
    fig = charts.aging_figure(aging)
    (bar,) = fig.data
    assert list(bar.x) == AGE_BUCKETS
    assert list(bar.y) == [9, 0, 0, 5, 0]


def test_top_skus_puts_stock_beside_units_waiting():
    top = pd.DataFrame({"sku": ["A", "B"], "description": ["a", "b"],
                        "units_waiting": [9, 4], "backorders": [2, 1], "available": [1, 0],
                        "free": [0, 0], "frozen": [3, 0], "damaged": [0, 2]})
    fig = charts.top_skus_figure(top)
    assert [t.name for t in fig.data] == ["Waiting", "Free (on hand less reserved)", "Frozen",
                                          "Damaged"]
    free = fig.data[1]  # free stock, not Available on-hand (which includes reserved units)
    assert list(free.x) == [0, 0]
    frozen = next(t for t in fig.data if t.name == "Frozen")
    assert list(frozen.x) == [3, 0] and list(frozen.y) == ["A", "B"]
    assert list(fig.layout.yaxis.categoryarray) == ["B", "A"]  # biggest on top


def test_a_sku_with_tags_is_a_label_not_a_link():
    """Plotly turns <a href> in a label into a link; a SKU is shown as written instead."""
    sku = "<a href='http://127.0.0.1:9/'>log in</a>"
    top = pd.DataFrame({"sku": [sku], "description": ["x"], "units_waiting": [1],
                        "backorders": [1], "available": [0], "free": [0], "frozen": [0],
                        "damaged": [0]})
    fig = charts.top_skus_figure(top)
    label = "&lt;a href='http://127.0.0.1:9/'&gt;log in&lt;/a&gt;"
    assert {t.y[0] for t in fig.data} == {label}
    assert list(fig.layout.yaxis.categoryarray) == [label]


def test_fill_rate_lines_are_percentages_per_run():
    rates = pd.DataFrame({"run_id": [1, 2], "line_fill_rate": [1.0, 0.5],
                          "unit_fill_rate": [0.9, 0.25]})
    fig = charts.fill_rate_figure(rates)
    assert [t.name for t in fig.data] == ["Line fill rate", "Unit fill rate"]
    assert list(fig.data[1].y) == [0.9, 0.25]
    assert fig.layout.yaxis.tickformat == ".0%"


@pytest.mark.parametrize("build, columns", [
    (charts.volume_figure, ["day", "event", "orders", "units"]),
    (charts.aging_figure, ["bucket", "orders", "units"]),
    (charts.top_skus_figure, ["sku", "units_waiting", "available", "frozen", "damaged"]),
    (charts.fill_rate_figure, ["run_id", "line_fill_rate", "unit_fill_rate"]),
])
def test_empty_frames_give_a_figure_that_says_so(build, columns):
    fig = build(pd.DataFrame(columns=columns))
    assert not fig.data
    assert "No backorders" in fig.layout.annotations[0].text


def test_builders_take_the_engine_frames_as_they_are(demo):
    assert charts.volume_figure(demo.backorder_volume()).data
    assert charts.aging_figure(demo.backorder_aging()).data
    assert charts.top_skus_figure(demo.top_backorder_skus()).data
    assert charts.fill_rate_figure(demo.fill_rates()).data


def test_one_palette_everywhere():
    assert hex_of(ORDER_STATUS_COLORS, "Back Order") == HEX["orange"]
    assert hex_of(SEVERITY_COLORS, "error") == HEX["red"]
    assert hex_of(ORDER_STATUS_COLORS, "unknown") == HEX["gray"]


def outlook_frame(ahead: list[tuple[str, str, int, int]], backlog: tuple[int, int]):
    """An eta_outlook frame: (day, covered_by, orders, units) rows, then the no-supply row."""
    days = sorted({d for d, *_ in ahead}) or ["2026-11-01"]
    rows = [{"day": pd.Timestamp(d), "covered_by": c, "orders": 0, "units": 0}
            for d in days for c in ("free stock", "expected receipts")]
    for day, cover, orders, units in ahead:
        row = next(r for r in rows if r["day"] == pd.Timestamp(day) and r["covered_by"] == cover)
        row.update(orders=orders, units=units)
    rows.append({"day": pd.NaT, "covered_by": "no supply", "orders": backlog[0],
                 "units": backlog[1]})
    return pd.DataFrame(rows)[["day", "orders", "units", "covered_by"]]


def test_eta_outlook_stacks_free_stock_under_expected_receipts():
    outlook = outlook_frame([("2026-11-01", "free stock", 2, 7),
                             ("2026-11-03", "expected receipts", 3, 12),
                             ("2026-11-03", "free stock", 1, 1)], backlog=(4, 30))
    fig = charts.eta_outlook_figure(outlook)
    assert fig.layout.barmode == "stack"
    free, receipts = fig.data
    assert (free.name, receipts.name) == ("Free stock", "Expected receipts")
    assert list(free.y) == [7, 1] and list(receipts.y) == [0, 12]
    assert list(receipts.customdata) == [0, 3]  # backorders, in the hover
    assert "backorders" in receipts.hovertemplate
    assert free.marker.color == charts.COVER_COLORS["free stock"]
    (note,) = fig.layout.annotations
    assert note.text == "No known supply: 4 backorders, 30 units"
    assert charts.no_supply(outlook) == (4, 30)


def test_eta_outlook_says_why_it_is_empty():
    nothing = charts.eta_outlook_figure(outlook_frame([], backlog=(0, 0)))
    assert not nothing.data
    assert "No backorder is waiting" in nothing.layout.annotations[0].text
    unsupplied = charts.eta_outlook_figure(outlook_frame([], backlog=(5, 17)))
    assert not unsupplied.data
    text = unsupplied.layout.annotations[0].text
    assert "no free stock or expected receipt covers the 5 waiting (17 units)" in text


def test_eta_outlook_takes_the_engine_frame_as_it_is(demo):
    outlook = demo.eta_outlook(28)
    fig = charts.eta_outlook_figure(outlook)
    shown = sum(sum(t.y) for t in fig.data)
    assert shown == int(outlook.loc[outlook["day"].notna(), "units"].sum()) > 0
    assert "28 days" in fig.layout.title.text
