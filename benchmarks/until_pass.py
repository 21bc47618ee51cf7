"""Images seen until the check passes: each learner on each world over seeds, with ``until_pass``.

Each run trains with its learner's defaults and stops at the first multiple of ``--check-every``
steps whose code passes SBD and LSBD (or after ``--max-steps``). The images seen (machine-
independent) and the wall seconds (checks included; runs side by side in ``--workers`` processes of
one torch thread each) go to ``until_pass.jsonl`` and a Markdown table.

Run: ``.venv/bin/python benchmarks/until_pass.py --out runs/until_pass [--worlds gridworld square]
[--learners lsbd_vae forward_vae] [--seeds 10] [--max-steps 2000] [--check-every 25] [--workers 2]
[--register examples/shuffled_stripes.py] [--set lr=2e-3 ...]``
"""

from __future__ import annotations

import argparse
import json
import runpy
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch

import envs
from symgroup.check import check
from symgroup.cli import _parse_options
from symgroup.learn import TrainConfig, train, until_pass


def run_one(job: tuple[str, str, int, int, int, Path, list[str], dict]) -> dict:
    world, learner, seed, max_steps, check_every, out, registered, settings = job
    torch.set_num_threads(1)
    if world not in envs.names():  # a spawned worker registers the worlds again; a forked one has them
        for path in registered:
            runpy.run_path(path)
    config = TrainConfig(env=world, learner=learner, steps=max_steps, seed=seed, checkpoint_every=max_steps)
    config = config.with_settings(settings)
    started = time.perf_counter()
    run = train(config, out / f"{world}-{learner}-{seed}", progress=False, callbacks=[until_pass(check_every)])
    seconds = time.perf_counter() - started
    report = check(run.encoder, run.env)
    images = run.step * run.learner.sampler(run.env, seed).images_per_batch
    passed = report.passed and report.linear_passed
    return {"world": world, "learner": learner, "seed": seed, "passed": passed, "steps": run.step,
            "images": images, "seconds": round(seconds, 1), "d_lsbd": report.d_lsbd.value}  # fmt: skip


def table(rows: list[dict]) -> str:
    lines = ["| world | learner | pass | images to pass, median [min, max] | s to pass, median | D_LSBD median |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for key in dict.fromkeys((r["world"], r["learner"]) for r in rows):
        mine = [r for r in rows if (r["world"], r["learner"]) == key]
        passed = [r for r in mine if r["passed"]]
        images = [r["images"] for r in passed]
        spread = f"{statistics.median(images):,.0f} [{min(images):,}, {max(images):,}]" if images else "-"
        seconds = f"{statistics.median(r['seconds'] for r in passed):.0f}" if passed else "-"
        d = statistics.median(r["d_lsbd"] for r in mine if r["d_lsbd"] is not None)
        lines.append(f"| {key[0]} | {key[1]} | {len(passed)}/{len(mine)} | {spread} | {seconds} | {d:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/until_pass"))
    parser.add_argument("--worlds", nargs="+", default=["gridworld", "square", "arrow", "dihedral_glyph"])
    parser.add_argument("--learners", nargs="+", default=["lsbd_vae"])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-steps", type=int, default=2000)
    parser.add_argument("--check-every", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--register", nargs="*", default=[], help="Python files that register worlds")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a learner parameter")
    args = parser.parse_args()
    for path in args.register:
        runpy.run_path(path)
    settings = _parse_options(args.set)
    jobs = [(w, learner, s, args.max_steps, args.check_every, args.out, args.register, settings)
            for w in args.worlds for learner in args.learners for s in range(args.seeds)]  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with ProcessPoolExecutor(args.workers) as pool, (args.out / "until_pass.jsonl").open("a") as log:
        for row in pool.map(run_one, jobs):
            print(json.dumps(row), flush=True)
            log.write(json.dumps(row) + "\n")
            rows.append(row)
    print(f"\ncheck every {args.check_every} steps, at most {args.max_steps}:\n\n{table(rows)}")


if __name__ == "__main__":
    main()
