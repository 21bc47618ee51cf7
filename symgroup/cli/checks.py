"""``symgroup check`` and ``check-action``: is a representation disentangled, does a learned action act?"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import envs
from symgroup.capabilities import Projected
from symgroup.cli.arguments import add_world, world_options
from symgroup.errors import EncoderError, InvalidOptionError
from symgroup.paths import check_writable

if TYPE_CHECKING:
    from symgroup.check.claims import Verdict


def load_codes(path: Path) -> np.ndarray:
    """Codes for env.states() from a .npy file, or a .npz file with an array "codes" (or just one array)."""
    if not path.exists():
        raise InvalidOptionError(
            f"{path} does not exist (TARGET is a run directory or a .npy/.npz file of codes)", path
        )
    if path.suffix not in (".npy", ".npz") or not path.is_file():
        raise InvalidOptionError(f"TARGET must be a run directory or a .npy/.npz file of codes, got {path}", path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                keys = loaded.files
                if "codes" not in keys and len(keys) != 1:
                    raise InvalidOptionError(f"{path} holds {keys}; name the codes array 'codes'", path)
                return loaded["codes" if "codes" in keys else keys[0]]
        return loaded
    except (OSError, ValueError, EOFError) as error:  # numpy's own text may advise unsafe loading: not shown
        raise EncoderError(
            f"cannot read codes from {path}: it is not a numeric .npy/.npz array (or is empty)", path
        ) from error


def merges(values: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["position=x,y"]`` → ``{"position": ("x", "y")}``."""
    out = {}
    for value in values:
        name, sep, members = value.partition("=")
        if not sep or not name or not members:
            raise InvalidOptionError(f"--merge takes NAME=FACTOR,FACTOR..., got {value!r}", value)
        out[name] = tuple(m.strip() for m in members.split(","))
    return out


def claims_text(learner: str, verdicts: list[Verdict]) -> str:
    if not verdicts:
        return f"\nclaims: {learner} declares none the checker can measure"
    held = sum(v.passed for v in verdicts)
    return "\n".join([f"\nclaims of {learner}: {held} of {len(verdicts)} hold", *map(str, verdicts)])


def check(args: argparse.Namespace) -> int:
    from symgroup.check import check
    from symgroup.check.claims import judge
    from symgroup.learn.run import Run
    from symgroup.present.plots import save_plots

    for output, kind in ((args.json, "file"), (args.plots, "folder")):
        if output is not None:
            check_writable(output, kind)
    invariant, run = tuple(args.invariant), None
    if Path(args.target).is_dir():
        if args.env is not None or args.set:
            raise InvalidOptionError(
                f"{args.target} is a run directory: it brings its own world, so --env and --set do not apply",
                args.target,
            )
        run = Run.load(args.target)
        encoder, env = run.encoder, run.env
        invariant = invariant or run.learner.invariant  # what the learner's code should ignore
        if args.projection:
            if not isinstance(run.learner, Projected):
                raise InvalidOptionError(
                    f"{run.config.learner} has no projection head: check its code without --projection", args.target
                )
            encoder = run.learner.projection
    else:
        if args.claims:
            raise InvalidOptionError(
                f"--claims judges a trained run's learner: {args.target} is a table of codes, not a run directory",
                args.target,
            )
        options = world_options(args.set, args.command)
        encoder, env = load_codes(Path(args.target)), envs.make(args.env or "gridworld", **options)
    if args.discover:
        return discover(args, encoder, env)
    wanted = args.metrics
    report = check(
        encoder,
        env,
        invariant=invariant,
        validate=not args.skip_validation,
        decomposition=merges(args.merge),
        metrics=False if wanted is None else (tuple(wanted) or True),
        representation="sample" if args.sampled else "mean",
    )
    print(report)
    verdicts = judge(run.learner, run.env) if args.claims else None
    if verdicts is not None:
        print(claims_text(run.config.learner, verdicts))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        claims = {} if verdicts is None else {"claims": [v.to_dict() for v in verdicts]}
        Path(args.json).write_text(json.dumps({"target": args.target, **report.to_dict(), **claims}, indent=2))
    if args.plots:
        for path in save_plots(report, args.plots):
            print(f"wrote {path}")
    if verdicts is not None:
        return 0 if all(v.passed for v in verdicts) else 1
    return 0 if report.passed and (report.linear_passed or not args.linear) else 1


