"""Two distinguishable objects on one torus, each with its own translations, plus a colour.

G = C_n⁴ × C_hues acting on (x1, y1, x2, y2, colour): object 1 is a filled square in the hue,
object 2 a white plus drawn over it. The plus never hides the square's corners, so overlapping
objects still give distinct images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.base import SymmetryEnv, WorldOptions
from envs.draw import Cells, cell_masks, check_grid, hue_colours
from envs.registry import register
from symgroup import Cyclic
from symgroup.config import Count


@register("multi_object")
class MultiObject(SymmetryEnv):
    """Five subgroups; defaults n = 4, hues = 4 (1024 states), 64×64 RGB."""

    @dataclass(frozen=True)
    class Options(WorldOptions):
        n: Cells = 4
        hues: Cells = 4
        image_size: Count = 64

    def __init__(self, options: Options = Options()) -> None:
        n, image_size = options.n, options.image_size
        check_grid(n, image_size // 4)
        factors = {"x1": Cyclic(n), "y1": Cyclic(n), "x2": Cyclic(n), "y2": Cyclic(n), "colour": Cyclic(options.hues)}
        super().__init__(factors, (3, image_size, image_size), options)
        cell = image_size // n
        self._square = cell_masks(n, image_size, margin=max(1, cell // 8))
        self._bar = cell_masks(n, image_size, margin=cell * 3 // 8)  # the plus's arm width
        self._colours = hue_colours(options.hues)

    def draw(self, states: np.ndarray) -> np.ndarray:
        x1, y1, x2, y2, c = states.T
        square = self._square[y1][:, :, None] * self._square[x1][:, None, :]
        row, col = self._square[y2], self._square[x2]
        plus = np.maximum(self._bar[y2][:, :, None] * col[:, None, :], row[:, :, None] * self._bar[x2][:, None, :])
        image = self._colours[c][:, :, None, None] * square[:, None]
        return np.where(plus[:, None] > 0, np.float32(1.0), image).astype(np.float32)
