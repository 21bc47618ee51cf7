"""A new learner in one file: a supervised encoder onto the ideal circles, trained and checked.

The protocol (:class:`symgroup.learn.Learner`): a typed ``Config`` of hyperparameters, the batches
it needs (``sampler``: by default, as here, still images with their states), one ``training_step``
that owns its optimiser, and ``encode``, the code the checker judges; everything it uses comes from
``symgroup.learn``. Registered, it trains through the same
trainer (seeding, checkpoints, exact resume, Ctrl-C, callbacks) and ``symgroup train --learner
circle_regression`` as every built-in learner. It has no decoder, so the report says what it cannot
draw.

The learner regresses the code onto (cos, sin)(2π·v_i/n_i) of each subgroup's value v_i — the
ideal LSBD code — so the check should pass: SBD, and linearly.

Run: ``python examples/custom_learner.py [OUT] [STEPS]`` — trains on a small ``gridworld`` and
prints the check; exit 0 when the code is linearly disentangled.
"""

from __future__ import annotations

import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

import envs
from symgroup.check import CheckReport, check
from symgroup.learn import (
    Count,
    Learner,
    LearnerConfig,
    Positive,
    TrainConfig,
    build,
    floats,
    minimise,
    register,
    train,
)


@dataclass
class CircleRegressionConfig(LearnerConfig):
    lr: Positive = 1e-3
    batch_size: Count = 32


@register
class CircleRegression(Learner):
    """loss = E‖encode(x) − ⊕_i (cos, sin)(2π·v_i/n_i)‖², the states' values as labels."""

    name = "circle_regression"
    Config = CircleRegressionConfig

    def __init__(self, env: envs.SymmetryEnv, config: CircleRegressionConfig) -> None:
        super().__init__(env, config)
        self.encoder = build(config.architecture, env.observation_shape, 2 * len(env.factor_names))[0]
        self.register_buffer("sizes", torch.tensor(env.factor_sizes, dtype=torch.float32), persistent=False)

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        return self.encoder(observations)[0]

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        angles = 2 * math.pi * batch["states"] / self.sizes
        target = torch.cat([angles.cos(), angles.sin()], dim=1)
        loss = ((self.encode(batch["x"]) - target) ** 2).sum(dim=1).mean()
        minimise(self.optimisers()["learner"], loss)
        return floats({"loss": loss})


def train_and_check(out: Path, steps: int = 300) -> CheckReport:
    """CircleRegression (an MLP) trained on a small gridworld (4 cells, 4 hues, 16 px) and its code checked."""
    world = {"n": 4, "hues": 4, "image_size": 16}
    params = {"architecture": "mlp"}
    config = TrainConfig(env="gridworld", env_options=world, learner="circle_regression", steps=steps, params=params)
    run = train(config, out / "circle_regression", progress=False)
    return check(run.encoder, run.env)


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    report = train_and_check(out, *map(int, sys.argv[2:3]))
    print(report)
    sys.exit(0 if report.linear_passed else 1)
