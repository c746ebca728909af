"""Plotly figure builders for the analytics screen. Pure functions of engine frames, so
they are tested directly (AppTest cannot look inside a chart)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine import AGE_BUCKETS

from .colors import HEX, STOCK_STATUS_COLORS
from .labels import setting_label
from .text import plotly_text

EVENT_COLORS = {"created": HEX["orange"], "released": HEX["green"]}
# What covers the backorders expected to release, bottom of the stack first.
COVER_COLORS = {"free stock": HEX["green"], "expected receipts": HEX["blue"]}
NO_SUPPLY_COLOR = HEX["red"]
WAITING_COLOR = HEX["orange"]


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, legend_title_text="",
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, height=360)
    return fig


def _empty(title: str, why: str = "No backorders match these filters") -> go.Figure:
    """A blank figure that says why it is blank, rather than an empty axis."""
    fig = go.Figure()
    fig.add_annotation(text=why, showarrow=False,
                       xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, "", "")


def volume_figure(volume: pd.DataFrame) -> go.Figure:
    """Units back-ordered against units released, per day."""
    title = "Backorder volume: created vs released (units per day)"
    if volume.empty:
        return _empty(title)
    fig = go.Figure()
    for event in ("created", "released"):
        rows = volume[volume["event"] == event]
        fig.add_bar(x=rows["day"], y=rows["units"], name=event.capitalize(),
                    marker_color=EVENT_COLORS[event], customdata=rows["orders"],
                    hovertemplate="%{x|%d %b}: %{y} units, %{customdata} orders<extra></extra>")
    fig.update_layout(barmode="group")
    return _layout(fig, title, "Day", "Units")


def aging_figure(aging: pd.DataFrame) -> go.Figure:
    """Open backorder units per age bucket, buckets in their natural order."""
    title = "Open backorders by age"
    if aging.empty or int(aging["orders"].sum()) == 0:
        return _empty(title)
    frame = aging.set_index("bucket").reindex(AGE_BUCKETS, fill_value=0).reset_index()
    fig = go.Figure(go.Bar(
        x=frame["bucket"], y=frame["units"], marker_color=WAITING_COLOR,
        customdata=frame["orders"], text=frame["units"], textposition="outside",
        hovertemplate="%{x}: %{y} units, %{customdata} orders<extra></extra>"))
    fig.update_xaxes(categoryorder="array", categoryarray=AGE_BUCKETS)
    return _layout(fig, title, "Age", "Units waiting")


def top_skus_figure(top: pd.DataFrame) -> go.Figure:
    """Units waiting per SKU, with its free stock (on hand less reserved) beside them, and
    the stock that is held Frozen or Damaged."""
    title = "Top SKUs by units waiting, with their free stock"
    if top.empty:
        return _empty(title)
    fig = go.Figure()
    series = [("units_waiting", "Waiting", WAITING_COLOR),
              ("free", "Free (on hand less reserved)", HEX[STOCK_STATUS_COLORS["Available"]]),
              ("frozen", "Frozen", HEX[STOCK_STATUS_COLORS["Frozen"]]),
              ("damaged", "Damaged", HEX[STOCK_STATUS_COLORS["Damaged"]])]
    skus = [plotly_text(s) for s in top["sku"]]  # SKUs are data: shown as text
    for column, name, color in series:
        fig.add_bar(y=skus, x=top[column], name=name, orientation="h", marker_color=color,
                    hovertemplate="%{y}: %{x:,} units<extra>" + name + "</extra>")
    fig.update_layout(barmode="group")
    fig.update_yaxes(categoryorder="array", categoryarray=skus[::-1])
    return _layout(fig, title, "Units", "SKU")


def fill_rate_figure(rates: pd.DataFrame) -> go.Figure:
    """First-time line and unit fill rate per fulfillment run."""
    title = "Fill rate per run"
    if rates.empty:
        return _empty(title)
    fig = go.Figure()
    for column, name, color in (("line_fill_rate", "Line fill rate", HEX["blue"]),
                                ("unit_fill_rate", "Unit fill rate", HEX["green"])):
        fig.add_scatter(x=rates["run_id"], y=rates[column], name=name, mode="lines+markers",
                        line={"color": color},
                        hovertemplate="Run %{x}: %{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_xaxes(dtick=1)
    return _layout(fig, title, "Run", "Fill rate")


def no_supply(outlook: pd.DataFrame) -> tuple[int, int]:
    """(backorders, units) that no known supply covers: the outlook's row without a day."""
    rows = outlook[outlook["day"].isna()]
    return int(rows["orders"].sum()), int(rows["units"].sum())


