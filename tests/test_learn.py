"""The learner: loss formulas against independent numpy references, determinism, exact resume,
checkpoint safety, non-finite losses, and the command line."""

import dataclasses
import json
import math
import pickle
import shlex
import signal

import numpy as np
import pytest
import scipy.special
import torch

import envs
from symgroup.cli import main
from symgroup.errors import CheckpointError, InvalidOptionError, NonFiniteLossError
from symgroup.learn.architectures import ShortcutEncoder, build
from symgroup.learn.config import TrainConfig
from symgroup.learn.registry import LEARNERS, build_learner
from symgroup.learn.run import Run, read_config
from symgroup.learn.symmetry import SymmetryLearner
from symgroup.learn.trainer import train
from symgroup.learn.vaes import VAE

TINY = {"n": 4, "hues": 2, "image_size": 16}  # 32 states, 3×16×16 images


def tiny(learner="beta_vae", params=None, **changes):
    base = {
        "env": "gridworld",
        "env_options": TINY,
        "learner": learner,
        "steps": 6,
        "checkpoint_every": 3,
        "log_every": 1,
        "params": {"latent": 6, "batch_size": 16, "lr": 1e-3, **(params or {})},
    }
    return TrainConfig(**{**base, **changes})


def complete(config):
    return build_learner(config, envs.make(config.env, **config.env_options))[0]


# --- independent numpy references of the objectives --------------------------------------------
def bce(logits, x):
    return np.sum(np.maximum(logits, 0) - logits * x + np.log1p(np.exp(-np.abs(logits)))) / len(x)


def kl(mean, logvar):
    return 0.5 * np.sum(mean**2 + np.exp(logvar) - logvar - 1) / len(mean)


def log_density(z, mean, logvar):
    return -0.5 * (np.log(2 * np.pi) + logvar + (z - mean) ** 2 / np.exp(logvar))


def logsumexp(a, axis):
    m = a.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.exp(a - m).sum(axis=axis))


def tc(z, mean, logvar, n_data, estimator):
    b = len(z)
    lq = log_density(z[:, None, :], mean[None], logvar[None])
    if estimator == "mws":
        lw = np.full((b, b), -np.log(n_data * b))
    else:
        m = b - 1
        w = np.full((b, b), 1 / m)
        for i in range(b):
            w[i, i] = 1 / n_data
            if i + 1 < b:
                w[i, i + 1] = (n_data - m) / (n_data * m)
        w[m - 1, 0] = (n_data - m) / (n_data * m)
        lw = np.log(w)
    joint = logsumexp(lq.sum(axis=2) + lw, axis=1)
    marginals = logsumexp(lq + lw[:, :, None], axis=1).sum(axis=1)
    return np.mean(joint - marginals)


def dip(mean, logvar, od, d, second):
    c = np.cov(mean.T, bias=True) + (np.diag(np.exp(logvar).mean(axis=0)) if second else 0)
    return od * (np.sum(c**2) - np.sum(np.diag(c) ** 2)) + d * np.sum((np.diag(c) - 1) ** 2)


def hierarchical_kl(mean, logvar, a, b):
    """Σ_j E_q(α)[KL(N(μ, σ²) ‖ N(0, 1/α))] + KL(Gamma(a', b') ‖ Gamma(a, b)), a' = a + ½, b' = b + (μ² + σ²)/2."""
    m2 = mean**2 + np.exp(logvar)
    a1, b1 = a + 0.5, b + 0.5 * m2
    e_alpha, e_log_alpha = a1 / b1, scipy.special.digamma(a1) - np.log(b1)
    gauss = 0.5 * (e_alpha * m2 - e_log_alpha - logvar - 1)
    gamma = (
        (a1 - a) * scipy.special.digamma(a1)
        - scipy.special.gammaln(a1)
        + scipy.special.gammaln(a)
        + a * (np.log(b1) - np.log(b))
        + a1 * (b - b1) / b1
    )
    return np.sum(gauss + gamma) / len(mean)


def mmd(a, b):
    def k(x, y):
        return np.exp(-((x[:, None] - y[None]) ** 2).sum(axis=2) / x.shape[1]).mean()

    return k(a, a) + k(b, b) - 2 * k(a, b)


STILL_IMAGE_VAES = sorted(
    m for m in LEARNERS if issubclass(LEARNERS[m], VAE) and not issubclass(LEARNERS[m], SymmetryLearner)
)


