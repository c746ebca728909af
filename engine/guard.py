"""What every public call of the engine promises: a deliberate `BackorderError` or a
result, never a raw error from DuckDB, pandas or Python; and a write that lost a race with
another writer is run again on fresh state, a bounded number of times."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import duckdb

from . import inputs
from .errors import BackorderError, WriteConflictError

P = ParamSpec("P")
T = TypeVar("T")
WRITE_ATTEMPTS = 8  # then the caller is told to try again
RAW_ERRORS = (duckdb.Error, ValueError, TypeError, ArithmeticError, LookupError,
              AttributeError)
_log = logging.getLogger("engine")


def _plain(action: str, exc: Exception) -> BackorderError:
    _log.error("%s failed", action, exc_info=exc)
    return BackorderError(f"{action} failed and nothing was written "
                          f"({type(exc).__name__}: {exc})")


def guarded(fn: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except BackorderError:
            raise
        except RAW_ERRORS as exc:
            raise _plain(fn.__name__, exc) from exc
    return call


def writes(fn: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        user = kwargs.get("user")
        if user is not None:  # who did it is written into every audit row
            inputs.text(user, "user")
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except WriteConflictError:
                if attempt == WRITE_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # let the winner finish
            except BackorderError:
                raise
            except RAW_ERRORS as exc:
                raise _plain(fn.__name__, exc) from exc
        raise AssertionError("unreachable")
    return call
