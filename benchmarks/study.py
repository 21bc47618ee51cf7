"""A study across methods and seeds: train each method, check it, tabulate the verdicts.

For each method and seed: ``train`` on the environment, then ``check`` the encoder mean (SBD and
LSBD verdicts, D_LSBD) and compute MIG. Writes ``study.jsonl`` (one line per run, with its config)
and prints a Markdown table of the settings and results.

Run: ``.venv/bin/python benchmarks/study.py --out runs/study [--methods beta_vae factor_vae]
[--seeds 0 1 2] [--steps 1500] [--set env.image_size=32 ...]``
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
from symgroup.learn.run import Run
from symgroup.learn.trainer import train


def run_one(config: TrainConfig, directory: Path) -> dict:
    started = time.perf_counter()
    run = Run.load(directory) if (directory / "checkpoint").is_dir() and Run.load(directory).step == config.steps \
        else train(config, directory, resume=(directory / "checkpoint").is_dir(), progress=False)  # fmt: skip
    seconds = time.perf_counter() - started
    report = check(run.encoder, run.env, metrics=("mig",))
    return {"model": config.model, "seed": config.seed, "sbd": report.passed, "lsbd": report.linear_passed,
            "d_lsbd": report.d_lsbd.value, "mig": report.metrics["mig"], "train_s": round(seconds, 1),
            "config": config.to_dict()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--env", default="gridworld")
    parser.add_argument("--methods", nargs="*", default=sorted(METHODS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for model in args.methods:
        for seed in args.seeds:
            config = TrainConfig(env=args.env, model=model, steps=args.steps, seed=seed,
                                 checkpoint_every=args.steps).with_settings(_parse_options(args.set))  # fmt: skip
            row = run_one(config, out / f"{model}-{seed}")
            rows.append(row)
            with (out / "study.jsonl").open("a") as handle:
                handle.write(json.dumps(row) + "\n")
            print(json.dumps({k: v for k, v in row.items() if k != "config"}), flush=True)
    print("\n| method | SBD pass | LSBD pass | D_LSBD median [min, max] | MIG median | train s / run |")
    print("|---|---|---|---|---|---|")
    for model in args.methods:
        mine = [r for r in rows if r["model"] == model]
        d = [r["d_lsbd"] for r in mine if r["d_lsbd"] is not None]
        spread = f"{statistics.median(d):.3f} [{min(d):.3f}, {max(d):.3f}]" if d else "undefined"
        print(
            f"| {model} | {sum(r['sbd'] for r in mine)}/{len(mine)} | {sum(r['lsbd'] for r in mine)}/{len(mine)} | "
            f"{spread} | {statistics.median(r['mig'] for r in mine):.3f} | "
            f"{statistics.median(r['train_s'] for r in mine):.0f} |"
        )


if __name__ == "__main__":
    main()
