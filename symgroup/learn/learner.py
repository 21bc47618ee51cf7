"""The learner protocol: everything a learning system is, so that the trainer knows none of it.

A learner is an ``nn.Module`` that owns

- ``Config``, a dataclass of its hyperparameters (typed; :class:`LearnerConfig` holds the shared
  ones), and ``defaults(env)``, its recipe for a world;
- ``sampler(env, seed)``, the batches it needs (:mod:`symgroup.learn.samplers`);
- ``optimisers()``, made once (by ``make_optimisers``, which a learner overrides; by default Adam
  on every parameter at ``lr``) and reused, every one of which the trainer checkpoints;
- ``training_step(batch, step)``, one step with every sub-step it takes (a discriminator update,
  an EMA target, alternating updates), returning its loss terms as floats, the total under "loss";
- ``encode(observations)``, the code the checker judges (``forward`` is ``encode``, so the learner
  itself is an encoder for :func:`symgroup.check.check`);
- ``claims(env)``, what its paper claims it learns (:mod:`symgroup.check.claims`), none by default.

Generative learners add ``decode(codes)`` (images in [0, 1]); learners with a latent action add
``act(observations, elements)`` and ``latent_matrix(g)`` (for :func:`symgroup.check.check_action`).
Random draws come from ``self.generator``, which the trainer seeds and checkpoints.

A new learner is one file (see ``examples/custom_learner.py``)::

    @dataclass
    class Config(LearnerConfig):
        weight: NonNegative = 1.0

    class MyLearner(Learner):
        name, Config = "mine", Config
        def __init__(self, env, config): ...
        def sampler(self, env, seed): return Images(env, self.config.batch_size)
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
import types
import typing
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Protocol, runtime_checkable

import torch
from torch import nn

from symgroup.errors import InvalidOptionError
from symgroup.numbers import is_integer, is_number

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.check.claims import Claim
    from symgroup.learn.samplers import Sampler


@dataclass(frozen=True)
class AtLeast:
    """A bound on a number field: value ≥ low (or > low when ``strict``)."""

    low: float
    strict: bool = False

    def holds(self, value: float) -> bool:
        return value > self.low if self.strict else value >= self.low

    def __str__(self) -> str:
        return f"{'>' if self.strict else '≥'} {self.low:g}"


NonNegative = Annotated[float, AtLeast(0)]
Positive = Annotated[float, AtLeast(0, strict=True)]
Count = Annotated[int, AtLeast(1)]
Natural = Annotated[int, AtLeast(0)]
Architecture = Literal["conv", "conv_linear", "mlp"]


@dataclass
class LearnerConfig:
    """The hyperparameters every learner has: ``latent`` dimensions, the encoder ``architecture``
    (:mod:`symgroup.learn.architectures`), ``batch_size`` items a step and Adam's ``lr``.

    Every field is checked against its annotation when the config is made: a wrong type, a value
    outside its bound or choices is :class:`InvalidOptionError` naming the field."""

    latent: Count = 10
    architecture: Architecture = "conv"
    batch_size: Count = 64
    lr: Positive = 1e-4

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self), include_extras=True)
        for f in dataclasses.fields(self):
            setattr(self, f.name, _checked(f.name, getattr(self, f.name), hints[f.name]))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _checked(name: str, value: Any, hint: Any) -> Any:
    """``value`` if it fits ``hint`` (an int becomes a float where a float is wanted), else the error."""
    union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
    kinds = [_bounded(k) for k in (typing.get_args(hint) if union else (hint,))]
    for kind, bound in kinds:
        if kind is type(None) and value is None:
            return None
        if typing.get_origin(kind) is Literal and value in typing.get_args(kind):
            return value
        if kind is int and is_integer(value) and (bound is None or bound.holds(value)):
            return int(value)
        if kind is float and is_number(value) and (bound is None or bound.holds(value)):
            return float(value)
        if kind in (str, bool) and isinstance(value, kind):
            return value
    raise InvalidOptionError(f"{name} must be {' or '.join(_describe(*k) for k in kinds)}, got {value!r}", name)


def _bounded(hint: Any) -> tuple[Any, AtLeast | None]:
    """(type, bound) of ``Annotated[type, bound]``; (type, None) of a plain type."""
    if typing.get_origin(hint) is Annotated:
        return typing.get_args(hint)[0], typing.get_args(hint)[1]
    return hint, None


def _describe(kind: Any, bound: AtLeast | None) -> str:
    if typing.get_origin(kind) is Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(kind))
    noun = {int: "an integer", float: "a finite number", str: "a string", bool: "True or False", type(None): "None"}[
        kind
    ]
    return f"{noun} {bound}" if bound is not None else noun


def configure(learner: type[Learner], env: SymmetryEnv, params: dict[str, Any]) -> LearnerConfig:
    """``learner``'s defaults for ``env`` with ``params`` over them; unknown names and ill-typed values
    are :class:`InvalidOptionError` listing the learner's parameters."""
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


@runtime_checkable
class Decodes(Protocol):
    """A generative learner: it draws codes as images."""

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], (n, C, H, W), of codes (n, d)."""


class Learner(nn.Module, ABC):
    """The protocol (see the module docstring). Subclasses set ``name`` and ``Config``."""

    name: ClassVar[str]
    Config: ClassVar[type[LearnerConfig]] = LearnerConfig
    invariant: tuple[str, ...] = ()  # the subgroups its code is meant to ignore: every check of a run applies them

    def __init__(self, config: LearnerConfig) -> None:
        super().__init__()
        self.config = config
        self.generator = torch.Generator()  # the trainer's, on its device, seeded and checkpointed
        self._optimisers: dict[str, torch.optim.Optimizer] | None = None

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> LearnerConfig:
        """The recipe for ``env``: the reference conv architecture where the images fit it (else an MLP)."""
        from symgroup.learn.architectures import default_architecture

        return cls.Config(architecture=default_architecture(env.observation_shape))

    @abstractmethod
    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        """The batches this learner trains on (``seed``: the run's, for what a sampler fixes once)."""

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
