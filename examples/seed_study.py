"""A study across seeds: how often does each learner reach a (linearly) disentangled code?

Trains β-VAE and LSBD-VAE with several seeds on Tonnaer et al.'s square (a square translated on a
torus, G = C_size × C_size), checks every run and prints, per method, the SBD and LSBD pass rates
and the median and range of D_LSBD. Runs already in OUT_DIR are resumed, not retrained.
(benchmarks/study.py is the full version behind BENCHMARKS.md: staged checks, time to pass.)

Run: ``python examples/seed_study.py [OUT_DIR] [STEPS] [SEEDS]`` (defaults: a temporary folder,
300 steps, 3 seeds; square at 16×16 with a 4-pixel side and the MLP pair, so a run takes seconds).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from symgroup.check import check
from symgroup.learn.demo import demo_config
from symgroup.learn.trainer import train

WORLD = {"size": 16, "side": 4}


def study(out: Path, steps: int, seeds: int, methods: tuple[str, ...] = ("beta_vae", "lsbd_vae")) -> dict:
    """{method: [(SBD passed, LSBD passed, D_LSBD) per seed]}."""
    results: dict[str, list[tuple[bool, bool, float]]] = {}
    for method in methods:
        for seed in range(seeds):
            config = demo_config(method, "square", WORLD, steps, seed).with_settings({"architecture": "mlp"})
            directory = out / f"{method}-seed{seed}"
            run = train(config, directory, resume=(directory / "config.json").exists(), progress=False)
            report = check(run.encoder, run.env)
            results.setdefault(method, []).append((report.passed, report.linear_passed, report.d_lsbd.value))
    return results


def table(results: dict) -> str:
    lines = ["| method | SBD pass | LSBD pass | D_LSBD median [min, max] |", "|---|---|---|---|"]
    for method, rows in results.items():
        sbd, lsbd, d = (np.array(column) for column in zip(*rows, strict=True))
        lines.append(f"| {method} | {sbd.sum()}/{len(rows)} | {lsbd.sum()}/{len(rows)} | "
                     f"{np.median(d):.3f} [{d.min():.3f}, {d.max():.3f}] |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    args = sys.argv[1:]
    out = Path(args[0]) if args else Path(tempfile.mkdtemp())
    steps, seeds = int(args[1]) if len(args) > 1 else 300, int(args[2]) if len(args) > 2 else 3
    print(table(study(out, steps, seeds)))
