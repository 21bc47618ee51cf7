"""A study across learners and seeds on one world, run by ``symgroup.study``: each run trains until
its check passes SBD and LSBD (checked every ``--check-every`` steps; "time to pass" = its training
seconds, checks excluded) or its ``--steps`` are spent, then is checked with MIG beside. Prints a
Markdown table; the runs, ``results.jsonl`` and ``results.csv`` are in ``--out`` (run it again to
resume; ``symgroup study report OUT`` draws the page).

Run: ``.venv/bin/python benchmarks/study.py --out runs/study [--env square] [--learners lsbd_vae
beta_vae] [--seeds 0 1 2] [--steps 1500] [--check-every 300] [--set lr=1e-3 ...]
[--set-for lsbd_vae:batch_size=16 ...] [--executor process] [--workers 2]``
"""

from __future__ import annotations

import argparse
import statistics

from symgroup.cli.arguments import settings
from symgroup.learn.config import TrainConfig
from symgroup.learn.registry import LEARNERS
from symgroup.study import Evaluation, Study, Sweep, run_study
from symgroup.study.summary import time_to_pass


def study(args: argparse.Namespace) -> Study:
    """The study the arguments describe: one sweep per learner (its own ``--set-for`` settings fixed)."""
    base = TrainConfig(env=args.env, steps=args.steps, checkpoint_every=args.steps).with_settings(settings(args.set))
    sweeps = []
    for learner in args.learners:
        own = settings([s.split(":", 1)[1] for s in args.set_for if s.split(":", 1)[0] == learner])
        sweeps.append(Sweep({"learner": [learner], "seed": args.seeds, **{k: [v] for k, v in own.items()}}))
    return Study(base, tuple(sweeps), Evaluation(until_pass=args.check_every, metrics=("mig",)))


def table(rows: list[dict], learners: list[str]) -> str:
    lines = [
        "| learner | SBD pass | LSBD pass | D_LSBD median [min, max] | MIG median | time to pass, median s "
        "| train s / run |",
        "|---|---|---|---|---|---|---|",
    ]
    for learner in learners:
        mine = [r for r in rows if r["learner"] == learner]
        d = [r["d_lsbd"] for r in mine if r["d_lsbd"] is not None]
        spread = f"{statistics.median(d):.3f} [{min(d):.3f}, {max(d):.3f}]" if d else "undefined"
        _, to_pass = time_to_pass(mine)  # runs that never pass count as slower than any that do
        lines.append(
            f"| {learner} | {sum(r['sbd'] for r in mine)}/{len(mine)} | {sum(r['lsbd'] for r in mine)}/{len(mine)} | "
            f"{spread} | {statistics.median(r['metrics']['mig'] for r in mine):.3f} | "
            f"{'never' if to_pass is None else f'{to_pass:.0f}'} | "
            f"{statistics.median(r['train_s'] for r in mine):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--env", default="gridworld")
    parser.add_argument("--learners", nargs="*", default=sorted(LEARNERS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--check-every", type=int, default=300)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--set-for", action="append", default=[], metavar="LEARNER:KEY=VALUE")
    parser.add_argument("--executor", default="process", choices=["serial", "process", "ray"])
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    rows = run_study(study(args), args.out, args.executor, args.workers)
    print(f"\n{args.env}, {args.steps} steps at most, checked every {args.check_every}:\n")
    print(table(rows, args.learners))


if __name__ == "__main__":
    main()
