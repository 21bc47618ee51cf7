"""Training throughput of our β-VAE loop against a bare PyTorch loop over the same architecture,
batch and data (target: ≥ 0.95 of the bare loop), in images/s.

Both use the reference conv encoder/decoder (Locatello et al. 2019) on `gridworld` at 64×64 RGB,
batch 64, Adam 1e-4, and time only the optimisation loop (the world is rendered beforehand).
Prints the figures and a JSON line.

Run: ``.venv/bin/python benchmarks/train.py [--steps 100] [--repeats 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

import envs
from symgroup.learn.architectures import build
from symgroup.learn.config import TrainConfig
from symgroup.learn.trainer import train


def bare_loop(images: torch.Tensor, steps: int, batch: int, beta: float = 4.0) -> float:
    """The textbook loop: sample, encode, reparameterise, decode, BCE + β·KL, Adam step."""
    torch.manual_seed(0)
    encoder, decoder = build("conv", tuple(images.shape[1:]), 10)
    optimiser = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=1e-4)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(steps):
        x = images[torch.from_numpy(rng.integers(0, len(images), size=batch))]
        mean, log_variance = encoder(x)
        z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        recon = F.binary_cross_entropy_with_logits(decoder(z), x, reduction="sum") / batch
        kl = 0.5 * (mean**2 + log_variance.exp() - log_variance - 1).sum(dim=1).mean()
        optimiser.zero_grad()
        (recon + beta * kl).backward()
        optimiser.step()
    return steps * batch / (time.perf_counter() - start)


def ours(steps: int, batch: int) -> float:
    with tempfile.TemporaryDirectory() as directory:
        config = TrainConfig(learner="beta_vae", steps=steps, params={"batch_size": batch}, checkpoint_every=steps,
                             log_every=steps)  # fmt: skip
        run = train(config, directory, progress=False)
        return run.log()[-1]["images_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    env = envs.make("gridworld")
    images = torch.from_numpy(env.render(env.states()))
    bare = max(bare_loop(images, args.steps, args.batch) for _ in range(args.repeats))
    mine = max(ours(args.steps, args.batch) for _ in range(args.repeats))
    print(
        f"beta_vae on gridworld 3×64×64, batch {args.batch}: ours {mine:.0f} images/s, bare PyTorch {bare:.0f} "
        f"images/s, ratio {mine / bare:.3f} (target ≥ 0.95)"
    )
    print(
        json.dumps(
            {
                "benchmark": "train",
                "ours_images_per_s": round(mine, 1),
                "bare_images_per_s": round(bare, 1),
                "ratio": round(mine / bare, 3),
                "steps": args.steps,
                "batch": args.batch,
                "threads": torch.get_num_threads(),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
