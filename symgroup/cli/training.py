"""``symgroup train``, ``traverse``, ``demo`` and ``report``: runs of learners, and what they show."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from envs.montage import save_png
from symgroup.cli.arguments import add_world, at_least, settings, world_options
from symgroup.errors import InvalidOptionError
from symgroup.paths import check_writable

if TYPE_CHECKING:
    from symgroup.learn.config import TrainConfig


def train(args: argparse.Namespace) -> int:
    from symgroup.learn.callbacks import until_pass
    from symgroup.learn.trainer import train

    if args.resume and not Path(args.out).is_dir():
        raise InvalidOptionError(
            f"nothing to resume: {args.out} is not a run directory (leave out --resume to start one)", args.out
        )
    config = configured(args)
    try:
        callbacks = [until_pass(args.check_every)] if args.until_pass else []
        run = train(config, args.out, resume=args.resume, validate=not args.skip_validation, callbacks=callbacks)
    except KeyboardInterrupt:
        print(f"interrupted: the checkpoint in {args.out} is saved; continue with --resume", file=sys.stderr)
        return 130
    if args.until_pass and run.step < run.config.steps:
        print(f"passed the check at step {run.step} ({run.images:,} images seen)")
    print(f"trained {run}; check it with: symgroup check {args.out}")
    return 0


#: What ``symgroup train`` runs when neither an option nor the run resumed says otherwise.
TRAIN_DEFAULTS = {"env": "gridworld", "learner": "beta_vae", "steps": 2000, "seed": 0}


def configured(args: argparse.Namespace) -> TrainConfig:
    """The run's configuration: the options given, on the run's own configuration with ``--resume``
    (so ``--resume --steps N`` continues it to step N) or else on :data:`TRAIN_DEFAULTS`."""
    from symgroup.learn.config import TrainConfig
    from symgroup.learn.run import read_config

    base = read_config(Path(args.out)) if args.resume else TrainConfig(**TRAIN_DEFAULTS)
    given = {key: value for key in TRAIN_DEFAULTS if (value := getattr(args, key)) is not None}
    return dataclasses.replace(base, **given).with_settings(settings(args.set))


def traverse(args: argparse.Namespace) -> int:
    from symgroup.learn.run import Run
    from symgroup.present.traverse import describe, traversal_grid

    run = Run.load(args.run_dir)
    path = save_png(traversal_grid(run), args.out)
    print(f"wrote {path}: {describe(run)}")
    return 0


def demo(args: argparse.Namespace) -> int:
    from symgroup.demo import demo

    try:
        demo(args.out, args.env, world_options(args.set, args.command), args.steps, args.seed)
    except KeyboardInterrupt:
        print(f"interrupted: the checkpoints in {args.out} are saved; run the demo again to continue", file=sys.stderr)
        return 130
    return 0


def report(args: argparse.Namespace) -> int:
    from symgroup.learn.run import Run
    from symgroup.present.run_page import write_report

    check_writable(args.out, "file", "the page")  # before the runs are loaded
    runs = [Run.load(directory) for directory in args.run_dirs]
    print(f"wrote {write_report(runs, args.out)}")
    return 0


def list_learners(_: argparse.Namespace) -> int:
    from symgroup.learn.registry import LEARNERS, family

    listed = ((name, family(cls), f"{cls.__module__}.{cls.__qualname__}") for name, cls in LEARNERS.items())
    rows = [("learner", "family", "class"), *listed]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for name, kind, where in rows:
        print(f"{name:<{widths[0]}}  {kind:<{widths[1]}}  {where}")
    return 0


def add(commands: argparse._SubParsersAction) -> None:
    from symgroup.learn.registry import LEARNERS

    listed = commands.add_parser("learners", help="list the learners that train can run, with their families")
    listed.set_defaults(run=list_learners)

    trained = commands.add_parser("train", help="train a representation learner into a run directory")
    own = ", or the run's own with --resume"
    add_world(
        trained,
        default=None,
        when=own,
        more=", a learner parameter (latent=6, lr=1e-3, batch_size=128, beta=8) or a TrainConfig field "
        "(checkpoint_every=100)",
    )
    learner, steps, seed = (TRAIN_DEFAULTS[key] for key in ("learner", "steps", "seed"))
    trained.add_argument("--learner", choices=sorted(LEARNERS), help=f"the learner (default {learner}{own})")
    trained.add_argument("--steps", type=at_least(1), help=f"optimisation steps (default {steps}{own})")
    trained.add_argument("--seed", type=at_least(0), help=f"(default {seed}{own})")
    trained.add_argument("--out", required=True, help="the run directory")
    trained.add_argument(
        "--resume",
        action="store_true",
        help="continue the run's checkpoint in its own configuration (--steps aside, an option given must match it)",
    )
    trained.add_argument("--until-pass", action="store_true", help="stop at the first check that passes SBD and LSBD")
    trained.add_argument("--check-every", type=at_least(1), default=25, help="steps between those checks (default 25)")
    trained.add_argument("--skip-validation", action="store_true", help="train even on a world whose action laws fail")
    trained.set_defaults(run=train)
    drawn = commands.add_parser("traverse", help="draw latent traversals of a run as a PNG")
    drawn.add_argument("run_dir", metavar="RUN", help="the run directory")
    drawn.add_argument("--out", required=True, help="the PNG file to write")
    drawn.set_defaults(run=traverse)
    shown = commands.add_parser("demo", help="train β-VAE and LSBD-VAE, check both, compare them, write a report")
    add_world(shown)
    shown.add_argument("--steps", type=at_least(1), default=600, help="optimisation steps per learner (default 600)")
    shown.add_argument("--seed", type=at_least(0), default=0)
    shown.add_argument("--out", default="runs/demo", help="where the runs and report.html go (default runs/demo)")
    shown.set_defaults(run=demo)
    page = commands.add_parser("report", help="write one self-contained HTML page about trained runs")
    page.add_argument("run_dirs", nargs="+", metavar="RUN", help="run directories")
    page.add_argument("--out", required=True, help="the HTML file to write")
    page.set_defaults(run=report)
