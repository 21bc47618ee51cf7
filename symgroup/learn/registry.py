"""Every learner by name: the built-in families, those registered with :func:`register`, and those
other installed packages declare as entry points in the group ``symgroup.learners``::

    [project.entry-points."symgroup.learners"]
    my_learner = "my_package.learners:MyLearner"
"""

from __future__ import annotations

import dataclasses
from importlib.metadata import entry_points
from typing import TypeVar

import envs
from symgroup.errors import InvalidOptionError
from symgroup.learn.config import TrainConfig
from symgroup.learn.contrastive import BYOL, DCoDR, SimCLR
from symgroup.learn.domains import ADDA, UFDN
from symgroup.learn.infogan import InfoGAN, InfoGANCR
from symgroup.learn.learner import Learner, configure
from symgroup.learn.symmetry import LSBDVAE, ForwardVAE, Quessard
from symgroup.learn.translators import DiscoGAN, StarGAN
from symgroup.learn.vaes import (
    DIPVAE,
    DIPVAEII,
    VAE,
    AnnealedVAE,
    BayesFactorVAE,
    BetaTCVAE,
    BetaVAE,
    FactorVAE,
    InfoVAE,
)

BUILT_IN = (
    VAE,
    BetaVAE,
    AnnealedVAE,
    FactorVAE,
    BayesFactorVAE,
    BetaTCVAE,
    DIPVAE,
    DIPVAEII,
    InfoVAE,
    ForwardVAE,
    LSBDVAE,
    Quessard,
    SimCLR,
    BYOL,
    DCoDR,
    ADDA,
    UFDN,
    StarGAN,
    DiscoGAN,
    InfoGAN,
    InfoGANCR,
)
LEARNERS: dict[str, type[Learner]] = {m.name: m for m in BUILT_IN}

L = TypeVar("L", bound=type[Learner])
_plugins_loaded = False


def register(cls: L) -> L:
    """Class decorator: make a :class:`Learner` subclass trainable by its ``name``."""
    if not (isinstance(cls, type) and issubclass(cls, Learner)):
        raise InvalidOptionError(f"only Learner subclasses can be registered, got {cls!r}", cls)
    if LEARNERS.get(cls.name, cls) is not cls:
        raise InvalidOptionError(f"a learner named {cls.name!r} is already registered", cls.name)
    LEARNERS[cls.name] = cls
    return cls


def load_plugins() -> None:
    """Register the learners that installed packages declare (once)."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        for entry in entry_points(group="symgroup.learners"):
            register(entry.load())


def learner_class(name: str) -> type[Learner]:
    load_plugins()
    if name not in LEARNERS:
        raise InvalidOptionError(f"unknown learner {name!r}; choose from {sorted(LEARNERS)}", name)
    return LEARNERS[name]


def build_learner(config: TrainConfig, env: envs.SymmetryEnv) -> tuple[TrainConfig, Learner]:
    """The learner of ``config`` for ``env`` (on the CPU), and ``config`` with its parameters filled
    in from the learner's defaults for the world (what the run saves)."""
    cls = learner_class(config.learner)
    learner_config = configure(cls, env, config.params)
    return dataclasses.replace(config, params=learner_config.to_dict()), cls(env, learner_config)
