"""A study across seeds: how often does each learner reach a (linearly) disentangled code?

Trains β-VAE and LSBD-VAE with several seeds on Tonnaer et al.'s square (a square translated on a
torus, G = C_size × C_size) with :mod:`symgroup.study`, checks every run and prints, per learner,
the SBD and LSBD pass rates and the median and range of D_LSBD. Runs already in OUT_DIR are
skipped or resumed, not retrained. (``symgroup study run FILE`` runs any study written as a file;
benchmarks/study.py is the version behind BENCHMARKS.md.)

Run: ``python examples/seed_study.py [OUT_DIR] [STEPS] [SEEDS]`` (defaults: a temporary folder,
300 steps, 3 seeds; square at 16×16 with a 4-pixel side and the MLP pair, so a run takes seconds).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from symgroup.demo import demo_config
from symgroup.study import Study, Sweep, run_study

WORLD = {"size": 16, "side": 4}


def study(
    out: Path, steps: int, seeds: int, learners: tuple[str, ...] = ("beta_vae", "lsbd_vae"), **where: object
) -> list[dict]:
    """The runs' results: each learner with the demo's shared recipe (lr 1e-3, here the MLP pair);
    ``where``: run_study's executor, workers and address (default: local processes)."""
    base = demo_config(learners[0], "square", WORLD, steps, 0).with_settings({"architecture": "mlp"})
    sweep = Sweep({"learner": list(learners), "seed": list(range(seeds))})
    return run_study(Study(base, (sweep,)), out, progress=False, **where)


def table(rows: list[dict]) -> str:
    lines = ["| learner | SBD pass | LSBD pass | D_LSBD median [min, max] |", "|---|---|---|---|"]
    for learner in dict.fromkeys(r["learner"] for r in rows):
        mine = [r for r in rows if r["learner"] == learner]
        d = np.array([r["d_lsbd"] for r in mine])
        lines.append(
            f"| {learner} | {sum(r['sbd'] for r in mine)}/{len(mine)} | {sum(r['lsbd'] for r in mine)}/"
            f"{len(mine)} | {np.median(d):.3f} [{d.min():.3f}, {d.max():.3f}] |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    args = sys.argv[1:]
    out = Path(args[0]) if args else Path(tempfile.mkdtemp())
    steps, seeds = int(args[1]) if len(args) > 1 else 300, int(args[2]) if len(args) > 2 else 3
    print(table(study(out, steps, seeds)))
