"""InfoGAN (Chen et al. 2016, arXiv 1606.03657): a GAN whose generator G(z, c) takes latent codes c
besides noise z, and a head Q on the critic's trunk that recovers c from G's images, maximising a
lower bound on the mutual information I(c; G(z, c)):

    min_(G, Q) max_D  V(D, G) − λ·L_I,   L_I = E_(c ~ p(c), x ~ G(z, c)) log Q(c | x) (+ H(c)),

the MI term on both the critic's and the generator's side (as the paper's code does). One code per
subgroup of the world, sized by its group: ``codes="categorical"`` gives a cyclic group C_N a
categorical code Cat(N) (a cyclic shift of a one-hot code is a permutation matrix, the regular
representation: linear), ``codes="circle"`` a point (cos θ, sin θ), θ uniform, ``codes="uniform"``
a number U(−1, 1) (the papers' continuous codes, for factors that are not cycles in the picture),
both of which Q predicts under a unit Gaussian. The code the checker judges is Q's mean: the
softmax of each categorical head, or the predicted point or number. InfoGAN-CR
(:class:`InfoGANCR`) adds a contrastive regulariser on pairs of generated images.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from envs import SymmetryEnv
from symgroup.config import Count, Natural, NonNegative, Positive
from symgroup.errors import InvalidOptionError
from symgroup.learn.adversarial import adam, binary_cross_entropy, critic_loss, last_layer, spectrally_normalised
from symgroup.learn.architectures import build
from symgroup.learn.learner import Learner, LearnerConfig, floats, minimise

if TYPE_CHECKING:
    from symgroup.check.claims import Claim


def start_at_the_mean_image(decoder: nn.Module, env: SymmetryEnv, samples: int = 256) -> None:
    """Set the decoder's last bias to the logit of the world's mean pixel, so that the MLP generator
    starts by drawing the mean image rather than grey: on small objects on black, a critic otherwise
    tells grey from real at once and its gradient fades before it learns anything (a seeded sample
    of 256 states). The paper's generator, with batch normalisation, needs no such start: with it,
    it collapses to black images (BENCHMARKS.md, positive controls)."""
    mean = float(env.render(env.sample_states(samples, 0)).mean())
    nn.init.constant_(last_layer(decoder).bias, math.log(max(mean, 1e-3) / max(1 - mean, 1e-3)))


def paper_generator(inputs: int, shape: tuple[int, int, int]) -> nn.Module:
    """The InfoGAN paper's generator (its MNIST network, Chen et al. 2016 Table 1, sized to (C, H, W)
    with H and W multiples of 4): FC 1024 – BN – ReLU – FC 128·(H/4)·(W/4) – BN – ReLU – upconv 64
    4×4 stride 2 – BN – ReLU – upconv C 4×4 stride 2, logits."""
    channels, height, width = shape
    return nn.Sequential(
        nn.Linear(inputs, 1024),
        nn.BatchNorm1d(1024),
        nn.ReLU(),
        nn.Linear(1024, 128 * (height // 4) * (width // 4)),
        nn.BatchNorm1d(128 * (height // 4) * (width // 4)),
        nn.ReLU(),
        nn.Unflatten(1, (128, height // 4, width // 4)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.ConvTranspose2d(64, channels, 4, 2, 1),
    )


def paper_trunk(shape: tuple[int, int, int]) -> nn.Sequential:
    """The InfoGAN paper's discriminator trunk, shared by D and Q: conv 64 4×4 stride 2 – lReLU –
    conv 128 4×4 stride 2 – BN – lReLU – FC 1024 – BN – lReLU (leak 0.1), 1024 features."""
    channels, height, width = shape
    return nn.Sequential(
        nn.Conv2d(channels, 64, 4, 2, 1),
        nn.LeakyReLU(0.1),
        nn.Conv2d(64, 128, 4, 2, 1),
        nn.BatchNorm2d(128),
        nn.LeakyReLU(0.1),
        nn.Flatten(),
        nn.Linear(128 * (height // 4) * (width // 4), 1024),
        nn.BatchNorm1d(1024),
        nn.LeakyReLU(0.1),
    )


def mlp_trunk(shape: tuple[int, int, int]) -> tuple[nn.Module, int]:
    """The reference MLP encoder's features, the trunk of a critic on tiny worlds, and their width."""
    encoder = build("mlp", shape, 1)[0]
    return encoder.features, encoder.head.in_features


