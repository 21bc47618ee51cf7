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


def is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_number(value: Any) -> bool:
    """A finite int or float (numpy's included), not a bool."""
    return (is_integer(value) or isinstance(value, (float, np.floating))) and math.isfinite(value)
