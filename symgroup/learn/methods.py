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
- ``dip_vae_i`` / ``dip_vae_ii`` (Kumar et al. 2018): recon + KL + λ_od Σ_{i≠j} C_ij² + λ_d Σ_i (C_ii − 1)²,
  C = Cov[μ] (I) or Cov[μ] + E[diag σ²] (II).
- ``info_vae`` (Zhao et al. 2019): recon + (1 − α)·KL + (α + λ − 1)·MMD(q(z), N(0, I)), RBF kernel.

Defaults follow Locatello et al. 2019 (arXiv 1811.12359) where it fixes them.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from symgroup.errors import InvalidOptionError
from symgroup.numbers import is_number

Terms = dict[str, torch.Tensor]


class VAE(nn.Module):
    """recon + KL; subclasses add their regulariser in :meth:`penalty`."""

    name: ClassVar[str] = "vae"
    defaults: ClassVar[dict[str, Any]] = {}
    uses_transitions: ClassVar[bool] = False  # built with the env (its moves)
    path_length: int = 0  # moves per training path; 0: still images

    def __init__(self, encoder: nn.Module, decoder: nn.Module, latent: int, dataset_size: int, total_steps: int,
                 **params: Any) -> None:  # fmt: skip
        super().__init__()
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise InvalidOptionError(
                f"{self.name} has no parameter {', '.join(sorted(unknown))}; its parameters are {self.defaults}",
                sorted(unknown),
            )
        for key, value in params.items():  # a weight whose default is positive is a finite number ≥ 0
            default = self.defaults[key]
            if is_number(default) and not (is_number(value) and (value >= 0 or default <= 0)):
                bound = " ≥ 0" if default > 0 else ""
                raise InvalidOptionError(
                    f"{self.name}'s parameter {key} must be a finite number{bound} (default {default}), got {value!r}",
                    key,
                )
        self.encoder, self.decoder, self.latent = encoder, decoder, latent
        self.dataset_size, self.total_steps = dataset_size, total_steps
        self.params = {**self.defaults, **params}

    def loss(self, x: torch.Tensor, step: int, generator: torch.Generator) -> Terms:
        """Every term of the objective for the batch ``x``, with the total under "loss"."""
        return self.terms_and_mean(x, step, generator)[0]

    def terms_and_mean(self, x: torch.Tensor, step: int, generator: torch.Generator) -> tuple[Terms, torch.Tensor]:
        """:meth:`loss` and the encoder mean it used (for methods that add terms on the mean)."""
        mean, log_variance = self.encoder(x)
        noise = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
        z = mean + torch.exp(0.5 * log_variance) * noise
        recon = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="sum") / len(x)
        kl = kl_divergence(mean, log_variance)
        terms = {"recon": recon, "kl": kl, **self.penalty(mean, log_variance, z, kl, step, generator)}
        terms["loss"] = recon + terms.pop("regularised")
        return terms, mean

    def penalty(self, mean: torch.Tensor, log_variance: torch.Tensor, z: torch.Tensor, kl: torch.Tensor, step: int,
                generator: torch.Generator) -> Terms:  # fmt: skip
        """The method's part of the loss besides recon, under "regularised" (plus diagnostic terms)."""
        return {"regularised": kl}


def kl_divergence(mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − log σ² − 1), mean over the batch."""
    return 0.5 * (mean**2 + log_variance.exp() - log_variance - 1).sum(dim=1).mean()


class BetaVAE(VAE):
    name = "beta_vae"
    defaults: ClassVar[dict[str, Any]] = {"beta": 4.0}

    def penalty(self, mean, log_variance, z, kl, step, generator):
        return {"regularised": self.params["beta"] * kl}


class AnnealedVAE(VAE):
    """``anneal_steps`` T defaults to the run's total steps (Locatello et al. use 100,000)."""

    name = "annealed_vae"
    defaults: ClassVar[dict[str, Any]] = {"gamma": 1000.0, "c_max": 25.0, "anneal_steps": None}

    def penalty(self, mean, log_variance, z, kl, step, generator):
        horizon = self.params["anneal_steps"] or self.total_steps
        capacity = min(self.params["c_max"], self.params["c_max"] * step / max(horizon, 1))
        return {"regularised": self.params["gamma"] * (kl - capacity).abs(), "capacity": torch.tensor(capacity)}


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
    return torch.stack([z[torch.randperm(len(z), generator=generator, device=z.device), j] for j in range(z.shape[1])],
                       dim=1)  # fmt: skip


