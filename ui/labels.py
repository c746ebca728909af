"""Words a person reads instead of the engine's identifiers: alert kinds, audit actions,
column names, counts with their noun, money with its currency."""

from __future__ import annotations

from engine import POLICIES

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

# Backorder groupings and allocation policies (engine.POLICIES holds the policies' own
# labels and descriptions), for radios, captions, tables and chart legends.
GROUPING_LABELS = {"per_line": "One backorder per short line (140.001, 140.002, …)",
                   "per_order": "One backorder per order, holding all its short lines"}
GROUPING_SHORT = {"per_line": "one backorder per short line",
                  "per_order": "one backorder per order"}


def policy_label(name: object) -> str:
    """'fair_share' -> 'Fair share' (the engine's label); an unknown name as it is."""
    policy = POLICIES.get(name) if isinstance(name, str) else None
    return policy.label if policy is not None else words(name)


def setting_label(policy: object, grouping: object) -> str:
    """'Fair share · one backorder per order': a policy with a grouping, in words."""
    return f"{policy_label(policy)} · {GROUPING_SHORT.get(str(grouping), words(grouping))}"
