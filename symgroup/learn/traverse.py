"""Latent traversals: decode a code while sweeping one latent at a time, a row per latent, sorted by
how much information the latent carries (its mean KL over the world, largest first). A learner whose
code lies on circles (LSBD-VAE) is swept along each circle instead: one row per subgroup, a full turn."""

from __future__ import annotations

import math

import numpy as np
import torch

from envs.montage import image_grid
from symgroup.learn.methods import kl_divergence
from symgroup.learn.run import Run
from symgroup.learn.symmetry import SphereEncoder


def traversal_grid(run: Run, state: np.ndarray | None = None, steps: int = 9, span: float = 2.0,
                   gap: int = 2) -> np.ndarray:  # fmt: skip
    """An (H, W, 3) image: row j decodes the code of ``state`` (default the first state) with latent j
    replaced by values from −span to span (on circles: circle j turned by 2πk/steps, k = 0 … steps−1)."""
    env, model = run.env, run.model
    start = env.states()[:1] if state is None else env.check_states(np.asarray(state).reshape(1, -1))
    with torch.no_grad():
        base = model.encoder(torch.from_numpy(env.render(start)))[0]
        if isinstance(model.encoder, SphereEncoder) and model.encoder.size == 2:
            codes = _circle_sweeps(base, model.encoder.spheres, steps)
        else:
            codes = _axis_sweeps(base, _informative_first(run), torch.linspace(-span, span, steps))
            if isinstance(model.encoder, SphereEncoder):
                codes = [model.encoder.project(c, torch.zeros_like(c))[0] for c in codes]
        rows = [torch.sigmoid(model.decoder(c)).numpy() for c in codes]
    return image_grid(rows, gap)


def _informative_first(run: Run) -> list[int]:
    mean, log_variance = run.model.encoder(torch.from_numpy(run.env.render(run.env.states())))
    per_latent = torch.stack([kl_divergence(mean[:, j : j + 1], log_variance[:, j : j + 1])
                              for j in range(mean.shape[1])])  # fmt: skip
    return torch.argsort(per_latent, descending=True).tolist()


def _axis_sweeps(base: torch.Tensor, order: list[int], values: torch.Tensor) -> list[torch.Tensor]:
    codes = []
    for j in order:
        codes.append(base.repeat(len(values), 1))
        codes[-1][:, j] = values
    return codes


def _circle_sweeps(base: torch.Tensor, circles: int, steps: int) -> list[torch.Tensor]:
    angles = base.new_tensor([2 * math.pi * k / steps for k in range(steps)])
    codes = []
    for j in range(circles):
        start = torch.atan2(base[0, 2 * j + 1], base[0, 2 * j])
        codes.append(base.repeat(steps, 1))
        codes[-1][:, 2 * j] = torch.cos(start + angles)
        codes[-1][:, 2 * j + 1] = torch.sin(start + angles)
    return codes
