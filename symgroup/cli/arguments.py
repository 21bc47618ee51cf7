"""What every command parses the same way: numbers, states, settings, and the world it works on.

Every command that needs a world takes it as ``--env NAME`` (a registered world, or one of the user's
own: ``path/to/file.py:ClassName`` or ``package.module:ClassName``) with its options as
``--set env.KEY=VALUE``; ``--set`` values are Python literals, true/false booleans, else text.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Callable, Sequence

import envs
from symgroup.errors import InvalidOptionError

WORLD_HELP = "the world: a registered one (symgroup envs), or path/to/file.py:ClassName or module:ClassName"


def at_least(low: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``low`` (argparse reports anything else, exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def state(text: str) -> list[int]:
    """An argparse type: a state as comma-separated whole numbers, e.g. ``2,5,0``."""
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None


def settings(pairs: Sequence[str]) -> dict[str, object]:
    """``["env.n=6", "lr=1e-3", "spectral=false"]`` → ``{"env.n": 6, "lr": 0.001, "spectral": False}``:
    values as Python literals, true/false (any case) as booleans, else text."""
    out: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise InvalidOptionError(f"--set takes key=value, got {pair!r}", pair)
        if text.lower() in ("true", "false"):
            out[key] = text.lower() == "true"
            continue
        try:
            out[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            out[key] = text
    return out


def add_world(
    command: argparse.ArgumentParser, default: str | None = "gridworld", when: str = "", more: str = ""
) -> None:
    """``--env`` (``default``, and ``when`` it applies) and ``--set`` on ``command``; ``more`` says
    what else its ``--set`` takes."""
    command.add_argument("--env", default=default, help=f"{WORLD_HELP} (default {default or 'gridworld'}{when})")
    command.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help=f"a world option, env.KEY=VALUE{more}"
    )


def world_options(pairs: Sequence[str], command: str) -> dict[str, object]:
    """The world options of ``--set`` pairs that may hold nothing else."""
    out = {}
    for key, value in settings(pairs).items():
        if not key.startswith("env."):
            raise InvalidOptionError(
                f"{command} takes world options only, as --set env.KEY=VALUE (e.g. env.n=4), got {key}", key
            )
        out[key.removeprefix("env.")] = value
    return out


def world(args: argparse.Namespace) -> envs.SymmetryEnv:
    """The world of a command's ``--env`` and ``--set env.KEY=VALUE``."""
    return envs.make(args.env, **world_options(args.set, args.command))
