"""Contrastive learners whose augmentations are group actions: a view is g·s rendered, g a uniform
element of the subgroups named by ``augment`` (a :class:`~symgroup.learn.samplers.Views` sampler),
so the code is pushed to ignore exactly those subgroups and keep the rest. The code the checker
judges (``encode``) is the backbone's h; SimCLR and BYOL train a head on it, whose z (``project``)
the objective makes invariant.

- ``simclr`` (Chen et al. 2020, arXiv 2002.05709): h = f(x) (the reference conv encoder's mean,
  ``latent`` dims), z = g(h) (Linear → BatchNorm → ReLU → Linear), and the NT-Xent loss over the 2B
  views of a batch: ℓ(i, j) = −log exp(sim(z_i, z_j)/τ) / Σ_{k≠i} exp(sim(z_i, z_k)/τ), sim the
  cosine, averaged over the 2B ordered positive pairs — pytorch-metric-learning's ``NTXentLoss``
  (labels: a view's pair number).
- ``byol`` (Grill et al. 2020, arXiv 2006.07733): an online network (f, projector g, predictor q)
  and a target (f', g') that is an exponential moving average of it, ξ ← m·ξ + (1 − m)·θ after
  every step (part of the training step); loss = 2 − 2·cos(q(g(f(x))), sg(g'(f'(y)))), symmetrised
  over the two views. BatchNorm in the projector and predictor, as the paper's, guards against
  collapse.
- ``dcodr`` (Kahana & Hoshen, ECCV 2022, arXiv 2203.11284): one subgroup's value is the domain
  label, batches are balanced over domains, and the InfoNCE loss takes its negatives only from the
  anchor's own domain: ℓ_i = −s_ii + log Σ_{k: d_k = d_i} exp(s_ik), s_ik = cos(z_i, z'_k)/τ for the
  views x_i, y_k, averaged over both directions, so telling the domain apart never helps the code.
  As the official code's DCoDR-norec: no projection head (the loss acts on the code), the code is
  the encoder's output on the unit sphere, z = f(x)/‖f(x)‖, τ = 0.2 and 32 images a domain in a
  batch; without its pretrained ResNet-50 (nothing is downloaded), the reference conv encoder
  instead. Its code should ignore the domain and the augmenting subgroups.
"""

from __future__ import annotations

import copy
from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import torch
import torch.nn.functional as F
from pytorch_metric_learning.losses import NTXentLoss
from torch import nn

from envs import SymmetryEnv
from symgroup.config import Count, NonNegative, Positive
from symgroup.errors import InvalidOptionError
from symgroup.learn.architectures import build
from symgroup.learn.learner import Learner, LearnerConfig, floats, minimise
from symgroup.learn.samplers import Sampler, Views

if TYPE_CHECKING:
    from symgroup.check.claims import Claim, Code


def head(inputs: int, hidden: int, outputs: int) -> nn.Module:
    """Linear → BatchNorm → ReLU → Linear: SimCLR's projection head, BYOL's projector and predictor."""
    return nn.Sequential(nn.Linear(inputs, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, outputs))


@dataclass
class ContrastiveConfig(LearnerConfig):
    """``augment``: the subgroups whose action makes the second view, comma-separated."""

    augment: str = ""
    lr: Positive = 1e-3


@dataclass
class HeadedConfig(ContrastiveConfig):
    """The head's ``hidden`` width and its output z's size, ``projection``."""

    hidden: Count = 256
    projection: Count = 64


