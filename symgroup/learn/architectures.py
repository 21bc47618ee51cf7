"""Encoders and decoders: the reference convolutional pair of Locatello et al. 2019 and an MLP.

``conv`` (Locatello et al. 2019, arXiv 1811.12359, table 1) for 64×64 inputs: conv 32 k4 s2,
conv 32 k4 s2, conv 64 k2 s2, conv 64 k2 s2 (ReLU after each), a fully connected layer of 256
units, then the mean and log-variance of a ``latent``-dimensional Gaussian. The decoder is
disentanglement_lib's ``deconv_decoder``: fully connected 256 and 64·4·4 units, then transposed
convolutions 64, 32, 32 and ``channels`` wide, each kernel 4 stride 2 (ReLU between), returning
logits. The same stack scales to any square image whose
side is a multiple of 16 (32×32 ends at 2×2 instead of 4×4). ``conv_linear`` is the same pair
with a linear map of the pixels added to the encoder's output and the conv head starting at zero
(:class:`ShortcutEncoder`): training starts from a linear encoder, which finds a factor that
changes few pixels, such as ``gridworld``'s hue, where the plain conv encoder does not (see
BENCHMARKS.md). ``mlp`` (two hidden layers of 256) serves tiny worlds of any shape. Channels
follow the environment.

>>> import torch
>>> encoder, decoder = build("conv", (3, 64, 64), latent=10)
>>> mean, log_variance = encoder(torch.zeros(2, 3, 64, 64))
>>> mean.shape, decoder(mean).shape
(torch.Size([2, 10]), torch.Size([2, 3, 64, 64]))
>>> [tuple(m(torch.zeros(1, 1, 32, 32))[0].shape) for m in build("conv", (1, 32, 32), 4)[:1]]
[(1, 4)]
"""

from __future__ import annotations

import math

import torch
from torch import nn

from symgroup.errors import InvalidOptionError

ARCHITECTURES = ("conv", "conv_linear", "mlp")


class GaussianEncoder(nn.Module):
    """x → (mean, log-variance) of q(z | x), each (n, latent)."""

    def __init__(self, features: nn.Module, width: int, latent: int) -> None:
        super().__init__()
        self.features, self.head = features, nn.Linear(width, 2 * latent)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_variance = self.head(self.features(x)).chunk(2, dim=1)
        return mean, log_variance


class ShortcutEncoder(GaussianEncoder):
    """A deep encoder plus a linear map of the pixels: (mean, log-variance) = head(features(x)) + W x.
    The head starts at zero (a zero-initialised residual branch, as in Bachlechner et al. 2020,
    arXiv 2003.04887), so training starts from a linear encoder and the deep branch adds what a
    linear map cannot do."""

    def __init__(self, features: nn.Module, width: int, latent: int, inputs: int) -> None:
        super().__init__(features, width, latent)
        nn.init.zeros_(self.head.weight)
        self.shortcut = nn.Sequential(nn.Flatten(), nn.Linear(inputs, 2 * latent))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_variance = (self.head(self.features(x)) + self.shortcut(x)).chunk(2, dim=1)
        return mean, log_variance


def conv_encoder(channels: int, size: int, latent: int) -> GaussianEncoder:
    side = size // 16
    features = nn.Sequential(
        nn.Conv2d(channels, 32, 4, 2, 1),
        nn.ReLU(),
        nn.Conv2d(32, 32, 4, 2, 1),
        nn.ReLU(),
        nn.Conv2d(32, 64, 2, 2),
        nn.ReLU(),
        nn.Conv2d(64, 64, 2, 2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(64 * side * side, 256),
        nn.ReLU(),
    )
    return GaussianEncoder(features, 256, latent)


def conv_decoder(channels: int, size: int, latent: int) -> nn.Module:
    side = size // 16
    return nn.Sequential(
        nn.Linear(latent, 256),
        nn.ReLU(),
        nn.Linear(256, 64 * side * side),
        nn.ReLU(),
        nn.Unflatten(1, (64, side, side)),
        nn.ConvTranspose2d(64, 64, 4, 2, 1),
        nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 4, 2, 1),
        nn.ReLU(),
        nn.ConvTranspose2d(32, 32, 4, 2, 1),
        nn.ReLU(),
        nn.ConvTranspose2d(32, channels, 4, 2, 1),
    )


def mlp_encoder(shape: tuple[int, ...], latent: int) -> GaussianEncoder:
    features = nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU())
    return GaussianEncoder(features, 256, latent)


def mlp_decoder(shape: tuple[int, ...], latent: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(latent, 256),
        nn.ReLU(),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Linear(256, math.prod(shape)),
        nn.Unflatten(1, tuple(shape)),
    )


def build(architecture: str, observation_shape: tuple[int, ...], latent: int) -> tuple[GaussianEncoder, nn.Module]:
    """(encoder, decoder) for observations of ``observation_shape`` (C, H, W)."""
    channels, height, width = observation_shape
    if architecture in ("conv", "conv_linear"):
        if height != width or height % 16 or height < 16:
            raise InvalidOptionError(
                f"the {architecture} architecture needs square images with a side that is a multiple of 16, got "
                f"{height}×{width}; use architecture='mlp'",
                observation_shape,
            )
        encoder = conv_encoder(channels, height, latent)
        if architecture == "conv_linear":
            encoder = ShortcutEncoder(encoder.features, 256, latent, channels * height * width)
        return encoder, conv_decoder(channels, height, latent)
    if architecture == "mlp":
        return mlp_encoder(observation_shape, latent), mlp_decoder(observation_shape, latent)
    raise InvalidOptionError(f"unknown architecture {architecture!r}; choose from {ARCHITECTURES}", architecture)


def default_architecture(observation_shape: tuple[int, ...], linear_shortcut: bool = False) -> str:
    """conv (or with ``linear_shortcut`` conv_linear) where it fits (square, side a multiple of 16), else mlp."""
    _, height, width = observation_shape
    if height == width and height % 16 == 0 and height >= 16:
        return "conv_linear" if linear_shortcut else "conv"
    return "mlp"
