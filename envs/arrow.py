"""An asymmetric arrow, turned in the plane and hue-cycled: G = C_rotations × C_hues.

The arrow is a polygon drawn procedurally (no image files), rotated about the image centre by
2πr/R and coloured with hue c/K, anti-aliased by supersampling so every state has its own image
(after Tonnaer et al. 2022's arrow data set, arXiv 2011.06070).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.base import SymmetryEnv, WorldOptions
from envs.draw import Cells, check_grid, hue_colours, polygon_alpha
from envs.registry import register
from symgroup import Cyclic
from symgroup.config import Count

#: An arrow pointing right, with a barb on one side only (no rotational or mirror symmetry); units of
#: the image half-width, y up.
ARROW = np.array(
    [
        [-0.7, -0.12],
        [0.25, -0.12],
        [0.25, -0.35],
        [0.75, 0.0],
        [0.25, 0.35],
        [0.25, 0.12],
        [-0.45, 0.12],
        [-0.7, 0.45],
        [-0.8, 0.45],
    ]
)


@register("arrow")
class Arrow(SymmetryEnv):
    """C_rotations × C_hues, (3, image_size, image_size) RGB; defaults 64 × 64 states, 64×64 pixels."""

    @dataclass(frozen=True)
    class Options(WorldOptions):
        rotations: Cells = 64
        hues: Cells = 64
        image_size: Count = 64

    def __init__(self, options: Options = Options()) -> None:
        rotations, hues, image_size = options.rotations, options.hues, options.image_size
        check_grid(8, image_size)
        super().__init__({"angle": Cyclic(rotations), "colour": Cyclic(hues)}, (3, image_size, image_size), options)
        self._alpha = polygon_alpha(ARROW, 2 * np.pi * np.arange(rotations) / rotations, image_size)
        self._colours = hue_colours(hues)

    def draw(self, states: np.ndarray) -> np.ndarray:
        alpha, colours = self._alpha[states[:, 0]], self._colours[states[:, 1]]
        return colours[:, :, None, None] * alpha[:, None]
