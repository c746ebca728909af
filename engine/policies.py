"""Allocation policies, each a named rule over the run's staged lines (`run_lines`,
`run_free`) that fills `sc_failed` and `run_alloc`. A new policy is one more entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from .errors import ValidationError
from .fair_share import allocate_fair_share
from .run_plan import allocate_by_rank


@dataclass(frozen=True)
class Policy:
    name: str
    label: str
    description: str
    allocate: Callable[[duckdb.DuckDBPyConnection], None]


POLICIES: dict[str, Policy] = {p.name: p for p in (
    Policy("rank", "Rank of service",
           "Lines are served in rank order (priority, order date, order number); a line "
           "gets all it can before the next is looked at.", allocate_by_rank),
    Policy("fair_share", "Fair share",
           "Where a SKU is short, each line gets a share proportional to its need, so no "
           "customer is served at zero while another is served in full. Ship-complete "
           "orders are decided first, whole or nothing.", allocate_fair_share),
)}
DEFAULT_POLICY = "rank"


def policy(name: object) -> Policy:
    if not isinstance(name, str) or name not in POLICIES:
        raise ValidationError(f"policy must be one of {', '.join(POLICIES)}, not {name!r}",
                              column="policy", value=name)
    return POLICIES[name]
