"""Caselles-Dupré et al.'s flatland: a ball on a torus, moved by cyclic translations.

G = C_n × C_n acting on (x, y) by cyclic shifts; the ball (radius ≈ 15 px at 64×64) is centred at
pixel (x + ½, y + ½)·size/n and wraps around the edges (Caselles-Dupré et al. 2019,
arXiv 1904.00243; drawn directly, no physics engine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.base import SymmetryEnv, WorldOptions
from envs.draw import Cells, check_grid, disc_alpha
from envs.registry import register
from symgroup import Cyclic
from symgroup.config import Count, Positive
from symgroup.errors import InvalidOptionError

BALL_COLOUR = np.array([1.0, 0.55, 0.1], dtype=np.float32)


@register("flatland")
class Flatland(SymmetryEnv):
    """C_n × C_n, (3, image_size, image_size) RGB; defaults n = 16 (4-pixel steps), 64×64."""

    @dataclass(frozen=True)
    class Options(WorldOptions):
        n: Cells = 16
        image_size: Count = 64
        radius: Positive = 15.0  # pixels at 64×64
        torus: bool = True

    def __init__(self, options: Options = Options()) -> None:
        n, image_size = options.n, options.image_size
        check_grid(n, image_size)
        super().__init__({"x": Cyclic(n), "y": Cyclic(n)}, (3, image_size, image_size), options)
        self._radius = options.radius * image_size / 64
        if options.torus:
            self._first, self._step = image_size / n / 2, image_size / n
        elif image_size - 2 * self._radius >= n - 1:
            self._first, self._step = self._radius, (image_size - 2 * self._radius) / (n - 1)
        else:
            raise InvalidOptionError(
                f"a ball of radius {options.radius!r} (at 64×64) leaves {image_size} pixels too few for "
                f"{n} positions a pixel apart in a box",
                options.radius,
            )

    def draw(self, states: np.ndarray) -> np.ndarray:
        centres = self._first + states.astype(np.float32) * self._step
        size, torus = self.observation_shape[1], self.options.torus
        return BALL_COLOUR[None, :, None, None] * disc_alpha(centres, self._radius, size, torus)[:, None]
