"""Run directories: the configuration, the training log and an atomic checkpoint, loaded safely.

- ``RUN/config.json``: the TrainConfig and the symgroup version that wrote it;
- ``RUN/log.jsonl``: one JSON line per logged step: every loss term, images/s;
- ``RUN/checkpoint/``: model.safetensors (weights), training.pt (optimiser and RNG states, tensors
  only) and state.json (step, numpy RNG state, training seconds);
- ``RUN/.lock``: held (an OS file lock) by the process training into RUN, with its pid.

A checkpoint is written into ``checkpoint.partial/`` and then swapped in by renames, so a crash
leaves the previous one intact. Loading reads safetensors and ``torch.load(weights_only=True)``:
nothing is unpickled.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import socket
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

import envs
import symgroup
from symgroup.errors import CheckpointError, InvalidOptionError, RunLockedError
from symgroup.learn.config import TrainConfig
from symgroup.learn.learner import Learner
from symgroup.learn.registry import build_learner

CHECKPOINT, PARTIAL, OLD = "checkpoint", "checkpoint.partial", "checkpoint.old"


@dataclass
class Checkpoint:
    step: int
    weights: dict[str, torch.Tensor]
    training: dict[str, Any]  # optimiser state dicts and the torch generator state
    numpy_state: dict[str, Any]
    train_s: float | None = None  # wall seconds of training steps up to ``step``, over every resume


def save_checkpoint(directory: Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` beside the current one, then swap them: a write that fails (a full disk)
    leaves the current checkpoint as it was and is :class:`~symgroup.errors.CheckpointError` saying so."""
    partial, current, old = directory / PARTIAL, directory / CHECKPOINT, directory / OLD
    shutil.rmtree(partial, ignore_errors=True)
    state = {
        "step": checkpoint.step,
        "numpy_state": checkpoint.numpy_state,
        "train_s": checkpoint.train_s,
        "version": symgroup.__version__,
    }
    try:
        partial.mkdir(parents=True)
        weights = {k: v.detach().cpu().contiguous() for k, v in checkpoint.weights.items()}
        save_file(weights, partial / "model.safetensors")
        torch.save(checkpoint.training, partial / "training.pt")
        (partial / "state.json").write_text(json.dumps(state))
    except (OSError, RuntimeError, SafetensorError) as error:
        shutil.rmtree(partial, ignore_errors=True)
        kept = f"step {load_checkpoint(directory).step}" if has_checkpoint(directory) else "none yet"
        why = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        free = shutil.disk_usage(directory).free
        raise CheckpointError(
            f"could not write the checkpoint of step {checkpoint.step} into {directory} ({why}; {free:,} bytes "
            f"free on its disk); the previous checkpoint is intact ({kept})",
            directory,
        ) from error
    if current.exists():
        shutil.rmtree(old, ignore_errors=True)
        current.rename(old)
    partial.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def load_checkpoint(directory: Path) -> Checkpoint:
    """The run's checkpoint (or the previous one, if a crash interrupted the swap)."""
    folder = next((directory / n for n in (CHECKPOINT, OLD) if (directory / n).is_dir()), None)
    if folder is None:
        raise CheckpointError(f"{directory} has no checkpoint", directory)
    try:
        weights = load_file(folder / "model.safetensors")
        with warnings.catch_warnings():  # a foreign pickle's protocol warning is not the user's concern
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            training = torch.load(folder / "training.pt", weights_only=True, map_location="cpu")
        state = json.loads((folder / "state.json").read_text())
        return Checkpoint(int(state["step"]), weights, training, state["numpy_state"], state.get("train_s"))
    except (
        OSError,
        EOFError,
        SafetensorError,
        RuntimeError,
        ValueError,
        KeyError,
        TypeError,
        pickle.UnpicklingError,
    ) as error:
        # the weights-only unpickler refuses anything but tensors and plain containers; torch's advice to
        # load it unsafely is not passed on
        why = "it holds more than tensors" if isinstance(error, pickle.UnpicklingError) else type(error).__name__
        raise CheckpointError(f"the checkpoint in {folder} is corrupt or not symgroup's ({why})", folder) from error


