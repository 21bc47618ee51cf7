"""Cost of the full check (SBD + LSBD + D_LSBD) relative to one encoder pass over the same states,
and the classic metrics' time at disentanglement_lib's 10,000 samples.

The encoder is the reference conv encoder (Locatello et al. 2019) with random weights, by default on
`square` (4096 states, 1×64×64). The encoder pass is what the check itself must do: render every
state it checks and encode it once, in batches of 256. ``--set`` builds larger worlds (gridworld with
``n=32 --set hues=98`` has 100,352 states; ``hues=977`` 1,000,448, checked through the orbits of
a sample: ``--max-states`` as the check's). Prints the figures, the peak memory, and a JSON line.

Run: ``.venv/bin/python benchmarks/check.py [--env square] [--set KEY=VALUE] [--max-states N]
[--repeats 3] [--skip-metrics]``
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import time

import torch

import envs
from symgroup.check import check
from symgroup.check.classic import metrics
from symgroup.check.encoding import encode_states
from symgroup.check.world import encode_world
from symgroup.learn.architectures import build


def best_of(repeats: int, function) -> tuple[float, object]:
    """The fastest of ``repeats`` timed calls (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="square")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-metrics", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an environment option")
    parser.add_argument("--max-states", type=int, default=4096, help="the check's max_states")
    args = parser.parse_args()
    torch.manual_seed(0)
    options = {k: ast.literal_eval(v) for k, v in (item.split("=", 1) for item in args.set)}
    env = envs.make(args.env, **options)
    encoder = build("conv", env.observation_shape, latent=10)[0].eval()
    report = check(encoder, env, max_states=args.max_states)  # warm-up; also draws a cached world once
    states = env.states() if not report.sampled else encode_world(encoder, env, args.max_states).states
    encode_seconds, codes = best_of(args.repeats, lambda: encode_states(encoder, env, states))
    check_seconds, report = best_of(args.repeats, lambda: check(encoder, env, max_states=args.max_states))
    figures = {
        "n_states": env.n_states,
        "states": len(states),
        "sampled": report.sampled,
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "encoder_pass_s": round(encode_seconds, 3),
        "full_check_s": round(check_seconds, 3),
        "check_over_encoder_pass": round(check_seconds / encode_seconds, 3),
    }
    print(
        f"{args.env} {options or ''}: one encoder pass over {len(states)} of {env.n_states} states "
        f"{encode_seconds:.2f} s; full check {check_seconds:.2f} s; ratio {check_seconds / encode_seconds:.3f} "
        "(targets: ≤ 1.25 at 4096 states, ≤ 2 at 10⁵); "
        f"peak memory {figures['peak_rss_gb']} GB"
    )
    if not args.skip_metrics:
        metrics_seconds, values = best_of(1, lambda: metrics(codes, states, seed=0))
        figures["classic_metrics_10000_samples_s"] = round(metrics_seconds, 1)
        print(f"classic metrics at 10,000 samples: {metrics_seconds:.1f} s ({', '.join(sorted(values))})")
    print(
        json.dumps(
            {
                "benchmark": "check",
                "env": args.env,
                "options": options,
                **figures,
                "threads": torch.get_num_threads(),
                "cpus": os.cpu_count(),
                "verdict": [report.passed, report.linear_passed],
            }
        )
    )


if __name__ == "__main__":
    main()
