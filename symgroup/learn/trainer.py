"""One trainer for every learner, knowing none: deterministic for a seed on the CPU, checkpointed
atomically, resumable exactly, stopped cleanly by Ctrl-C or a non-finite loss, at the machine's speed
(:func:`~symgroup.allocator.hold_freed_memory`).

The learner (:mod:`symgroup.learn.learner`) says what it trains on (its sampler), with which
optimisers and how a step goes; the trainer seeds, loops, logs, checkpoints and calls back. Batches
are drawn by the learner's sampler with a seeded numpy random generator, the learner's own noise
from the seeded torch random generator it is given (``learner.rng``). Both random states and every
optimiser's are saved with each checkpoint, so a resumed run ends with the same weights as an
uninterrupted one. Ctrl-C takes effect between steps: the current step completes and is
checkpointed first.
"""

from __future__ import annotations

import copy
import json
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

import envs
from envs.validation import check_laws
from symgroup.allocator import hold_freed_memory
from symgroup.errors import CheckpointError, NonFiniteLossError
from symgroup.learn.callbacks import Callback
from symgroup.learn.config import TrainConfig
from symgroup.learn.learner import Learner
from symgroup.learn.registry import build_learner
from symgroup.learn.run import (
    Checkpoint,
    Run,
    has_checkpoint,
    locked,
    read_config,
    restore,
    save_checkpoint,
    write_config,
)
from symgroup.paths import check_writable


