"""No lost runs and no silent wrong state: the run directory's lock, the last good checkpoint, crashes
before the first checkpoint, resuming with another configuration, the log after a crash, worlds that
are no group action, numbers that would be truncated."""

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import torch

import envs
from symgroup import Cyclic, Dihedral, PermutationGroup, Symmetric
from symgroup.errors import (
    CheckpointError,
    InvalidElementError,
    InvalidOptionError,
    NonFiniteLossError,
    RunLockedError,
)
from symgroup.learn.config import TrainConfig
from symgroup.learn.run import Run, locked
from symgroup.learn.trainer import train
from symgroup.learn.vaes import BetaVAE


def tiny(params=None, **changes):
    base = {
        "env": "gridworld",
        "env_options": {"n": 4, "hues": 2, "image_size": 16},
        "learner": "beta_vae",
        "steps": 6,
        "checkpoint_every": 2,
        "log_every": 1,
        "params": {"latent": 6, "batch_size": 16, "lr": 1e-3, **(params or {})},
    }
    return TrainConfig(**{**base, **changes})


REAL_STEP = BetaVAE.training_step


def crash_at(monkeypatch, at):
    def step(learner, batch, index):
        if index == at:
            raise RuntimeError("the machine went down")
        return REAL_STEP(learner, batch, index)

    monkeypatch.setattr(BetaVAE, "training_step", step)


def logged_steps(run_dir):
    return [json.loads(line)["step"] for line in (run_dir / "log.jsonl").read_text().splitlines()]


def test_a_second_trainer_on_one_directory_is_refused_naming_the_holder(tmp_path):
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locked(tmp_path / "run"):
            held.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    with pytest.raises(RunLockedError, match=f"pid {os.getpid()}"):  # another thread of this process
        train(tiny(), tmp_path / "run", progress=False)
    release.set()
    holder.join()
    assert not (tmp_path / "run" / "config.json").exists()  # nothing of the refused run was written
    assert train(tiny(), tmp_path / "run", progress=False).step == 6  # released with the holder
    with locked(tmp_path / "run"):  # the holding thread may train into it (a study's run holds its lock)
        assert train(tiny(steps=8), tmp_path / "run", resume=True, progress=False).step == 8


