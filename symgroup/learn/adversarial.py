"""What adversarial learners share: a critic's cross-entropy terms and the GANs' Adam (Goodfellow
et al. 2014, arXiv 1406.2661, with the non-saturating generator term; Radford et al. 2015, arXiv
1511.06434, for β1 = 0.5)."""

from __future__ import annotations

from collections.abc import Iterable

import torch
import torch.nn.functional as F
from torch import nn


def adam(parameters: Iterable[nn.Parameter], lr: float) -> torch.optim.Adam:
    """Adam with β = (0.5, 0.999), the GANs' setting."""
    return torch.optim.Adam(parameters, lr=lr, betas=(0.5, 0.999))


def binary_cross_entropy(logits: torch.Tensor, real: bool) -> torch.Tensor:
    """−mean log σ(l) for ``real``, −mean log(1 − σ(l)) otherwise: a GAN's critic term."""
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, float(real)))


def critic_loss(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """A critic's cross-entropy from its logits: −E log σ(real) − E log(1 − σ(fake))."""
    return binary_cross_entropy(real, True) + binary_cross_entropy(fake, False)


def last_layer(net: nn.Module) -> nn.Module:
    """The last submodule of ``net`` with a weight tensor: where a generator's output is set at the start."""
    return [m for m in net.modules() if isinstance(getattr(m, "weight", None), torch.Tensor)][-1]
