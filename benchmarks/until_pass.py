"""Images seen until the check passes: each learner on each world over seeds, a study
(:mod:`symgroup.study`) whose runs train ``until_pass``.

Each run trains with its learner's defaults and stops at the first multiple of ``--check-every``
steps whose code passes SBD and LSBD (or after ``--max-steps``). "Images" = the step it passed at ×
the frames its learner draws a step (machine-independent); seconds = its training seconds, checks
excluded. The runs, ``results.jsonl`` and ``results.csv`` are in ``--out``; running it again
resumes. Prints a Markdown table.

Run: ``.venv/bin/python benchmarks/until_pass.py --out runs/until_pass [--worlds gridworld square]
[--learners lsbd_vae forward_vae] [--seeds 10] [--max-steps 2000] [--check-every 25] [--workers 2]
[--register examples/shuffled_stripes.py] [--set lr=2e-3 ...] [--executor process]``
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
from pathlib import Path

import envs
from symgroup.cli import _parse_options
from symgroup.learn.config import TrainConfig
from symgroup.learn.registry import build_learner
from symgroup.study import Evaluation, Study, Sweep, run_study


def study(args: argparse.Namespace) -> Study:
    base = TrainConfig(steps=args.max_steps, checkpoint_every=args.max_steps).with_settings(_parse_options(args.set))
    sweep = Sweep({"env": args.worlds, "learner": args.learners, "seed": list(range(args.seeds))})
    return Study(base, (sweep,), Evaluation(until_pass=args.check_every))


def images_to_pass(row: dict) -> int | None:
    """The images a run saw until it passed (its step × its sampler's frames a step); None if it never did."""
    if row["passed_at"] is None:
        return None
    config = TrainConfig.from_dict(row["config"])
    env = envs.make(config.env, **config.env_options)
    return row["passed_at"] * build_learner(config, env)[1].sampler(env, config.seed).images_per_batch


def table(rows: list[dict]) -> str:
    lines = [
        "| world | learner | pass | images to pass, median [min, max] | s to pass, median | D_LSBD median |",
        "|---|---|---|---|---|---|",
    ]
    for key in dict.fromkeys((r["env"], r["learner"]) for r in rows):
        mine = [r for r in rows if (r["env"], r["learner"]) == key]
        passed = [r for r in mine if r["passed_at"] is not None]
        images = [images_to_pass(r) for r in passed]
        spread = f"{statistics.median(images):,.0f} [{min(images):,}, {max(images):,}]" if images else "-"
        seconds = f"{statistics.median(r['time_to_pass_s'] for r in passed):.0f}" if passed else "-"
        d = statistics.median(r["d_lsbd"] for r in mine if r["d_lsbd"] is not None)
        lines.append(f"| {key[0]} | {key[1]} | {len(passed)}/{len(mine)} | {spread} | {seconds} | {d:.3f} |")
    return "\n".join(lines)


def register(path: str) -> None:
    """Import the file at ``path`` as a module (its worlds register), importable by name in workers too."""
    sys.path.insert(0, str(Path(path).parent.resolve()))
    importlib.import_module(Path(path).stem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/until_pass"))
    parser.add_argument("--worlds", nargs="+", default=["gridworld", "square", "arrow", "dihedral_glyph"])
    parser.add_argument("--learners", nargs="+", default=["lsbd_vae"])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-steps", type=int, default=2000)
    parser.add_argument("--check-every", type=int, default=25)
    parser.add_argument("--register", nargs="*", default=[], help="Python files that register worlds")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a learner parameter")
    parser.add_argument("--executor", default="process", choices=["serial", "process", "ray"])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for path in args.register:
        register(path)
    rows = run_study(study(args), args.out, args.executor, args.workers)
    print(f"\ncheck every {args.check_every} steps, at most {args.max_steps}:\n\n{table(rows)}")


if __name__ == "__main__":
    main()
