"""One palette for statuses, severities and outcomes, so every screen colours them alike."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .text import escape_md

# Streamlit theme colour names (badges, Markdown) and matching hex values (Plotly).
ORDER_STATUS_COLORS: dict[str, str] = {
    "Pending": "gray",
    "On Order": "blue",
    "Back Order": "orange",
    "Processed": "green",
    "Shipped": "violet",
    "Cancelled": "red",
}
SEVERITY_COLORS: dict[str, str] = {"info": "blue", "warning": "orange", "error": "red"}
OUTCOME_COLORS: dict[str, str] = {"ok": "green", "warning": "orange", "error": "red"}
STOCK_STATUS_COLORS: dict[str, str] = {
    "Available": "green", "Frozen": "blue", "Damaged": "red", "Quarantine": "violet",
}
HEX: dict[str, str] = {
    "gray": "#808495", "blue": "#1c83e1", "orange": "#ff8700", "green": "#21c354",
    "violet": "#803df5", "red": "#ff2b2b", "yellow": "#faca2b",
}


def hex_of(palette: dict[str, str], key: str) -> str:
    """Hex colour for a status in a palette; gray for anything unknown."""
    return HEX[palette.get(key, "gray")]


def badge(text: str, palette: dict[str, str]) -> str:
    """Markdown badge such as `:orange-badge[Back Order]` for inline text; the text is
    shown as written."""
    return f":{palette.get(text, 'gray')}-badge[{escape_md(text)}]"


def badge_column(label: str, palette: dict[str, str]) -> st.column_config.Column:
    """Read-only coloured badge column; pair it with `as_badges` on the same column."""
    return st.column_config.MultiselectColumn(
        label, options=list(palette), color=[palette[k] for k in palette], disabled=True)


def as_badges(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Wrap each value of `column` in a one-item list, which badge columns render."""
    out = frame.copy()
    out[column] = [[v] if isinstance(v, str) else [] for v in out[column]]
    return out