@pytest.mark.parametrize("name", STILL_IMAGE_VAES)
def test_loss_terms_match_independent_formulas(name):
    torch.manual_seed(0)
    env = envs.make("gridworld", **TINY)
    params = {"anneal_steps": 6} if name == "annealed_vae" else {}
    learner = build_learner(tiny(name, params), env)[1].double()
    learner.rng = torch.Generator().manual_seed(5)
    x = torch.from_numpy(env.render(env.states()[:16])).double()
    terms = learner.loss({"x": x}, step=3)
    with torch.no_grad():
        mean, logvar = (t.numpy() for t in learner.encoder(x))
        noise = torch.randn(mean.shape, generator=torch.Generator().manual_seed(5), dtype=torch.float64).numpy()
        z = mean + np.exp(0.5 * logvar) * noise
        logits = learner.decoder(torch.from_numpy(z)).numpy()
    recon, divergence = bce(logits, x.numpy()), kl(mean, logvar)
    p = learner.config
    expected = {
        "vae": lambda: recon + divergence,
        "beta_vae": lambda: recon + p.beta * divergence,
        "annealed_vae": lambda: recon + p.gamma * abs(divergence - min(p.c_max, p.c_max * 3 / 6)),
        "beta_tcvae": lambda: recon + divergence + (p.beta - 1) * tc(z, mean, logvar, env.n_states, "mws"),
        "dip_vae_i": lambda: recon + divergence + dip(mean, logvar, p.lambda_od, p.lambda_d, False),
        "dip_vae_ii": lambda: recon + divergence + dip(mean, logvar, p.lambda_od, p.lambda_d, True),
        "factor_vae": lambda: recon + divergence + p.gamma * np.mean(np.subtract(*discriminator(z).T)),
        "bayes_factor_vae": lambda: (
            recon + hierarchical_kl(mean, logvar, p.a, p.b) + p.gamma * np.mean(np.subtract(*discriminator(z).T))
        ),
        "info_vae": lambda: recon + (1 - p.alpha) * divergence + (p.alpha + p.lambda_mmd - 1) * terms["mmd"].item(),
    }

    def discriminator(codes):
        with torch.no_grad():
            return learner.discriminator(torch.from_numpy(codes)).numpy()

    assert terms["recon"].item() == pytest.approx(recon, rel=1e-9)
    assert terms["kl"].item() == pytest.approx(divergence, rel=1e-9)
    assert terms["loss"].item() == pytest.approx(expected[name](), rel=1e-9)
    assert all(math.isfinite(v.item()) for v in terms.values())


def test_stratified_total_correlation_and_mmd_match_the_references():
    from symgroup.learn.vaes import hierarchical_kl as torch_hierarchical_kl
    from symgroup.learn.vaes import mmd as torch_mmd
    from symgroup.learn.vaes import total_correlation

    rng = np.random.default_rng(0)
    z, mean, logvar = rng.normal(size=(8, 3)), rng.normal(size=(8, 3)), rng.normal(size=(8, 3)) * 0.3
    t = [torch.from_numpy(a) for a in (z, mean, logvar)]
    assert total_correlation(*t, dataset_size=100, estimator="mss").item() == pytest.approx(
        tc(z, mean, logvar, 100, "mss")
    )
    assert total_correlation(*t, dataset_size=100, estimator="mws").item() == pytest.approx(
        tc(z, mean, logvar, 100, "mws")
    )
    assert torch_mmd(t[0], t[1]).item() == pytest.approx(mmd(z, mean))
    for a, b in ((1.0, 1.0), (0.3, 2.5)):  # the hierarchical prior's KL against scipy's digamma and gammaln
        assert torch_hierarchical_kl(t[1], t[2], a, b).item() == pytest.approx(hierarchical_kl(mean, logvar, a, b))


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_every_method_trains_with_finite_logged_terms(name, tmp_path):
    run = train(tiny(name, steps=3), tmp_path / name, progress=False)
    log = run.log()
    assert [row["step"] for row in log] == [1, 2, 3]
    assert all(math.isfinite(v) for row in log for v in row.values())
    assert Run.load(tmp_path / name).step == 3


def weights(run_dir):
    return {k: v.clone() for k, v in Run.load(run_dir).learner.state_dict().items()}