def train(
    config: TrainConfig,
    out: str | Path,
    resume: bool = False,
    progress: bool = True,
    validate: bool = True,
    callbacks: Sequence[Callback] = (),
) -> Run:
    """Train ``config`` into the run directory ``out`` (continuing its checkpoint with ``resume``).

    The run's ``config.json`` holds ``config`` with the learner's defaults filled in, written once the
    first step has gone through. The directory is locked while training (:class:`~symgroup.errors.RunLockedError` for a
    second trainer). A directory without a checkpoint (a crash before the first one) starts afresh,
    with or without ``resume``; resuming checks that only ``steps`` differs (and is not below the
    checkpoint's step) and drops the log lines past the checkpoint. A world whose action laws fail is
    refused (:class:`~symgroup.errors.NotAnActionError`) unless ``validate=False``. ``callbacks``
    (:mod:`symgroup.learn.callbacks`) run after every step; one that returns True stops the run there,
    checkpointed (e.g. :func:`~symgroup.learn.callbacks.until_pass`).
    """
    out = Path(out)
    check_writable(out, "folder", "the run directory")
    env = envs.make(config.env, **config.env_options)
    if validate:
        check_laws(env, seed=config.seed)
    device = torch.device(config.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    hold_freed_memory()
    torch.manual_seed(config.seed)
    config, learner = build_learner(config, env)  # its parameters are validated before anything is written
    learner.to(device)
    with locked(out):
        return _train(config, env, learner, device, out, resume and has_checkpoint(out), progress, callbacks)


def _train(
    config: TrainConfig,
    env: envs.SymmetryEnv,
    learner: Learner,
    device: torch.device,
    out: Path,
    resume: bool,
    progress: bool,
    callbacks: Sequence[Callback],
) -> Run:
    if resume:
        _check_resumable(read_config(out), config, out)
    elif has_checkpoint(out):
        raise CheckpointError(f"{out} already holds a run: pass resume=True (--resume) or another directory", out)
    sampler = learner.sampler(env, config.seed)
    optimisers = learner.optimisers()
    rng = np.random.default_rng(config.seed)
    learner.rng = torch.Generator(device=device).manual_seed(config.seed)
    step, saved, train_s = 0, None, 0.0
    log_path = out / "log.jsonl"
    if resume:
        checkpoint = restore(out, learner, optimisers, rng)
        if checkpoint.step > config.steps:
            raise CheckpointError(f"{out} is at step {checkpoint.step}, beyond steps={config.steps}", config.steps)
        step = saved = checkpoint.step
        train_s = checkpoint.train_s or 0.0
        _truncate_log(log_path, step)
        write_config(out, config)
    else:
        log_path.unlink(missing_ok=True)
    learner.train()
    bar = tqdm(total=config.steps, initial=step, disable=not progress, desc=f"{config.learner} on {config.env}")
    started, done_images, pending = time.perf_counter(), 0, None
    with log_path.open("a") as log, _deferred_interrupt() as interrupted, _flushing_denormals():
        while step < config.steps:
            step_started = time.perf_counter()
            batch = {k: v.to(device) for k, v in sampler.sample(rng).items()}
            terms = _finite_terms(learner.training_step(batch, step), step, saved)
            if step == 0 and not resume:
                write_config(out, config)  # the run has started cleanly
            if pending is not None:  # its weights just gave a finite loss: it is a good checkpoint
                save_checkpoint(out, pending)
                saved, pending = pending.step, None
            step += 1
            done_images += sampler.images_per_batch
            if step % config.log_every == 0 or step == config.steps:
                rate = done_images / (time.perf_counter() - started)
                log.write(json.dumps({"step": step, **terms, "images_per_s": round(rate, 1)}) + "\n")
                log.flush()
                bar.set_postfix(loss=f"{terms['loss']:.1f}", images_per_s=f"{rate:.0f}")
            bar.update(1)
            train_s += time.perf_counter() - step_started
            stop = any([callback(step, learner, env) for callback in callbacks])
            if step == config.steps or interrupted() or stop:
                save_checkpoint(out, _finite(_snapshot(step, learner, optimisers, rng, train_s), saved))
                saved = step
            elif step % config.checkpoint_every == 0:
                pending = _snapshot(step, learner, optimisers, rng, train_s)
            if interrupted():
                bar.close()
                raise KeyboardInterrupt(f"interrupted after step {step}; the checkpoint is saved")
            if stop:
                break
    bar.close()
    learner.eval()
    return Run(out, config, env, learner.cpu(), step, train_s)


def _finite_terms(terms: dict[str, float], step: int, saved: int | None) -> dict[str, float]:
    """The step's loss terms, or :class:`~symgroup.errors.NonFiniteLossError` naming those that are not finite (the
    weights they produced are never checkpointed)."""
    bad = [k for k, v in terms.items() if not math.isfinite(v)]
    if bad:
        raise NonFiniteLossError(
            f"step {step + 1}: the loss terms {bad} are not finite ({terms}); training stopped. Try a smaller "
            f"learning rate ({_kept(saved)})",
            terms,
        )
    return terms


def _check_resumable(saved: TrainConfig, config: TrainConfig, out: Path) -> None:
    """:class:`~symgroup.errors.CheckpointError` naming every field but ``steps`` that differs from the saved run's."""
    before, after = _flat(saved.to_dict()), _flat(config.to_dict())
    differ = [k for k in sorted(before.keys() | after.keys()) if k != "steps" and before.get(k) != after.get(k)]
    if differ:
        changes = "; ".join(f"{k}: {before.get(k)!r} in the run, {after.get(k)!r} now" for k in differ)
        raise CheckpointError(
            f"{out} holds a run of a different configuration ({changes}); resume with the same one", differ
        )


def _flat(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _truncate_log(path: Path, step: int) -> None:
    """Keep the log lines up to ``step``: the steps a resumed run redoes are logged once."""
    if path.exists():
        lines = path.read_text().splitlines()
        kept = [line for line in lines if _logged_step(line) is not None and _logged_step(line) <= step]
        path.write_text("".join(line + "\n" for line in kept))


def _logged_step(line: str) -> int | None:
    try:
        return int(json.loads(line)["step"])
    except (ValueError, KeyError, TypeError):
        return None  # a line cut short by a crash


def _snapshot(
    step: int, learner: Learner, optimisers: dict[str, torch.optim.Optimizer], rng: np.random.Generator, train_s: float
) -> Checkpoint:
    """A copy of everything a checkpoint holds, taken now and written later."""
    training = {f"optimiser.{name}": copy.deepcopy(o.state_dict()) for name, o in optimisers.items()}
    training["rng"] = learner.rng.get_state()
    weights = {k: v.detach().clone() for k, v in learner.state_dict().items()}
    return Checkpoint(step, weights, training, copy.deepcopy(rng.bit_generator.state), train_s)


def _kept(saved: int | None) -> str:
    if saved is None:
        return "no checkpoint was written yet; the directory can be trained into afresh"
    return f"the last checkpoint kept is from step {saved}"


def _finite(checkpoint: Checkpoint, saved: int | None) -> Checkpoint:
    """``checkpoint``, or :class:`~symgroup.errors.NonFiniteLossError` when its weights are not finite."""
    bad = [k for k, v in checkpoint.weights.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise NonFiniteLossError(f"step {checkpoint.step}: the weights {bad[:3]} are not finite ({_kept(saved)})", bad)
    return checkpoint


@contextmanager
def _flushing_denormals() -> Iterator[None]:
    """Subnormal floats appear late in training and slow CPU steps several-fold: flush them to zero
    while training (the setting is process-wide, so it is restored after)."""
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


@contextmanager
def _deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Ctrl-C during a step only sets a flag: the step finishes, is checkpointed, then training stops."""
    requested = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: requested.append(signum))
    try:
        yield lambda: bool(requested)
    finally:
        signal.signal(signal.SIGINT, previous)
