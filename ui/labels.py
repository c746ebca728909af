"""Words a person reads instead of the engine's identifiers: alert kinds, audit actions,
column names, counts with their noun, money with its currency."""

from __future__ import annotations

CURRENCY = "$"
SEVERITY_LABELS = {"error": "Error", "warning": "Warning", "info": "Info"}


def words(identifier: object) -> str:
    """'ship_complete_not_met' -> 'Ship complete not met'; text that is not an identifier
    is left as it is."""
    text = "" if identifier is None else str(identifier)
    if not text or " " in text or text != text.lower():
        return text
    return text.replace("_", " ").capitalize()


def plural(n: int, word: str, words_: str | None = None) -> str:
    """'1 order', '2 orders', '1,234 units'."""
    return f"{n:,} {word if n == 1 else (words_ or word + 's')}"


def money(value: float) -> str:
    return f"{CURRENCY}{value:,.2f}"


MONEY_FORMAT = f"{CURRENCY}%.2f"  # for NumberColumn(format=...)
DATE_FORMAT = "D MMM YYYY"  # for DateColumn / DatetimeColumn: no 00:00:00
DATETIME_FORMAT = "D MMM YYYY, HH:mm"
