"""Order numbers: `140` is an original order, `140.001` its first backorder."""

from __future__ import annotations

# Canonical: no leading zeros, a root of at most 12 digits, and a suffix of three digits
# (001-999), or more once a root has had 999 backorders. "0140" is not a second 140.
ORDER_NO_PATTERN = r"^(0|[1-9][0-9]{0,11})(\.(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2,5}))?$"

# SQL expressions over a VARCHAR column named order_no.
ROOT_SQL = "TRY_CAST(split_part(order_no, '.', 1) AS BIGINT)"
SUFFIX_SQL = "coalesce(TRY_CAST(nullif(split_part(order_no, '.', 2), '') AS INTEGER), 0)"


def rank_sql(alias: str = "") -> str:
    """Rank of service over `orders` columns: priority, order date, number as numbers."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + c for c in ("priority", "order_date", "root_no", "suffix"))


def backorder_no_sql(root: str, seq: str) -> str:
    """`root.NNN`, three digits at least (the suffix keeps counting past 999)."""
    return (f"CAST({root} AS VARCHAR) || '.' || CASE WHEN {seq} < 1000 "
            f"THEN lpad(CAST({seq} AS VARCHAR), 3, '0') ELSE CAST({seq} AS VARCHAR) END")
