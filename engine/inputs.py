"""Checks on the arguments of the engine's calls (section 8 of the design): bounded whole
numbers, real booleans, lists of texts and order numbers. Each refusal names the argument
and the value; nothing is coerced silently."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import ValidationError

MAX_MOVEMENT = 1_000_000_000  # units in one receipt, adjustment, status change or line
MAX_ON_HAND = 10**12  # units of one SKU in one status


def _refuse(name: str, value: object, problem: str) -> ValidationError:
    return ValidationError(f"{name} {problem}, not {value!r}", column=name, value=value)


def whole(value: object, name: str, *, low: int = 1, high: int = MAX_MOVEMENT) -> int:
    """A whole number within [low, high]; bools, NaN, infinity and fractions are refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise _refuse(name, value, "must be a whole number")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:  # exact, not through float(): a huge or nearly whole Fraction is not rounded
        try:
            number = math.floor(value)
        except (ValueError, OverflowError):  # NaN and infinity have no floor
            raise _refuse(name, value, "must be a whole number") from None
        if number != value:
            raise _refuse(name, value, "must be a whole number")
    if not low <= number <= high:
        raise _refuse(name, value, out_of_bounds(number, low, high))
    return number


def out_of_bounds(number: float, low: int, high: int) -> str:
    """Why `number` is refused, in words: the bound it crosses."""
    if number > high:
        return f"must be at most {high:,}"
    if low == 1:
        return "must be greater than zero"
    if low == 0:
        return "must not be negative"
    return f"must be at least {low:,}"


def quantity(value: object, name: str = "qty") -> int:
    return whole(value, name, low=1, high=MAX_MOVEMENT)


def delta(value: object, name: str = "delta") -> int:
    number = whole(value, name, low=-MAX_MOVEMENT, high=MAX_MOVEMENT)
    if number == 0:
        raise _refuse(name, value, "must not be zero")
    return number


def flag(value: object, name: str) -> bool:
    """True or False only: "false", None and 0 are not booleans."""
    if not isinstance(value, (bool, np.bool_)):
        raise _refuse(name, value, "must be True or False")
    return bool(value)


def text(value: object, name: str, *, optional: bool = False) -> str | None:
    """A non-empty string, stripped; None only where the argument is optional."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _refuse(name, value, "must be a non-empty text" if not optional
                      else "must be a text or left out")
    if first_unencodable([value]) is not None:
        raise _refuse(name, value, UNENCODABLE)
    if "\x00" in value:  # PostgreSQL keeps no NUL in text, so neither store does
        raise _refuse(name, value, "must not hold a NUL character (\\x00)")
    return value.strip()


UNENCODABLE = "must be valid text (it holds an unpaired surrogate)"


def first_unencodable(values: list) -> int | None:
    """Position (1-based) of the first string that cannot be stored as UTF-8, if any.
    Only called once a conversion has failed, or on one value."""
    for position, value in enumerate(values, start=1):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return position
    return None


def text_list(values: object, name: str) -> pd.Series:
    """A list of strings (or one string) as a stripped string Series; a wrong type is
    refused with its position. Numbers are accepted where the caller allows them."""
    return _as_series(values, name, allow_integers=False)


def order_no_list(values: object, name: str = "order_nos") -> pd.Series:
    """Order numbers as strings; whole numbers are accepted (140 means "140")."""
    return _as_series(values, name, allow_integers=True)


def _as_series(values: object, name: str, allow_integers: bool) -> pd.Series:
    if isinstance(values, str) or (allow_integers and isinstance(values, numbers.Integral)
                                   and not isinstance(values, (bool, np.bool_))):
        values = [values]
    if values is None or isinstance(values, (bytes, numbers.Number, dict)):
        raise _refuse(name, values, "must be a list of " + _wanted(allow_integers))
    if not isinstance(values, Iterable):
        raise _refuse(name, values, "must be a list of " + _wanted(allow_integers))
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)):  # no Python list of millions
        series = pd.Series(np.asarray(values, dtype="object"))
    else:
        series = pd.Series(list(values), dtype="object")
    kind = pd.api.types.infer_dtype(series, skipna=False)
    if kind == "string" or (kind == "empty"):
        return _as_text(series, name).str.strip()
    if allow_integers and kind == "integer":
        return series.astype("string")
    for position, value in enumerate(series.tolist(), start=1):  # only on a refusal
        ok = isinstance(value, str) or (
            allow_integers and isinstance(value, numbers.Integral)
            and not isinstance(value, (bool, np.bool_)))
        if not ok:
            raise ValidationError(f"{name} item {position}: {value!r} is not "
                                  + _wanted(allow_integers, one=True),
                                  row=position, column=name, value=value)
    return _as_text(series, name).str.strip()


def _as_text(series: pd.Series, name: str) -> pd.Series:
    try:
        text = series.astype("string")
    except UnicodeEncodeError:
        position = first_unencodable(series.tolist())
        if position is None:
            raise
        value = series.iloc[position - 1]
        raise ValidationError(f"{name} item {position}: {value!r} {UNENCODABLE}",
                              row=position, column=name, value=value) from None
    holds_nul = text.str.contains("\x00", regex=False).fillna(False)
    if holds_nul.any():  # PostgreSQL keeps no NUL in text, so neither store does
        position = int(np.argmax(holds_nul.to_numpy())) + 1
        value = series.iloc[position - 1]
        raise ValidationError(f"{name} item {position}: {value!r} holds a NUL character "
                              "(\\x00)", row=position, column=name, value=value)
    return text


def _wanted(allow_integers: bool, one: bool = False) -> str:
    if allow_integers:
        return "an order number like 140 or 140.001" if one else "order numbers"
    return "a text" if one else "texts"
