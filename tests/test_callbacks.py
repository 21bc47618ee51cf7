"""Training callbacks: stop a run from outside the trainer, e.g. at the first check that passes."""

import json

import pytest

from symgroup.cli import main
from symgroup.errors import InvalidOptionError
from symgroup.learn.callbacks import until_pass
from symgroup.learn.config import TrainConfig
from symgroup.learn.run import Run
from symgroup.learn.trainer import train

TINY = {
    "env": "gridworld",
    "env_options": {"n": 4, "hues": 2, "image_size": 16},
    "checkpoint_every": 2,
    "log_every": 1,
    "params": {"latent": 6, "batch_size": 16, "lr": 1e-3, "architecture": "mlp"},
}


def test_a_callback_that_returns_true_stops_the_run_checkpointed(tmp_path):
    seen = []

    def stop_at_three(step, learner, env):
        seen.append((step, env.name, learner.training))
        return step == 3

    run = train(TrainConfig(**TINY, steps=10), tmp_path / "run", progress=False, callbacks=[stop_at_three])
    assert run.step == 3 and Run.load(tmp_path / "run").step == 3
    assert seen == [(1, "gridworld", True), (2, "gridworld", True), (3, "gridworld", True)]
    assert train(TrainConfig(**TINY, steps=10), tmp_path / "run", resume=True, progress=False).step == 10


@pytest.mark.seeded
def test_until_pass_stops_lsbd_vae_at_its_first_passing_check(tmp_path, capsys):
    """A 16×16 square: LSBD-VAE passes long before its 2,000 default steps (measured over seeds 0–4 on AVX-512,
    AVX2 (the same figures) and the generic kernels (ATEN_CPU_CAPABILITY=default): at step 50 or 100)."""
    out = tmp_path / "run"
    settings = ["env.size=16", "env.side=4", "latent=4", "lr=1e-3", "batch_size=16", "architecture=mlp"]
    flags = [flag for s in settings for flag in ("--set", s)]
    args = [
        "train",
        "--learner",
        "lsbd_vae",
        "--env",
        "square",
        "--out",
        str(out),
        "--until-pass",
        "--check-every",
        "50",
    ]
    assert main([*args, *flags]) == 0
    step = Run.load(out).step
    assert step < 2000 and step % 50 == 0
    assert f"passed the check at step {step} ({step * 16 * 8:,} images seen)" in capsys.readouterr().out
    assert main(["check", str(out), "--linear"]) == 0
    assert json.loads((out / "config.json").read_text())["config"]["steps"] == 2000


@pytest.mark.parametrize("every", [0, -1, 2.5, True])
def test_check_every_must_be_a_positive_integer(every):
    with pytest.raises(InvalidOptionError, match="check_every must be an integer ≥ 1"):
        until_pass(every)
