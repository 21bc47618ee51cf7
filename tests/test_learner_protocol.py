"""The learner protocol and the samplers: a learner defined here trains, checkpoints, resumes and is
checked through the shared trainer, which knows no learner; the samplers draw what they say; worlds
and learners of another package register by entry point."""

import math
import shlex
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import envs
from symgroup.check import check
from symgroup.config import Count, NonNegative, Positive
from symgroup.errors import InvalidOptionError
from symgroup.learn import LEARNERS, Learner, LearnerConfig, Run, TrainConfig, register, train
from symgroup.learn.learner import floats, minimise
from symgroup.learn.samplers import Balanced, Images, Paths, Views

TINY = {"n": 4, "hues": 2, "image_size": 16}
GRID = envs.make("gridworld", **TINY)


@dataclass
class TwoStepConfig(LearnerConfig):
    latent: Count = 4
    batch_size: Count = 8
    lr: Positive = 1e-2
    momentum: NonNegative = 0.9


@register
class TwoStep(Learner):
    """A linear encoder with two optimisers and an EMA target, both updated in its one training step:
    everything a trainer must checkpoint (two optimisers, a buffer, the learner's noise)."""

    name = "two_step_test_learner"
    Config = TwoStepConfig

    def __init__(self, env, config):
        super().__init__(env, config)
        self.encoder = nn.Linear(math.prod(env.observation_shape), config.latent)
        self.scale = nn.Parameter(torch.ones(config.latent))
        self.register_buffer("target", torch.zeros(config.latent))

    def sampler(self, env, seed):
        return Images(env, self.config.batch_size)

    def make_optimisers(self):
        return {
            "encoder": torch.optim.Adam(self.encoder.parameters(), lr=self.config.lr),
            "scale": torch.optim.SGD([self.scale], lr=self.config.lr, momentum=0.5),
        }

    def encode(self, observations):
        return self.encoder(observations.flatten(1)) * self.scale

    def training_step(self, batch, step):
        noisy = batch["x"] + 0.1 * torch.randn(batch["x"].shape, generator=self.rng)
        code = self.encode(noisy)
        spread = -code.var(dim=0).clamp(max=1).sum() + (code.mean(dim=0) - self.target).pow(2).sum()
        minimise(self.optimisers()["encoder"], spread)
        shrink = (self.scale - 1).pow(2).sum() + 1e-3 * self.scale.pow(2).sum()
        minimise(self.optimisers()["scale"], shrink)
        with torch.no_grad():
            self.target.mul_(self.config.momentum).add_((1 - self.config.momentum) * code.mean(dim=0))
        return floats({"loss": spread + shrink, "spread": spread})


def config(**changes):
    base = {
        "env": "gridworld",
        "env_options": TINY,
        "learner": TwoStep.name,
        "steps": 6,
        "checkpoint_every": 2,
        "log_every": 1,
    }
    return TrainConfig(**{**base, **changes})


def state(run):
    return {k: v.clone() for k, v in Run.load(run.directory).learner.state_dict().items()}


def test_a_learner_defined_here_trains_checkpoints_resumes_and_is_checked(tmp_path):
    straight = train(config(), tmp_path / "straight", progress=False)
    assert straight.config.params == {"latent": 4, "architecture": "conv", "batch_size": 8, "lr": 1e-2, "momentum": 0.9}
    assert not torch.equal(straight.learner.target, torch.zeros(4))

    def ctrl_c(step, learner, env):
        if step == 3:
            signal.raise_signal(signal.SIGINT)
        return False

    with pytest.raises(KeyboardInterrupt):
        train(config(), tmp_path / "resumed", progress=False, callbacks=[ctrl_c])
    resumed = train(config(), tmp_path / "resumed", resume=True, progress=False)
    assert resumed.step == 6
    expected = state(straight)
    assert all(torch.equal(expected[k], v) for k, v in state(resumed).items())  # the EMA buffer included
    report = check(Run.load(resumed.directory).encoder, GRID)
    assert set(report.sbd.subspaces) == {"x", "y", "colour"}  # judged like any encoder


