"""Higgins et al.'s grid world, and a walled variant that is no group action.

One object on an N×N torus (wrap-around) with a colour on a cyclic hue axis of K hues:
G = C_N × C_N × C_K acting on states (x, y, colour) by cyclic shifts (Higgins et al. 2018,
arXiv 1812.02230, section 4). x is the column, y the row; the object fills its cell but a margin.

``moves="entangled"`` is a negative control for learners that discover the structure: each move
changes two subgroups at once, (x+1, y+1), (y+1, colour+1), (colour+1, x+1) and their inverses,
so no move lies in one subgroup (they generate G when n and hues are odd, a subgroup of index 2
otherwise). The group, its action and the check are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from envs.base import Factor, SymmetryEnv, WorldOptions
from envs.draw import Cells, cell_masks, check_grid, hue_colours
from envs.registry import register
from symgroup import Cyclic, GroupElement
from symgroup.config import Count


@register("gridworld")
class GridWorld(SymmetryEnv):
    """C_n × C_n × C_hues, (3, image_size, image_size) RGB; 512 states at the defaults."""

    @dataclass(frozen=True)
    class Options(WorldOptions):
        n: Cells = 8
        hues: Cells = 8
        image_size: Count = 64
        moves: Literal["subgroups", "entangled"] = "subgroups"

    def __init__(self, options: Options = Options()) -> None:
        n, image_size = options.n, options.image_size
        check_grid(n, image_size)
        super().__init__(self._factors(n, options.hues), (3, image_size, image_size), options)
        self._masks = cell_masks(n, image_size, margin=image_size // n // 8)
        self._colours = hue_colours(options.hues)

    def _factors(self, n: int, k: int) -> dict[str, Cyclic | Factor]:
        return {"x": Cyclic(n), "y": Cyclic(n), "colour": Cyclic(k)}

    @cached_property
    def moves(self) -> tuple[GroupElement, ...]:
        """Each subgroup's generator and its inverse, or with ``moves="entangled"`` the pairs of
        subgroups' generators stepped together, and their inverses."""
        if self.options.moves == "subgroups":
            return super().moves
        steps = [self.group.from_factors(**{a: 1, b: 1}) for a, b in (("x", "y"), ("y", "colour"), ("colour", "x"))]
        return tuple(m for step in steps for m in (step, ~step))

    def draw(self, states: np.ndarray) -> np.ndarray:
        """colour[c] ⊗ row mask[y] ⊗ column mask[x], one broadcast product."""
        rows, cols, colours = self._masks[states[:, 1]], self._masks[states[:, 0]], self._colours[states[:, 2]]
        out = np.empty((len(states), 3, *rows.shape[1:], cols.shape[1]), dtype=np.float32)
        np.multiply((colours[:, :, None] * rows[:, None, :])[..., None], cols[:, None, None, :], out=out)
        return out


@register("walled_gridworld")
class WalledGridWorld(GridWorld):
    """The grid world with a wall between columns n/2 − 1 and n/2 that blocks x-moves across it.

    Blocked moves are no group action: g·s is defined by taking k single steps for x-shift k,
    and (g @ h)·s ≠ g·(h·s) next to the wall. ``validate()`` rejects it and names such states.
    """

    def _factors(self, n: int, k: int) -> dict[str, Cyclic | Factor]:
        wall = n // 2 - 1

        def blocked(g: GroupElement, x: np.ndarray) -> np.ndarray:
            for _ in range(g.value):
                x = np.where(x == wall, x, (x + 1) % n)
            return x

        return {"x": Factor(Cyclic(n), act=blocked), "y": Cyclic(n), "colour": Cyclic(k)}
