"""Written numbers, read as the database can hold them: whole numbers within SQLite's 64 bits, decimals finite.

JSON gives Python ints of up to 4,300 digits, floats that are infinite (`1e400`) or not a number (`NaN`, which
`json.loads` accepts), and text such as `"1e400"`; none of those fits an INTEGER column or is an amount (an
infinite cost was stored, shown as null and sorted first). Whole numbers are read exactly (`int(float(...))` turned
9007199254740993 into ...992).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

from emulator.core.errors import ValidationError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
WHOLE_RANGE = f"a whole number from {INT64_MIN} to {INT64_MAX}"
_SHOWN = 40  # characters of a refused value a message repeats
N = TypeVar("N", int, float)


class OutOfRange(ValueError):
    """A number, but not one the column holds (beyond 64 bits, infinite, NaN)."""


def whole_number(raw: str | int | float) -> int:
    """`raw` as a whole number within 64 bits; ValueError for a non-number or a fraction, OutOfRange for the rest."""
    if isinstance(raw, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        try:
            value = int(text)
        except ValueError:
            number = float(text)  # ValueError for text that is no number at all
            if math.isinf(number):
                raise OutOfRange(text) from None
            if not number.is_integer():  # a fraction, or NaN
                raise ValueError("not a whole number") from None
            value = int(number)
    if not INT64_MIN <= value <= INT64_MAX:
        raise OutOfRange("past 64 bits")
    return value


def finite_number(raw: str | int | float) -> float:
    """`raw` as a finite float; ValueError for a non-number, OutOfRange for NaN, the infinities and huge ints."""
    if isinstance(raw, bool):
        raise ValueError("a boolean is not a number")
    try:
        number = float(raw) if isinstance(raw, int) else float(str(raw).strip())
    except OverflowError:  # an int beyond a float's range
        raise OutOfRange("too large for a float") from None
    if not math.isfinite(number):
        raise OutOfRange(str(number))
    return number


def shown(raw: object) -> str:
    """A refused value as a message repeats it: at most 40 characters."""
    try:
        text = str(raw)
    except ValueError:  # an int of more than 4,300 digits (a fixture's: pydantic reads them, json.loads does not)
        return "a number of more than 4300 digits"
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} characters)"


def whole(raw: str | int | float, what: str) -> int:
    """A written whole number (an INTEGER column, a NUMBER attribute), or 400 naming `what`."""
    return _read(whole_number, raw, what, f"is out of range; use {WHOLE_RANGE}", "is not a whole number")


def decimal(raw: str | int | float, what: str) -> float:
    """A written decimal (the cost, a DECIMAL attribute): finite, or 400 naming `what`."""
    return _read(finite_number, raw, what, "is not a finite number", "is not a number")


def _read(parse: Callable[[str | int | float], N], raw: str | int | float, what: str, past: str, other: str) -> N:
    try:
        return parse(raw)
    except OutOfRange:
        raise ValidationError(f"{what}: '{shown(raw)}' {past}") from None
    except ValueError:
        raise ValidationError(f"{what}: '{shown(raw)}' {other}") from None