def test_a_checkpoint_of_an_earlier_version_resumes_exactly(tmp_path):
    """Checkpoints written before the learner's random generator was named ``rng`` keep it under
    "generator"; they resume to the same weights as an uninterrupted run."""
    straight = train(config(), tmp_path / "straight", progress=False)
    train(config(steps=4), tmp_path / "old", progress=False)
    training = tmp_path / "old" / "checkpoint" / "training.pt"
    saved = torch.load(training, weights_only=True)
    saved["generator"] = saved.pop("rng")
    torch.save(saved, training)
    resumed = train(config(), tmp_path / "old", resume=True, progress=False)
    expected = state(straight)
    assert all(torch.equal(expected[k], v) for k, v in state(resumed).items())


def test_the_trainer_knows_no_learner():
    source = (Path(__file__).parents[1] / "symgroup" / "learn" / "trainer.py").read_text()
    for word in [*LEARNERS, "discriminator", "path_length", "labelled", "moves", "VAE", "encoder", "decoder"]:
        assert word not in source, word


def test_a_learner_without_a_decoder_says_what_it_cannot_draw(tmp_path):
    from symgroup.present.run_page import html_report
    from symgroup.present.traverse import traversal_grid

    run = train(config(steps=2), tmp_path / "run", progress=False)
    with pytest.raises(InvalidOptionError, match="has no decoder"):
        traversal_grid(run)
    assert "has no decoder: its code cannot be drawn" in html_report([run])


def test_bad_hyperparameters_of_a_learner_are_typed_errors(tmp_path):
    with pytest.raises(
        InvalidOptionError, match=r"two_step_test_learner's parameter momentum must be a finite number ≥ 0"
    ):
        train(config(params={"momentum": -1}), tmp_path / "run", progress=False)
    with pytest.raises(InvalidOptionError, match="has no parameter beta; its parameters are"):
        train(config(params={"beta": 1}), tmp_path / "run", progress=False)
    with pytest.raises(InvalidOptionError, match="already registered"):
        register(type("Other", (TwoStep,), {"name": TwoStep.name}))


# --- samplers --------------------------------------------------------------------------------------
def test_views_differ_by_an_element_of_the_named_subgroups_only():
    drawn = Views(GRID, 64, ("x", "colour")).draw(np.random.default_rng(0), 64)
    s, t, chosen = drawn["states"], drawn["views"], drawn["elements"]
    assert (s[:, 1] == t[:, 1]).all()  # y is never moved
    for row in range(64):
        g = GRID.group.from_factors(x=int(chosen[row, 0]), colour=int(chosen[row, 1]))
        assert (GRID.act(g, s[row : row + 1])[0] == t[row]).all()  # t = h·s, h in X × Colour
    assert len({tuple(c) for c in chosen.tolist()}) > 4  # h varies over the subgroup
    batch = Views(GRID, 5, ("colour",)).sample(np.random.default_rng(1))
    assert batch["x"].shape == batch["y"].shape == (5, 3, 16, 16)
    with pytest.raises(InvalidOptionError, match="views differ by subgroups"):
        Views(GRID, 4, ("hue",))


def test_balanced_batches_take_every_domain_value_equally_often():
    drawn = Balanced(GRID, 10, "colour").draw(np.random.default_rng(0), 10)
    assert np.bincount(drawn["domain"], minlength=2).tolist() == [5, 5]
    assert (drawn["domain"] == drawn["states"][:, 2]).all()
    assert len({tuple(s) for s in drawn["states"][:, :2].tolist()}) > 3  # the other components vary
    with pytest.raises(InvalidOptionError, match="not a subgroup"):
        Balanced(GRID, 4, "style")


def test_paths_images_and_transitions_are_one_way_to_walk_a_world():
    paths = Paths(GRID, 6, 3, GRID.moves)
    drawn = paths.draw(np.random.default_rng(2), 6)
    for t in range(3):
        assert (GRID.act_moves(drawn["moves"][:, t], drawn["states"][:, t]) == drawn["states"][:, t + 1]).all()
    assert paths.images_per_batch == 24
    walks = GRID.random_walks(6, 3, rng=2)
    assert (walks.states == drawn["states"]).all() and (walks.move_ids == drawn["moves"]).all()
    batch = paths.sample(np.random.default_rng(2))
    assert torch.equal(
        batch["frames"], torch.from_numpy(GRID.render(drawn["states"].reshape(-1, 3))).reshape(6, 4, 3, 16, 16)
    )
    images = Images(GRID, 4).sample(np.random.default_rng(0))
    assert torch.equal(images["x"], torch.from_numpy(GRID.render(images["states"].numpy())))
    pool = Paths(GRID, 50, 2, GRID.moves, labelled=3, seed=7).draw(np.random.default_rng(0), 50)
    assert len({(*p[0], *m) for p, m in zip(pool["states"].tolist(), pool["moves"].tolist(), strict=True)}) <= 3