def test_a_holder_killed_with_sigkill_releases_the_lock(tmp_path):
    script = (
        "import sys, time, pathlib\nfrom symgroup.learn.run import locked\n"
        "with locked(pathlib.Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "run")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(RunLockedError, match=f"pid {holder.pid}"):
        train(tiny(), tmp_path / "run", progress=False)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert train(tiny(), tmp_path / "run", progress=False).step == 6


def poison_after(monkeypatch, at, value):
    """The update of step index ``at`` leaves a weight at ``value`` (its own loss was finite)."""

    def step(learner, batch, index):
        values = REAL_STEP(learner, batch, index)
        if index == at:
            with torch.no_grad():
                next(learner.parameters()).fill_(value)
        return values

    monkeypatch.setattr(BetaVAE, "training_step", step)


def test_the_kept_checkpoint_is_the_last_whose_loss_was_finite(tmp_path, monkeypatch):
    """The update of step 4 turns the weights to NaN; the checkpoint taken after it must not be kept,
    the one of step 2 is, and the message says so."""
    poison_after(monkeypatch, 3, float("nan"))
    with pytest.raises(NonFiniteLossError, match="last checkpoint kept is from step 2"):
        train(tiny(), tmp_path / "run", progress=False)
    run = Run.load(tmp_path / "run")
    assert run.step == 2 and all(torch.isfinite(p).all() for p in run.learner.parameters())


def test_a_non_finite_final_update_is_not_saved(tmp_path, monkeypatch):
    poison_after(monkeypatch, 5, float("inf"))
    with pytest.raises(NonFiniteLossError, match=r"step 6: the weights .* not finite .* step 4"):
        train(tiny(), tmp_path / "run", progress=False)
    assert Run.load(tmp_path / "run").step == 4


def test_a_non_finite_first_loss_says_there_is_no_checkpoint_and_leaves_a_reusable_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(
        BetaVAE, "training_step", lambda learner, batch, i: REAL_STEP(learner, {"x": batch["x"] * np.nan}, i)
    )
    with pytest.raises(NonFiniteLossError, match="no checkpoint was written yet"):
        train(tiny(), tmp_path / "run", progress=False)
    assert not (tmp_path / "run" / "config.json").exists()
    monkeypatch.setattr(BetaVAE, "training_step", REAL_STEP)
    assert train(tiny(), tmp_path / "run", progress=False).step == 6


@pytest.mark.parametrize("resume", [False, True])
def test_a_crash_before_the_first_checkpoint_leaves_a_directory_that_runs_again(tmp_path, monkeypatch, resume):
    crash_at(monkeypatch, 1)
    with pytest.raises(RuntimeError, match="went down"):
        train(tiny(), tmp_path / "run", progress=False)
    assert (tmp_path / "run" / "config.json").exists() and not (tmp_path / "run" / "checkpoint").exists()
    monkeypatch.setattr(BetaVAE, "training_step", REAL_STEP)
    run = train(tiny(), tmp_path / "run", resume=resume, progress=False)
    assert run.step == 6 and logged_steps(run.directory) == [1, 2, 3, 4, 5, 6]
    straight = train(tiny(), tmp_path / "straight", progress=False)
    resumed, fresh = run.learner.state_dict(), straight.learner.state_dict()
    assert all(torch.equal(resumed[k], fresh[k]) for k in fresh)


def test_resuming_with_another_configuration_names_the_fields(tmp_path):
    train(tiny(), tmp_path / "run", progress=False)
    with pytest.raises(CheckpointError, match=r"params.lr: 0.001 in the run, 0.01 now.*seed: 0 in the run, 3 now"):
        train(tiny({"lr": 1e-2}, seed=3, steps=8), tmp_path / "run", resume=True, progress=False)
    with pytest.raises(CheckpointError, match=r"params.beta"):
        train(tiny({"beta": 8.0}, steps=8), tmp_path / "run", resume=True, progress=False)
    with pytest.raises(CheckpointError, match="is at step 6, beyond steps=3"):
        train(tiny(steps=3), tmp_path / "run", resume=True, progress=False)
    saved = json.loads((tmp_path / "run" / "config.json").read_text())["config"]
    assert saved["steps"] == 6 and saved["params"]["lr"] == 1e-3  # refused resumes change nothing
    assert train(tiny(steps=8), tmp_path / "run", resume=True, progress=False).step == 8


def test_the_steps_redone_after_a_crash_are_logged_once(tmp_path, monkeypatch):
    crash_at(monkeypatch, 5)  # steps 1–5 logged; the checkpoint of step 4 is on disk
    with pytest.raises(RuntimeError):
        train(tiny(), tmp_path / "run", progress=False)
    assert logged_steps(tmp_path / "run") == [1, 2, 3, 4, 5] and Run.load(tmp_path / "run").step == 4
    with (tmp_path / "run" / "log.jsonl").open("a") as log:
        log.write('{"step": 6, "lo')  # a line cut short by kill -9
    monkeypatch.setattr(BetaVAE, "training_step", REAL_STEP)
    train(tiny(), tmp_path / "run", resume=True, progress=False)
    assert logged_steps(tmp_path / "run") == [1, 2, 3, 4, 5, 6]


@pytest.mark.slow
def test_two_cli_trainers_on_one_directory(tmp_path):
    """The second `symgroup train` on a directory in use exits 2 naming the first; the first, stopped
    with Ctrl-C, keeps its checkpoint."""
    settings = "--set env.n=4 --set env.hues=2 --set env.image_size=16 --set architecture=mlp --set latent=4"
    command = [sys.executable, "-m", "symgroup.cli", "train", "--env", "gridworld", "--steps", "100000"]
    command += ["--out", str(tmp_path / "run"), *settings.split()]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (tmp_path / "run" / "config.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    second = subprocess.run(command, capture_output=True, text=True)
    assert second.returncode == 2 and "RunLockedError" in second.stderr and f"pid {first.pid}" in second.stderr
    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=60) == 130 and Run.load(tmp_path / "run").step > 0


def test_check_and_train_refuse_a_world_that_is_no_group_action(tmp_path):
    from symgroup.check import check
    from symgroup.cli import main
    from symgroup.errors import NotAnActionError

    env = envs.make("walled_gridworld")
    with pytest.raises(NotAnActionError, match="not a group action") as caught:
        check(np.zeros((env.n_states, 2)), env)
    assert caught.value.counterexample is not None
    report = check(np.random.default_rng(0).normal(size=(env.n_states, 6)), env, validate=False)
    assert not report.passed  # told to skip it: judged, not refused
    with pytest.raises(NotAnActionError):
        train(tiny(env="walled_gridworld", env_options={}), tmp_path / "run", progress=False)
    assert not (tmp_path / "run" / "config.json").exists()
    assert main(["train", "--env", "walled_gridworld", "--steps", "1", "--out", str(tmp_path / "cli")]) == 2
    args = [
        "train",
        "--env",
        "walled_gridworld",
        "--steps",
        "1",
        "--out",
        str(tmp_path / "cli"),
        "--skip-validation",
        "--set",
        "architecture=mlp",
        "--set",
        "latent=4",
    ]
    assert main(args) == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: Cyclic(8).element(1) ** 2.5,
        lambda: Cyclic(8).element(1) ** True,
        lambda: Cyclic(8).rotation(0.5),
        lambda: Cyclic(8).irrep(True),
        lambda: Cyclic(8).element(True),
        lambda: Dihedral(4).irrep(0.5),
        lambda: PermutationGroup([[1.5, 0, 2]]),
        lambda: Symmetric(3).element((True, False, 2)),
    ],
)
def test_numbers_are_refused_not_truncated(make):
    with pytest.raises(InvalidElementError, match=r"integer|not an element"):
        make()


