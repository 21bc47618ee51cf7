"""Training throughput of our β-VAE loop against a bare PyTorch loop over the same network, batch and
data (target: ≥ 1.0 × the bare loop with the same allocator settings), in images/s, with the minor
page faults and the kernel's share of the CPU time a step.

Both use the reference conv encoder/decoder (Locatello et al. 2019) on `gridworld` at 64×64 RGB,
batch 64, Adam 1e-4. Each loop runs in a fresh process (glibc's allocator settings are the
process's; the loops take turns), warms up for ``--warmup`` steps, then is timed over ``--steps``:
the bare loop as shipped (glibc's defaults), the bare loop after
:func:`symgroup.allocator.hold_freed_memory`, and ours (the trainer, which always holds freed
memory; timed between its callbacks, so only the steps count).
Prints the figures and a JSON line.

Run: ``.venv/bin/python benchmarks/train.py [--steps 100] [--repeats 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

import envs
from symgroup.allocator import hold_freed_memory
from symgroup.learn.architectures import build
from symgroup.learn.config import TrainConfig
from symgroup.learn.trainer import train

LOOPS = ("bare", "bare_held", "ours")


class Meter:
    """Images/s, minor page faults and the kernel's CPU share a step, between ``start`` and ``stop``."""

    def start(self) -> None:
        self.began, self.usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)

    def stop(self, steps: int, batch: int) -> dict:
        seconds, usage = time.perf_counter() - self.began, resource.getrusage(resource.RUSAGE_SELF)
        user, system = usage.ru_utime - self.usage.ru_utime, usage.ru_stime - self.usage.ru_stime
        return {
            "images_per_s": round(steps * batch / seconds, 1),
            "page_faults_per_step": round((usage.ru_minflt - self.usage.ru_minflt) / steps),
            "kernel_cpu_share": round(system / (user + system), 3),
        }


def bare_loop(images: torch.Tensor, warmup: int, steps: int, batch: int, beta: float = 4.0) -> dict:
    """The textbook loop: sample, encode, reparameterise, decode, BCE + β·KL, Adam step."""
    torch.manual_seed(0)
    encoder, decoder = build("conv", tuple(images.shape[1:]), 10)
    optimiser = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=1e-4)
    rng, meter = np.random.default_rng(0), Meter()
    for step in range(warmup + steps):
        if step == warmup:
            meter.start()
        x = images[torch.from_numpy(rng.integers(0, len(images), size=batch))]
        mean, log_variance = encoder(x)
        z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        recon = F.binary_cross_entropy_with_logits(decoder(z), x, reduction="sum") / batch
        kl = 0.5 * (mean**2 + log_variance.exp() - log_variance - 1).sum(dim=1).mean()
        optimiser.zero_grad()
        (recon + beta * kl).backward()
        optimiser.step()
    return meter.stop(steps, batch)


def ours(warmup: int, steps: int, batch: int) -> dict:
    """The trainer with β-VAE, timed from the end of step ``warmup`` to the end of the last step
    (before its final checkpoint is written)."""
    meter, figures = Meter(), {}

    def clock(step: int, learner: object, env: object) -> bool:
        if step == warmup:
            meter.start()
        if step == warmup + steps:
            figures.update(meter.stop(steps, batch))
        return False

    with tempfile.TemporaryDirectory() as directory:
        config = TrainConfig(
            learner="beta_vae",
            steps=warmup + steps,
            params={"batch_size": batch},
            checkpoint_every=warmup + steps,
            log_every=warmup + steps,
        )
        train(config, directory, progress=False, callbacks=[clock])
    return figures


def one(loop: str, warmup: int, steps: int, batch: int) -> dict:
    if loop == "ours":
        return ours(warmup, steps, batch)
    if loop == "bare_held":
        hold_freed_memory()
    env = envs.make("gridworld")
    return bare_loop(torch.from_numpy(env.render(env.states())), warmup, steps, batch)


def measured(args: argparse.Namespace) -> dict[str, dict]:
    """Each loop's best of ``--repeats`` fresh processes, the loops taking turns (so that the machine's
    drift over the minutes falls on all of them alike)."""
    runs: dict[str, list[dict]] = {loop: [] for loop in LOOPS}
    for _ in range(args.repeats):
        for loop in LOOPS:
            command = [
                sys.executable,
                __file__,
                "--loop",
                loop,
                "--steps",
                str(args.steps),
                "--warmup",
                str(args.warmup),
                "--batch",
                str(args.batch),
            ]
            runs[loop].append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    return {loop: max(got, key=lambda r: r["images_per_s"]) for loop, got in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--loop", choices=LOOPS, help="run one loop in this process and print its figures")
    args = parser.parse_args()
    if args.loop:
        print(json.dumps(one(args.loop, args.warmup, args.steps, args.batch)))
        return
    figures = measured(args)
    print(f"beta_vae on gridworld 3×64×64, batch {args.batch}, {args.steps} steps, best of {args.repeats}:")
    for loop, got in figures.items():
        print(
            f"  {loop:9s} {got['images_per_s']:7.0f} images/s  {got['page_faults_per_step']:6d} page faults/step  "
            f"kernel {got['kernel_cpu_share']:.0%} of CPU"
        )
    ratio = figures["ours"]["images_per_s"] / figures["bare_held"]["images_per_s"]
    print(f"ours / bare (same allocator settings): {ratio:.3f} (target ≥ 1.0)")
    print(
        json.dumps(
            {
                "benchmark": "train",
                **figures,
                "ratio": round(ratio, 3),
                "steps": args.steps,
                "batch": args.batch,
                "threads": torch.get_num_threads(),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
