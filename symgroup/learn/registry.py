"""Every learner by name: the built-in families, those registered with :func:`register`, and those
other installed packages declare as entry points in the group ``symgroup.learners``::

    [project.entry-points."symgroup.learners"]
    my_learner = "my_package.learners:MyLearner"
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

import envs
from symgroup.errors import InvalidOptionError
from symgroup.learn.config import TrainConfig
from symgroup.learn.contrastive import BYOL, DCoDR, SimCLR
from symgroup.learn.discovery import ActionEstimation, SymmetryDiscovery
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
from symgroup.registry import Registry

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
    SymmetryDiscovery,
    ActionEstimation,
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
#: Every learner by name (a read-only mapping; :func:`~symgroup.learn.register` adds one).
LEARNERS: Registry[type[Learner]] = Registry("learner", Learner, "symgroup.learners", InvalidOptionError)
for _learner in BUILT_IN:
    LEARNERS.register(_learner.name, _learner)

L = TypeVar("L", bound=type[Learner])

#: The family of the learners of each built-in module (the symmetry learners split by what they are told).
FAMILIES = {
    "symgroup.learn.vaes": "VAE",
    "symgroup.learn.symmetry": "symmetry, told the moves' subgroups",
    "symgroup.learn.discovery": "symmetry, discovers the subgroups",
    "symgroup.learn.contrastive": "contrastive",
    "symgroup.learn.domains": "adversarial / domain",
    "symgroup.learn.translators": "adversarial / domain",
    "symgroup.learn.infogan": "adversarial / domain",
}


def family(cls: type[Learner]) -> str:
    """The family of a learner class (``registered`` for one from outside symgroup's modules).

    >>> family(LEARNERS["lsbd_vae"]), family(LEARNERS["simclr"])
    ("symmetry, told the moves' subgroups", 'contrastive')
    """
    return FAMILIES.get(cls.__module__, "registered")


def register(cls: L) -> L:
    """Class decorator: make a :class:`Learner` subclass trainable by its ``name``."""
    return LEARNERS.register(getattr(cls, "name", None), cls)


def with_defaults(config: TrainConfig, env: envs.SymmetryEnv) -> TrainConfig:
    """``config`` with its parameters filled in from the learner's defaults for ``env`` (what a run
    of it saves)."""
    return dataclasses.replace(config, params=configure(LEARNERS[config.learner], env, config.params).to_dict())


def build_learner(config: TrainConfig, env: envs.SymmetryEnv) -> tuple[TrainConfig, Learner]:
    """The learner of ``config`` for ``env`` (on the CPU), and :func:`with_defaults` of ``config``."""
    config = with_defaults(config, env)
    cls = LEARNERS[config.learner]
    return config, cls(env, configure(cls, env, config.params))
