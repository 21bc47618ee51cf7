"""What contrastive learners identify: train each learner on a world, augmenting by one subgroup,
and check its code three ways — the augmented subgroup declared invariant (does the code ignore
it?), the other subgroups merged into one part (are they identified as a block?) and each on its
own (are they split?) — with MIG and DCI, for the backbone's h and the projection's z.

Run: ``.venv/bin/python benchmarks/contrastive.py --out runs/contrastive [--world gridworld]
[--learners simclr byol dcodr] [--augment colour] [--seeds 10] [--steps 600] [--workers 2]``;
writes ``contrastive.jsonl`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch

from symgroup.check import check
from symgroup.learn import TrainConfig, train


def verdicts(encoder: torch.nn.Module, env: object, augment: str) -> dict:
    others = tuple(n for n in env.factor_names if n != augment)
    merged = check(encoder, env, invariant=(augment,), decomposition={"content": others}, validate=False)
    split = check(encoder, env, invariant=(augment,), metrics=("mig", "dci"), validate=False)
    return {"invariant": merged.sbd.invariances[augment].passed,
            "movement": merged.sbd.invariances[augment].movement,
            "block": merged.passed, "split": split.passed, "linear": split.linear_passed,
            "mig": split.metrics["mig"], "dci": split.metrics["dci_disentanglement"]}  # fmt: skip


def run_one(job: tuple[str, str, str, int, int, Path]) -> dict:
    world, learner, augment, seed, steps, out = job
    torch.set_num_threads(1)
    params = {"augment": augment} if learner in ("simclr", "byol", "dcodr") else {}
    config = TrainConfig(env=world, learner=learner, steps=steps, seed=seed, checkpoint_every=steps, params=params)
    started = time.perf_counter()
    run = train(config, out / f"{world}-{learner}-{augment}-{seed}", progress=False)
    seconds = time.perf_counter() - started
    row = {"world": world, "learner": learner, "augment": augment, "seed": seed, "train_s": round(seconds, 1),
           "h": verdicts(run.learner, run.env, augment)}  # fmt: skip
    if hasattr(run.learner, "projection"):
        row["z"] = verdicts(run.learner.projection, run.env, augment)
    return row


def _row(learner: str, code: str, got: list[dict], seconds: float) -> str:
    counts = [f"{sum(g[k] for g in got)}/{len(got)}" for k in ("invariant", "block", "split", "linear")]
    medians = [f"{statistics.median(g[k] for g in got):.3f}" for k in ("movement", "mig", "dci")]
    return f"| {learner} | {code} | {' | '.join(counts + medians)} | {seconds:.0f} |"


def table(rows: list[dict]) -> str:
    lines = ["| learner | code | invariant | block | split | linear | movement median | MIG | DCI | train s |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for learner in dict.fromkeys(r["learner"] for r in rows):
        mine = [r for r in rows if r["learner"] == learner]
        seconds = statistics.median(r["train_s"] for r in mine)
        lines += [_row(learner, code, [r[code] for r in mine], seconds) for code in ("h", "z") if code in mine[0]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/contrastive"))
    parser.add_argument("--world", default="gridworld")
    parser.add_argument("--learners", nargs="+", default=["simclr", "byol", "dcodr"])
    parser.add_argument("--augment", default="colour")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [(args.world, learner, args.augment, s, args.steps, args.out) for learner in args.learners
            for s in range(args.seeds)]  # fmt: skip
    rows = []
    with ProcessPoolExecutor(args.workers) as pool, (args.out / "contrastive.jsonl").open("a") as log:
        for row in pool.map(run_one, jobs):
            print(json.dumps(row), flush=True)
            log.write(json.dumps(row) + "\n")
            rows.append(row)
    print(f"\n{args.world}, augmenting by {args.augment}, {args.steps} steps:\n\n{table(rows)}")


if __name__ == "__main__":
    main()
