"""What a person reads, on every screen: words, not the engine's identifiers (order_no,
ship_complete_not_met), no "1 units", no 00:00:00 times, and no emoji (headless Chromium
has no emoji font: they draw as boxes). Grids are read through their accessible copy.
Also: the Analytics SKU filter ignores case and takes a prefix (`tr-g`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import engine

from .conftest import TEXT_READ, copy_db
from .test_navigation import SCREENS

pytestmark = pytest.mark.browser

RAW = re.compile(
    r"\b(order_no|parent_order_no|new_order_no|order_date|ship_code|ship_complete"
    r"|ship_complete_not_met|not_on_order|not_found|ordered_qty|allocated_qty|shorted_qty"
    r"|backorder_qty|unit_price|run_id|receipt_id|units_waiting|units_shorted"
    r"|backorder_created|status_change|backorder_grouping|per_line|per_order"
    r"|orders_processed|line_fill_rate|unit_fill_rate|entry_id|new_order_link)\b"
    r"|00:00:00|\b1 (units|orders|items|changes|backorders|lines)\b")
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")
GRID_TEXT = """() => [...document.querySelectorAll(
    "[data-testid='stDataFrameResizable'] canvas table")].map(t => t.innerText).join("\\n")"""


def screen_text(app) -> str:
    """The main area and the sidebar as a person reads them, grids included."""
    for grid in app.page.locator("[data-testid='stDataFrameResizable']").all():
        grid.hover()  # the grid fills its accessible copy once live
    app.page.mouse.move(0, 0)
    parts = [app.page.locator(sel).first.evaluate(TEXT_READ)
             for sel in ("[data-testid='stMain']", "[data-testid='stSidebar']")]
    return "\n".join([*parts, app.page.evaluate(GRID_TEXT)])


@pytest.mark.parametrize(("path", "link", "title"), SCREENS, ids=[s[1] for s in SCREENS])
def test_no_raw_identifier_or_emoji_on_screen(shared_app, path, link, title):
    shared_app.open(path, title=title)
    text = screen_text(shared_app)
    raw = sorted({m.group(0) for m in RAW.finditer(text)})
    boxes = sorted(set(EMOJI.findall(text)))
    assert not raw, f"/{path} shows raw identifiers: {raw}"
    assert not boxes, f"/{path} shows emoji that draw as boxes: {boxes}"


def test_every_alert_kind_reads_as_words(shared_app, demo_db):
    """Each kind of alert, brought into view by the Kind filter, is shown in words."""
    wh = engine.open(str(demo_db), read_only=True)
    try:
        counts = wh.alert_counts(int(wh.runs()["run_id"].iloc[0]))
    finally:
        wh.close()
    by_kind = counts.groupby("kind")["alerts"].sum()
    assert "ship_complete_not_met" in by_kind
    kinds = [f"{k.replace('_', ' ').capitalize()} ({n:,})" for k, n in by_kind.items()]
    app = shared_app
    app.open("Fulfillment", title="Run Fulfillment")
    for kind in kinds:
        app.choose("Kind", kind)
        count = int(re.search(r"\(([\d,]+)\)$", kind).group(1).replace(",", ""))
        app.see(re.compile(rf"^{count:,} of [\d,]+ alerts match$"))
        rows = app.grid("Alerts of the fulfillment run").rows(count)  # the fresh rows
        text = screen_text(app) + "\n" + "\n".join(v for r in rows for v in r.values())
        raw = sorted({m.group(0) for m in RAW.finditer(text)})
        assert not raw, f"alerts of kind {kind} show raw identifiers: {raw}"
        app.page.get_by_role("button", name="Clear all").first.click()  # the Kind filter
        app.see(app.page.get_by_role("combobox", name="Kind", exact=True))


def test_analytics_sku_filter_ignores_case_and_takes_a_prefix(start_app, demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "analytics.duckdb")
    wh = engine.open(str(db))
    try:
        wh.run_fulfillment(["140"], user="setup")  # 3 TR-GR wait on 140.001
    finally:
        wh.close()
    app = start_app(db)
    app.open("Analytics", title="Backorder analytics")
    ticks = app.page.locator(".st-key-an_panel_top_skus .ytick text")
    expect(ticks.first).to_be_visible()
    assert any(not t.startswith("TR-G") for t in ticks.all_text_contents())
    app.fill("SKU", "tr-g", scope=app.sidebar)
    app.page.wait_for_function(
        """() => {
          const t = [...document.querySelectorAll(".st-key-an_panel_top_skus .ytick text")]
            .map(e => e.textContent);
          return t.length > 0 && t.every(s => s.startsWith("TR-G"));
        }""")
    app.wait_idle()
    assert "TR-GR" in ticks.all_text_contents()
    app.see(app.page.locator(".st-key-an_panel_top_skus"),
            text="it is not split by customer or priority")
    app.snap("analytics_sku_prefix")
    app.assert_no_exception()
