"""The ``symgroup`` command line."""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import envs
import symgroup
from envs.montage import orbit_montage, save_png
from symgroup import Cyclic, Dihedral, DirectProduct, Group, PermutationGroup, Symmetric, TableGroup
from symgroup.capabilities import Projected
from symgroup.errors import (
    EncoderError,
    InvalidOptionError,
    NotAnActionError,
    NotInjectiveError,
    RenderError,
    SymgroupError,
)
from symgroup.paths import check_writable

if TYPE_CHECKING:
    from symgroup.check.claims import Verdict


def builtin_groups() -> dict[str, Group]:
    """One example of each built-in group family, by how it is constructed."""
    klein = np.array([[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])
    return {
        "Cyclic(8)": Cyclic(8),
        "Dihedral(4)": Dihedral(4),
        "Symmetric(4)": Symmetric(4),
        "PermutationGroup([(1, 2, 3, 4, 0), (4, 3, 2, 1, 0)])": PermutationGroup(
            [(1, 2, 3, 4, 0), (4, 3, 2, 1, 0)], name="D5<S5"
        ),
        "TableGroup(<Klein four table>)": TableGroup(klein, name="V4"),
        "DirectProduct(x=Cyclic(8), y=Cyclic(8), colour=Cyclic(8))": DirectProduct(
            x=Cyclic(8), y=Cyclic(8), colour=Cyclic(8)
        ),
    }


def _groups(_: argparse.Namespace) -> int:
    rows = [(spelling, str(g.order), ", ".join(map(str, g.generators))) for spelling, g in builtin_groups().items()]
    widths = [max(len(r[i]) for r in [("group", "order", "generators"), *rows]) for i in range(2)]
    for spelling, order, generators in [("group", "order", "generators"), *rows]:
        print(f"{spelling:<{widths[0]}}  {order:>{widths[1]}}  {generators}")
    return 0


def _parse_options(pairs: Sequence[str]) -> dict[str, object]:
    """``["n=6", "image_size=32", "spectral=false"]`` → ``{"n": 6, "image_size": 32, "spectral": False}``:
    values as Python literals, true/false (any case) as booleans, else text."""
    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise InvalidOptionError(f"--set takes key=value, got {pair!r}", pair)
        if text.lower() in ("true", "false"):
            options[key] = text.lower() == "true"
            continue
        try:
            options[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            options[key] = text
    return options


def _at_least(low: int) -> Callable[[str], int]:
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


def _state(text: str) -> list[int]:
    """An argparse type: a state as comma-separated whole numbers, e.g. ``2,5,0``."""
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None


def _make_env(args: argparse.Namespace) -> envs.SymmetryEnv:
    return envs.make(args.env, **_parse_options(args.set))


def _envs(_: argparse.Namespace) -> int:
    print(f"{'env':<18} {'states':>7}  {'observation':<12} group")
    for name in envs.names():
        env = envs.make(name)
        shape = "×".join(map(str, env.observation_shape))
        print(f"{name:<18} {env.n_states:>7}  {shape:<12} {env.group}")
    return 0


def _render(args: argparse.Namespace) -> int:
    env = _make_env(args)
    path = save_png(orbit_montage(env, args.state, args.columns), args.out)
    print(f"wrote {path}: the orbit of each generator of {env.group} from one state")
    return 0


def _validate(args: argparse.Namespace) -> int:
    env = _make_env(args)
    try:
        report = env.validate(max_states=args.max_states, seed=args.seed)
    except (NotAnActionError, RenderError, NotInjectiveError) as error:
        print(f"INVALID {type(error).__name__}: {error}")
        return 1
    print(
        f"valid: {env.name} — action laws on {report['states_checked']} of {report['of_states']} states and "
        f"{report['elements_checked']} of {report['of_elements']} elements, own components, rendering, injectivity"
    )
    return 0


def _load_codes(path: Path) -> np.ndarray:
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


def _check_action(args: argparse.Namespace) -> int:
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


def _images_per_step(run: object) -> int:
    """Images a training step of the run's learner sees (its sampler's batch)."""
    return run.learner.sampler(run.env, run.config.seed).images_per_batch


def _merges(values: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["position=x,y"]`` → ``{"position": ("x", "y")}``."""
    out = {}
    for value in values:
        name, sep, members = value.partition("=")
        if not sep or not name or not members:
            raise InvalidOptionError(f"--merge takes NAME=FACTOR,FACTOR..., got {value!r}", value)
        out[name] = tuple(m.strip() for m in members.split(","))
    return out


def _check(args: argparse.Namespace) -> int:
    from symgroup.check import check
    from symgroup.check.claims import judge
    from symgroup.check.plots import save_plots
    from symgroup.learn.run import Run

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
        encoder, env = _load_codes(Path(args.target)), envs.make(args.env or "gridworld", **_parse_options(args.set))
    wanted = args.metrics
    report = check(
        encoder,
        env,
        invariant=invariant,
        validate=not args.skip_validation,
        decomposition=_merges(args.merge),
        metrics=False if wanted is None else (tuple(wanted) or True),
        representation="sample" if args.sampled else "mean",
    )
    print(report)
    verdicts = judge(run.learner, run.env) if args.claims else None
    if verdicts is not None:
        print(_claims_text(run.config.learner, verdicts))
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


def _claims_text(learner: str, verdicts: list[Verdict]) -> str:
    if not verdicts:
        return f"\nclaims: {learner} declares none the checker can measure"
    held = sum(v.passed for v in verdicts)
    return "\n".join([f"\nclaims of {learner}: {held} of {len(verdicts)} hold", *map(str, verdicts)])


def _train(args: argparse.Namespace) -> int:
    from symgroup.learn.callbacks import until_pass
    from symgroup.learn.config import TrainConfig
    from symgroup.learn.trainer import train

    if args.resume and not Path(args.out).is_dir():
        raise InvalidOptionError(
            f"nothing to resume: {args.out} is not a run directory (leave out --resume to start one)", args.out
        )
    config = TrainConfig(env=args.env, learner=args.learner, steps=args.steps, seed=args.seed)
    config = config.with_settings(_parse_options(args.set))
    try:
        callbacks = [until_pass(args.check_every)] if args.until_pass else []
        run = train(config, args.out, resume=args.resume, validate=not args.skip_validation, callbacks=callbacks)
    except KeyboardInterrupt:
        print(f"interrupted: the checkpoint in {args.out} is saved; continue with --resume", file=sys.stderr)
        return 130
    if args.until_pass and run.step < run.config.steps:
        print(f"passed the check at step {run.step} ({run.step * _images_per_step(run):,} images seen)")
    print(f"trained {run}; check it with: symgroup check {args.out}")
    return 0


def _traverse(args: argparse.Namespace) -> int:
    from symgroup.learn.run import Run
    from symgroup.learn.traverse import describe, traversal_grid

    run = Run.load(args.run_dir)
    path = save_png(traversal_grid(run), args.out)
    print(f"wrote {path}: {describe(run)}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from symgroup.learn.demo import demo

    try:
        demo(args.out, args.env, _parse_options(args.set), args.steps, args.seed)
    except KeyboardInterrupt:
        print(f"interrupted: the checkpoints in {args.out} are saved; run the demo again to continue", file=sys.stderr)
        return 130
    return 0


def _report(args: argparse.Namespace) -> int:
    from symgroup.learn.report_page import write_report
    from symgroup.learn.run import Run

    check_writable(args.out, "file", "the page")  # before the runs are loaded
    runs = [Run.load(directory) for directory in args.run_dirs]
    print(f"wrote {write_report(runs, args.out)}")
    return 0


def _study_run(args: argparse.Namespace) -> int:
    from symgroup.study import Study, run_study

    study = Study.from_file(args.spec)
    out = args.out or Path("runs") / Path(args.spec).stem
    try:
        rows = run_study(study, out, args.executor, args.workers, args.address)
    except KeyboardInterrupt:
        print(f"interrupted: finished runs are in {out}/results.csv; run the study again to continue", file=sys.stderr)
        return 130
    sbd, lsbd = sum(r["sbd"] for r in rows), sum(r["lsbd"] for r in rows)
    print(
        f"{len(rows)} runs in {out}: SBD {sbd}/{len(rows)}, LSBD {lsbd}/{len(rows)}; the table: {out}/results.csv "
        f"or symgroup study table {out}; the page: symgroup study report {out}"
    )
    return 0


def _study_table(args: argparse.Namespace) -> int:
    from symgroup.study.results import finished_rows, markdown

    print(markdown(finished_rows(args.folder)))
    return 0


def _study_report(args: argparse.Namespace) -> int:
    from symgroup.study.report_page import write_study_report

    print(f"wrote {write_study_report(args.folder, args.out)}")
    return 0


def _add_env_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("env", help="a registered environment (see `symgroup envs`)")
    command.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an environment option")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="symgroup",
        description="A group-theoretic symmetry sandbox for disentangled representation learning.",
    )
    top.add_argument("--version", action="version", version=f"symgroup {symgroup.__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("groups", help="list the built-in groups with their orders and generators").set_defaults(
        run=_groups
    )
    commands.add_parser("envs", help="list the built-in environments with their groups").set_defaults(run=_envs)
    render = commands.add_parser("render", help="draw the orbit of each generator from one state as a PNG")
    _add_env_arguments(render)
    render.add_argument("--out", required=True, help="the PNG file to write")
    render.add_argument(
        "--state", type=_state, help="the start state as comma-separated components (default: all zeros)"
    )
    render.add_argument("--columns", type=_at_least(1), default=16, help="orbit steps per generator (default 16)")
    render.set_defaults(run=_render)
    validate = commands.add_parser("validate", help="check an environment's action laws and rendering")
    _add_env_arguments(validate)
    validate.add_argument("--max-states", type=_at_least(1), default=4096, help="sample above this many states")
    validate.add_argument("--seed", type=_at_least(0), default=0)
    validate.set_defaults(run=_validate)
    check = commands.add_parser("check", help="is a representation disentangled? exit 0 yes, 1 no, 2 on error")
    check.add_argument("target", help="a run directory, or a .npy/.npz file of codes in env.states() order")
    check.add_argument("--env", help="the environment a table of codes belongs to (default gridworld)")
    check.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an environment option")
    check.add_argument("--json", help="write the report as JSON to this file")
    check.add_argument("--plots", help="write the PNG figures into this folder")
    check.add_argument(
        "--metrics",
        nargs="*",
        metavar="NAME",
        help="also compute classic metrics: the names given (mig, dci, sap, ...), or all",
    )
    check.add_argument("--linear", action="store_true", help="exit 0 only when linearly disentangled (LSBD) too")
    check.add_argument(
        "--invariant",
        action="append",
        default=[],
        metavar="PART",
        help="a subgroup (or merged part) the code must ignore; repeat for several (default for a "
        "run: those its learner ignores, e.g. a contrastive learner's augmentations)",
    )
    check.add_argument(
        "--projection",
        action="store_true",
        help="check a contrastive run's projection head z instead of its backbone code h",
    )
    check.add_argument(
        "--merge",
        action="append",
        default=[],
        metavar="NAME=FACTOR,FACTOR",
        help="judge these factors as one part (e.g. position=x,y); repeat for several",
    )
    check.add_argument("--skip-validation", action="store_true", help="check even a world whose action laws fail")
    check.add_argument(
        "--sampled", action="store_true", help="judge one seeded sample of a VAE's posterior per state, not its mean"
    )
    check.add_argument(
        "--claims",
        action="store_true",
        help="also judge what the run's learner claims (its paper's: a translator's action, a "
        "classifier's accuracy, an invariance, ...); exit 0 when every claim holds",
    )
    check.set_defaults(run=_check)
    act = commands.add_parser("check-action", help="does a run's learned action map images as the group does?")
    act.add_argument(
        "run_dir", metavar="RUN", help="a run whose learner has a latent action (forward_vae, lsbd_vae, ...)"
    )
    act.add_argument(
        "--subgroup",
        action="append",
        default=[],
        help="a subgroup to judge (default: those the learner acts by, e.g. a translator's domain; else all); repeat",
    )
    act.add_argument("--json", help="write the report as JSON to this file")
    act.set_defaults(run=_check_action)
    from symgroup.learn.registry import LEARNERS, load_plugins

    load_plugins()

    train = commands.add_parser("train", help="train a representation learner into a run directory")
    train.add_argument("--env", default="gridworld", help="the environment (default gridworld)")
    train.add_argument("--learner", default="beta_vae", choices=sorted(LEARNERS), help="the learner (default beta_vae)")
    train.add_argument("--steps", type=_at_least(1), default=2000, help="optimisation steps (default 2000)")
    train.add_argument("--seed", type=_at_least(0), default=0)
    train.add_argument("--out", required=True, help="the run directory")
    train.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a learner parameter (latent=6, lr=1e-3, batch_size=128, beta=8), a TrainConfig field "
        "(checkpoint_every=100) or an environment option (env.n=6)",
    )
    train.add_argument("--resume", action="store_true", help="continue the run's checkpoint")
    train.add_argument("--until-pass", action="store_true", help="stop at the first check that passes SBD and LSBD")
    train.add_argument("--check-every", type=_at_least(1), default=25, help="steps between those checks (default 25)")
    train.add_argument("--skip-validation", action="store_true", help="train even on a world whose action laws fail")
    train.set_defaults(run=_train)
    traverse = commands.add_parser("traverse", help="draw latent traversals of a run as a PNG")
    traverse.add_argument("run_dir", metavar="RUN", help="the run directory")
    traverse.add_argument("--out", required=True, help="the PNG file to write")
    traverse.set_defaults(run=_traverse)
    demo = commands.add_parser("demo", help="train β-VAE and LSBD-VAE, check both, compare them, write a report")
    demo.add_argument("--env", default="gridworld", help="the environment (default gridworld)")
    demo.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an environment option")
    demo.add_argument("--steps", type=_at_least(1), default=600, help="optimisation steps per learner (default 600)")
    demo.add_argument("--seed", type=_at_least(0), default=0)
    demo.add_argument("--out", default="runs/demo", help="where the runs and report.html go (default runs/demo)")
    demo.set_defaults(run=_demo)
    study = commands.add_parser("study", help="run a study of many runs; report on it").add_subparsers(
        dest="study_command", metavar="STUDY_COMMAND", required=True
    )
    run = study.add_parser("run", help="train and check every run of a study file (.toml or .json), resumably")
    run.add_argument("spec", help="the study file (see symgroup.study.spec)")
    run.add_argument("--out", help="the study folder (default runs/<the file's name>)")
    run.add_argument(
        "--executor",
        default="process",
        choices=["serial", "process", "ray"],
        help="where runs execute (default process: a local process per run)",
    )
    run.add_argument("--workers", type=_at_least(1), help="runs at a time (default: one per core)")
    run.add_argument("--address", help="a Ray cluster's address (--executor ray; default: start a local one)")
    run.set_defaults(run=_study_run)
    markdown = study.add_parser("table", help="print a study's tables in Markdown: pass rates, metrics, claims")
    markdown.add_argument("folder", help="the study folder")
    markdown.set_defaults(run=_study_table)
    page = study.add_parser("report", help="write one self-contained HTML page about a study's runs")
    page.add_argument("folder", help="the study folder")
    page.add_argument("--out", help="the HTML file to write (default FOLDER/report.html)")
    page.set_defaults(run=_study_report)
    report = commands.add_parser("report", help="write one self-contained HTML page about trained runs")
    report.add_argument("run_dirs", nargs="+", metavar="RUN", help="run directories")
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.set_defaults(run=_report)
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


if __name__ == "__main__":
    sys.exit(main())
