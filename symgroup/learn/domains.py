"""Learners for worlds with a domain: one cyclic subgroup D (a rendering style, a background) whose
value is an image's domain, as in ``styled_gridworld`` (photo / sketch / painting ↔ filled /
outlined / hatched). Each makes a claim the checker can test:

- ``adda`` (Tzeng et al. 2017, arXiv 1702.05464): a source encoder M_s and classifier C learn one
  subgroup's value (the label) on the source domain (D's value 0) by cross-entropy; then a target
  encoder M_t, initialised from M_s, is trained against a critic on codes, with M_s frozen:
  min_critic −E_s log σ(c(M_s x)) − E_t log(1 − σ(c(M_t x))) and min_(M_t) −E_t log σ(c(M_t x)).
  Its code (M_t once adapting) should ignore the domain; the label should stay decodable.
- ``ufdn`` (Liu et al. 2018, arXiv 1809.01361): a VAE whose decoder takes z ⊕ onehot(d) and whose
  z is pushed domain-invariant by a critic on features: the critic learns d from z by
  cross-entropy, the encoder is pushed toward the inverted domain code (1 − onehot(d))/(K − 1).
  Its code should ignore the domain, and its decoder with the domain code changed should act as D.

Scaled down for a CPU (the papers' settings in each class's docstring). Translators (UFDN here,
StarGAN and DiscoGAN in :mod:`symgroup.learn.translators`) act on images through their own domain
classifier: act(x, g) = translate(x, d̂(x), d̂(x) + k), k the D-component of g, which is what
:func:`symgroup.check.check_action` judges on the domain subgroup.
"""

from __future__ import annotations

import dataclasses
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn

from envs import SymmetryEnv
from symgroup.config import Count, NonNegative, Positive
from symgroup.cyclic import Cyclic
from symgroup.errors import InvalidOptionError
from symgroup.group import GroupElement
from symgroup.learn.adversarial import adam, binary_cross_entropy, critic_loss
from symgroup.learn.architectures import build
from symgroup.learn.learner import Learner, LearnerConfig, floats, minimise
from symgroup.learn.losses import bernoulli_reconstruction, kl_divergence, reparameterise
from symgroup.learn.samplers import Domains, Sampler
from symgroup.learn.vaes import VAE

if TYPE_CHECKING:
    from symgroup.check.claims import Claim


@dataclass
class DomainConfig(LearnerConfig):
    """``domain``: the cyclic subgroup whose value is an image's domain (default the world's last)."""

    domain: str = ""
    lr: Positive = 2e-4


class DomainLearner(Learner):
    """The shared part: the domain subgroup D = C_K, its column in the states, and K."""

    Config = DomainConfig

    def __init__(self, env: SymmetryEnv, config: DomainConfig) -> None:
        super().__init__(env, config)
        factor = env.factors.get(config.domain)
        if factor is None or not isinstance(factor.group, Cyclic):
            raise InvalidOptionError(
                f"{self.name}'s domain must be a cyclic subgroup of {env.name} "
                f"({env.factor_names}), got {config.domain!r}",
                config.domain,
            )
        self.group, self.column, self.domains = env.group, env.factor_names.index(config.domain), factor.group.order

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> DomainConfig:
        return dataclasses.replace(super().defaults(env), domain=env.factor_names[-1])

    @property
    def invariant(self) -> tuple[str, ...]:
        """What the code should ignore: the domain."""
        return (self.config.domain,)

    def domain_of(self, states: torch.Tensor) -> torch.Tensor:
        return states[:, self.column]


