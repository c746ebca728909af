"""When and why in an order's record (design section 6): the ETA line, the numbers behind
each SKU's reason as a compact table, and the receipts to link to. Pure functions, tested
without Streamlit; ui/record.py lays them out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from .labels import DATE_FORMAT
from .text import escape_md

FREE_STOCK = "free stock"  # what the engine's covered_by says when free stock covers it
RECEIPTS_PAGE = "pages/11_Expected_receipts.py"  # one expected receipt: ?ref=PO-7701
# The numbers of `wh.why_waiting`, in the order the table shows them, with their labels.
NUMBERS = {
    "sku": "SKU", "needed": "Needs", "free": "Free", "available_on_hand": "On hand",
    "reserved": "Reserved", "frozen": "Frozen", "damaged": "Damaged",
    "quarantine": "Quarantine", "ahead_in_rank": "Wanted ahead",
    "next_receipt_ref": "Next receipt", "next_receipt_due": "Due",
    "next_receipt_qty": "Brings", "next_receipt_claimed": "Claimed ahead",
}


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%-d %b %Y")


def eta_line(info: dict) -> str:
    """'**ETA** 4 Dec 2026 · covered by PO-7701 · **late by 3 days** (ship by 1 Dec 2026)'
    for a Back Order's record (Markdown; data parts escaped)."""
    eta, covered = info.get("eta"), info.get("covered_by")
    ship_by, late = info.get("ship_by"), info.get("late_by_days")
    if eta is None or pd.isna(eta):
        text = "**ETA** none: no known supply covers it"
    else:
        text = f"**ETA** {_day(eta)}"
        if isinstance(covered, str) and covered:
            text += f" · covered by {escape_md(covered)}"
    if late is not None and not pd.isna(late) and int(late) > 0:
        text += f" · **late by {int(late)} day{'' if int(late) == 1 else 's'}**"
    if ship_by is not None and not pd.isna(ship_by):
        text += f" (ship by {_day(ship_by)})"
    return text


def numbers(why: pd.DataFrame) -> pd.DataFrame:
    """The compact table of the numbers behind the reasons, one row per SKU; receipts
    columns go when no SKU has one."""
    frame = why[[c for c in NUMBERS if c in why.columns]].copy()
    if "next_receipt_ref" in frame.columns and frame["next_receipt_ref"].isna().all():
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("next_receipt")])
    for column in ("damaged", "quarantine", "frozen"):  # statuses with nothing are noise
        if column in frame.columns and not frame[column].any():
            frame = frame.drop(columns=column)
    return frame


def numbers_config() -> dict[str, object]:
    config: dict[str, object] = dict(NUMBERS)
    config["next_receipt_due"] = st.column_config.DateColumn("Due", format=DATE_FORMAT)
    config["ahead_in_rank"] = st.column_config.NumberColumn(
        "Wanted ahead", help="Units wanted by backorders ranked before this one")
    config["next_receipt_claimed"] = st.column_config.NumberColumn(
        "Claimed ahead", help="Units of the next receipt that orders ahead will take")
    return config


def receipt_refs(why: pd.DataFrame, covered_by: object) -> list[str]:
    """The expected receipts worth opening: each SKU's next receipt, then the receipts
    that complete the order (covered_by, 'PO-7710, PO-7715'), each once."""
    refs = [r for r in why.get("next_receipt_ref", []) if isinstance(r, str) and r]
    if isinstance(covered_by, str) and covered_by and covered_by != FREE_STOCK:
        refs += [r.strip() for r in covered_by.split(", ") if r.strip()]
    return list(dict.fromkeys(refs))


def holders(why: pd.DataFrame) -> list[tuple[str, list[str], int]]:
    """(sku, the orders named as holding its reservations, how many more) per SKU that
    has holders."""
    out = []
    for _, row in why.iterrows():
        held = row.get("holders")
        named = [str(n) for n in held] if isinstance(held, list | tuple | np.ndarray) else []
        more = int(row.get("holders_more") or 0)
        if named or more:
            out.append((str(row["sku"]), named, more))
    return out
