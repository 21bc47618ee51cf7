"""What a run trains with where its configuration leaves a field unset (None).

- The VAE family: the shared defaults of Locatello et al. 2019 (arXiv 1811.12359): Adam lr 1e-4,
  batches of 64 images, latent 10, and disentanglement_lib's conv encoder/decoder where the images
  fit it (else an MLP).
- The symmetry learners: the settings of the study in BENCHMARKS.md, with which LSBD-VAE and
  Forward-VAE pass the check on ``gridworld``, ``square`` and ``arrow``: a circle (two dims) per
  subgroup, Adam lr 1e-3, the conv encoder with its linear shortcut (``conv_linear``) where the
  images fit it, and ``paths_per_step`` paths a step (about 64 frames).

>>> from symgroup.learn.config import TrainConfig
>>> config = complete(TrainConfig(model="lsbd_vae", env="gridworld"))
>>> config.latent, config.batch_size, config.lr, config.architecture
(6, 8, 0.001, 'conv_linear')
>>> complete(TrainConfig(model="beta_vae", latent=4)).latent
4
"""

from __future__ import annotations

import dataclasses
from typing import Any

import envs
from symgroup.errors import InvalidOptionError
from symgroup.learn.architectures import default_architecture
from symgroup.learn.config import TrainConfig
from symgroup.learn.registry import METHODS


def complete(config: TrainConfig, env: envs.SymmetryEnv | None = None) -> TrainConfig:
    """``config`` with its unset fields (latent, batch_size, lr, architecture) filled in for its
    method and world (``env``, made from the config when not given)."""
    if config.model not in METHODS:
        raise InvalidOptionError(f"unknown model {config.model!r}; choose from {sorted(METHODS)}", config.model)
    env = env or envs.make(config.env, **config.env_options)
    method = METHODS[config.model]
    if method.uses_transitions:
        defaults: dict[str, Any] = {
            "latent": 2 * len(env.factor_names), "batch_size": method.paths_per_step, "lr": 1e-3,
            "architecture": default_architecture(env.observation_shape, linear_shortcut=True),
        }  # fmt: skip
    else:
        defaults = {
            "latent": 10,
            "batch_size": 64,
            "lr": 1e-4,
            "architecture": default_architecture(env.observation_shape),
        }
    return dataclasses.replace(config, **{k: v for k, v in defaults.items() if getattr(config, k) is None})