class DomainTranslator(DomainLearner):
    """A learner that translates images between domains, and so acts on them by D."""

    @property
    def acts_by(self) -> tuple[str, ...]:
        """The subgroups ``act`` takes: the domain."""
        return (self.config.domain,)

    @abstractmethod
    def translate(self, x: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Images of ``x`` (of domains ``source``) moved to domains ``target``, in [0, 1]."""

    @abstractmethod
    def classify_domain(self, x: torch.Tensor) -> torch.Tensor:
        """Domain logits (n, K) of images."""

    def act(self, observations: torch.Tensor, elements: Sequence[GroupElement]) -> torch.Tensor:
        """translate(x, d̂, d̂ + k) with d̂ = argmax classify_domain(x) and k the D-component of g."""
        shifts = torch.tensor([self._shift(g) for g in elements], device=observations.device)
        source = self.classify_domain(observations).argmax(dim=1)
        return self.translate(observations, source, (source + shifts) % self.domains)

    def _shift(self, g: GroupElement) -> int:
        moved = [
            n
            for n in self.group.names
            if n != self.config.domain and self.group.project(n, g) != self.group.factor(n).identity
        ]
        if moved:
            raise InvalidOptionError(
                f"{self.name} acts by its domain {self.config.domain!r} only; {g} also moves {moved}", g
            )
        return int(self.group.project(self.config.domain, g).value)


@dataclass
class ADDAConfig(DomainConfig):
    """``label``: the subgroup the classifier learns (default the one before the domain);
    ``source_steps`` of the first phase, at ``source_lr``; the critic's ``hidden`` width."""

    label: str = ""
    source_steps: Count = 1000
    source_lr: Positive = 1e-3
    hidden: Count = 500


class ADDA(DomainLearner):
    """Adversarial discriminative domain adaptation (Tzeng et al. 2017).

    The paper's digits recipe (LeNet, batch 128, 10k source steps at Adam 1e-3, 10k adaptation steps
    at 2e-4, a 500-500 critic with leaky ReLU): here the reference conv encoder, batch 64 of each
    domain, ``source_steps`` 1,000 of classification then adaptation at 2e-4, β (0.5, 0.999).
    The source domain is D's value 0, the target every other value.
    """

    name = "adda"
    Config = ADDAConfig

    def __init__(self, env: SymmetryEnv, config: ADDAConfig) -> None:
        super().__init__(env, config)
        if config.label not in env.factor_names or config.label == config.domain:
            raise InvalidOptionError(
                f"adda's label must be a subgroup of {env.name} other than its domain "
                f"{config.domain!r} ({env.factor_names}), got {config.label!r}",
                config.label,
            )
        self.label_column = env.factor_names.index(config.label)
        self.source = build(config.architecture, env.observation_shape, config.latent)[0]
        self.target = build(config.architecture, env.observation_shape, config.latent)[0]
        self.classifier = nn.Linear(config.latent, env.factor_sizes[self.label_column])
        width = config.hidden
        self.critic = nn.Sequential(
            nn.Linear(config.latent, width),
            nn.LeakyReLU(0.2),
            nn.Linear(width, width),
            nn.LeakyReLU(0.2),
            nn.Linear(width, 1),
        )
        self.register_buffer("adapting", torch.tensor(False))

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> ADDAConfig:
        base = super().defaults(env)
        return dataclasses.replace(base, label=env.factor_names[env.factor_names.index(base.domain) - 1])

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Domains(env, self.config.batch_size, self.config.domain)

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        source = [*self.source.parameters(), *self.classifier.parameters()]
        return {
            "source": torch.optim.Adam(source, lr=self.config.source_lr),
            "critic": adam(self.critic.parameters(), self.config.lr),
            "target": adam(self.target.parameters(), self.config.lr),
        }

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """M_t(x) once adapting (M_s before)."""
        return (self.target if self.adapting else self.source)(observations)[0]

    def classify(self, observations: torch.Tensor) -> torch.Tensor:
        """Label logits C(encode(x))."""
        return self.classifier(self.encode(observations))

    def classify_source_only(self, observations: torch.Tensor) -> torch.Tensor:
        """Label logits C(M_s(x)): the source encoder, frozen since adaptation began (the baseline)."""
        return self.classifier(self.source(observations)[0])

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Tzeng et al. 2017's claim: adapted, the classifier tells the label on the target domains,
        the source-only classifier's accuracy beside."""
        from symgroup.check.claims import Classifies

        column = self.column
        return (
            Classifies(
                self.config.label,
                self.classify,
                0.9,
                "Tzeng et al. 2017: adversarial adaptation carries the source's classifier to the targets",
                population="the target domains",
                only=lambda states: states[:, column] != 0,
                baseline=("source-only accuracy", self.classify_source_only),
            ),
        )

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        if step < self.config.source_steps:
            labels = batch["source_states"][:, self.label_column]
            loss = F.cross_entropy(self.classifier(self.source(batch["source"])[0]), labels)
            minimise(self.optimisers()["source"], loss)
            return floats({"loss": loss, "classification": loss})
        if not self.adapting:
            self.target.load_state_dict(self.source.state_dict())
            self.adapting.fill_(True)
        with torch.no_grad():
            source = self.source(batch["source"])[0]
        target = self.target(batch["target"])[0]
        critic = critic_loss(self.critic(source), self.critic(target.detach()))
        minimise(self.optimisers()["critic"], critic)
        mapping = binary_cross_entropy(self.critic(target), True)
        minimise(self.optimisers()["target"], mapping)
        return floats({"loss": critic + mapping, "critic": critic, "mapping": mapping})


def inverted_domain_loss(logits: torch.Tensor, domain: torch.Tensor, domains: int) -> torch.Tensor:
    """UFDN's push on the encoder: cross-entropy of the critic's logits against the inverted domain
    code (1 − onehot(d))/(K − 1), mean over the batch (for K = 2: the other domain's label)."""
    inverted = (1 - F.one_hot(domain, domains).to(logits.dtype)) / (domains - 1)
    return -(inverted * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


@dataclass
class UFDNConfig(DomainConfig):
    """``kl`` weighs the KL term, ``adversary`` the encoder's inverted-domain term; the critic's ``hidden`` width."""

    kl: NonNegative = 1.0
    adversary: NonNegative = 1.0
    hidden: Count = 256


class UFDN(DomainTranslator):
    """A unified feature disentangler (Liu et al. 2018).

    The paper's faces recipe (64 px, batch 32, Adam 1e-4 β (0.5, 0.999), 250k steps, KL weight
    1e-6–1e-7 beside an MSE, ramps rec 100 → 1 and feature 0 → 1, a pixel WGAN-GP critic with a
    domain head): here the reference conv VAE with Bernoulli reconstruction and KL weight ``kl`` 1,
    the feature critic, and of the pixel critic only its domain head (a conv classifier on real
    images, which ``act`` uses); no ramps, no pixel adversary.
    """

    name = "ufdn"
    Config = UFDNConfig

    def __init__(self, env: SymmetryEnv, config: UFDNConfig) -> None:
        super().__init__(env, config)
        if self.domains < 2:
            raise InvalidOptionError(f"ufdn needs a domain of at least 2 values, got {self.domains}", config.domain)
        shape = env.observation_shape
        self.encoder = build(config.architecture, shape, config.latent)[0]
        self.decoder = build(config.architecture, shape, config.latent + self.domains)[1]
        self.critic = nn.Sequential(
            nn.Linear(config.latent, config.hidden), nn.LeakyReLU(0.2), nn.Linear(config.hidden, self.domains)
        )
        self.domain_head = build(config.architecture, shape, self.domains)[0]

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        vae = [*self.encoder.parameters(), *self.decoder.parameters()]
        return {
            "vae": adam(vae, self.config.lr),
            "critic": adam(self.critic.parameters(), self.config.lr),
            "domain_head": adam(self.domain_head.parameters(), self.config.lr),
        }

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Liu et al. 2018's claims: a code free of the domain, and a decoder that renders the state
        (identity) and, with the domain code changed, the state in the new domain."""
        from symgroup.check.claims import ActsAs, Ignores

        statement = "Liu et al. 2018: the code is domain-invariant, and decoding it in another domain translates"
        return (
            Ignores((self.config.domain,), statement),
            ActsAs(self.config.domain, statement, {"identity": 0.9, "hit": 0.8}),
        )

    encode = VAE.encode
    posterior = VAE.posterior

    def decode_in(self, codes: torch.Tensor, domain: torch.Tensor) -> torch.Tensor:
        """Images of codes in the domains ``domain``: sigmoid(decoder(z ⊕ onehot(d)))."""
        return torch.sigmoid(self.decoder(torch.cat([codes, F.one_hot(domain, self.domains).to(codes)], dim=1)))

    def translate(self, x: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.decode_in(self.encode(x), target)

    def classify_domain(self, x: torch.Tensor) -> torch.Tensor:
        return self.domain_head(x)[0]

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        x, domain = batch["x"], self.domain_of(batch["states"])
        mean, log_variance = self.encoder(x)
        z = reparameterise(mean, log_variance, self.rng)
        critic = F.cross_entropy(self.critic(z.detach()), domain)
        minimise(self.optimisers()["critic"], critic)
        code = torch.cat([z, F.one_hot(domain, self.domains).to(z)], dim=1)
        recon = bernoulli_reconstruction(self.decoder(code), x)
        kl = kl_divergence(mean, log_variance)
        confusion = inverted_domain_loss(self.critic(z), domain, self.domains)
        loss = recon + self.config.kl * kl + self.config.adversary * confusion
        minimise(self.optimisers()["vae"], loss)
        head = F.cross_entropy(self.classify_domain(x), domain)
        minimise(self.optimisers()["domain_head"], head)
        return floats(
            {"loss": loss, "recon": recon, "kl": kl, "confusion": confusion, "critic": critic, "domain_head": head}
        )