def eta_outlook_figure(outlook: pd.DataFrame) -> go.Figure:
    """Units of backorders expected to release per day (the backorders in the hover),
    stacked by what covers them: free stock now, or expected receipts on their due dates.
    The backlog no known supply covers has no day; it is named above the bars."""
    ahead = outlook[outlook["day"].notna()]
    days = ahead["day"].nunique()
    title = f"ETA outlook: backorders expected to release, next {days} days"
    orders, units = no_supply(outlook)
    if int(ahead["units"].sum()) == 0:
        why = ("No backorder is waiting: there is nothing to release" if orders == 0 else
               f"No backorder is expected to release in the next {days} days: no free stock "
               f"or expected receipt covers the {orders:,} waiting ({units:,} units)")
        return _empty(title, why)
    fig = go.Figure()
    for cover, color in COVER_COLORS.items():
        rows = ahead[ahead["covered_by"] == cover]
        name = cover.capitalize()
        fig.add_bar(x=rows["day"], y=rows["units"], name=name, marker_color=color,
                    customdata=rows["orders"],
                    hovertemplate="%{x|%d %b}: %{y:,} units, %{customdata:,} backorders"
                                  "<extra>" + name + "</extra>")
    fig.update_layout(barmode="stack")
    fig.add_annotation(
        text=(f"No known supply: {orders:,} backorders, {units:,} units" if orders
              else "Every waiting backorder has known supply"),
        showarrow=False, xref="paper", yref="paper", x=1, y=1.02, xanchor="right",
        yanchor="bottom", font={"color": NO_SUPPLY_COLOR if orders else HEX["gray"]})
    return _layout(fig, title, "Day", "Units expected to release")


# The measures of a policy comparison, one small chart each: (title, [(column, name)],
# axis format). Fill rates share one chart; the counts have scales of their own.
COMPARISON_PANELS = (
    ("Fill rate", [("line_fill_rate", "Lines"), ("unit_fill_rate", "Units")], ".0%"),
    ("Orders complete", [("orders_complete", "Orders")], ",d"),
    ("Backorders created", [("backorders_created", "Backorders")], ",d"),
    ("Customers served at zero", [("customers_served_at_zero", "Customers")], ",d"),
)
SETTING_COLORS = [HEX["blue"], HEX["orange"], HEX["green"], HEX["violet"], HEX["red"],
                  HEX["gray"]]


def comparison_figure(comparison: pd.DataFrame) -> go.Figure:
    """Simulated runs side by side (engine `compare_policies`): small multiples of fill
    rates, orders complete, backorders created and customers served at zero, one colour
    per setting (policy · grouping), the same in every panel."""
    title = "What if: the settings side by side (simulated, nothing written)"
    if comparison.empty:
        return _empty(title, "Nothing compared yet")
    fig = make_subplots(rows=1, cols=len(COMPARISON_PANELS),
                        subplot_titles=[p[0] for p in COMPARISON_PANELS],
                        horizontal_spacing=0.07)
    for k, row in enumerate(comparison.itertuples(index=False)):
        name = plotly_text(setting_label(row.policy, row.backorder_grouping))
        color = SETTING_COLORS[k % len(SETTING_COLORS)]
        for col, (_, measures, fmt) in enumerate(COMPARISON_PANELS, start=1):
            values = [getattr(row, column) for column, _ in measures]
            values = [None if pd.isna(v) else v for v in values]
            hover = ".1%" if fmt == ".0%" else fmt
            fig.add_bar(x=[m for _, m in measures], y=values, name=name, legendgroup=name,
                        showlegend=col == 1, marker_color=color, row=1, col=col,
                        hovertemplate=f"{name}<br>%{{x}}: %{{y:{hover}}}<extra></extra>")
    for col, (_, measures, fmt) in enumerate(COMPARISON_PANELS, start=1):
        if fmt == ".0%":
            fig.update_yaxes(tickformat=".0%", range=[0, 1.05], row=1, col=col)
            continue
        top = max([float(v) for column, _ in measures for v in comparison[column].dropna()]
                  or [0])
        # Counts are whole: a small one gets a tick per unit, never 0.2 of a customer.
        fig.update_yaxes(tickformat=fmt, rangemode="tozero", row=1, col=col,
                         **({"dtick": 1, "range": [0, max(top, 1) * 1.1]} if top < 5 else {}))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15})
    fig = _layout(fig, title, "", "")
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 80, "b": 10})
    return fig