class ContrastiveLearner(Learner):
    """The shared part: a backbone f, views that differ by the ``augment`` subgroups' action."""

    Config = ContrastiveConfig
    paper: ClassVar[str]
    codes: ClassVar[tuple[Code, ...]] = ("code",)  # what its claims are judged on

    def __init__(self, env: SymmetryEnv, config: ContrastiveConfig) -> None:
        super().__init__(env, config)
        self.augment = tuple(name.strip() for name in config.augment.split(",") if name.strip())
        unknown = [name for name in self.augment if name not in env.factor_names]
        if not self.augment or unknown:
            raise InvalidOptionError(
                f"{self.name} augments by subgroups of {env.name}: augment must name some of {env.factor_names}, "
                f"got {config.augment!r}",
                config.augment,
            )
        self.backbone = build(config.architecture, env.observation_shape, config.latent)[0]

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> ContrastiveConfig:
        """The base recipe, augmenting by the world's last subgroup (e.g. ``gridworld``'s colour)."""
        return cls.Config(architecture=super().defaults(env).architecture, augment=env.factor_names[-1])

    @property
    def invariant(self) -> tuple[str, ...]:
        """The subgroups this learner's code should ignore: those it augments by."""
        return self.augment

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Von Kügelgen et al. 2021's claim for contrastive learning on views: the code ``invariant``
        ignores and the rest (the content) identified as one block, for each of ``codes``."""
        from symgroup.check.claims import Identifies, Ignores

        content = tuple(n for n in env.factor_names if n not in self.invariant)
        statement = (
            f"{self.paper}, on views that differ by {', '.join(self.augment)} (von Kügelgen et al. 2021): "
            f"the code discards {', '.join(self.invariant)} and keeps {', '.join(content)} as a block"
        )
        claims = []
        for code in self.codes:
            claims.append(Ignores(self.invariant, statement, code))
            if content:
                claims.append(Identifies(content, statement, self.invariant, code))
        return tuple(claims)

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Views(env, self.config.batch_size, self.augment)

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """h = f(x), the backbone's code."""
        return self.backbone(observations)[0]


class HeadedLearner(ContrastiveLearner):
    """A contrastive learner whose objective acts on a head's z = g(h): claims on h and z alike."""

    codes = ("code", "projection")

    @abstractmethod
    def project(self, observations: torch.Tensor) -> torch.Tensor:
        """z, the head's code of the views (each learner has its own head)."""

    @property
    def projection(self) -> nn.Module:
        """``project`` as an encoder module, for the checker (it sets eval mode and moves images)."""
        return Projection(self)


class Projection(nn.Module):
    """x ↦ learner.project(x)."""

    def __init__(self, learner: HeadedLearner) -> None:
        super().__init__()
        self.learner = learner

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.learner.project(observations)


@dataclass
class SimCLRConfig(HeadedConfig):
    """NT-Xent's ``temperature`` τ."""

    temperature: Positive = 0.5


class SimCLR(HeadedLearner):
    """SimCLR (Chen et al. 2020, arXiv 2002.05709): the NT-Xent loss on the head's z of 2N views,

        ℓ(i, j) = −log exp(sim(z_i, z_j)/τ) / Σ_(k ≠ i) exp(sim(z_i, z_k)/τ),   sim = cosine,

    averaged over both orders of every positive pair (i, j), the other 2N − 2 views its negatives.
    """

    name = "simclr"
    paper = "SimCLR (Chen et al. 2020)"
    Config = SimCLRConfig

    def __init__(self, env: SymmetryEnv, config: SimCLRConfig) -> None:
        super().__init__(env, config)
        self.head = head(config.latent, config.hidden, config.projection)
        self.nt_xent = NTXentLoss(temperature=config.temperature)

    def project(self, observations: torch.Tensor) -> torch.Tensor:
        """z = g(f(x))."""
        return self.head(self.encode(observations))

    def loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        z = self.project(torch.cat([batch["x"], batch["y"]]))
        pairs = torch.arange(len(batch["x"]), device=z.device)
        return self.nt_xent(z, torch.cat([pairs, pairs]))

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        loss = self.loss(batch)
        minimise(self.optimisers()["learner"], loss)
        return floats({"loss": loss})


@dataclass
class BYOLConfig(HeadedConfig):
    """The target network's EMA ``momentum`` m, in [0, 1]."""

    momentum: NonNegative = 0.99