def restore(
    directory: Path,
    learner: Learner,
    optimisers: dict[str, torch.optim.Optimizer] | None = None,
    rng: np.random.Generator | None = None,
) -> Checkpoint:
    """Load the checkpoint of ``directory`` into ``learner`` — and, to resume training, into its
    ``optimisers``, its torch generator and the sampler's ``rng``: :class:`~symgroup.errors.CheckpointError` for
    anything that does not fit (a missing, unexpected or mis-shaped tensor, an optimiser's state
    missing or of another shape, a random state that is not one)."""
    checkpoint = load_checkpoint(directory)
    try:
        learner.load_state_dict(checkpoint.weights)
        if optimisers is not None and rng is not None:
            for name, optimiser in optimisers.items():
                optimiser.load_state_dict(checkpoint.training[f"optimiser.{name}"])
            learner.rng.set_state(
                checkpoint.training["rng" if "rng" in checkpoint.training else "generator"]
            )  # the old key
            rng.bit_generator.state = checkpoint.numpy_state
    except (RuntimeError, KeyError, ValueError, TypeError) as error:
        why = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        raise CheckpointError(f"the checkpoint in {directory} does not fit its run ({why})", directory) from error
    return checkpoint


class Run:
    """A trained (or training) run, rebuilt from its directory: its config, world and learner."""

    def __init__(
        self,
        directory: Path,
        config: TrainConfig,
        env: envs.SymmetryEnv,
        learner: Learner,
        step: int,
        train_s: float | None,
    ) -> None:
        self.directory, self.config, self.env, self.learner = directory, config, env, learner
        self.step, self.train_s = step, train_s  # train_s: None for a checkpoint written before it was kept

    @classmethod
    def load(cls, path: str | Path) -> Run:
        directory = Path(path)
        config = read_config(directory)
        env = envs.make(config.env, **config.env_options)
        try:
            config, learner = build_learner(config, env)
        except InvalidOptionError as error:
            raise CheckpointError(
                f"{directory} holds a configuration this version cannot build: {error}", directory
            ) from error
        checkpoint = restore(directory, learner)
        learner.eval()
        return cls(directory, config, env, learner, checkpoint.step, checkpoint.train_s)

    @property
    def encoder(self) -> Learner:
        """The learner as an encoder (its ``encode``): what the checker judges."""
        return self.learner

    @property
    def images(self) -> int:
        """The images the learner has drawn: its steps × its sampler's frames a step."""
        return self.step * self.learner.sampler(self.env, self.config.seed).images_per_batch

    def log(self) -> list[dict[str, Any]]:
        path = self.directory / "log.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def __repr__(self) -> str:
        return f"Run({self.directory}, {self.config.learner} on {self.config.env}, step {self.step})"


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive OS lock on ``directory`` for as long as a run trains into it; the OS
    releases it when the process ends, however it ends. A second process gets :class:`~symgroup.errors.RunLockedError`
    naming the holder, and so does another thread; within the holding thread the lock is re-entrant
    (a study holds its run's lock while it trains and checks it)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = (directory.resolve(), threading.get_ident())
    if key in _HELD:
        yield
        return
    with (directory / ".lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunLockedError(
                f"{directory} is being trained into by {holder}; wait for it or use another --out", directory
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def held_elsewhere(directory: Path) -> bool:
    """Whether another process holds ``directory``'s lock (:func:`locked`) now."""
    try:
        with locked(directory):
            return False
    except RunLockedError:
        return True


_HELD: set[tuple[Path, int]] = set()  # (run directory, thread) of the locks this process holds


def has_checkpoint(directory: Path) -> bool:
    return any((directory / n).is_dir() for n in (CHECKPOINT, OLD))


def read_config(directory: Path) -> TrainConfig:
    path = directory / "config.json"
    if not directory.exists():
        raise CheckpointError(f"the run directory {directory} does not exist", directory)
    if not path.is_file():
        raise CheckpointError(f"{directory} is not a run directory: no config.json", directory)
    try:
        data = json.loads(path.read_text())
        return TrainConfig.of(data["config"])
    except (ValueError, KeyError, TypeError, InvalidOptionError) as error:
        raise CheckpointError(f"{path} is not a symgroup run configuration: {error}", path) from error


def write_config(directory: Path, config: TrainConfig) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    payload = {"config": config.to_dict(), "version": symgroup.__version__}
    partial = directory / "config.json.partial"
    partial.write_text(json.dumps(payload, indent=2))
    partial.replace(directory / "config.json")
