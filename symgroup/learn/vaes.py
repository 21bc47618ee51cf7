"""The VAE family, each objective stated as a formula with its paper. Lower is better; every term is
a mean over the batch.

Shared: q(z|x) = N(μ, diag σ²) from the encoder, z = μ + σ ε, logits = decoder(z);
recon = Σ_pixels BCE-with-logits(logits, x) (Bernoulli likelihood);
KL = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1).

- ``vae``  (Kingma & Welling 2014): recon + KL.
- ``beta_vae`` (Higgins et al. 2017): recon + β·KL.
- ``annealed_vae`` (Burgess et al. 2018): recon + γ·|KL − C(t)|, C(t) = min(C_max, C_max·t/T).
- ``factor_vae`` (Kim & Mnih 2018): recon + KL + γ·TC, TC ≈ E[logit_q − logit_perm] from a
  discriminator (6 × 1000 leaky ReLU) trained to tell q(z) from dimension-wise permuted samples.
- ``beta_tcvae`` (Chen et al. 2018): recon + KL + (β − 1)·TC, TC = E[log q(z) − Σ_j log q(z_j)] by
  minibatch-weighted (``estimator="mws"``) or minibatch-stratified (``"mss"``) sampling.
- ``bayes_factor_vae`` (Kim, Wang, Sahu & Pavlovic, ICCV 2019, arXiv 1909.02820): FactorVAE's
  objective with a hierarchical prior: z_j ~ N(0, 1/α_j), α_j ~ Gamma(a, b) (shape, rate). Each
  example's q(α_j) = Gamma(a + ½, b + ½(μ_j² + σ_j²)) is the optimum given q(z_j | x), and the KL
  term becomes Σ_j E_q(α)[KL(N(μ_j, σ_j²) ‖ N(0, 1/α_j))] + KL(q(α_j) ‖ Gamma(a, b)), with
  E[α] = a'/b', E[log α] = ψ(a') − log b' (a' = a + ½, b' = b + ½(μ² + σ²)). The long-tailed
  marginal (a Student-t) lets the dims that carry a factor spread without the Gaussian's cost.
  a = b = 1 are ours; the paper's variants that keep some dims as nuisances under a fixed N(0, 1)
  are not built.
- ``dip_vae_i`` / ``dip_vae_ii`` (Kumar et al. 2018): recon + KL + λ_od Σ_{i≠j} C_ij² + λ_d Σ_i (C_ii − 1)²,
  C = Cov[μ] (I) or Cov[μ] + E[diag σ²] (II).
- ``info_vae`` (Zhao et al. 2019): recon + (1 − α)·KL + (α + λ − 1)·MMD(q(z), N(0, I)), RBF kernel.

Defaults follow Locatello et al. 2019 (arXiv 1811.12359) where it fixes them: latent 10,
batches of 64 images, Adam lr 1e-4, disentanglement_lib's conv encoder/decoder where the images fit
it (else an MLP); ``annealed_vae``'s T = 100,000 steps is disentanglement_lib's.
"""

from __future__ import annotations

import itertools
import math
from abc import abstractmethod
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from envs import SymmetryEnv
from symgroup.config import Count, NonNegative, Positive
from symgroup.errors import InvalidOptionError
from symgroup.learn.architectures import build
from symgroup.learn.learner import Learner, LearnerConfig, floats, minimise
from symgroup.learn.losses import bernoulli_reconstruction, kl_divergence, reparameterise

Terms = dict[str, torch.Tensor]


class Autoencoder(Learner):
    """An encoder and a decoder of the config's architecture; one optimiser step a batch on the
    terms of :meth:`~symgroup.learn.Autoencoder.loss`. The code is the encoder's first output; the decoder's
    outputs are logits."""

    def __init__(self, env: SymmetryEnv, config: LearnerConfig) -> None:
        super().__init__(env, config)
        self.encoder, self.decoder = build(config.architecture, env.observation_shape, config.latent)

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """The encoder's code (a VAE's posterior mean μ(x))."""
        return self.encoder(observations)[0]

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """The Bernoulli means sigmoid(decoder(z))."""
        return torch.sigmoid(self.decoder(codes))

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        terms = self.loss(batch, step)
        minimise(self.optimisers()["learner"], terms["loss"])
        return floats(terms)

    @abstractmethod
    def loss(self, batch: dict[str, torch.Tensor], step: int) -> Terms:
        """Every term of the objective for the batch, with the total under "loss"."""


