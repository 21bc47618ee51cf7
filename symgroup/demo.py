"""The main job: a classic VAE and a symmetry-based learner trained on one world, checked side by side.

β-VAE sees still images; LSBD-VAE (Tonnaer et al. 2022) also sees the moves between them. Both are
checked against the world's subgroups (SBD: Higgins et al. 2018; LSBD and D_LSBD: linearly) and scored
with MIG and DCI, and one HTML report shows them side by side. Each run lives in its own directory
under ``out`` and is resumed, not retrained, when the demo runs again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import envs
from symgroup.check import CheckReport
from symgroup.learn.architectures import default_architecture
from symgroup.learn.config import TrainConfig
from symgroup.learn.run import Run
from symgroup.learn.trainer import train
from symgroup.present.run_page import check_run, comparison_table, summary, write_report

LEARNERS = ("beta_vae", "lsbd_vae")


def demo_config(learner: str, env: str, env_options: dict[str, Any], steps: int, seed: int) -> TrainConfig:
    """Each learner's own defaults (``Learner.defaults``), except that a VAE takes the symmetry
    learners' Adam lr 1e-3 and encoder (conv with its linear shortcut where the images fit it), so
    that the objective is all that differs."""
    shape = envs.make(env, **env_options).observation_shape
    shared = {"lr": 1e-3, "architecture": default_architecture(shape, linear_shortcut=True)}
    return TrainConfig(env=env, env_options=env_options, learner=learner, steps=steps, seed=seed, params=shared)


def demo(
    out: str | Path = "runs/demo",
    env: str = "gridworld",
    env_options: dict[str, Any] | None = None,
    steps: int = 600,
    seed: int = 0,
    learners: Sequence[str] = LEARNERS,
    progress: bool = True,
) -> tuple[list[Run], list[CheckReport]]:
    """Train (or resume) each learner into ``out/<learner>``, check each, print the comparison and write
    ``out/report.html``."""
    out = Path(out)
    runs = []
    for learner in learners:
        config = demo_config(learner, env, env_options or {}, steps, seed)
        directory = out / learner
        runs.append(train(config, directory, resume=(directory / "config.json").exists(), progress=progress))
    reports = []
    for run in runs:
        print(f"checking {run.config.learner}: SBD, LSBD, D_LSBD, MIG, DCI …", flush=True)
        reports.append(check_run(run))
    print(format_comparison(runs, reports))
    print(f"wrote {write_report(runs, out / 'report.html', reports)}")
    return runs, reports


def format_comparison(runs: Sequence[Run], reports: Sequence[CheckReport]) -> str:
    """The comparison as a text table: a row per quantity, a column per run."""
    rows = comparison_table([summary(run, report) for run, report in zip(runs, reports, strict=True)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )
