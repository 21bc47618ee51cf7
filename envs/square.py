"""Tonnaer et al.'s square: a white square on a torus, translated one pixel at a time.

G = C_size × C_size acting on (x, y) by cyclic shifts; the square covers columns x … x + side − 1 and
rows y … y + side − 1 modulo size (Tonnaer et al. 2022, arXiv 2011.06070). 4096 states at the
defaults, one channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.base import SymmetryEnv, WorldOptions
from envs.draw import Cells, wrapped_run_masks
from envs.registry import register
from symgroup import Cyclic
from symgroup.config import Count
from symgroup.errors import InvalidOptionError


@register("square")
class Square(SymmetryEnv):
    """C_size × C_size, (1, size, size); defaults size = 64, side = 16."""

    @dataclass(frozen=True)
    class Options(WorldOptions):
        size: Cells = 64
        side: Count = 16

    def __init__(self, options: Options = Options()) -> None:
        size, side = options.size, options.side
        if side >= size:
            raise InvalidOptionError(f"need 1 ≤ side < size, got side={side!r}, size={size!r}", side)
        super().__init__({"x": Cyclic(size), "y": Cyclic(size)}, (1, size, size), options)
        self._runs = wrapped_run_masks(size, side)

    def draw(self, states: np.ndarray) -> np.ndarray:
        rows, cols = self._runs[states[:, 1]], self._runs[states[:, 0]]
        return (rows[:, None, :, None] * cols[:, None, None, :]).astype(np.float32, copy=False)
