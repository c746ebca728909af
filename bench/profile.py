"""Where an engine call spends its time: every SQL statement it executes, timed (by wrapping
DuckDB's `execute` for the duration of the call), and the rest (Python, fetching results).
Used on an extra repetition that is not part of the timings."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import duckdb

TOP = 12


def _shape(sql: str) -> str:
    """A statement's first words, whitespace folded: enough to find it in engine/."""
    return re.sub(r"\s+", " ", str(sql)).strip()[:110]


def profile(fn: Callable[[], Any]) -> dict:
    """Runs `fn()`; returns its wall seconds, the seconds inside `execute`, and the
    statements that took longest (a statement run several times is summed)."""
    original = duckdb.DuckDBPyConnection.execute
    spent: dict[str, list[float]] = {}

    def timed(self, query, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, query, *args, **kwargs)
        finally:
            spent.setdefault(_shape(query), []).append(time.perf_counter() - start)

    duckdb.DuckDBPyConnection.execute = timed
    try:
        start = time.perf_counter()
        fn()
        total = time.perf_counter() - start
    finally:
        duckdb.DuckDBPyConnection.execute = original
    inside = sum(sum(v) for v in spent.values())
    top = sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:TOP]
    return {"wall": total, "in_sql": inside, "statements": sum(len(v) for v in spent.values()),
            "top": [{"sql": sql, "seconds": round(sum(v), 3), "times": len(v)}
                    for sql, v in top]}
