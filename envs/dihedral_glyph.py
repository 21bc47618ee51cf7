"""An asymmetric glyph under D_4 (quarter turns and reflections) × x/y translations.

G = D_4 × C_n × C_n, a non-abelian factor. The orientation component is the number of an element
h ∈ D_4 (as ``Dihedral(4).elements()``), acted on by left multiplication, and is drawn as the glyph
transformed by h's 2×2 matrix, so g·h is drawn as the glyph transformed by g @ h.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.base import SymmetryEnv, WorldOptions
from envs.draw import Cells, cell_masks, check_grid
from envs.registry import register
from symgroup import Cyclic, Dihedral
from symgroup.config import Count
from symgroup.errors import InvalidOptionError

#: An "F" on a 5×5 grid (row 0 at the top): no rotation or reflection maps it to itself.
GLYPH = np.array(
    [[1, 1, 1, 1, 0], [1, 0, 0, 0, 0], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0]], dtype=np.float32
)


@register("dihedral_glyph")
class DihedralGlyph(SymmetryEnv):
    """D_4 × C_n × C_n, (1, image_size, image_size); defaults n = 4 (128 states), 64×64."""

    @dataclass(frozen=True)
    class Options(WorldOptions):
        n: Cells = 4
        image_size: Count = 64

    def __init__(self, options: Options = Options()) -> None:
        n, image_size = options.n, options.image_size
        check_grid(n, image_size)
        if image_size // n < len(GLYPH):
            raise InvalidOptionError(f"cells of {image_size // n} px cannot hold the {len(GLYPH)}-px glyph", image_size)
        d4 = Dihedral(4)
        super().__init__({"pose": d4, "x": Cyclic(n), "y": Cyclic(n)}, (1, image_size, image_size), options)
        cell = image_size // n
        self._tiles = np.stack([_transformed(GLYPH, np.rint(h.to("MAT")).astype(int), cell) for h in d4.elements()])
        self._cells = cell_masks(n, image_size)

    def draw(self, states: np.ndarray) -> np.ndarray:
        n, size = self.options.n, self.observation_shape[1]
        cell = size // n
        out = np.zeros((len(states), 1, size, size), dtype=np.float32)
        for i, (pose, x, y) in enumerate(states.tolist()):
            top, left = (y * size) // n, (x * size) // n
            out[i, 0, top : top + cell, left : left + cell] = self._tiles[pose]
        return out


def _transformed(glyph: np.ndarray, matrix: np.ndarray, cell: int) -> np.ndarray:
    """The glyph, scaled into a cell, with each pixel p taken from M⁻¹p (centred coordinates, y up)."""
    scale = cell // len(glyph)
    big = np.kron(glyph, np.ones((scale, scale), dtype=np.float32))
    size = len(big)
    centre = (size - 1) / 2
    rows, cols = np.indices((size, size))
    points = np.stack([cols - centre, centre - rows])  # (x, y) with y up
    source = np.rint(np.linalg.inv(matrix) @ points.reshape(2, -1)).reshape(2, size, size)
    tile = big[np.rint(centre - source[1]).astype(int), np.rint(source[0] + centre).astype(int)]
    out = np.zeros((cell, cell), dtype=np.float32)
    offset = (cell - size) // 2
    out[offset : offset + size, offset : offset + size] = tile
    return out
