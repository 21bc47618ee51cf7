"""Tonnaer et al.'s square: a white square on a torus, translated one pixel at a time.

G = C_size × C_size acting on (x, y) by cyclic shifts; the square covers columns x … x + side − 1 and
rows y … y + side − 1 modulo size (Tonnaer et al. 2022, arXiv 2011.06070). 4096 states at the
defaults, one channel.
"""

from __future__ import annotations

import numpy as np

from envs.base import SymmetryEnv
from envs.draw import wrapped_run_masks
from envs.registry import register
from symgroup import Cyclic
from symgroup.errors import InvalidOptionError


@register("square")
class Square(SymmetryEnv):
    """C_size × C_size, (1, size, size); defaults size = 64, side = 16."""

    def __init__(self, size: int = 64, side: int = 16) -> None:
        if not isinstance(size, int) or not isinstance(side, int) or not 1 <= side < size:
            raise InvalidOptionError(f"need integers 1 ≤ side < size, got side={side!r}, size={size!r}", side)
        super().__init__({"x": Cyclic(size), "y": Cyclic(size)}, (1, size, size))
        self.options = {"size": size, "side": side}
        self._runs = wrapped_run_masks(size, side)

    def draw(self, states: np.ndarray) -> np.ndarray:
        rows, cols = self._runs[states[:, 1]], self._runs[states[:, 0]]
        return (rows[:, None, :, None] * cols[:, None, None, :]).astype(np.float32, copy=False)