def discover(args: argparse.Namespace, encoder: object, env: envs.SymmetryEnv) -> int:
    """``check --discover``: the decomposition the code disentangles; exit 0 where one is found."""
    from symgroup.check import find_decomposition

    if args.merge or args.invariant or args.claims or args.metrics is not None or args.plots or args.sampled:
        raise InvalidOptionError(
            "--discover finds the parts and the ignored subgroups itself: it takes none of --merge, --invariant, "
            "--claims, --metrics, --plots, --sampled",
            "--discover",
        )
    found = find_decomposition(encoder, env, validate=not args.skip_validation)
    print(found)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"target": args.target, "discovered": found.to_dict()}, indent=2))
    return 0 if found.found and (found.linear_passed or not args.linear) else 1


def check_action(args: argparse.Namespace) -> int:
    from symgroup.check import check_action
    from symgroup.learn.run import Run

    if not Path(args.run_dir).is_dir():
        raise InvalidOptionError(f"run directory {args.run_dir} does not exist", args.run_dir)
    report = check_action(Run.load(args.run_dir), subgroups=args.subgroup or None)
    print(report)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"target": args.run_dir, **report.to_dict()}, indent=2))
    return 0 if report.passed else 1


def add(commands: argparse._SubParsersAction) -> None:
    judged = commands.add_parser("check", help="is a representation disentangled? exit 0 yes, 1 no, 2 on error")
    judged.add_argument("target", help="a run directory, or a .npy/.npz file of codes in env.states() order")
    add_world(judged, default=None, when=", for a table of codes; a run brings its own")
    judged.add_argument("--json", help="write the report as JSON to this file")
    judged.add_argument("--plots", help="write the PNG figures into this folder")
    judged.add_argument(
        "--metrics",
        nargs="*",
        metavar="NAME",
        help="also compute classic metrics: the names given (mig, dci, sap, ...), or all",
    )
    judged.add_argument("--linear", action="store_true", help="exit 0 only when linearly disentangled (LSBD) too")
    judged.add_argument(
        "--invariant",
        action="append",
        default=[],
        metavar="PART",
        help="a subgroup (or merged part) the code must ignore; repeat for several (default for a "
        "run: those its learner ignores, e.g. a contrastive learner's augmentations)",
    )
    judged.add_argument(
        "--projection",
        action="store_true",
        help="check a contrastive run's projection head z instead of its backbone code h",
    )
    judged.add_argument(
        "--merge",
        action="append",
        default=[],
        metavar="NAME=FACTOR,FACTOR",
        help="judge these factors as one part (e.g. position=x,y); repeat for several",
    )
    judged.add_argument("--skip-validation", action="store_true", help="check even a world whose action laws fail")
    judged.add_argument(
        "--sampled", action="store_true", help="judge one seeded sample of a VAE's posterior per state, not its mean"
    )
    judged.add_argument(
        "--discover",
        action="store_true",
        help="find the finest partition of the subgroups (and those the code ignores) under which the code "
        "is SBD; exit 0 when one is found (and, with --linear, it is LSBD)",
    )
    judged.add_argument(
        "--claims",
        action="store_true",
        help="also judge what the run's learner claims (its paper's: a translator's action, a "
        "classifier's accuracy, an invariance, ...); exit 0 when every claim holds",
    )
    judged.set_defaults(run=check)
    acted = commands.add_parser("check-action", help="does a run's learned action map images as the group does?")
    acted.add_argument(
        "run_dir", metavar="RUN", help="a run whose learner has a latent action (forward_vae, lsbd_vae, ...)"
    )
    acted.add_argument(
        "--subgroup",
        action="append",
        default=[],
        help="a subgroup to judge (default: those the learner acts by, e.g. a translator's domain; else all); repeat",
    )
    acted.add_argument("--json", help="write the report as JSON to this file")
    acted.set_defaults(run=check_action)
