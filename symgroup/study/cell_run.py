"""One cell of a study, trained and judged into its run directory.

    RUN/config.json, log.jsonl, checkpoint/   the run (:mod:`symgroup.learn.run`)
    RUN/cell.json                             the cell as the study gave it
    RUN/results.json                          its verdicts, written last (atomically): the run is done
    RUN/error.json                            why its last attempt failed (removed once it is done)

A directory with ``results.json`` of the cell's evaluation and configuration, the learner's defaults
as they are now filled in, is finished; one without is resumed from its checkpoint (a run of other
defaults — one changed since it was trained — is refused, naming what changed). A run
trained ``until_pass`` whose checkpoint is at one of its checks is checked before it trains on, so
one interrupted between passing and writing its results is not trained past the step it passed at.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symgroup.allocator import hold_freed_memory
from symgroup.errors import RunLockedError
from symgroup.study.spec import Cell

if TYPE_CHECKING:
    from symgroup.learn.config import TrainConfig

RESULTS, CELL, ERROR = "results.json", "cell.json", "error.json"
HELD = "held by another worker"  # what an attempt on a run another process holds returns
RESULT_KEYS = {"key", "learner", "env", "seed", "config", "evaluation", "step", "train_s", "sbd", "lsbd", "passed_at"}


def run_cell(cell: Cell, directory: Path) -> dict[str, Any]:
    """Train ``cell`` into ``directory`` (resuming it), check it and write its results; those results.
    All of it holds the run's lock: another process (a second ``symgroup study run`` on the same
    folder) gets :class:`~symgroup.errors.RunLockedError` and leaves the run to this one.

    The check applies the learner's declared invariance (as ``symgroup check RUN`` does); ``claims``
    holds the verdicts on its learner's claims when the evaluation asks for them. ``passed_at`` is the
    step the run passed at when trained ``until_pass``, None when it never did; ``images_to_pass``
    the images its learner had drawn by then (that step × its sampler's frames a step), and
    ``time_to_pass_s`` its training seconds over every resume.
    """
    from symgroup.learn.run import locked

    with locked(directory):
        return _trained_and_checked(cell, directory)


def _trained_and_checked(cell: Cell, directory: Path) -> dict[str, Any]:
    import envs
    from symgroup.check import check
    from symgroup.check.claims import judge
    from symgroup.learn.callbacks import until_pass
    from symgroup.learn.registry import with_defaults
    from symgroup.learn.run import Run, has_checkpoint
    from symgroup.learn.trainer import train

    config = with_defaults(cell.config, envs.make(cell.config.env, **cell.config.env_options))
    if finished(cell, directory, config):
        return read_results(directory)
    _write(directory / CELL, cell.to_dict())
    evaluation = cell.evaluation
    rule = until_pass(evaluation.until_pass, evaluation.linear) if evaluation.until_pass else None
    run = Run.load(directory) if has_checkpoint(directory) else None
    at_a_check = rule is not None and run is not None and run.step % rule.check_every == 0
    if (
        run is None
        or _plain(run.config) != _plain(config)  # a run of other defaults: train refuses it, naming what changed
        or not (run.step == cell.config.steps or (at_a_check and rule.passes(run.learner, run.env)))
    ):
        run = train(cell.config, directory, resume=True, progress=False, callbacks=[rule] if rule else [])
    started = time.perf_counter()
    invariant = tuple(run.learner.invariant)
    report = check(
        run.encoder,
        run.env,
        invariant=invariant,
        metrics=evaluation.metrics or False,
        metric_options=evaluation.metric_options,
        validate=False,
    )
    passed = bool(rule) and report.passed and (report.linear_passed or not evaluation.linear)
    claims = [v.to_dict() for v in judge(run.learner, run.env, checked=report)] if evaluation.claims else None
    results = {
        "key": cell.key,
        "learner": run.config.learner,
        "env": run.config.env,
        "seed": run.config.seed,
        "config": run.config.to_dict(),
        "evaluation": cell.to_dict()["evaluation"],
        "step": run.step,
        "train_s": run.train_s,
        "check_s": round(time.perf_counter() - started, 2),
        "invariant": list(invariant),
        "sbd": report.passed,
        "lsbd": report.linear_passed,
        "d_lsbd": report.d_lsbd.value,
        "passed_at": run.step if passed else None,
        "images_to_pass": run.images if passed else None,
        "time_to_pass_s": run.train_s if passed else None,
        "metrics": report.metrics,
        "claims": claims,
    }
    _write(directory / RESULTS, results)
    (directory / ERROR).unlink(missing_ok=True)
    return results


def finished(cell: Cell, directory: Path, config: TrainConfig) -> bool:
    """Whether ``directory`` holds ``cell``'s results: judged by the cell's evaluation, of a run of
    ``config``, the cell's with the learner's defaults as they are now filled in (a cell names only
    the parameters it sets, so a default changed since leaves its key alone), and with every figure
    this version writes (results from before ``images_to_pass`` are checked again)."""
    results = read_results(directory)
    return (
        results is not None
        and "images_to_pass" in results
        and results["evaluation"] == cell.to_dict()["evaluation"]
        and results["config"] == _plain(config)
    )


def _plain(config: TrainConfig) -> dict[str, Any]:
    """``config`` as its JSON reads back (lists for tuples), to compare with a saved one."""
    return json.loads(json.dumps(config.to_dict()))


def read_results(directory: Path) -> dict[str, Any] | None:
    """The run's ``results.json``, or None where it is missing, truncated or not a run's results (the
    run is then checked again, from its checkpoint)."""
    try:
        results = json.loads((directory / RESULTS).read_text())
    except (OSError, ValueError):
        return None
    return results if isinstance(results, dict) and results.keys() >= RESULT_KEYS else None


Classes = tuple["type | None", type]  # a cell's world and learner classes


def classes(cell: Cell) -> Classes:
    """``cell``'s world and learner classes. Executors send them with the cell, so that a world or
    learner registered at run time (by the study's script, in a notebook) is known to a worker too.
    A world named by where it is defined (``file.py:Name``) is loaded by that name in the worker:
    None for it."""
    from envs.registry import environment_class
    from symgroup.learn.registry import LEARNERS

    world = environment_class(cell.config.env)  # loads and checks it here first
    return None if ":" in cell.config.env else world, LEARNERS[cell.config.learner]


def attempt(
    cell: dict[str, Any], directory: str, registered: Classes | None = None, threads: int | None = None
) -> str | None:
    """Run a cell (given as its dict; its world and learner classes registered first where given):
    None when it finished, :data:`HELD` when another process holds it, else the error, also written
    to ``error.json``. Ctrl-C is raised (the
    run's checkpoint is saved). ``threads`` bounds torch's threads and every native pool (OpenBLAS,
    OpenMP): two runs side by side with numpy's default pools train 45 % slower than with one thread each.
    The worker keeps the memory it frees (:func:`~symgroup.allocator.hold_freed_memory`)."""
    hold_freed_memory()
    if threads is not None:
        import torch
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(threads)
        threadpool_limits(threads)
    try:
        parsed = Cell.from_dict(cell)
        if registered is not None:
            _register(parsed, *registered)
        run_cell(parsed, Path(directory))
        return None
    except RunLockedError:
        return HELD
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        _write(Path(directory) / ERROR, {"error": message, "traceback": traceback.format_exc()})
        return message


def _register(cell: Cell, world: type | None, learner: type) -> None:
    """Register ``world`` (where given) and ``learner`` under the cell's names for them (a no-op where
    they are)."""
    import envs
    from symgroup.learn.registry import register

    if world is not None:
        envs.register(cell.config.env)(world)
    register(learner)


def _write(path: Path, data: dict[str, Any]) -> None:
    """``data`` as JSON into ``path``, atomically (a reader never sees half a file)."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data, indent=1))
    os.replace(partial, path)
