"""What counts as an integer or a number wherever symgroup takes one: bools never do (``True`` is not
a step count or an exponent), and a number is finite.

>>> is_integer(3), is_integer(np.int64(3)), is_integer(True), is_integer(3.0)
(True, True, False, False)
>>> is_number(0.5), is_number(float("nan")), is_number(False)
(True, False, False)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symgroup.errors import InvalidOptionError, SymgroupError


def as_array(value: Any, error: type[SymgroupError], what: str, dtype: Any = None) -> np.ndarray:
    """``np.array(value, dtype)``, or ``error`` naming ``what`` where ``value`` is ragged or holds
    something that is not a number (numpy's own ValueError or TypeError never reaches the caller)."""
    try:
        return np.array(value, dtype=dtype)
    except (ValueError, TypeError):
        raise error(f"{what} must be a rectangular array of numbers, got {value!r:.200}", value) from None


def check_integer(value: Any, name: str, least: int = 0) -> int:
    """``value`` if it is an integer ≥ ``least``, else :class:`~symgroup.errors.InvalidOptionError` naming ``name``."""
    if not is_integer(value) or value < least:
        raise InvalidOptionError(f"{name} must be an integer ≥ {least}, got {value!r}", name)
    return int(value)


def is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_number(value: Any) -> bool:
    """A finite int or float (numpy's included), not a bool."""
    return (is_integer(value) or isinstance(value, (float, np.floating))) and math.isfinite(value)
