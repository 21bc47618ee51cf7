"""The ``symgroup`` command line: one module per group of commands, one way to name a world
(:mod:`symgroup.cli.arguments`).

Every command exits 0 on success, 1 when a check finds a violation, 2 on bad input (with the
error's type and message, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import symgroup
from symgroup.cli import checks, studies, training, worlds
from symgroup.cli.worlds import builtin_groups
from symgroup.errors import SymgroupError

__all__ = ["builtin_groups", "main", "parser"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="symgroup", description="A group-theoretic symmetry sandbox for disentangled representation learning."
    )
    top.add_argument("--version", action="version", version=f"symgroup {symgroup.__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for group in (worlds, checks, training, studies):
        group.add(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command: exit status 0 on success, 1 when a check finds a violation, 2 on bad input."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # argparse has printed the usage and what is wrong (status 2), or the help (0)
        return int(stop.code or 0)
    if not hasattr(args, "run"):
        parser().print_help()
        return 2
    try:
        return args.run(args)
    except SymgroupError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped reading (`symgroup check … | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush raises nothing
        return 128 + 13  # the shell's status for a process ended by SIGPIPE
