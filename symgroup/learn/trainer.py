"""One trainer for every method: deterministic for a seed on the CPU, checkpointed atomically,
resumable exactly, stopped cleanly by Ctrl-C or a non-finite loss.

Ctrl-C takes effect between steps: the current step completes and is checkpointed first.
Data come from the environment: a finite world's images are rendered once and held in memory;
batches (of images, or for the symmetry learners of paths of moves, see :class:`PathSampler`) are
drawn uniformly with a seeded numpy generator, the reparameterisation noise with a seeded torch
generator. Both generators' states are saved with each checkpoint, so a resumed run
ends with the same weights as an uninterrupted one.
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
from symgroup.errors import CheckpointError, InvalidOptionError, NonFiniteLossError
from symgroup.learn.callbacks import Callback
from symgroup.learn.config import TrainConfig
from symgroup.learn.methods import VAE
from symgroup.learn.recipes import complete
from symgroup.learn.run import (
    Checkpoint,
    Run,
    build_model,
    has_checkpoint,
    load_checkpoint,
    locked,
    read_config,
    save_checkpoint,
    write_config,
)
from symgroup.paths import check_writable

#: Training holds every image of the world in memory: at most this many bytes.
TRAINING_IMAGES_BYTES = 4 * 2**30


def train(
    config: TrainConfig,
    out: str | Path,
    resume: bool = False,
    progress: bool = True,
    validate: bool = True,
    callbacks: Sequence[Callback] = (),
) -> Run:
    """Train ``config`` into the run directory ``out`` (continuing its checkpoint with ``resume``).

    The run's ``config.json`` holds ``config`` with the method's defaults filled in, written once the
    first step has gone through. The directory is locked while training (:class:`RunLockedError` for a
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
    if (size := env.n_states * math.prod(env.observation_shape) * 4) > TRAINING_IMAGES_BYTES:
        raise InvalidOptionError(
            f"{env.name} has {env.n_states:,} states whose images take {size / 2**30:,.1f} GiB; training holds them "
            f"in memory, within {TRAINING_IMAGES_BYTES // 2**30} GiB: choose a smaller world or image size",
            env.n_states,
        )
    config = complete(config, env)
    device = torch.device(config.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    torch.manual_seed(config.seed)
    model = build_model(config, env).to(device)  # its parameters are validated before anything is written
    with locked(out):
        return _train(config, env, model, device, out, resume and has_checkpoint(out), progress, callbacks)


def _train(config: TrainConfig, env: envs.SymmetryEnv, model: VAE, device: torch.device, out: Path, resume: bool,
           progress: bool, callbacks: Sequence[Callback]) -> Run:  # fmt: skip
    if resume:
        _check_resumable(read_config(out), config, out)
    elif has_checkpoint(out):
        raise CheckpointError(f"{out} already holds a run: pass resume=True (--resume) or another directory", out)
    optimisers = _optimisers(model, config)
    rng = np.random.default_rng(config.seed)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    step, saved = 0, None
    log_path = out / "log.jsonl"
    if resume:
        checkpoint = load_checkpoint(out)
        if checkpoint.step > config.steps:
            raise CheckpointError(f"{out} is at step {checkpoint.step}, beyond steps={config.steps}", config.steps)
        model.load_state_dict(checkpoint.model)
        for name, optimiser in optimisers.items():
            optimiser.load_state_dict(checkpoint.training[f"optimiser.{name}"])
        generator.set_state(checkpoint.training["generator"])
        rng.bit_generator.state = checkpoint.numpy_state
        step = saved = checkpoint.step
        _truncate_log(log_path, step)
        write_config(out, config)
    else:
        log_path.unlink(missing_ok=True)
    images = torch.from_numpy(env.render(env.states())).to(device)
    paths = PathSampler(env, model, config.seed, device) if model.path_length else None
    model.train()
    bar = tqdm(total=config.steps, initial=step, disable=not progress, desc=f"{config.model} on {config.env}")
    started, done_images, pending = time.perf_counter(), 0, None
    with log_path.open("a") as log, _deferred_interrupt() as interrupted, _flushing_denormals():
        while step < config.steps:
            try:
                if paths is None:
                    rows = torch.from_numpy(rng.integers(0, len(images), size=config.batch_size)).to(device)
                    terms = _step(model, optimisers, images[rows], step, generator)
                else:
                    rows, moves, following = paths.sample(rng, config.batch_size)
                    terms = _step(model, optimisers, images[rows], step, generator, (moves, images[following]))
            except NonFiniteLossError as error:
                raise NonFiniteLossError(f"{error} ({_kept(saved)})", error.counterexample) from None
            if step == 0 and not resume:
                write_config(out, config)  # the run has started cleanly
            if pending is not None:  # its weights just gave a finite loss: it is a good checkpoint
                save_checkpoint(out, pending)
                saved, pending = pending.step, None
            step += 1
            done_images += config.batch_size * (1 + (paths.length if paths else 0))
            if step % config.log_every == 0 or step == config.steps:
                rate = done_images / (time.perf_counter() - started)
                log.write(json.dumps({"step": step, **terms, "images_per_s": round(rate, 1)}) + "\n")
                log.flush()
                bar.set_postfix(loss=f"{terms['loss']:.1f}", images_per_s=f"{rate:.0f}")
            bar.update(1)
            stop = any([callback(step, model, env) for callback in callbacks])
            if step == config.steps or interrupted() or stop:
                save_checkpoint(out, _finite(_snapshot(step, model, optimisers, generator, rng), saved))
                saved = step
            elif step % config.checkpoint_every == 0:
                pending = _snapshot(step, model, optimisers, generator, rng)
            if interrupted():
                bar.close()
                raise KeyboardInterrupt(f"interrupted after step {step}; the checkpoint is saved")
            if stop:
                break
    bar.close()
    model.eval()
    return Run(out, config, env, model.cpu(), step)


def _check_resumable(saved: TrainConfig, config: TrainConfig, out: Path) -> None:
    """:class:`CheckpointError` naming every field but ``steps`` that differs from the saved run's."""
    before, after = _flat(saved.to_dict()), _flat(config.to_dict())
    differ = [k for k in sorted(before.keys() | after.keys()) if k != "steps" and before.get(k) != after.get(k)]
    if differ:
        changes = "; ".join(f"{k}: {before.get(k)!r} in the run, {after.get(k)!r} now" for k in differ)
        raise CheckpointError(f"{out} holds a run of a different configuration ({changes}); resume with the same one",
                              differ)  # fmt: skip


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


def _snapshot(step: int, model: VAE, optimisers: dict[str, torch.optim.Optimizer], generator: torch.Generator,
              rng: np.random.Generator) -> Checkpoint:  # fmt: skip
    """A copy of everything a checkpoint holds, taken now and written later."""
    training = {f"optimiser.{name}": copy.deepcopy(o.state_dict()) for name, o in optimisers.items()}
    training["generator"] = generator.get_state()
    model_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return Checkpoint(step, model_state, training, copy.deepcopy(rng.bit_generator.state))


def _kept(saved: int | None) -> str:
    if saved is None:
        return "no checkpoint was written yet; the directory can be trained into afresh"
    return f"the last checkpoint kept is from step {saved}"


def _finite(checkpoint: Checkpoint, saved: int | None) -> Checkpoint:
    """``checkpoint``, or :class:`NonFiniteLossError` when its weights are not finite."""
    bad = [k for k, v in checkpoint.model.items() if v.is_floating_point() and not torch.isfinite(v).all()]
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


def _optimisers(model: VAE, config: TrainConfig) -> dict[str, torch.optim.Optimizer]:
    discriminator = getattr(model, "discriminator", None)
    main = [p for name, p in model.named_parameters() if not name.startswith("discriminator.")]
    optimisers = {"model": torch.optim.Adam(main, lr=config.lr)}
    if discriminator is not None:
        optimisers["discriminator"] = torch.optim.Adam(discriminator.parameters(), lr=1e-4, betas=(0.5, 0.9))
    return optimisers


class PathSampler:
    """Random paths of ``model.path_length`` of the model's ``moves`` (the world's generators and
    their inverses, or with ``moves="elements"`` any element of one subgroup) through a finite
    world, as state indices.

    Starts and moves are uniform; with ``model.labelled`` = N the paths come from a fixed set of N
    drawn once from the seed (the supervision budget), otherwise fresh ones are drawn every step.
    """

    def __init__(self, env: envs.SymmetryEnv, model: VAE, seed: int, device: torch.device) -> None:
        states = env.states()
        # successors[m, i] = index of moves[m] · states[i]
        self.successors = torch.from_numpy(np.stack([env.index(env.act(g, states)) for g in model.moves])).to(device)
        self.length, self.n_states, self.device = model.path_length, env.n_states, device
        labelled = getattr(model, "labelled", None)
        self.pool = None if labelled is None else self._draw(np.random.default_rng([seed, 1]), labelled)

    def _draw(self, rng: np.random.Generator, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        starts = torch.from_numpy(rng.integers(0, self.n_states, size=n)).to(self.device)
        moves = torch.from_numpy(rng.integers(0, len(self.successors), size=(n, self.length))).to(self.device)
        return starts, moves

    def sample(self, rng: np.random.Generator, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(starts (n,), moves (n, L), indices of the states after each move (n, L))."""
        if self.pool is None:
            starts, moves = self._draw(rng, n)
        else:
            pick = torch.from_numpy(rng.integers(0, len(self.pool[0]), size=n)).to(self.device)
            starts, moves = self.pool[0][pick], self.pool[1][pick]
        visited, current = [], starts
        for step in range(self.length):
            current = self.successors[moves[:, step], current]
            visited.append(current)
        return starts, moves, torch.stack(visited, dim=1)


def _step(model: VAE, optimisers: dict[str, torch.optim.Optimizer], batch: torch.Tensor, step: int,
          generator: torch.Generator, paths: tuple[torch.Tensor, torch.Tensor] | None = None,
          ) -> dict[str, float]:  # fmt: skip
    """One optimisation step; the loss terms as floats. A non-finite loss raises before any update."""
    for optimiser in optimisers.values():
        optimiser.zero_grad(set_to_none=True)
    terms = model.loss(batch, step, generator) if paths is None else model.loss(batch, step, generator, paths)
    values = {k: float(v.detach()) for k, v in terms.items()}
    bad = [k for k, v in values.items() if not math.isfinite(v)]
    if bad:
        raise NonFiniteLossError(
            f"step {step + 1}: the loss terms {bad} are not finite ({values}); training stopped. Try a smaller "
            "learning rate.",
            values,
        )
    terms["loss"].backward()
    if "discriminator" in optimisers:
        optimisers["model"].step()
        optimisers["discriminator"].zero_grad(set_to_none=True)
        terms["discriminator_loss"].backward()
        optimisers["discriminator"].step()
    else:
        optimisers["model"].step()
    return values
