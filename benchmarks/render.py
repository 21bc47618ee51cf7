"""Batched rendering throughput of an environment, in observations per second.

Three figures: ``render`` (what users call: a finite world is drawn once, then looked up), ``draw``
(computing images from states every time) and ``checked_draw`` (draw plus the render contract's
checks: what ``render`` costs for a world too large to cache). Prints one line per figure and a JSON
line.

Run: ``.venv/bin/python benchmarks/render.py [--env gridworld] [--batch 256] [--seconds 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np

import envs


def throughput(function, batches: list[np.ndarray], seconds: float) -> float:
    """Observations per second of ``function`` over the batches, repeated for about ``seconds``."""
    function(batches[0])  # warm up (and fill the render cache)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for batch in batches:
            function(batch)
            done += len(batch)
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="gridworld")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    env = envs.make(args.env)
    rng = np.random.default_rng(0)
    batches = [env.sample_states(args.batch, rng) for _ in range(16)]
    figures = {
        "render_obs_per_s": throughput(env.render, batches, args.seconds),
        "draw_obs_per_s": throughput(env.draw, batches, args.seconds),
        # drawing plus the render contract's checks (shape, dtype, finite, in [0, 1]): a world too large to cache
        "checked_draw_obs_per_s": throughput(env._draw_checked, batches, args.seconds),
    }
    shape = "×".join(map(str, env.observation_shape))
    for name, value in figures.items():
        print(f"{args.env} {shape}, batch {args.batch}: {name.removesuffix('_obs_per_s')} {value:,.0f} observations/s")
    print(
        json.dumps(
            {
                "benchmark": "render",
                "env": args.env,
                "observation_shape": env.observation_shape,
                "batch": args.batch,
                **{k: round(v) for k, v in figures.items()},
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
