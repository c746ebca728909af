"""WHERE clauses built from optional filters; values stay bound parameters, never pasted."""

from __future__ import annotations


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
