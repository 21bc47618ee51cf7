"""A world with a non-abelian factor, S3, learnt by LSBD-VAE through its standard representation.

Three stripes (red, green, blue) stand side by side in one cell of a 4 × 4 grid. The order of their
colours is an element σ of S3 (stripe i shows colour σ(i)); a permutation g acts by recolouring,
σ ↦ g ∘ σ (left multiplication, as ``group.elements()`` numbers them), and C4 × C4 moves the cell.
S3 has no circle: LSBD-VAE lets it act on its 2-D block by its standard representation (the natural
one on the vectors summing to 0, :func:`symgroup.learn.latent_actions.subgroup_representation`).

Run: ``python examples/shuffled_stripes.py [OUT] [SEED] [STEPS]`` — trains until the check passes
(every 25 steps) and prints it; exit 0 when the code is linearly disentangled.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import envs
from symgroup import Cyclic, Symmetric
from symgroup.check import check
from symgroup.config import Count
from symgroup.learn import TrainConfig, train, until_pass

COLOURS = np.eye(3, dtype=np.float32)  # red, green, blue


@envs.register("shuffled_stripes")
class ShuffledStripes(envs.SymmetryEnv):
    """S3 × C_n × C_n, (3, image_size, image_size); defaults n = 4 (96 states), 32×32."""

    @dataclass(frozen=True)
    class Options(envs.WorldOptions):
        n: Count = 4
        image_size: Count = 32

    def __init__(self, options: Options = Options()) -> None:
        n, image_size = options.n, options.image_size
        factors = {"order": Symmetric(3), "x": Cyclic(n), "y": Cyclic(n)}
        super().__init__(factors, (3, image_size, image_size), options)
        self._orders = np.array([g.value for g in Symmetric(3).elements()])  # σ(i) for each element
        self._cell = image_size // n
        self._stripe = np.arange(self._cell) * 3 // self._cell  # the stripe of each column of a cell

    def draw(self, states: np.ndarray) -> np.ndarray:
        size, cell = self.observation_shape[1], self._cell
        out = np.zeros((len(states), 3, size, size), dtype=np.float32)
        for i, (order, x, y) in enumerate(states.tolist()):
            colours = COLOURS[self._orders[order][self._stripe]]  # (cell, 3): stripe s shows colour σ(s)
            out[i, :, y * cell : (y + 1) * cell, x * cell : (x + 1) * cell] = colours.T[:, None, :]
        return out


def main(out: Path, seed: int = 0, steps: int = 1000) -> int:
    world = envs.make("shuffled_stripes")
    print(world, world.validate())  # raises on a broken law
    config = TrainConfig(env="shuffled_stripes", learner="lsbd_vae", steps=steps, seed=seed)
    run = train(config, out / f"lsbd_vae-{seed}", progress=False, callbacks=[until_pass(25)])
    images = run.step * run.learner.sampler(run.env, seed).images_per_batch
    print(f"stopped at step {run.step} ({images:,} images seen)")
    report = check(run.encoder, run.env)
    print(report)
    return 0 if report.passed and report.linear_passed else 1


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    arguments = [int(a) for a in sys.argv[2:4]]
    sys.exit(main(folder, *arguments))
