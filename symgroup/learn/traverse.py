"""Latent traversals: decode a code while sweeping one latent at a time, a row per latent, sorted by
how much information the latent carries (its mean KL over the world, largest first)."""

from __future__ import annotations

import numpy as np
import torch

from envs.montage import image_grid
from symgroup.learn.methods import kl_divergence
from symgroup.learn.run import Run


def traversal_grid(run: Run, state: np.ndarray | None = None, steps: int = 9, span: float = 2.0,
                   gap: int = 2) -> np.ndarray:  # fmt: skip
    """An (H, W, 3) image: row j decodes the code of ``state`` (default the first state) with latent j
    replaced by values from −span to span."""
    env, model = run.env, run.model
    start = env.states()[:1] if state is None else env.check_states(np.asarray(state).reshape(1, -1))
    with torch.no_grad():
        mean, log_variance = model.encoder(torch.from_numpy(env.render(env.states())))
        per_latent = torch.stack([kl_divergence(mean[:, j : j + 1], log_variance[:, j : j + 1]) for j in
                                  range(mean.shape[1])])  # fmt: skip
        order = torch.argsort(per_latent, descending=True).tolist()
        base = model.encoder(torch.from_numpy(env.render(start)))[0]
        values = torch.linspace(-span, span, steps)
        rows = []
        for j in order:
            codes = base.repeat(steps, 1)
            codes[:, j] = values
            rows.append(torch.sigmoid(model.decoder(codes)).numpy())
    return image_grid(rows, gap)