class FactorVAE(VAE):
    """The discriminator has its own optimiser (Adam, lr 1e-4, betas (0.5, 0.9)); its loss is the
    cross-entropy of telling z (class 0) from permuted z (class 1), under "discriminator_loss"."""

    name = "factor_vae"
    defaults: ClassVar[dict[str, Any]] = {"gamma": 10.0}

    def __init__(self, encoder, decoder, latent, dataset_size, total_steps, **params):
        super().__init__(encoder, decoder, latent, dataset_size, total_steps, **params)
        self.discriminator = Discriminator(latent)

    def penalty(self, mean, log_variance, z, kl, step, generator):
        logits = self.discriminator(z)
        tc = (logits[:, 0] - logits[:, 1]).mean()
        detached = z.detach()
        both = torch.cat([detached, permute_dims(detached, generator)])
        labels = torch.cat([torch.zeros(len(z)), torch.ones(len(z))]).long().to(z.device)
        discriminator_loss = F.cross_entropy(self.discriminator(both), labels)
        return {"regularised": kl + self.params["gamma"] * tc, "tc": tc, "discriminator_loss": discriminator_loss}


def gaussian_log_density(z: torch.Tensor, mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
    """log N(z; μ, σ²) elementwise."""
    return -0.5 * (math.log(2 * math.pi) + log_variance + (z - mean) ** 2 * torch.exp(-log_variance))


class BetaTCVAE(VAE):
    name = "beta_tcvae"
    defaults: ClassVar[dict[str, Any]] = {"beta": 6.0, "estimator": "mws"}

    def penalty(self, mean, log_variance, z, kl, step, generator):
        tc = total_correlation(z, mean, log_variance, self.dataset_size, self.params["estimator"])
        return {"regularised": kl + (self.params["beta"] - 1) * tc, "tc": tc}


def total_correlation(z: torch.Tensor, mean: torch.Tensor, log_variance: torch.Tensor, dataset_size: int,
                      estimator: str = "mws") -> torch.Tensor:  # fmt: skip
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


class DIPVAE(VAE):
    """DIP-VAE-I: C = Cov[μ]; defaults λ_od = 10, λ_d = 10·λ_od (Kumar et al. 2018)."""

    name = "dip_vae_i"
    defaults: ClassVar[dict[str, Any]] = {"lambda_od": 10.0, "lambda_d": 100.0}

    def covariance(self, mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
        centred = mean - mean.mean(dim=0)
        return centred.T @ centred / len(mean)

    def penalty(self, mean, log_variance, z, kl, step, generator):
        c = self.covariance(mean, log_variance)
        diagonal = torch.diagonal(c)
        off = (c**2).sum() - (diagonal**2).sum()
        dip = self.params["lambda_od"] * off + self.params["lambda_d"] * ((diagonal - 1) ** 2).sum()
        return {"regularised": kl + dip, "dip": dip}


class DIPVAEII(DIPVAE):
    """DIP-VAE-II: C = Cov[μ] + E[diag σ²]; defaults λ_od = λ_d = 10."""

    name = "dip_vae_ii"
    defaults: ClassVar[dict[str, Any]] = {"lambda_od": 10.0, "lambda_d": 10.0}

    def covariance(self, mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
        return super().covariance(mean, log_variance) + torch.diag(log_variance.exp().mean(dim=0))


def mmd(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """MMD² with the RBF kernel k(x, y) = exp(−‖x − y‖² / d) (biased V-statistic)."""
    d = a.shape[1]

    def k(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.exp(-(torch.cdist(x, y) ** 2) / d).mean()

    return k(a, a) + k(b, b) - 2 * k(a, b)


class InfoVAE(VAE):
    """Defaults α = 0, λ = 100: recon + KL + 99·MMD."""

    name = "info_vae"
    defaults: ClassVar[dict[str, Any]] = {"alpha": 0.0, "lambda": 100.0}

    def penalty(self, mean, log_variance, z, kl, step, generator):
        prior = torch.randn(z.shape, generator=generator, device=z.device, dtype=z.dtype)
        distance = mmd(z, prior)
        alpha, weight = self.params["alpha"], self.params["lambda"]
        return {"regularised": (1 - alpha) * kl + (alpha + weight - 1) * distance, "mmd": distance}