def cr_generator(inputs: int, shape: tuple[int, int, int]) -> nn.Module:
    """InfoGAN-CR's generator (Lin et al. 2020; the official code's dSprites network, sized to
    (C, H, W) with H = W a power of 2, at least 16): FC 128 – ReLU – BN – FC 64·4·4 – ReLU – BN,
    up-convolutions 4×4 stride 2 to 64, 32, 32, … channels (each lReLU 0.2 – BN) and a last one to
    C, logits."""
    channels, height, width = shape
    if height != width or height < 16 or height & (height - 1):
        raise InvalidOptionError(
            f"InfoGAN-CR's networks need square images with a side a power of 2 of at least "
            f"16, got {height}×{width}; use architecture='mlp'",
            shape,
        )
    layers: list[nn.Module] = [
        nn.Linear(inputs, 128),
        nn.ReLU(),
        nn.BatchNorm1d(128),
        nn.Linear(128, 64 * 4 * 4),
        nn.ReLU(),
        nn.BatchNorm1d(64 * 4 * 4),
        nn.Unflatten(1, (64, 4, 4)),
    ]
    before = 64
    for i in range(int(math.log2(height // 4)) - 1):
        after = 64 if i == 0 else 32
        layers += [nn.ConvTranspose2d(before, after, 4, 2, 1), nn.LeakyReLU(0.2), nn.BatchNorm2d(after)]
        before = after
    return nn.Sequential(*layers, nn.ConvTranspose2d(before, channels, 4, 2, 1))


def cr_trunk(shape: tuple[int, int, int]) -> nn.Module:
    """InfoGAN-CR's discriminator trunk, spectrally normalised as its code's (no batch
    normalisation): conv 32, 32, 64, 64, each 4×4 stride 2 – lReLU 0.2 – FC 128 – lReLU 0.2, 128
    features."""
    channels, height, width = shape
    return spectrally_normalised(
        nn.Sequential(
            nn.Conv2d(channels, 32, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(32, 32, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(32, 64, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(64, 64, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(64 * (height // 16) * (width // 16), 128),
            nn.LeakyReLU(0.2),
        )
    )


@dataclass
class InfoGANConfig(LearnerConfig):
    """``noise`` dims of z (0: the codes are G's only input); ``codes`` categorical, circle or
    uniform; λ ``information``; the generator's ``lr`` and the critic's ``critic_lr``; G's
    ``generator_steps`` a critic step. ``latent`` is unused: the code's size follows the world."""

    noise: Natural = 32
    codes: Literal["categorical", "circle", "uniform"] = "categorical"
    information: NonNegative = 1.0
    lr: Positive = 1e-3
    critic_lr: Positive = 2e-4
    generator_steps: Count = 1


class InfoGAN(Learner):
    """InfoGAN with the paper's networks (:func:`paper_generator`, :func:`paper_trunk`, Q an FC 128
    – BN – lReLU – FC head on the trunk), or with ``architecture="mlp"`` the reference MLP pair.

    The paper's MNIST recipe (batch 128, G lr 1e-3, D lr 2e-4, Adam β1 0.5, Cat(10) + 2 uniform
    codes + 62 noise dims, 50 epochs): here batch 64, the same learning rates and networks, one
    code per subgroup and 32 noise dims.
    """

    name = "infogan"
    Config = InfoGANConfig

    def __init__(self, env: SymmetryEnv, config: InfoGANConfig) -> None:
        super().__init__(env, config)
        self.sizes = [factor.group.order for factor in env.factors.values()]
        self.widths = {"categorical": self.sizes, "circle": [2] * len(self.sizes), "uniform": [1] * len(self.sizes)}[
            config.codes
        ]
        self.code_size = sum(self.widths)
        self.generator_net, self.trunk, self.adversary, self.q = self.networks(env, config.noise + self.code_size)

    def networks(self, env: SymmetryEnv, inputs: int) -> tuple[nn.Module, nn.Module, nn.Module, nn.Module]:
        """(G, the critic's trunk shared by D and Q, D's head, Q's head): the paper's, or with
        ``architecture="mlp"`` the reference MLP pair."""
        shape = env.observation_shape
        if self.config.architecture == "mlp":
            generator = build("mlp", shape, inputs)[1]
            start_at_the_mean_image(generator, env)
            trunk, width = mlp_trunk(shape)
            return generator, trunk, nn.Linear(width, 1), nn.Linear(width, self.code_size)
        q = nn.Sequential(nn.Linear(1024, 128), nn.BatchNorm1d(128), nn.LeakyReLU(0.1), nn.Linear(128, self.code_size))
        return paper_generator(inputs, shape), paper_trunk(shape), nn.Linear(1024, 1), q

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Chen et al. 2016's claim: each code takes one factor (:meth:`own_codes`)."""
        return self.own_codes(env, "Chen et al. 2016: each code of InfoGAN's takes one factor")

    def own_codes(self, env: SymmetryEnv, statement: str) -> tuple[Claim, ...]:
        """The claim judged on G (each code, changed alone, moves one subgroup) and on Q (codes of their
        own for the subgroups), for at least two subgroups (or all, where fewer)."""
        from symgroup.check.claims import CodesMove, OwnCodes

        at_least = min(2, len(env.factor_names))
        return (
            CodesMove(at_least, self.code_traversals, f"{statement}, changed alone on G"),
            OwnCodes(at_least, f"{statement}, which Q recovers"),
        )

    @torch.no_grad()
    def code_traversals(self, n: int, seed: int) -> list[np.ndarray]:
        """Per code, G's images (values, n, C, H, W): n seeded draws of the noise and the other codes,
        the code set to each of its group's order of values (:meth:`value`)."""
        self.eval()
        device = next(self.parameters()).device
        rng = torch.Generator(device=device).manual_seed(seed)
        noise = torch.randn(n, self.config.noise, generator=rng, device=device)
        base = [self.value(torch.randint(size, (n,), generator=rng, device=device), size) for size in self.sizes]
        traversals = []
        for i, size in enumerate(self.sizes):
            images = []
            for k in range(size):
                draws = [*base[:i], self.value(torch.full_like(base[i], k, dtype=torch.long), size), *base[i + 1 :]]
                images.append(self.generate(noise, self.code_vector(draws)).cpu().numpy())
            traversals.append(np.stack(images))
        return traversals

    def value(self, k: torch.Tensor, size: int) -> torch.Tensor:
        """The k-th of a code's ``size`` values: class k, the angle 2πk/size, or the middle of the
        k-th of size equal bins of (−1, 1), −1 + (2k + 1)/size."""
        if self.config.codes == "categorical":
            return k
        if self.config.codes == "circle":
            return 2 * math.pi * k / size
        return (2 * k + 1) / size - 1

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        critic = [*self.trunk.parameters(), *self.adversary.parameters(), *self.q.parameters()]
        return {
            "generator": adam(self.generator_net.parameters(), self.config.lr),
            "critic": adam(critic, self.config.critic_lr),
        }

    def draw_codes(self, n: int, device: torch.device) -> list[torch.Tensor]:
        """c ~ p(c): each code's draw, its class (categorical), its angle (circle) or its number (uniform)."""
        if self.config.codes == "categorical":
            return [torch.randint(size, (n,), generator=self.rng, device=device) for size in self.sizes]
        scale, shift = (2 * math.pi, 0) if self.config.codes == "circle" else (2, 1)
        return [scale * torch.rand(n, generator=self.rng, device=device) - shift for _ in self.sizes]

    def noise(self, n: int, device: torch.device) -> torch.Tensor:
        """z ~ N(0, I), (n, noise)."""
        return torch.randn(n, self.config.noise, generator=self.rng, device=device)

    def code_vector(self, draws: list[torch.Tensor]) -> torch.Tensor:
        """The generator's input of the draws, (n, code_size): one-hot classes, (cos θ, sin θ) or the numbers."""
        if self.config.codes == "categorical":
            return torch.cat([F.one_hot(d, size).float() for d, size in zip(draws, self.sizes, strict=True)], dim=1)
        if self.config.codes == "circle":
            return torch.cat([torch.stack([d.cos(), d.sin()], dim=1) for d in draws], dim=1)
        return torch.stack(draws, dim=1)

    def information_loss(self, q: torch.Tensor, codes: torch.Tensor, draws: list[torch.Tensor]) -> torch.Tensor:
        """−E log Q(c | x) up to constants: Σ_i CE(Q_i, c_i) (categorical) or Σ_i ½‖Q_i − c_i‖²."""
        if self.config.codes == "categorical":
            return sum(F.cross_entropy(part, d) for part, d in zip(q.split(self.widths, dim=1), draws, strict=True))
        return 0.5 * ((q - codes) ** 2).sum(dim=1).mean()

    def generate(self, noise: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """G(z, c), images in [0, 1]."""
        return torch.sigmoid(self.generator_net(torch.cat([noise, codes], dim=1)))

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """G(0, c): the images of codes with the noise at its mean."""
        return self.generate(codes.new_zeros(len(codes), self.config.noise), codes)

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """Q's mean: each categorical head's softmax, or the predicted points or numbers."""
        q = self.q(self.trunk(observations))
        if self.config.codes != "categorical":
            return q
        return torch.cat([part.softmax(dim=1) for part in q.split(self.widths, dim=1)], dim=1)

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        x = batch["x"]
        noise = self.noise(len(x), x.device)
        draws = self.draw_codes(len(x), x.device)
        codes = self.code_vector(draws)
        fake = self.generate(noise, codes)
        features = self.trunk(fake.detach())
        critic = critic_loss(self.adversary(self.trunk(x)), self.adversary(features))
        critic_information = self.information_loss(self.q(features), codes, draws)
        minimise(self.optimisers()["critic"], critic + self.config.information * critic_information)
        for again in range(self.config.generator_steps):
            features = self.trunk(self.generate(noise, codes) if again else fake)
            adversarial = binary_cross_entropy(self.adversary(features), True)
            information = self.information_loss(self.q(features), codes, draws)
            regulariser, logged = self.regulariser(len(x), step, x.device)
            generator = adversarial + self.config.information * information + regulariser
            minimise(self.optimisers()["generator"], generator)
        terms = {"critic": critic, "adversarial": adversarial, "information": information, **logged}
        return floats({"loss": critic + generator, **terms})

    def regulariser(self, n: int, step: int, device: torch.device) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """A further term of the generator's loss, and what to log of it: none for InfoGAN."""
        return torch.zeros((), device=device), {}


@dataclass
class InfoGANCRConfig(InfoGANConfig):
    """α ``contrastive``, the contrastive regulariser's weight from step ``contrastive_from`` on (H is
    trained from then on only, so it starts fresh there), and the learning rate ``contrast_lr`` of its
    classifier H; the noise's size, λ, the critic's rate and G's steps a critic step are the paper's."""

    noise: Natural = 5
    information: NonNegative = 0.05
    critic_lr: Positive = 2e-3
    generator_steps: Count = 2
    contrastive: NonNegative = 2.0
    contrastive_from: Natural = 0
    contrast_lr: Positive = 2e-3


class InfoGANCR(InfoGAN):
    """InfoGAN-CR (Lin et al. 2020, arXiv 1906.06034): InfoGAN plus a contrastive regulariser. A pair
    of images G(z, c), G(z, c') shares one code i ~ U{1..K} (c'_i = c_i, every other code drawn
    afresh, the noise z shared, as in its official code); a classifier H of the pair (both images as
    channels of one input) learns which code they share, and G minimises the same cross-entropy:

        min_(G, Q, H) max_D  V(D, G) − λ·L_I + α·E CE(H(G(z, c), G(z, c')), i),

    so that each code's effect must be told apart from the others' — the property a code per factor has.

    The paper's dSprites recipe (official code fjxmlzn/InfoGAN-CR: batch 64, 5 noise dimensions,
    Adam β1 0.5, lr 1e-3 for G and 2e-3 for D, Q and H, λ 0.05, α 0 then 2 for the last 10 % of 28 epochs, two G steps
    per critic step, no gap between shared and unshared codes) with its networks
    (:func:`cr_generator`; D, Q and H on :func:`cr_trunk`, spectrally normalised, Q an FC 128 –
    lReLU head): here the same, with PyTorch's initialisation for its N(0, 0.02), Gaussian noise for
    its uniform noise, categorical codes for its uniform ones on cyclic factors, H stepping with each G step, α from
    ``contrastive_from`` (default from the start) and H trained from then on only: the official code
    trains H throughout but starts it afresh when it switches α on, and an H trained while G's images
    do not yet depend on the codes can settle on one output for every pair (on `arrow`, its logits'
    spread 10⁻⁵ and its loss ln 2 for 2,000 steps while Q read the codes; BENCHMARKS.md), which gives
    G nothing to follow. ``architecture="mlp"``: the reference MLP pair.
    """

    name = "infogan_cr"
    Config = InfoGANCRConfig

    def __init__(self, env: SymmetryEnv, config: InfoGANCRConfig) -> None:
        super().__init__(env, config)
        channels, height, width = env.observation_shape
        pairs = (2 * channels, height, width)
        trunk, width = mlp_trunk(pairs) if config.architecture == "mlp" else (cr_trunk(pairs), 128)
        self.contrast = nn.Sequential(trunk, nn.Linear(width, len(self.sizes)))

    def networks(self, env: SymmetryEnv, inputs: int) -> tuple[nn.Module, nn.Module, nn.Module, nn.Module]:
        """The paper's code's networks: :func:`cr_generator`, :func:`cr_trunk`, and D's and Q's heads
        spectrally normalised."""
        if self.config.architecture == "mlp":
            return super().networks(env, inputs)
        q = nn.Sequential(nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, self.code_size))
        shape = env.observation_shape
        return (
            cr_generator(inputs, shape),
            cr_trunk(shape),
            spectrally_normalised(nn.Linear(128, 1)),
            spectrally_normalised(q),
        )

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        return super().make_optimisers() | {"contrast": adam(self.contrast.parameters(), self.config.contrast_lr)}

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        return self.own_codes(env, "Lin et al. 2020: each code of InfoGAN-CR's takes one factor")

    def regulariser(self, n: int, step: int, device: torch.device) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """α·CE(H(pair), i) on a fresh batch of pairs, after H's own step on them."""
        if step < self.config.contrastive_from:
            return super().regulariser(n, step, device)
        shared = torch.randint(len(self.sizes), (n,), generator=self.rng, device=device)
        first, second = self.draw_codes(n, device), self.draw_codes(n, device)
        second = [torch.where(shared == k, a, b) for k, (a, b) in enumerate(zip(first, second, strict=True))]
        noise = self.noise(n, device)
        pairs = torch.cat([self.generate(noise, self.code_vector(draws)) for draws in (first, second)], dim=1)
        contrast = F.cross_entropy(self.contrast(pairs.detach()), shared)
        minimise(self.optimisers()["contrast"], contrast)
        return self.config.contrastive * F.cross_entropy(self.contrast(pairs), shared), {"contrast": contrast}
