"""What contrastive learners identify: train each learner on each world, augmenting by one subgroup,
and check its code three ways — the subgroups the learner declares invariant (does the code ignore
them?), the other subgroups merged into one part (are they identified as a block?) and each on its
own (are they split, and acted on linearly?) — with MIG and DCI, for the backbone's h and, where a
learner has one, the projection's z. Learners that declare no invariance (β-VAE, LSBD-VAE) are
checked the same way with every subgroup a part. DCoDR also ignores its domain (the first subgroup
not augmented), so its block is the rest, and it needs a world of three subgroups or more.

Run: ``.venv/bin/python benchmarks/contrastive.py --out runs/contrastive [--worlds gridworld arrow
multi_object] [--learners simclr byol dcodr beta_vae lsbd_vae] [--augment colour] [--seeds 10]
[--steps 600] [--steps-for lsbd_vae=1500] [--workers 2]``. Each finished run is a line of
``contrastive.jsonl``; running it again skips those and resumes unfinished runs from their
checkpoints. Prints a Markdown table per world.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch

import envs
from symgroup.check import check, metrics
from symgroup.check.encoding import encode_states
from symgroup.learn import TrainConfig, train

CONTRASTIVE = ("simclr", "byol", "dcodr")
DCI_SAMPLES = {"num_train": 2000, "num_test": 1000}  # a fifth of dlib's 10,000 / 5,000: see BENCHMARKS.md


def verdicts(codes: np.ndarray, env: object, augment: str, invariant: tuple[str, ...], dci: bool) -> dict:
    """The verdicts and metrics of ``codes`` of ``env.states()`` with ``invariant`` declared; the
    block is every subgroup neither augmented by nor declared invariant."""
    others = tuple(n for n in env.factor_names if n != augment and n not in invariant)
    merged = check(codes, env, invariant=invariant, decomposition={"content": others}, validate=False)
    split = check(codes, env, invariant=invariant, validate=False)
    got = {"block": merged.passed, "split": split.passed, "linear": split.linear_passed,
           "mig": metrics(codes, env.states(), ("mig",))["mig"]}  # fmt: skip
    if invariant:
        got["invariant"] = all(merged.sbd.invariances[n].passed for n in invariant)
        got["movement"] = max(merged.sbd.invariances[n].movement for n in invariant)
    if dci:
        got["dci"] = metrics(codes, env.states(), ("dci",), **DCI_SAMPLES)["dci_disentanglement"]
    return got


def run_one(job: tuple[str, str, str, int, int, Path]) -> dict:
    world, learner, augment, seed, steps, out = job
    torch.set_num_threads(1)
    params = {"augment": augment} if learner in CONTRASTIVE else {}
    config = TrainConfig(env=world, learner=learner, steps=steps, seed=seed, checkpoint_every=200, params=params)
    started = time.perf_counter()
    run = train(config, out / f"{world}-{learner}-{augment}-{seed}", resume=True, progress=False)
    trained = time.perf_counter()
    invariant = tuple(run.learner.invariant)
    states = run.env.states()

    def judged(encoder: torch.nn.Module, dci: bool) -> dict:
        return verdicts(encode_states(encoder, run.env, states), run.env, augment, invariant, dci)

    row = {"world": world, "learner": learner, "augment": augment, "seed": seed, "steps": steps,
           "h": judged(run.learner, dci=True)}  # fmt: skip
    if hasattr(run.learner, "projection"):  # z has 64 dims: its DCI would take minutes (issue 18's fast mode)
        row["z"] = judged(run.learner.projection, dci=False)
    row |= {"train_s": round(trained - started, 1), "check_s": round(time.perf_counter() - trained, 1)}
    return row


def _cells(got: list[dict]) -> list[str]:
    def count(key: str) -> str:
        return f"{sum(g[key] for g in got)}/{len(got)}" if key in got[0] else "—"

    def median(key: str) -> str:
        return f"{statistics.median(g[key] for g in got):.3f}" if key in got[0] else "—"

    verdicts = [count(k) for k in ("invariant", "block", "split", "linear")]
    return verdicts + [median(k) for k in ("movement", "mig", "dci")]


def table(rows: list[dict]) -> str:
    header = (
        "world | learner | code | invariant | block | split | linear | movement | MIG | DCI | train s [min] | check s"
    )
    lines = [f"| {header} |", "|---" * 12 + "|"]
    for world, learner in dict.fromkeys((r["world"], r["learner"]) for r in rows):
        mine = [r for r in rows if (r["world"], r["learner"]) == (world, learner)]
        train = [r["train_s"] for r in mine]
        seconds = [
            f"{statistics.median(train):.0f} [{min(train):.0f}]",
            f"{statistics.median(r['check_s'] for r in mine):.0f}",
        ]
        for code in ("h", "z"):
            if code in mine[0]:
                cells = [world, learner, code, *_cells([r[code] for r in mine]), *seconds]
                lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def _key(row: dict) -> tuple:
    return row["world"], row["learner"], row["augment"], row["seed"], row["steps"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/contrastive"))
    parser.add_argument("--worlds", nargs="+", default=["gridworld", "arrow", "multi_object"])
    parser.add_argument("--learners", nargs="+", default=[*CONTRASTIVE, "beta_vae", "lsbd_vae"])
    parser.add_argument("--augment", default="colour")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--steps-for", nargs="*", default=["lsbd_vae=1500"], metavar="LEARNER=STEPS")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    steps = {learner: int(n) for learner, n in (s.split("=") for s in args.steps_for)}
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "contrastive.jsonl"
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    done = {_key(r) for r in rows}
    jobs = [(w, learner, args.augment, s, steps.get(learner, args.steps), args.out) for w in args.worlds
            for learner in args.learners for s in range(args.seeds)]  # fmt: skip
    jobs = [j for j in jobs if j[1] != "dcodr" or len(envs.make(j[0]).factor_names) >= 3]  # domain, augment, content
    todo = [j for j in jobs if j[:5] not in done]
    with ProcessPoolExecutor(args.workers) as pool, log.open("a") as out:
        for row in pool.map(run_one, todo):
            print(json.dumps(row), flush=True)
            out.write(json.dumps(row) + "\n")
            out.flush()
            rows.append(row)
    wanted = {j[:5] for j in jobs}
    print(f"\naugmenting by {args.augment}:\n\n{table([r for r in rows if _key(r) in wanted])}")


if __name__ == "__main__":
    main()
