"""InfoGAN (Chen et al. 2016, arXiv 1606.03657): a GAN whose generator G(z, c) takes latent codes c
besides noise z, and a head Q on the critic's trunk that recovers c from G's images, maximising a
lower bound on the mutual information I(c; G(z, c)):

    min_(G, Q) max_D  V(D, G) − λ·L_I,   L_I = E_(c ~ p(c), x ~ G(z, c)) log Q(c | x) (+ H(c)),

the MI term on both the critic's and the generator's side (as the paper's code does). One code per
subgroup of the world, sized by its group: ``codes="categorical"`` gives a cyclic group C_N a
categorical code Cat(N) (a cyclic shift of a one-hot code is a permutation matrix, the regular
representation: linear), ``codes="circle"`` a point (cos θ, sin θ), θ uniform, which Q predicts
under a unit Gaussian. The code the checker judges is Q's mean: the softmax of each categorical
head, or the predicted point of each circle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import torch
import torch.nn.functional as F
from torch import nn

from envs import SymmetryEnv
from symgroup.learn.adversarial import adam, binary_cross_entropy, critic_loss, last_layer
from symgroup.learn.architectures import build
from symgroup.learn.learner import Count, Learner, LearnerConfig, NonNegative, Positive, floats, minimise
from symgroup.learn.samplers import Images, Sampler

if TYPE_CHECKING:
    from symgroup.check.claims import Claim


def start_at_the_mean_image(decoder: nn.Module, env: SymmetryEnv, samples: int = 256) -> None:
    """Set the decoder's last bias to the logit of the world's mean pixel, so that G starts by
    drawing the mean image rather than grey: on small objects on black, a critic otherwise tells
    grey from real at once and G's gradient fades before it learns anything (Radford et al.
    2015's DCGAN lore; a seeded sample of 256 states)."""
    mean = float(env.render(env.sample_states(samples, 0)).mean())
    nn.init.constant_(last_layer(decoder).bias, math.log(max(mean, 1e-3) / max(1 - mean, 1e-3)))


@dataclass
class InfoGANConfig(LearnerConfig):
    """``noise`` dims of z; ``codes`` categorical or circle; λ ``information``; the generator's ``lr``
    and the critic's ``critic_lr``. ``latent`` is unused: the code's size follows the world."""

    noise: Count = 32
    codes: Literal["categorical", "circle"] = "categorical"
    information: NonNegative = 1.0
    lr: Positive = 1e-3
    critic_lr: Positive = 2e-4


class InfoGAN(Learner):
    """InfoGAN with the reference conv decoder as G and the reference conv trunk as D and Q.

    The paper's MNIST recipe (batch 128, G lr 1e-3, D lr 2e-4, Adam β1 0.5, Cat(10) + 2 uniform
    codes + 62 noise dims, 50 epochs): here batch 64, the same learning rates, one code per
    subgroup and 32 noise dims.
    """

    name = "infogan"
    Config = InfoGANConfig

    def __init__(self, env: SymmetryEnv, config: InfoGANConfig) -> None:
        super().__init__(config)
        self.sizes = [factor.group.order for factor in env.factors.values()]
        self.widths = self.sizes if config.codes == "categorical" else [2] * len(self.sizes)
        self.code_size = sum(self.widths)
        self.generator_net = build(config.architecture, env.observation_shape, config.noise + self.code_size)[1]
        start_at_the_mean_image(self.generator_net, env)
        trunk = build(config.architecture, env.observation_shape, 1)[0]
        self.trunk = trunk.features
        self.adversary = nn.Linear(trunk.head.in_features, 1)
        self.q = nn.Linear(trunk.head.in_features, self.code_size)

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Images(env, self.config.batch_size)

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Chen et al. 2016's claim, on Q: codes of their own for at least two subgroups (or all, where fewer)."""
        from symgroup.check.claims import OwnCodes

        at_least = min(2, len(env.factor_names))
        return (OwnCodes(at_least, "Chen et al. 2016: each code of InfoGAN's takes one factor, which Q recovers"),)

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        critic = [*self.trunk.parameters(), *self.adversary.parameters(), *self.q.parameters()]
        return {"generator": adam(self.generator_net.parameters(), self.config.lr),
                "critic": adam(critic, self.config.critic_lr)}  # fmt: skip

    def draw_codes(self, n: int, device: torch.device) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """c ~ p(c): the code vector (n, code_size) and each code's draw (its class, or its angle)."""
        draws, parts = [], []
        for size in self.sizes:
            if self.config.codes == "categorical":
                draws.append(torch.randint(size, (n,), generator=self.generator, device=device))
                parts.append(F.one_hot(draws[-1], size).float())
            else:
                draws.append(2 * math.pi * torch.rand(n, generator=self.generator, device=device))
                parts.append(torch.stack([draws[-1].cos(), draws[-1].sin()], dim=1))
        return torch.cat(parts, dim=1), draws

    def information_loss(self, q: torch.Tensor, codes: torch.Tensor, draws: list[torch.Tensor]) -> torch.Tensor:
        """−E log Q(c | x) up to constants: Σ_i CE(Q_i, c_i) (categorical) or Σ_i ½‖Q_i − c_i‖² (circle)."""
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
        """Q's mean: each categorical head's softmax, or each circle's predicted point."""
        q = self.q(self.trunk(observations))
        if self.config.codes == "circle":
            return q
        return torch.cat([part.softmax(dim=1) for part in q.split(self.widths, dim=1)], dim=1)

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        x = batch["x"]
        noise = torch.randn(len(x), self.config.noise, generator=self.generator, device=x.device)
        codes, draws = self.draw_codes(len(x), x.device)
        fake = self.generate(noise, codes)
        features = self.trunk(fake.detach())
        critic = critic_loss(self.adversary(self.trunk(x)), self.adversary(features))
        critic_information = self.information_loss(self.q(features), codes, draws)
        minimise(self.optimisers()["critic"], critic + self.config.information * critic_information)
        features = self.trunk(fake)
        adversarial = binary_cross_entropy(self.adversary(features), True)
        information = self.information_loss(self.q(features), codes, draws)
        generator = adversarial + self.config.information * information
        minimise(self.optimisers()["generator"], generator)
        return floats({"loss": critic + generator, "critic": critic, "adversarial": adversarial,
                       "information": information})  # fmt: skip