# --- plugins ---------------------------------------------------------------------------------------
PLUGIN = '''
import numpy as np
from dataclasses import dataclass
import envs
from symgroup import Cyclic
from symgroup.learn.vaes import BetaVAE


class Dial(envs.SymmetryEnv):
    """One lit pixel of 8 going round."""

    def __init__(self):
        super().__init__({"turn": Cyclic(8)}, (1, 1, 8))

    def draw(self, states):
        return np.eye(8, dtype=np.float32)[states[:, 0]][:, None, None, :]


class TinyBeta(BetaVAE):
    name = "tiny_beta"
'''


@pytest.mark.slow
def test_worlds_and_learners_of_another_package_register_by_entry_point(tmp_path):
    (tmp_path / "dial_plugin.py").write_text(textwrap.dedent(PLUGIN))
    info = tmp_path / "dial_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: dial-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[symgroup.worlds]\ndial = dial_plugin:Dial\n\n[symgroup.learners]\ntiny_beta = dial_plugin:TinyBeta\n"
    )
    command = [sys.executable, "-m", "symgroup.cli", *shlex.split("train --env dial --learner tiny_beta --steps 2")]
    command += ["--out", str(tmp_path / "run"), *shlex.split("--set latent=2 --set batch_size=4")]
    result = subprocess.run(
        command, capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path), "PATH": ""}, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "tiny_beta on dial" in result.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "symgroup.cli", "envs"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
        timeout=300,
    )
    assert "dial" in listing.stdout


# --- the kit and the capabilities -----------------------------------------------------------------
CAPABLE = {  # learner → the capabilities it declares (Generative, Acting, Projected)
    "vae": {"Generative"},
    "beta_vae": {"Generative"},
    "factor_vae": {"Generative"},
    "forward_vae": {"Generative", "Acting"},
    "lsbd_vae": {"Generative", "Acting"},
    "quessard": {"Generative", "Acting"},
    "simclr": {"Projected"},
    "byol": {"Projected"},
    "dcodr": set(),
    "adda": set(),
    "ufdn": {"Acting"},
    "stargan": {"Acting"},
    "discogan": {"Acting"},
    "infogan": {"Generative"},
}


@pytest.mark.parametrize("name", sorted(CAPABLE))
def test_learners_declare_their_capabilities_as_protocols(name):
    from symgroup.learn import Acting, Generative, Projected
    from symgroup.learn.registry import build_learner

    world = envs.make("styled_gridworld", n=4, hues=2, styles=2, image_size=24)
    _, learner = build_learner(TrainConfig(env="styled_gridworld", learner=name), world)
    declared = {p.__name__ for p in (Generative, Acting, Projected) if isinstance(learner, p)}
    assert declared == CAPABLE[name]
    if isinstance(learner, Acting):
        assert set(learner.acts_by) <= set(world.factor_names)


def test_a_beta_vae_variant_is_one_short_file_that_needs_only_the_kit(tmp_path):
    import ast
    import importlib.util

    from symgroup.learn import Generative
    from symgroup.present.traverse import traversal_grid

    path = Path(__file__).parents[1] / "examples" / "custom_vae.py"
    source = path.read_text()
    assert len(source.splitlines()) <= 60
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    ours = {name for name in imported if name.split(".")[0] in ("symgroup", "envs")}
    assert ours == {"envs", "symgroup.learn"}
    spec = importlib.util.spec_from_file_location("custom_vae", path)
    module = importlib.util.module_from_spec(spec)
    if "free_bits_vae" not in LEARNERS:
        spec.loader.exec_module(module)
    run = train(
        config(learner="free_bits_vae", steps=3, params={"architecture": "mlp"}), tmp_path / "r", progress=False
    )
    assert isinstance(run.learner, Generative) and traversal_grid(run).ndim == 3  # its decoder turns traversals on
    result = subprocess.run(
        [sys.executable, str(path), str(tmp_path / "script"), "5"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "free_bits_vae: 5 steps" in result.stdout
