"""One study, run by each executor from scratch: wall time serial, in a local process pool and on a
local Ray cluster, the parallel efficiency serial time / (workers × parallel time), and whether
every run's verdicts and figures are the same whichever executor ran it.

Each executor runs ``symgroup study run SPEC --out OUT/<executor>`` as a fresh command (its start,
the world's rendering, Ray's start and every check included). The serial baseline runs with one
thread (``OMP_NUM_THREADS=1``), as each worker does, so the efficiency measures the executor, not
torch's or numpy's own threads. ``OUT/<executor>`` must not exist: a study run again skips what it finished.

Run: ``.venv/bin/python benchmarks/executors.py --out runs/executors [--spec benchmarks/gridworld_40.toml]
[--workers 2] [--executors serial process ray]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SAME = ("sbd", "lsbd", "d_lsbd", "passed_at", "metrics")  # what every executor must agree on, per run


def run(spec: str, out: Path, executor: str, workers: int) -> float:
    """Wall seconds of ``symgroup study run`` with ``executor``."""
    if out.exists():
        sys.exit(f"{out} exists: a study run again skips its finished runs; choose a new --out")
    env = {**os.environ, "OMP_NUM_THREADS": "1"} if executor == "serial" else dict(os.environ)
    symgroup = Path(sys.executable).with_name("symgroup")
    command = [str(symgroup), "study", "run", spec, "--out", str(out), "--executor", executor, "--workers"]
    started = time.perf_counter()
    subprocess.run([*command, str(workers)], env=env, check=True)
    return time.perf_counter() - started


def outcomes(out: Path) -> dict[str, tuple]:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return {row["key"]: tuple(json.dumps(row[k], sort_keys=True) for k in SAME) for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--spec", default="benchmarks/gridworld_40.toml")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executors", nargs="+", default=["serial", "process", "ray"])
    args = parser.parse_args()
    walls = {e: run(args.spec, args.out / e, e, args.workers) for e in args.executors}
    reference = outcomes(args.out / args.executors[0])
    print(f"\n{len(reference)} runs of {args.spec}\n")
    print("| executor | workers | wall s | parallel efficiency | runs as the first executor's |")
    print("|---|---|---|---|---|")
    for executor, wall in walls.items():
        mine, workers = outcomes(args.out / executor), 1 if executor == "serial" else args.workers
        same = sum(mine.get(key) == value for key, value in reference.items())
        efficiency = f"{walls['serial'] / (workers * wall):.2f}" if "serial" in walls else "—"
        print(f"| {executor} | {workers} | {wall:.0f} | {efficiency} | {same}/{len(reference)} |")


if __name__ == "__main__":
    main()
