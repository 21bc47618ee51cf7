"""A custom symmetry environment in a few lines: a clock with an hour hand (C12) and a hue (C6).

Name the factors and their groups, declare the typed options, draw a batch of states; the base class
derives the states, the action (cyclic shifts), transitions, validation and export.

Run: ``python examples/clock.py [OUT_DIR]`` — validates the world, writes its orbit picture and an
.npz data set to OUT_DIR (default: a temporary folder).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import envs
from envs.dataset import load_npz, save_npz
from envs.draw import hue_colours, polygon_alpha
from envs.montage import orbit_montage, save_png
from symgroup import Cyclic
from symgroup.config import Count

HAND = np.array([[-0.06, -0.1], [0.06, -0.1], [0.04, 0.75], [0.0, 0.85], [-0.04, 0.75]])  # points up


@envs.register("clock")
class Clock(envs.SymmetryEnv):
    """The hour hand turns clockwise by 30° per step of C12; the hue cycles through 6 colours."""

    @dataclass(frozen=True)
    class Options(envs.WorldOptions):
        image_size: Count = 32

    def __init__(self, options: Options = Options()) -> None:
        image_size = options.image_size
        super().__init__({"hour": Cyclic(12), "hue": Cyclic(6)}, (3, image_size, image_size), options)
        self._hands = polygon_alpha(HAND, -2 * np.pi * np.arange(12) / 12, image_size)
        self._colours = hue_colours(6)

    def draw(self, states: np.ndarray) -> np.ndarray:
        hour, hue = states.T
        return self._colours[hue][:, :, None, None] * self._hands[hour][:, None]


def main(out: Path) -> None:
    clock = envs.make("clock")
    print(clock)
    print("validate:", clock.validate())
    print("wrote", save_png(orbit_montage(clock), out / "clock.png"))
    data = load_npz(save_npz(clock, out / "clock.npz"))
    print(f"data set: {data.observations.shape[0]} observations of shape {data.observations.shape[1:]}")
    three_oclock = clock.group.from_factors(hour=3)
    print("3 hours on from (11, 2):", clock.act(three_oclock, [[11, 2]]).tolist())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
