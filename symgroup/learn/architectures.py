"""The reference convolutional encoder of Locatello et al. 2019 (arXiv 1811.12359, table 1).

For 64×64 inputs: conv 32 k4 s2, conv 32 k4 s2, conv 64 k2 s2, conv 64 k2 s2 (ReLU after each),
a fully connected layer of 256 units, then the mean and log-variance of a ``latent``-dimensional
Gaussian. Channels follow the environment.

>>> import torch
>>> encoder = ConvEncoder(channels=3, latent=10)
>>> mean, log_variance = encoder(torch.zeros(2, 3, 64, 64))
>>> mean.shape, log_variance.shape
(torch.Size([2, 10]), torch.Size([2, 10]))
"""

from __future__ import annotations

import torch
from torch import nn


class ConvEncoder(nn.Module):
    """x (n, C, 64, 64) → (mean, log-variance), each (n, latent)."""

    def __init__(self, channels: int = 3, latent: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, 32, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 32, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 64, 2, 2), nn.ReLU(),
            nn.Conv2d(64, 64, 2, 2), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, 256), nn.ReLU(),
        )  # fmt: skip
        self.head = nn.Linear(256, 2 * latent)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_variance = self.head(self.features(x)).chunk(2, dim=1)
        return mean, log_variance
