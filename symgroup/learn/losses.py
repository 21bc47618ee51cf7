"""The terms learners' objectives share, each a mean over the batch.

- :func:`reparameterise`: z = μ + σ ε, ε ~ N(0, I) from the learner's seeded generator (Kingma &
  Welling 2014, the reparameterisation trick).
- :func:`bernoulli_reconstruction`: Σ_pixels BCE-with-logits(logits, x), the negative log-likelihood
  of x under independent Bernoulli pixels (disentanglement_lib's reconstruction loss).
- :func:`kl_divergence`: KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def reparameterise(mean: torch.Tensor, log_variance: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """z = μ + exp(½ log σ²) ε, one draw of ε per entry from ``generator``."""
    noise = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
    return mean + torch.exp(0.5 * log_variance) * noise


def bernoulli_reconstruction(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Σ over each image's pixels of BCE-with-logits(logits, target), mean over the images."""
    return F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / len(target)


def kl_divergence(mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − log σ² − 1), mean over the batch."""
    return 0.5 * (mean**2 + log_variance.exp() - log_variance - 1).sum(dim=1).mean()
