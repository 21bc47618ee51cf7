"""A study across methods and seeds: train each method, check it as it trains, tabulate the verdicts.

For each method and seed: ``train`` on the environment in stages of ``--check-every`` steps; after
each stage ``check`` the representation (SBD and LSBD verdicts, D_LSBD, MIG). A run stops at the
first checkpoint that passes both SBD and LSBD (its training wall time, checks excluded, is the
"time to pass") or when ``--steps`` are spent. Writes ``study.jsonl`` (one line per run, with its
config) and prints a Markdown table.

Run: ``.venv/bin/python benchmarks/study.py --out runs/study [--env square] [--methods lsbd_vae
beta_vae] [--seeds 0 1 2] [--steps 1500] [--check-every 300] [--set lr=1e-3 ...]
[--set-for lsbd_vae:batch_size=16 ...]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from symgroup.check import check
from symgroup.cli import _parse_options
from symgroup.learn.config import TrainConfig
from symgroup.learn.registry import METHODS
from symgroup.learn.trainer import train


def run_one(config: TrainConfig, directory: Path, check_every: int) -> dict:
    """Train in stages until the check passes (SBD and LSBD) or the steps are spent."""
    seconds, step, passed_after = 0.0, 0, None
    while step < config.steps and passed_after is None:
        step = min(step + check_every, config.steps)
        started = time.perf_counter()
        run = train(config.with_settings({"steps": step}), directory, resume=step > check_every, progress=False)
        seconds += time.perf_counter() - started
        report = check(run.encoder, run.env, metrics=("mig",))
        if report.passed and report.linear_passed:
            passed_after = round(seconds, 1)
    return {"learner": config.learner, "seed": config.seed, "steps": step, "sbd": report.passed,
            "lsbd": report.linear_passed, "d_lsbd": report.d_lsbd.value, "mig": report.metrics["mig"],
            "train_s": round(seconds, 1), "passed_after_s": passed_after, "config": run.config.to_dict()}  # fmt: skip


def table(rows: list[dict], methods: list[str]) -> str:
    lines = [
        "| method | SBD pass | LSBD pass | D_LSBD median [min, max] | MIG median | time to pass, median s "
        "| train s / run |",
        "|---|---|---|---|---|---|---|",
    ]
    for model in methods:
        mine = [r for r in rows if r["learner"] == model]
        d = [r["d_lsbd"] for r in mine if r["d_lsbd"] is not None]
        spread = f"{statistics.median(d):.3f} [{min(d):.3f}, {max(d):.3f}]" if d else "undefined"
        times = [r["passed_after_s"] for r in mine if r["passed_after_s"] is not None]
        # runs that never pass count as slower than any that do
        to_pass = statistics.median([*times, *[float("inf")] * (len(mine) - len(times))]) if mine else None
        lines.append(
            f"| {model} | {sum(r['sbd'] for r in mine)}/{len(mine)} | {sum(r['lsbd'] for r in mine)}/{len(mine)} | "
            f"{spread} | {statistics.median(r['mig'] for r in mine):.3f} | "
            f"{'never' if to_pass == float('inf') else f'{to_pass:.0f}'} | "
            f"{statistics.median(r['train_s'] for r in mine):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--env", default="gridworld")
    parser.add_argument("--methods", nargs="*", default=sorted(METHODS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--check-every", type=int, default=300)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--set-for", action="append", default=[], metavar="METHOD:KEY=VALUE")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for model in args.methods:
        own = [s.split(":", 1)[1] for s in args.set_for if s.split(":", 1)[0] == model]
        for seed in args.seeds:
            config = TrainConfig(env=args.env, learner=model, steps=args.steps, seed=seed, checkpoint_every=args.steps)
            config = config.with_settings(_parse_options(args.set + own))
            row = run_one(config, out / f"{args.env}-{model}-{seed}", args.check_every)
            rows.append(row)
            with (out / "study.jsonl").open("a") as handle:
                handle.write(json.dumps(row) + "\n")
            print(json.dumps({k: v for k, v in row.items() if k != "config"}), flush=True)
    print(f"\n{args.env}, {args.steps} steps at most, checked every {args.check_every}:\n")
    print(table(rows, args.methods))


if __name__ == "__main__":
    main()
