"""The training configuration: one typed dataclass, saved with every run as ``config.json``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import torch

from symgroup.config import Count, Natural, TypedConfig
from symgroup.errors import InvalidOptionError


@dataclass
class TrainConfig(TypedConfig):
    """Everything that determines a run (with the code version, saved in the run directory).

    ``learner`` names a registered learner (:data:`symgroup.learn.registry.LEARNERS`), ``params`` are
    its hyperparameters (its ``Config``: latent, architecture, batch_size, lr and its own, such as
    beta for beta_vae); what they leave out is the learner's recipe for the world
    (``Learner.defaults(env)``), and the run saves them filled in. ``env_options`` are the world's
    options; the rest is the trainer's. ``device`` None: cuda when available, else cpu.
    """

    noun = "setting"

    env: str = "gridworld"
    env_options: dict[str, Any] = field(default_factory=dict)
    learner: str = "beta_vae"
    params: dict[str, Any] = field(default_factory=dict)
    steps: Count = 2000
    seed: Natural = 0
    checkpoint_every: Count = 500
    log_every: Count = 10
    device: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.device is not None:
            try:
                torch.device(self.device)
            except (RuntimeError, TypeError) as error:
                raise InvalidOptionError(
                    f"device must be None, 'cpu', 'cuda', 'cuda:N' or another torch device, got {self.device!r}",
                    self.device,
                ) from error

    def with_settings(self, settings: dict[str, Any]) -> TrainConfig:
        """A copy with ``key=value`` settings: a field by name, ``env.<option>``, or a learner parameter."""
        fields = {f.name for f in dataclasses.fields(self)}
        top, env_options, params = {}, dict(self.env_options), dict(self.params)
        for key, value in settings.items():
            if key in ("env_options", "params"):
                raise InvalidOptionError(
                    f"{key} is set one entry at a time: env.<option>=value for the world's "
                    f"options, <parameter>=value for the learner's; got {key}={value!r}",
                    key,
                )
            if key.startswith("env."):
                env_options[key.removeprefix("env.")] = value
            elif key in fields:
                top[key] = value
            else:
                params[key] = value
        return dataclasses.replace(self, **top, env_options=env_options, params=params)
