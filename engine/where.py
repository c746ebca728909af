"""WHERE clauses built from optional filters; values stay bound parameters, never pasted."""

from __future__ import annotations

# Text typed by an analyst matches without regard to case, and `%` and `_` are plain
# characters: no LIKE patterns, so nothing typed is a wildcard.
SKU_PREFIX = "starts_with(lower(sku), lower(?))"


def contains(column: str) -> str:
    """`column` contains the bound text, case ignored, taken literally."""
    return f"contains(lower({column}), lower(?))"


class Where:
    def __init__(self, *always: str) -> None:
        self.clauses: list[str] = list(always) or ["TRUE"]
        self.params: list = []

    def when(self, condition: object, clause: str, *params: object) -> Where:
        """Add `clause` (with its `?` parameters) only when the filter is set."""
        if condition:
            self.clauses.append(clause)
            self.params.extend(params)
        return self

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)
