"""Errors the engine raises on purpose; pages show their message as-is."""

from __future__ import annotations


class BackorderError(Exception):
    """Base of every error the engine raises deliberately."""


class ValidationError(BackorderError):
    """Bad input: names the row, the column and the value, and nothing was written."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None,
                 value: object = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.value = value


class InventoryError(BackorderError):
    """An inventory event that would break a stock rule (e.g. Available below reserved)."""


class ReadOnlyError(BackorderError):
    """A write asked of a warehouse opened for viewing only."""


class WriteConflictError(BackorderError):
    """Another writer changed the warehouse at the same moment; nothing was written."""


class DatabaseUnavailableError(BackorderError):
    """The database cannot be used: held by another program, unreadable or damaged.
    `reason` is one of locked, unreadable, read_only, damaged, missing, and for a
    PostgreSQL store also unreachable or unavailable (its extension is not installed)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