def test_training_is_deterministic_for_a_seed(tmp_path):
    a, b = train(tiny(), tmp_path / "a", progress=False), train(tiny(), tmp_path / "b", progress=False)
    assert all(torch.equal(a.learner.state_dict()[k], b.learner.state_dict()[k]) for k in a.learner.state_dict())
    c = train(tiny(seed=1), tmp_path / "c", progress=False)
    assert not all(torch.equal(a.learner.state_dict()[k], c.learner.state_dict()[k]) for k in a.learner.state_dict())


def ctrl_c_at(step):
    """A callback that presses Ctrl-C after ``step``."""

    def callback(done, learner, env):
        if done == step:
            signal.raise_signal(signal.SIGINT)
        return False

    return callback


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("beta_vae", {}),
        ("factor_vae", {}),
        ("forward_vae", {}),
        ("lsbd_vae", {}),
        ("quessard", {}),
        ("adda", {"source_steps": 3}),
        ("ufdn", {}),
        ("stargan", {}),
        ("discogan", {"spectral": True}),
        ("infogan", {}),
        ("infogan_cr", {"contrastive_from": 3}),
        ("symmetry_discovery", {"discover_at": 3, "confidence": 0.0}),  # the partition found before the interruption
        ("action_estimation", {"prune_at": 2, "prune_every": 1, "floor": 1.0, "discover_at": 5, "discover_by": 5}),
    ],
)
def test_resume_after_ctrl_c_gives_the_same_weights(name, params, tmp_path):
    """Alternating updates too (a critic's and a generator's; ADDA's phase switch at step 3)."""
    straight = weights(train(tiny(name, params), tmp_path / "straight", progress=False).directory)
    with pytest.raises(KeyboardInterrupt):
        train(tiny(name, params), tmp_path / "resumed", progress=False, callbacks=[ctrl_c_at(4)])
    assert Run.load(tmp_path / "resumed").step == 4  # step 4 finished and was saved, between regular checkpoints
    resumed = weights(train(tiny(name, params), tmp_path / "resumed", resume=True, progress=False).directory)
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)


