"""What adversarial learners share: a critic's cross-entropy terms and the GANs' Adam (Goodfellow
et al. 2014, arXiv 1406.2661, with the non-saturating generator term; Radford et al. 2015, arXiv
1511.06434, for β1 = 0.5)."""

from __future__ import annotations

from collections.abc import Iterable

import torch
import torch.nn.functional as F
from torch import nn

from symgroup.learn.architectures import build


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


def critic(architecture: str, shape: tuple[int, ...], outputs: int, spectral: bool = False) -> nn.Module:
    """The reference conv encoder's trunk with ``outputs`` logits (its mean head), each layer
    spectrally normalised with ``spectral``."""
    encoder = build(architecture, shape, outputs)[0]
    net = nn.Sequential(encoder.features, nn.Linear(encoder.head.in_features, outputs))
    return spectrally_normalised(net) if spectral else net


def spectrally_normalised(net: nn.Module) -> nn.Module:
    """``net`` with every linear and convolutional weight divided by its largest singular value,
    estimated by one power iteration a step (Miyato et al. 2018, arXiv 1802.05957): the network is
    then 1-Lipschitz (in its convolutions' reshaped-kernel norm), so a classifier on it cannot be
    flipped by a change of the input much smaller than the margin between real classes."""
    for module in list(net.modules()):
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.utils.parametrizations.spectral_norm(module)
    return net
