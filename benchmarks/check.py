"""Cost of the full check (SBD + LSBD + D_LSBD) relative to one encoder pass over the same states,
and the classic metrics' time at disentanglement_lib's 10,000 samples.

The encoder is the reference conv encoder (Locatello et al. 2019) with random weights, on `square`
(4096 states, 1×64×64). The encoder pass is what the check itself must do: render every state and
encode it once, in batches of 256. Prints the figures and a JSON line.

Run: ``.venv/bin/python benchmarks/check.py [--env square] [--repeats 3] [--skip-metrics]``
"""

from __future__ import annotations

import argparse
import json
import os
import time

import torch

import envs
from symgroup.check import check
from symgroup.check.encoding import encode_states
from symgroup.check.metrics import metrics
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
    args = parser.parse_args()
    torch.manual_seed(0)
    env = envs.make(args.env)
    encoder = build("conv", env.observation_shape, latent=10)[0].eval()
    states = env.states()
    env.render(states[:1])  # draw the world once, as any first use does
    encode_seconds, codes = best_of(args.repeats, lambda: encode_states(encoder, env, states))
    check_seconds, report = best_of(args.repeats, lambda: check(encoder, env))
    figures = {
        "states": len(states),
        "encoder_pass_s": round(encode_seconds, 3),
        "full_check_s": round(check_seconds, 3),
        "check_over_encoder_pass": round(check_seconds / encode_seconds, 3),
    }
    print(
        f"{args.env}: one encoder pass over {len(states)} states {encode_seconds:.2f} s; full check "
        f"{check_seconds:.2f} s; ratio {check_seconds / encode_seconds:.3f} (target ≤ 1.25)"
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
                **figures,
                "threads": torch.get_num_threads(),
                "cpus": os.cpu_count(),
                "verdict": [report.passed, report.linear_passed],
            }
        )
    )


if __name__ == "__main__":
    main()