def test_a_non_finite_loss_stops_and_keeps_the_last_checkpoint(tmp_path, monkeypatch):
    real_step = LEARNERS["beta_vae"].training_step

    def explode(learner, batch, step):
        return real_step(learner, {"x": batch["x"] * (np.nan if step == 4 else 1.0)}, step)

    monkeypatch.setattr(LEARNERS["beta_vae"], "training_step", explode)
    with pytest.raises(NonFiniteLossError, match=r"step 5: the loss terms .* not finite"):
        train(tiny(), tmp_path / "run", progress=False)
    assert Run.load(tmp_path / "run").step == 3


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_corrupt_and_foreign_checkpoints_are_refused(tmp_path):
    run = train(tiny(steps=3), tmp_path / "run", progress=False).directory
    (run / "checkpoint" / "model.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(CheckpointError, match="corrupt"):
        Run.load(run)
    run = train(tiny(steps=3), tmp_path / "run2", progress=False).directory

    class Payload:
        def __reduce__(self):
            return (print, ("this must never run",))

    (run / "checkpoint" / "training.pt").write_bytes(pickle.dumps({"generator": Payload()}))
    with pytest.raises(CheckpointError):
        train(tiny(steps=6), run, resume=True, progress=False)
    with pytest.raises(CheckpointError, match="not a run directory"):
        Run.load(tmp_path)
    foreign = tmp_path / "run3"
    train(tiny(steps=3), foreign, progress=False)
    config = json.loads((foreign / "config.json").read_text())
    config["config"]["params"]["latent"] = 5
    (foreign / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="does not fit its run"):
        Run.load(foreign)
    with pytest.raises(CheckpointError, match="already holds a run"):
        train(tiny(steps=3), tmp_path / "run2", progress=False)


def test_the_linear_shortcut_encoder_starts_as_a_linear_map():
    encoder, decoder = build("conv_linear", (3, 16, 16), latent=3)
    x, y = torch.rand(2, 5, 3, 16, 16, dtype=torch.float32)
    code = lambda images: torch.cat(encoder(images), dim=1)  # noqa: E731
    torch.testing.assert_close(code(x), encoder.shortcut(x) + encoder.head.bias)
    torch.testing.assert_close(code(0.3 * x + 0.7 * y), 0.3 * code(x) + 0.7 * code(y))  # affine at the start
    assert decoder(code(x)[:, :3]).shape == (5, 3, 16, 16)
    with pytest.raises(InvalidOptionError, match="conv_linear architecture needs square images"):
        build("conv_linear", (3, 12, 12), 3)


def test_unset_parameters_take_the_learners_defaults_and_are_saved(tmp_path):
    """A symmetry learner gets a circle per subgroup, paths of ~64 frames, lr 1e-3 and conv_linear;
    a VAE the shared defaults; what is set stays; config.json holds the filled-in parameters, and
    resuming from the same unset config is the same run."""
    unset = TrainConfig(env="gridworld", env_options=TINY, learner="lsbd_vae", steps=2)
    lsbd = train(unset, tmp_path / "lsbd", progress=False)
    p = lsbd.config.params
    assert (p["latent"], p["batch_size"], p["lr"], p["path_length"]) == (6, 2, 1e-3, 7)
    assert p["architecture"] == "conv_linear" and isinstance(lsbd.learner.encoder.base, ShortcutEncoder)
    assert read_config(tmp_path / "lsbd") == lsbd.config
    train(dataclasses.replace(unset, steps=3), tmp_path / "lsbd", resume=True, progress=False)
    vae = complete(TrainConfig(env="gridworld", env_options=TINY)).params
    assert (vae["latent"], vae["batch_size"], vae["lr"], vae["architecture"], vae["beta"]) == (10, 64, 1e-4, "conv", 4)
    small = complete(tiny("quessard", {"latent": 8}, env_options={**TINY, "image_size": 12}))
    assert small.params["architecture"] == "mlp" and small.params["latent"] == 8


def test_bad_settings_are_typed_errors(tmp_path):
    with pytest.raises(InvalidOptionError, match="beta_vae has no parameter gamma"):
        train(tiny(params={"gamma": 1.0}), tmp_path / "a", progress=False)
    bad_settings = [
        ({"beta": -1}, "beta must be a finite number ≥ 0"),
        ({"latent": 2.5}, "latent must be an integer ≥ 1"),
        ({"estimator": "magic"}, "estimator must be one of 'mws', 'mss'"),
        ({"lr": "fast"}, "lr must be a finite number > 0"),
        ({"batch_size": 0}, "batch_size"),
    ]
    for bad, message in bad_settings:
        learner = "beta_tcvae" if "estimator" in bad else "beta_vae"
        with pytest.raises(InvalidOptionError, match=message):
            complete(tiny(learner, bad))
    with pytest.raises(InvalidOptionError, match="steps must be an integer ≥ 1"):
        tiny(steps=0)
    assert tiny().with_settings({"beta": 8, "env.n": 5, "steps": 4}).params["beta"] == 8


def test_train_check_and_traverse_commands(tmp_path, capsys):
    out = tmp_path / "run"
    settings = shlex.split(
        "--set env.n=4 --set env.hues=2 --set env.image_size=16 --set latent=3 --set checkpoint_every=2"
    )
    assert main(["train", "--learner", "beta_vae", "--steps", "4", "--seed", "1", "--out", str(out), *settings]) == 0
    assert json.loads((out / "config.json").read_text())["config"]["seed"] == 1
    assert main(["check", str(out), "--json", str(tmp_path / "report.json")]) in (0, 1)
    assert json.loads((tmp_path / "report.json").read_text())["env"] == "gridworld"
    assert main(["traverse", str(out), "--out", str(tmp_path / "traversals.png")]) == 0
    assert (tmp_path / "traversals.png").stat().st_size > 0
    assert main(["train", "--steps", "4", "--out", str(out), *settings]) == 2  # the run exists: --resume
    assert main(["train", "--steps", "6", "--seed", "1", "--out", str(out), *settings, "--resume"]) == 0
    assert Run.load(out).step == 6
    capsys.readouterr()
    assert main(["train", "--steps", "8", "--out", str(out), "--resume"]) == 0  # in the run's own configuration
    assert Run.load(out).step == 8 and Run.load(out).config.seed == 1
    assert main(["train", "--steps", "10", "--out", str(out), "--resume", "--set", "latent=4"]) == 2
    assert "params.latent: 3 in the run, 4 now" in capsys.readouterr().err