@pytest.mark.parametrize("steps", [True, 2.5, 0, -1])
def test_a_step_count_must_be_a_positive_integer(steps):
    with pytest.raises(InvalidOptionError, match="steps must be an integer ≥ 1"):
        tiny(steps=steps)


def _custom(draw):
    from envs import CustomEnv

    return CustomEnv({"a": Cyclic(4)}, draw, (1, 1, 4))


def _lit(states, value=1.0):
    out = np.zeros((len(states), 1, 1, 4), np.float32)
    out[np.arange(len(states)), 0, 0, states[:, 0]] = value
    return out


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.nan, r"non-finite values for 4 of 4 states, e.g. state \[0\]"),
        (1.5, r"\[0, 1\]; state \[0\] .* 1.5"),
        (-0.5, r"\[0, 1\]; state \[0\] has values in \[-0.5"),
    ],
)
def test_render_keeps_its_contract(value, match):
    from symgroup.errors import RenderError

    with pytest.raises(RenderError, match=match):
        _custom(lambda s: _lit(s, value)).render([[0]])


def test_a_users_draw_or_encoder_that_raises_keeps_its_exception():
    from symgroup.check import check
    from symgroup.errors import EncoderError, RenderError

    def broken(states):
        raise ZeroDivisionError("the user's bug")

    with pytest.raises(RenderError, match="ZeroDivisionError: the user's bug") as caught:
        _custom(broken).render([[1]])
    assert isinstance(caught.value.__cause__, ZeroDivisionError)

    def encoder(images):
        raise KeyError("weights")

    with pytest.raises(EncoderError, match=r"KeyError.*batch of 4 states") as caught:
        check(encoder, _custom(_lit))
    assert isinstance(caught.value.__cause__, KeyError)


def test_a_failed_checkpoint_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    """The disk filling up while a checkpoint is written (torch.save failing as on a full disk): the run stops
    with a CheckpointError that says what happened and which checkpoint is intact, and resumes from it."""
    real_save, calls = torch.save, []

    def full_after_the_first(obj, path):
        calls.append(path)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_save(obj, path)

    monkeypatch.setattr(torch, "save", full_after_the_first)
    with pytest.raises(CheckpointError, match=r"step 4 .*No space left on device.*intact \(step 2\)"):
        train(tiny(), tmp_path / "run", progress=False)
    monkeypatch.setattr(torch, "save", real_save)
    assert Run.load(tmp_path / "run").step == 2 and not (tmp_path / "run" / "checkpoint.partial").exists()
    assert train(tiny(), tmp_path / "run", resume=True, progress=False).step == 6


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small filesystem needs root")
def test_a_full_filesystem_while_checkpointing_keeps_the_previous_checkpoint(tmp_path):
    """The same on a real full disk: a tmpfs with room for one checkpoint and not for the next beside it."""
    train(tiny(steps=2), tmp_path / "probe", progress=False)
    size = sum(p.stat().st_size for p in (tmp_path / "probe").rglob("*") if p.is_file())
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={int(size * 1.5)}", "tmpfs", str(small)]).returncode:
        pytest.skip("this machine does not let a test mount a filesystem")
    try:
        with pytest.raises(
            CheckpointError, match=r"step 4 .* bytes free on its disk\); the previous checkpoint is intact \(step 2\)"
        ):
            train(tiny(), small / "run", progress=False)
        assert Run.load(small / "run").step == 2
    finally:
        subprocess.run(["umount", "--lazy", str(small)], check=True)  # once the last handle closes
