"""Plotly figure builders for the analytics screen. Pure functions of engine frames, so
they are tested directly (AppTest cannot look inside a chart)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from engine import AGE_BUCKETS

from .colors import HEX, STOCK_STATUS_COLORS
from .text import plotly_text

EVENT_COLORS = {"created": HEX["orange"], "released": HEX["green"]}
WAITING_COLOR = HEX["orange"]


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, legend_title_text="",
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, height=360)
    return fig


def _empty(title: str) -> go.Figure:
    """A blank figure that says why it is blank, rather than an empty axis."""
    fig = go.Figure()
    fig.add_annotation(text="No backorders match these filters", showarrow=False,
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
