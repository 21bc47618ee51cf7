"""The learner protocol: everything a learning system is, so that the trainer knows none of it.

A learner is an ``nn.Module`` that owns

- ``Config``, a dataclass of its hyperparameters (typed; :class:`LearnerConfig` holds the shared
  ones), and ``defaults(env)``, its recipe for a world;
- ``__init__(env, config)``, what the registry calls;
- ``sampler(env, seed)``, the batches it needs (:mod:`symgroup.learn.samplers`; still images by
  default);
- ``optimisers()``, made once (by ``make_optimisers``, which a learner overrides; by default Adam
  on every parameter at ``lr``) and reused, every one of which the trainer checkpoints;
- ``training_step(batch, step)``, one step with every sub-step it takes (a discriminator update,
  an EMA target, alternating updates), returning its loss terms as floats, the total under "loss";
- ``encode(observations)``, the code the checker judges (``forward`` is ``encode``, so the learner
  itself is an encoder for :func:`symgroup.check.check`);
- ``claims(env)``, what its paper claims it learns (:mod:`symgroup.check.claims`), none by default.

What a learner can do beyond encoding — decode, act on images, project — it declares by the
protocols of :mod:`symgroup.capabilities` (``Generative``, ``Acting``, ``Projected``), which turn on
the checks and pictures that need them.
Random draws come from ``self.rng`` (a torch random generator), which the trainer seeds and checkpoints.

A new learner is one file (see ``examples/custom_learner.py``)::

    @dataclass
    class Config(LearnerConfig):
        weight: NonNegative = 1.0

    class MyLearner(Learner):
        name, Config = "mine", Config
        def __init__(self, env, config): ...
        def training_step(self, batch, step): ...
        def encode(self, observations): ...

registered with :func:`symgroup.learn.registry.register` or an entry point (``symgroup.learners``).

>>> LearnerConfig(latent=0)
Traceback (most recent call last):
...
symgroup.errors.InvalidOptionError: latent must be an integer ≥ 1, got 0
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import torch
from torch import nn

from symgroup.config import Count, Positive, TypedConfig
from symgroup.errors import InvalidOptionError
from symgroup.learn.samplers import Images, Sampler

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.check.claims import Claim


Architecture = Literal["conv", "conv_linear", "mlp"]


@dataclass
class LearnerConfig(TypedConfig):
    """The hyperparameters every learner has: ``latent`` dimensions, the encoder ``architecture``
    (:mod:`symgroup.learn.architectures`), ``batch_size`` items a step and Adam's ``lr``; each field
    is checked against its annotation when the config is made (:mod:`symgroup.config`)."""

    noun = "parameter"

    latent: Count = 10
    architecture: Architecture = "conv"
    batch_size: Count = 64
    lr: Positive = 1e-4


def configure(learner: type[Learner], env: SymmetryEnv, params: dict[str, Any]) -> LearnerConfig:
    """``learner``'s defaults for ``env`` with ``params`` over them; unknown names and ill-typed values
    are :class:`~symgroup.errors.InvalidOptionError` listing the learner's parameters."""
    defaults = learner.defaults(env)
    known = {f.name: getattr(defaults, f.name) for f in dataclasses.fields(defaults)}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InvalidOptionError(
            f"{learner.name} has no parameter {', '.join(unknown)}; its parameters are {known}", unknown
        )
    try:
        return dataclasses.replace(defaults, **params)
    except InvalidOptionError as error:
        raise InvalidOptionError(f"{learner.name}'s parameter {error}", error.counterexample) from None


class Learner(nn.Module, ABC):
    """The protocol (see the module docstring). Subclasses set ``name`` and ``Config``."""

    name: ClassVar[str]
    Config: ClassVar[type[LearnerConfig]] = LearnerConfig
    invariant: tuple[str, ...] = ()  # the subgroups its code is meant to ignore: every check of a run applies them

    def __init__(self, env: SymmetryEnv, config: LearnerConfig) -> None:
        """What the registry calls, ``cls(env, config)``: a learner builds its networks for ``env``."""
        super().__init__()
        self.config = config
        self.rng = torch.Generator()  # the trainer's, on its device, seeded and checkpointed
        self._optimisers: dict[str, torch.optim.Optimizer] | None = None

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> LearnerConfig:
        """The recipe for ``env``: the reference conv architecture where the images fit it (else an MLP)."""
        from symgroup.learn.architectures import default_architecture

        return cls.Config(architecture=default_architecture(env.observation_shape))

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        """The batches this learner trains on (``seed``: the run's, for what a sampler fixes once); by
        default still images of training states with their states, ``batch_size`` a step."""
        return Images(env, self.config.batch_size)

    def optimisers(self) -> dict[str, torch.optim.Optimizer]:
        """Made on the first call and the same ones after: by default Adam on every parameter."""
        if self._optimisers is None:
            self._optimisers = self.make_optimisers()
        return self._optimisers

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        return {"learner": torch.optim.Adam(self.parameters(), lr=self.config.lr)}

    @abstractmethod
    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        """One optimisation step on ``batch`` (``step`` counts from 0); the loss terms, total under "loss"."""

    @abstractmethod
    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """Codes (n, d) of images (n, C, H, W): what the checker judges."""

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.encode(observations)

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """What its paper claims it learns, as :mod:`symgroup.check.claims` judges it on ``env``
        (``symgroup check RUN --claims``). None by default: a claim the checker cannot measure is not made."""
        return ()


def minimise(optimiser: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    """One gradient step of ``optimiser`` on ``loss``."""
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()


def floats(terms: dict[str, torch.Tensor]) -> dict[str, float]:
    """Loss terms as floats, for the log."""
    return {k: float(v.detach()) for k, v in terms.items()}
