"""Higgins' grid world with a style: a domain subgroup acting on how the object is drawn.

G = C_n × C_n × C_hues × C_styles on (x, y, colour, style); style cycles filled → outlined → hatched
→ filled (the analogue of photo / sketch / painting), or, with ``styles=2``, filled ↔ outlined: a
two-domain world (a C2 domain factor, DiscoGAN's setting). The group and the images are those of
every state; ``correlation`` = ρ changes only the *training distribution*
(:meth:`training_states`): with probability ρ a drawn state's style is set to colour mod styles, so
that domain and colour ("class") are not independent in what learners see (Träuble et al. 2021's
correlated factors), while the checker still judges every state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import numpy as np

from envs.gridworld import GridWorld
from envs.registry import register
from symgroup import Cyclic
from symgroup.config import Bound, Count
from symgroup.errors import InvalidOptionError

STYLES = ("filled", "outlined", "hatched")


def style_patterns(side: int, styles: int) -> np.ndarray:
    """(styles, side, side) 0/1 patterns: filled, an outline one pixel wide, diagonal hatching
    ((i − j) mod 3 = 0)."""
    i, j = np.indices((side, side))
    filled = np.ones((side, side))
    outline = (np.minimum(np.minimum(i, j), np.minimum(side - 1 - i, side - 1 - j)) == 0).astype(float)
    hatched = ((i - j) % 3 == 0).astype(float)
    return np.stack([filled, outline, hatched][:styles]).astype(np.float32)


@register("styled_gridworld")
class StyledGridWorld(GridWorld):
    """C_n × C_n × C_hues × C_styles, (3, image_size, image_size) RGB; 1,536 states at the defaults."""

    @dataclass(frozen=True)
    class Options(GridWorld.Options):
        styles: Count = 3  # filled, outlined (, hatched)
        correlation: Annotated[float, Bound(0, high=1)] = 0.0

    def __init__(self, options: Options = Options()) -> None:
        n, styles, image_size = options.n, options.styles, options.image_size
        if not 2 <= styles <= len(STYLES):
            raise InvalidOptionError(f"styles must be 2 or 3 ({', '.join(STYLES)}), got {styles!r}", styles)
        self.styles, self.correlation = styles, options.correlation
        super().__init__(options)
        side = int(self._masks[0].sum())  # the grid world's cells: (n, size) 0/1 pixel masks
        if side < 3:
            raise InvalidOptionError(
                f"image_size {image_size} leaves {side}-pixel objects: too small to draw styles", image_size
            )
        patterns = style_patterns(side, styles)
        self._objects = np.zeros((n, n, styles, image_size, image_size), dtype=np.float32)  # (x, y, style)
        starts = self._masks.argmax(axis=1)
        for x, left in enumerate(starts):
            for y, top in enumerate(starts):
                self._objects[x, y, :, top : top + side, left : left + side] = patterns

    def _factors(self, n: int, k: int) -> dict[str, Cyclic]:
        return {"x": Cyclic(n), "y": Cyclic(n), "colour": Cyclic(k), "style": Cyclic(self.styles)}

    def draw(self, states: np.ndarray) -> np.ndarray:
        """colour[c] ⊗ object[x, y, style]."""
        objects = self._objects[states[:, 0], states[:, 1], states[:, 3]]
        return self._colours[states[:, 2]][:, :, None, None] * objects[:, None]

    def training_states(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """Uniform states whose style is colour mod styles with probability ``correlation``."""
        rng = np.random.default_rng(rng)
        states = self.sample_states(n, rng)
        if self.correlation > 0:
            tied = rng.random(n) < self.correlation
            states[tied, 3] = states[tied, 2] % self.styles
        return states
