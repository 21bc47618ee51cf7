"""Where a study's runs execute: one after another, in local processes, or as Ray tasks.

Every executor takes the jobs (a cell and its run directory) and calls ``done(cell, directory,
error)`` as each ends — ``error`` None when it finished, else why it failed. What a run produced is
in its directory (:mod:`symgroup.study.cell_run`), never in the executor, so a job that fails or a
worker that dies loses only its own run, which the next invocation resumes from its checkpoint.
Workers get each cell's world and learner classes with it: those registered at run time are known
there too.

- ``serial``: in this process, with torch's threads.
- ``process`` (the default): a fresh process per run, ``workers`` at a time (default: as many as
  cores), one thread each, forked from a server that has imported torch and symgroup once. Ctrl-C
  reaches the workers, whose trainers checkpoint and stop; so does the study process's end, however
  it ends (a worker whose study is gone stops within a second). A world or learner class must be
  importable by name (defined at the top level of a module or script).
- ``ray``: a Ray core task per run (one CPU, no retries), on the cluster at ``address`` or on a local
  one of ``workers`` CPUs; an already initialised Ray is used as it is. Classes defined in a
  notebook or a function travel by value. On a cluster the study folder must be on storage every
  node shares. Ctrl-C cancels the tasks; each resumes from its last checkpoint.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from pathlib import Path

from symgroup.errors import InvalidOptionError
from symgroup.study.cell_run import ERROR, HELD, Classes, attempt, classes
from symgroup.study.spec import Cell

Job = tuple[Cell, Path]
INTERRUPTED = 130  # a worker's exit status after Ctrl-C (its trainer checkpointed)
HELD_STATUS = 75  # a worker's exit status when another process holds its run (EX_TEMPFAIL)
WATCH_S = 1.0  # how often a worker looks whether its study process is still there
Done = Callable[[Cell, Path, "str | None"], None]


def serial(jobs: Sequence[Job], done: Done, workers: int | None = None, address: str | None = None) -> None:
    for cell, directory in jobs:
        done(cell, directory, attempt(cell.to_dict(), str(directory)))


def processes(jobs: Sequence[Job], done: Done, workers: int | None = None, address: str | None = None) -> None:
    for world, learner in {classes(cell) for cell, _ in jobs}:
        if world is not None:
            _check_importable(world, "world")
        _check_importable(learner, "learner")
    context, waiting, running = _context(), list(jobs), {}
    workers = workers or os.cpu_count() or 1
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                cell, directory = waiting.pop(0)
                process = context.Process(
                    target=_process_main,
                    args=(cell.to_dict(), str(directory), classes(cell), os.getpid()),
                    daemon=True,
                )
                process.start()
                running[process.sentinel] = (process, cell, directory)
            for sentinel in wait(list(running)):
                process, cell, directory = running.pop(sentinel)
                process.join()
                if process.exitcode == INTERRUPTED:  # Ctrl-C reached the worker first: the study stops
                    raise KeyboardInterrupt
                done(cell, directory, _outcome(directory, process.exitcode))
    except KeyboardInterrupt:
        for process, _, _ in running.values():  # the terminal's Ctrl-C reached them already; a signal may not have
            if process.is_alive():
                os.kill(process.pid, signal.SIGINT)
        for process, _, _ in running.values():
            process.join()
        raise


def _context() -> multiprocessing.context.BaseContext:
    """Forkserver where the platform has it (a worker starts in a fraction of a second, and never
    inherits a parent's torch threads), else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # torch._dynamo: what torch.optim imports at its first optimiser, 2 s
    context.set_forkserver_preload(
        ["torch", "torch._dynamo", "symgroup.learn.trainer", "symgroup.check.classic", "symgroup.study.cell_run"]
    )
    return context


def _check_importable(cls: type, kind: str) -> None:
    """:class:`~symgroup.errors.InvalidOptionError` when a worker process could not import the ``kind`` (world or
    learner) class ``cls`` by name, as pickle sends it: one defined in a function, a notebook or a
    file run by runpy."""
    interactive = not hasattr(sys.modules["__main__"], "__file__")
    try:
        importable = bool(pickle.dumps(cls)) and not (interactive and cls.__module__ == "__main__")
    except (pickle.PicklingError, AttributeError, TypeError):
        importable = False
    if not importable:
        raise InvalidOptionError(
            f"the {kind} {cls.__qualname__} is not importable by name (defined in a "
            "function, a notebook or a file run by runpy), so a worker process cannot load "
            "it: define it at the top level of a module, or use the serial or ray executor",
            cls.__qualname__,
        )


def _process_main(cell: dict, directory: str, registered: Classes, study: int) -> None:
    _stop_when_gone(study)
    try:
        outcome = attempt(cell, directory, registered, threads=1)
        sys.exit(0 if outcome is None else HELD_STATUS if outcome == HELD else 1)
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED)


def _stop_when_gone(study: int) -> None:
    """Interrupt this worker (as Ctrl-C: its trainer checkpoints and stops) once the study process
    ``study`` is gone — killed, say — so that no orphan trains on, holding its run's lock. Gone: no
    such process, or this worker's parent (the study, or its fork server, which ends with it) changed."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(WATCH_S)
            try:
                os.kill(study, 0)
            except ProcessLookupError:
                break
            if os.getppid() != parent:
                break
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()


def _outcome(directory: Path, exitcode: int) -> str | None:
    """What a worker's exit status says: None (finished), :data:`HELD`, or why it failed."""
    if exitcode in (0, HELD_STATUS):
        return None if exitcode == 0 else HELD
    if (directory / ERROR).exists() and exitcode == 1:
        import json

        return json.loads((directory / ERROR).read_text())["error"]
    return f"its worker died (exit code {exitcode})"


def ray_tasks(jobs: Sequence[Job], done: Done, workers: int | None = None, address: str | None = None) -> None:
    try:
        import ray
    except ImportError as error:
        raise InvalidOptionError("the ray executor needs Ray: pip install 'symgroup[ray]'", "ray") from error
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address,
            num_cpus=None if address else workers or os.cpu_count(),
            include_dashboard=False,
            logging_level="ERROR",
            log_to_driver=False,
        )
    task = ray.remote(num_cpus=1, max_retries=0)(attempt)
    pending = {
        task.remote(cell.to_dict(), str(directory.resolve()), classes(cell), 1): (cell, directory)
        for cell, directory in jobs
    }
    try:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                cell, directory = pending.pop(ref)
                try:
                    error = ray.get(ref)
                except ray.exceptions.RayError as lost:  # the worker died, or the task was cancelled
                    error = f"its Ray task was lost: {type(lost).__name__}"
                done(cell, directory, error)
    except KeyboardInterrupt:
        for ref in pending:
            ray.cancel(ref)
        raise
    finally:
        if started:
            ray.shutdown()


EXECUTORS: dict[str, Callable[..., None]] = {"serial": serial, "process": processes, "ray": ray_tasks}
