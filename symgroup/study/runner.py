"""``run_study``: every cell of a study trained and judged into its own directory, resumably.

    OUT/study.json              the study last run here
    OUT/runs/<key>/             one run per cell (:mod:`symgroup.study.cell_run`), named by its hash
    OUT/results.jsonl, .csv     the table of every finished run (:mod:`symgroup.study.results`)

Running a study again skips its finished runs and resumes the others. One bar shows the study; each
run that ends prints a line with its verdicts. Ctrl-C stops the running runs at their next step
(checkpointed) and writes the table of what finished.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

import envs
from symgroup.errors import InvalidOptionError, RunsFailedError, SymgroupError
from symgroup.learn.registry import with_defaults
from symgroup.learn.run import held_elsewhere
from symgroup.numbers import is_integer
from symgroup.paths import check_writable
from symgroup.study.cell_run import HELD, finished, read_results
from symgroup.study.executors import EXECUTORS
from symgroup.study.results import gather, write_tables
from symgroup.study.spec import Cell, Study

if TYPE_CHECKING:
    from symgroup.learn.config import TrainConfig

WAIT_S = 2.0  # how often a run another process holds is looked at again


def run_study(
    study: Study,
    out: str | Path,
    executor: str = "process",
    workers: int | None = None,
    address: str | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Run ``study`` into ``out`` with the ``executor`` (``serial``, ``process`` or ``ray``; see
    :mod:`symgroup.study.executors`); the results of its cells, in cell order. Every cell's
    configuration is validated before anything runs. A run that fails is reported and left to be
    retried by the next invocation; :class:`~symgroup.errors.RunsFailedError` then names the failed runs. Invocations
    on one folder share the work: a run another process holds (its lock) is reported, waited for and
    its results taken, never trained twice."""
    if executor not in EXECUTORS:
        raise InvalidOptionError(f"unknown executor {executor!r}; choose from {sorted(EXECUTORS)}", executor)
    if workers is not None and (not is_integer(workers) or workers < 1):
        raise InvalidOptionError(f"workers must be a positive integer, got {workers!r}", workers)
    out = Path(out)
    check_writable(out, "folder", "the study folder")
    cells = study.cells()
    configs = validate(cells)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    (out / "study.json").write_text(json.dumps(study.to_dict(), indent=1))
    jobs = [(cell, out / "runs" / cell.key) for cell in cells]
    todo = [job for job, config in zip(jobs, configs, strict=True) if not finished(*job, config)]
    failed: dict[str, str] = {}
    held: list[tuple[Cell, Path]] = []
    with tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc="study", unit="run", disable=not progress) as bar:
        try:
            done = _reporter(bar, failed, held, progress)
            EXECUTORS[executor](todo, done, workers, address)
            while held:  # runs another `symgroup study run` holds: wait for each, then take its results
                time.sleep(WAIT_S)
                free = [job for job in held if not held_elsewhere(job[1])]
                held[:] = [job for job in held if job not in free]
                EXECUTORS[executor](free, done, workers, address)  # a finished run is only read back
        finally:
            write_tables(gather(out), out)
    if failed:
        raise RunsFailedError(
            f"{len(failed)} of {len(jobs)} runs failed (run the study again to retry them): "
            + "; ".join(f"{key}: {why}" for key, why in failed.items()),
            failed,
        )
    return [read_results(directory) for _, directory in jobs]


def validate(cells: list[Cell]) -> list[TrainConfig]:
    """Each cell's configuration with its learner's defaults for its world filled in (what its run
    saves); :class:`~symgroup.errors.InvalidOptionError` naming the first cell whose world or learner
    parameters are invalid."""
    worlds: dict[str, envs.SymmetryEnv] = {}
    configs = []
    for cell in cells:
        config = cell.config
        try:
            world = json.dumps([config.env, config.env_options], sort_keys=True)
            env = worlds[world] = worlds.get(world) or envs.make(config.env, **config.env_options)
            configs.append(with_defaults(config, env))
        except SymgroupError as error:
            raise InvalidOptionError(
                f"the study's cell {cell.key} ({config.learner} on {config.env}, seed "
                f"{config.seed}) is invalid: {error}",
                cell.key,
            ) from error
    return configs


def _reporter(
    bar: tqdm, failed: dict[str, str], held: list[tuple[Cell, Path]], progress: bool
) -> Callable[[Cell, Path, str | None], None]:
    """What the executors call as each run ends: a line per run, the bar, and the runs that failed
    or that another process holds (``held``: waited for)."""

    def done(cell: Cell, directory: Path, error: str | None) -> None:
        name = f"{cell.key} {cell.config.learner} seed {cell.config.seed}"
        if error == HELD:
            held.append((cell, directory))
            if progress:
                tqdm.write(f"{name}: held by another worker (another `symgroup study run` on this folder); waiting")
            return
        if error is None:
            r = read_results(directory)
            passed = "" if r["passed_at"] is None else f", passed at step {r['passed_at']}"
            line = f"{name}: SBD {_verdict(r['sbd'])}, LSBD {_verdict(r['lsbd'])}{passed}, {r['train_s']:.0f} s"
        else:
            failed[cell.key] = error
            line = f"{name}: FAILED {error}"
        if progress:
            tqdm.write(line)
        bar.update(1)
        bar.set_postfix(failed=len(failed))

    return done


def _verdict(passed: bool) -> str:
    return "pass" if passed else "fail"