class VAE(Autoencoder):
    """recon + KL; subclasses add their regulariser in :meth:`~symgroup.learn.VAE.penalty`. Trains on still images."""

    name = "vae"

    def __init__(self, env: SymmetryEnv, config: LearnerConfig) -> None:
        super().__init__(env, config)
        self.dataset_size = env.n_states

    def posterior(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """q(z|x) = N(μ, diag σ²): μ(x) and σ²(x) (the checker judges μ against σ)."""
        mean, log_variance = self.encoder(observations)
        return mean, log_variance.exp()

    def loss(self, batch: dict[str, torch.Tensor], step: int) -> Terms:
        """The terms for the images under "x"."""
        return self.elbo(batch["x"], step)[0]

    def elbo(self, x: torch.Tensor, step: int) -> tuple[Terms, torch.Tensor]:
        """The terms for images ``x`` and the posterior means they used."""
        mean, log_variance = self.encoder(x)
        z = reparameterise(mean, log_variance, self.rng)
        recon = bernoulli_reconstruction(self.decoder(z), x)
        kl = kl_divergence(mean, log_variance)
        terms = {"recon": recon, "kl": kl, **self.penalty(mean, log_variance, z, kl, step)}
        terms["loss"] = recon + terms.pop("regularised")
        return terms, mean

    def penalty(
        self, mean: torch.Tensor, log_variance: torch.Tensor, z: torch.Tensor, kl: torch.Tensor, step: int
    ) -> Terms:
        """The learner's part of the loss besides recon, under "regularised" (plus diagnostic terms)."""
        return {"regularised": kl}


@dataclass
class BetaVAEConfig(LearnerConfig):
    beta: NonNegative = 4.0


class BetaVAE(VAE):
    name = "beta_vae"
    Config = BetaVAEConfig

    def penalty(self, mean, log_variance, z, kl, step):
        return {"regularised": self.config.beta * kl}


@dataclass
class AnnealedVAEConfig(LearnerConfig):
    """γ weighs |KL − C(t)|; the capacity C(t) = min(C_max, C_max·t/T) grows linearly to C_max = ``c_max``
    nats over T = ``anneal_steps`` steps (disentanglement_lib's T)."""

    gamma: NonNegative = 1000.0
    c_max: NonNegative = 25.0
    anneal_steps: Count = 100_000


class AnnealedVAE(VAE):
    name = "annealed_vae"
    Config = AnnealedVAEConfig

    def penalty(self, mean, log_variance, z, kl, step):
        c_max = self.config.c_max
        capacity = min(c_max, c_max * step / self.config.anneal_steps)
        return {"regularised": self.config.gamma * (kl - capacity).abs(), "capacity": torch.tensor(capacity)}


class Discriminator(nn.Module):
    """6 layers of 1000 leaky-ReLU units; two logits: (from q(z), permuted)."""

    def __init__(self, latent: int, width: int = 1000, layers: int = 6) -> None:
        super().__init__()
        sizes = [latent] + [width] * layers
        blocks: list[nn.Module] = []
        for a, b in itertools.pairwise(sizes):
            blocks += [nn.Linear(a, b), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*blocks, nn.Linear(width, 2))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


def permute_dims(z: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each latent dimension shuffled independently across the batch: samples of Π_j q(z_j)."""
    return torch.stack(
        [z[torch.randperm(len(z), generator=generator, device=z.device), j] for j in range(z.shape[1])], dim=1
    )


@dataclass
class FactorVAEConfig(LearnerConfig):
    gamma: NonNegative = 10.0


class FactorVAE(VAE):
    """TC ≈ E[logit_q − logit_perm] from a discriminator with its own optimiser (Adam, lr 1e-4,
    betas (0.5, 0.9)), updated after the VAE in each training step on the cross-entropy of telling
    z (class 0) from permuted z (class 1), logged as "discriminator_loss"."""

    name = "factor_vae"
    Config = FactorVAEConfig

    def __init__(self, env: SymmetryEnv, config: LearnerConfig) -> None:
        super().__init__(env, config)
        self.discriminator = Discriminator(config.latent)

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        main = [p for name, p in self.named_parameters() if not name.startswith("discriminator.")]
        return {
            "learner": torch.optim.Adam(main, lr=self.config.lr),
            "discriminator": torch.optim.Adam(self.discriminator.parameters(), lr=1e-4, betas=(0.5, 0.9)),
        }

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        terms = self.loss(batch, step)
        minimise(self.optimisers()["learner"], terms["loss"])
        minimise(self.optimisers()["discriminator"], terms["discriminator_loss"])
        return floats(terms)

    def penalty(self, mean, log_variance, z, kl, step):
        tc = self.total_correlation(z)
        detached = z.detach()
        both = torch.cat([detached, permute_dims(detached, self.rng)])
        labels = torch.cat([torch.zeros(len(z)), torch.ones(len(z))]).long().to(z.device)
        discriminator_loss = F.cross_entropy(self.discriminator(both), labels)
        return {"regularised": kl + self.config.gamma * tc, "tc": tc, "discriminator_loss": discriminator_loss}

    def total_correlation(self, z: torch.Tensor) -> torch.Tensor:
        logits = self.discriminator(z)
        return (logits[:, 0] - logits[:, 1]).mean()


@dataclass
class BayesFactorVAEConfig(FactorVAEConfig):
    a: Positive = 1.0  # the Gamma prior's shape
    b: Positive = 1.0  # and rate


class BayesFactorVAE(FactorVAE):
    """FactorVAE with the hierarchical prior of the module docstring; defaults a = b = 1 (ours)."""

    name = "bayes_factor_vae"
    Config = BayesFactorVAEConfig

    def penalty(self, mean, log_variance, z, kl, step):
        terms = super().penalty(mean, log_variance, z, kl, step)
        hierarchical = hierarchical_kl(mean, log_variance, self.config.a, self.config.b)
        terms["regularised"] = terms["regularised"] - kl + hierarchical
        terms["hierarchical_kl"] = hierarchical
        return terms


def hierarchical_kl(mean: torch.Tensor, log_variance: torch.Tensor, a: float, b: float) -> torch.Tensor:
    """Σ_j E_q(α_j)[KL(N(μ_j, σ_j²) ‖ N(0, 1/α_j))] + KL(q(α_j) ‖ Gamma(a, b)), mean over the batch,
    with q(α_j) = Gamma(a + ½, b + ½(μ_j² + σ_j²)) (shape, rate)."""
    second_moment = mean**2 + log_variance.exp()
    shape, rate = a + 0.5, b + 0.5 * second_moment
    digamma = float(torch.special.digamma(torch.tensor(shape, dtype=torch.float64)))
    gaussian = 0.5 * (shape / rate * second_moment - (digamma - rate.log()) - log_variance - 1)
    gamma = (
        (shape - a) * digamma
        - math.lgamma(shape)
        + math.lgamma(a)
        + a * (rate.log() - math.log(b))
        + shape * (b - rate) / rate
    )
    return (gaussian + gamma).sum(dim=1).mean()


def gaussian_log_density(z: torch.Tensor, mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
    """log N(z; μ, σ²) elementwise."""
    return -0.5 * (math.log(2 * math.pi) + log_variance + (z - mean) ** 2 * torch.exp(-log_variance))


@dataclass
class BetaTCVAEConfig(LearnerConfig):
    beta: NonNegative = 6.0
    estimator: Literal["mws", "mss"] = "mws"


class BetaTCVAE(VAE):
    name = "beta_tcvae"
    Config = BetaTCVAEConfig

    def penalty(self, mean, log_variance, z, kl, step):
        tc = total_correlation(z, mean, log_variance, self.dataset_size, self.config.estimator)
        return {"regularised": kl + (self.config.beta - 1) * tc, "tc": tc}


def total_correlation(
    z: torch.Tensor, mean: torch.Tensor, log_variance: torch.Tensor, dataset_size: int, estimator: str = "mws"
) -> torch.Tensor:
    """E[log q(z) − Σ_j log q(z_j)] over the batch (Chen et al. 2018, section 4.1 and appendix C).

    log q(z_i) ≈ logsumexp_k (log q(z_i | x_k) + log w_ik), with w_ik = 1/(N·M) for minibatch-weighted
    sampling, and for stratified sampling w_ii = 1/N, w_i,i+1 = (N − M)/(N·M), w_ik = 1/M otherwise
    (M = batch size − 1, N = data set size).
    """
    n = len(z)
    log_q = gaussian_log_density(z[:, None, :], mean[None, :, :], log_variance[None, :, :])  # (i, k, j)
    if estimator == "mws":
        log_w = torch.full((n, n), -math.log(dataset_size * n), device=z.device)
    elif estimator == "mss":
        m = n - 1
        w = torch.full((n, n), 1.0 / m)
        w[torch.arange(n), torch.arange(n)] = 1.0 / dataset_size
        w[torch.arange(n - 1), torch.arange(1, n)] = (dataset_size - m) / (dataset_size * m)
        w[m - 1, 0] = (dataset_size - m) / (dataset_size * m)
        log_w = w.log().to(z.device)
    else:
        raise InvalidOptionError(f"estimator must be 'mws' or 'mss', got {estimator!r}", estimator)
    log_qz = torch.logsumexp(log_q.sum(dim=2) + log_w, dim=1)
    log_marginals = torch.logsumexp(log_q + log_w[:, :, None], dim=1).sum(dim=1)
    return (log_qz - log_marginals).mean()


@dataclass
class DIPVAEConfig(LearnerConfig):
    """λ_od weighs the covariance's off-diagonal entries toward 0, λ_d its diagonal toward 1."""

    lambda_od: NonNegative = 10.0
    lambda_d: NonNegative = 100.0


class DIPVAE(VAE):
    """DIP-VAE-I (Kumar et al. 2018): the covariance C = Cov[μ] of the encoder's means is pushed toward
    the identity, λ_od Σ_(i≠j) C_ij² + λ_d Σ_i (C_ii − 1)²; defaults λ_od = 10, λ_d = 10·λ_od."""

    name = "dip_vae_i"
    Config = DIPVAEConfig

    def covariance(self, mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
        centred = mean - mean.mean(dim=0)
        return centred.T @ centred / len(mean)

    def penalty(self, mean, log_variance, z, kl, step):
        c = self.covariance(mean, log_variance)
        diagonal = torch.diagonal(c)
        off = (c**2).sum() - (diagonal**2).sum()
        dip = self.config.lambda_od * off + self.config.lambda_d * ((diagonal - 1) ** 2).sum()
        return {"regularised": kl + dip, "dip": dip}


@dataclass
class DIPVAEIIConfig(DIPVAEConfig):
    lambda_d: NonNegative = 10.0


class DIPVAEII(DIPVAE):
    """DIP-VAE-II: C = Cov[μ] + E[diag σ²]; defaults λ_od = λ_d = 10."""

    name = "dip_vae_ii"
    Config = DIPVAEIIConfig

    def covariance(self, mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
        return super().covariance(mean, log_variance) + torch.diag(log_variance.exp().mean(dim=0))


def mmd(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """MMD² with the RBF kernel k(x, y) = exp(−‖x − y‖² / d) (biased V-statistic)."""
    d = a.shape[1]

    def k(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.exp(-(torch.cdist(x, y) ** 2) / d).mean()

    return k(a, a) + k(b, b) - 2 * k(a, b)


@dataclass
class InfoVAEConfig(LearnerConfig):
    """α moves weight from the KL term to the MMD term; λ (``lambda_mmd``) weighs MMD(q(z), p(z))."""

    alpha: float = 0.0
    lambda_mmd: NonNegative = 100.0


class InfoVAE(VAE):
    """InfoVAE (Zhao et al. 2019): recon + (1 − α)·KL + (α + λ − 1)·MMD(q(z), N(0, I)), the MMD between
    the batch's codes and as many prior draws; defaults α = 0, λ = 100: recon + KL + 99·MMD."""

    name = "info_vae"
    Config = InfoVAEConfig

    def penalty(self, mean, log_variance, z, kl, step):
        prior = torch.randn(z.shape, generator=self.rng, device=z.device, dtype=z.dtype)
        distance = mmd(z, prior)
        alpha, weight = self.config.alpha, self.config.lambda_mmd
        return {"regularised": (1 - alpha) * kl + (alpha + weight - 1) * distance, "mmd": distance}