class BYOL(HeadedLearner):
    """BYOL (Grill et al. 2020, arXiv 2006.07733): an online predictor q(g(f(x))) regresses the
    target network's projection of the other view, with no negatives,

        L = Σ_(both orders) 2 − 2·cos(q(z_x), sg(z′_y)),   ξ ← m·ξ + (1 − m)·θ after each step,

    the target (ξ: a copy of the backbone and projector) an exponential moving average of the online θ.
    """

    name = "byol"
    paper = "BYOL (Grill et al. 2020)"
    Config = BYOLConfig

    def __init__(self, env: SymmetryEnv, config: BYOLConfig) -> None:
        super().__init__(env, config)
        if config.momentum > 1:
            raise InvalidOptionError(f"byol's momentum must lie in [0, 1], got {config.momentum}", config.momentum)
        self.projector = head(config.latent, config.hidden, config.projection)
        self.predictor = head(config.projection, config.hidden, config.projection)
        self.target = nn.ModuleDict(
            {"backbone": copy.deepcopy(self.backbone), "projector": copy.deepcopy(self.projector)}
        )
        self.target.requires_grad_(False)
        for layer in self.target.modules():  # batch statistics in its forward, running ones only by the EMA
            if isinstance(layer, nn.BatchNorm1d):
                layer.momentum = 0.0

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        online = [*self.backbone.parameters(), *self.projector.parameters(), *self.predictor.parameters()]
        return {"online": torch.optim.Adam(online, lr=self.config.lr)}

    def project(self, observations: torch.Tensor) -> torch.Tensor:
        """The online projection g(f(x))."""
        return self.projector(self.encode(observations))

    def loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        views = torch.cat([batch["x"], batch["y"]])
        online = F.normalize(self.predictor(self.project(views)), dim=1)
        with torch.no_grad():
            target = F.normalize(self.target["projector"](self.target["backbone"](views)[0]), dim=1)
        swapped = target.roll(len(batch["x"]), dims=0)  # x's prediction against y's target and back
        return (2 - 2 * (online * swapped).sum(dim=1)).mean() * 2

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        loss = self.loss(batch)
        minimise(self.optimisers()["online"], loss)
        self.update_target()
        return floats({"loss": loss})

    @torch.no_grad()
    def update_target(self) -> None:
        """ξ ← m·ξ + (1 − m)·θ for the target's backbone and projector (their BatchNorm statistics too)."""
        m = self.config.momentum
        for name, online in (("backbone", self.backbone), ("projector", self.projector)):
            for xi, theta in zip(self.target[name].state_dict().values(), online.state_dict().values(), strict=True):
                if xi.is_floating_point():
                    xi.mul_(m).add_((1 - m) * theta)
                else:
                    xi.copy_(theta)


@dataclass
class DCoDRConfig(ContrastiveConfig):
    """``domain``: the subgroup whose value is the domain (default the world's first one not augmented)."""

    domain: str = ""
    temperature: Positive = 0.2


class DCoDR(ContrastiveLearner):
    name = "dcodr"
    paper = "DCoDR (Kahana & Hoshen 2022), negatives from the anchor's own domain"
    Config = DCoDRConfig

    def __init__(self, env: SymmetryEnv, config: DCoDRConfig) -> None:
        super().__init__(env, config)
        if config.domain not in env.factor_names or config.domain in self.augment:
            raise InvalidOptionError(
                f"dcodr's domain must be a subgroup of {env.name} it does not augment by "
                f"({env.factor_names}, augment {self.augment}), got {config.domain!r}",
                config.domain,
            )

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> DCoDRConfig:
        """The base recipe with the world's first other subgroup as the domain, 32 images of each
        domain a batch (the official code's 4 classes × 32)."""
        base = super().defaults(env)
        domain = next((n for n in env.factor_names if n != base.augment), base.augment)
        batch = 32 * env.factor_sizes[env.factor_names.index(domain)]
        return cls.Config(architecture=base.architecture, augment=base.augment, domain=domain, batch_size=batch)

    @property
    def invariant(self) -> tuple[str, ...]:
        return (*self.augment, self.config.domain)

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Views(env, self.config.batch_size, self.augment, domain=self.config.domain)

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """z = f(x)/‖f(x)‖: the backbone's output on the unit sphere, where the objective acts."""
        return F.normalize(super().encode(observations), dim=1)

    def loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        x, y = self.encode(torch.cat([batch["x"], batch["y"]])).chunk(2)
        same = batch["domain"][:, None] == batch["domain"][None, :]
        return (
            same_domain_info_nce(x @ y.T, same, self.config.temperature)
            + same_domain_info_nce(y @ x.T, same, self.config.temperature)
        ) / 2

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        loss = self.loss(batch)
        minimise(self.optimisers()["learner"], loss)
        return floats({"loss": loss})


def same_domain_info_nce(similarity: torch.Tensor, same: torch.Tensor, temperature: float) -> torch.Tensor:
    """mean_i [−s_ii + log Σ_{k: same[i, k]} exp(s_ik)], s = similarity / τ."""
    logits = (similarity / temperature).masked_fill(~same, float("-inf"))
    return (torch.logsumexp(logits, dim=1) - torch.diagonal(logits)).mean()
