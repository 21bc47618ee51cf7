"""Image-to-image translators between the domains of a world (see :mod:`symgroup.learn.domains`):
each claims that its generator *is* the domain subgroup's action, which
:func:`symgroup.check.check_action` tests (lands on g·s, keeps the other subgroups, obeys the laws,
names an automorphism when it maps consistently the wrong way).

- ``stargan`` (Choi et al. 2018, arXiv 1711.09020): one generator G(x, c) to any domain c, a
  critic D with an adversarial and a domain-classification head, c a uniform target domain:
  L_D = L_adv,D + λ_cls·CE(D_cls(x), d), L_G = L_adv,G + λ_cls·CE(D_cls(G(x, c)), c) +
  λ_rec·E|x − G(G(x, c), d)|. With ``adversarial="cross_entropy"`` (the paper's Eq. 1)
  L_adv,D = −E log σ(D_adv(x)) − E log(1 − σ(D_adv(G(x, c)))), L_adv,G = −E log σ(D_adv(G(x, c)));
  with ``"wgan_gp"`` (what the paper trains with, Gulrajani et al. 2017) L_adv,D = −E D_adv(x) +
  E D_adv(G(x, c)) + λ_gp·E(‖∇D_adv(x̂)‖₂ − 1)², x̂ = αx + (1 − α)G(x, c), α ~ U(0, 1) per image,
  L_adv,G = −E D_adv(G(x, c)). The critic takes a step every training step, G every
  ``critic_steps``-th. Its code (``encode``) is D_cls's logits: an encoder of the domain alone.
- ``discogan`` (Kim et al. 2017, arXiv 1703.05192): two domains A, B (a C2 subgroup), generators
  G_AB, G_BA and critics D_A, D_B: L_G = −E log σ(D_B(G_AB x_A)) − E log σ(D_A(G_BA x_B)) +
  λ_rec·(E‖G_BA G_AB x_A − x_A‖² + E‖G_AB G_BA x_B − x_B‖²) (squared errors per pixel, averaged),
  L_D the critics' real/fake cross-entropy. Its code is G_AB's bottleneck (the paper's 100-d 1×1
  layer) of images of either domain.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import torch
import torch.nn.functional as F
from torch import nn

from envs import SymmetryEnv
from symgroup.config import Count, Natural, NonNegative
from symgroup.errors import InvalidOptionError
from symgroup.learn.adversarial import adam, binary_cross_entropy, critic, critic_loss, last_layer
from symgroup.learn.architectures import GaussianEncoder, build
from symgroup.learn.domains import DomainConfig, DomainTranslator
from symgroup.learn.learner import floats, minimise
from symgroup.learn.samplers import Domains, Sampler

if TYPE_CHECKING:
    from symgroup.check.claims import Claim


class Residual(nn.Module):
    """x + conv(ReLU(conv(x))), 3×3 convolutions of ``width`` channels."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(width, width, 3, 1, 1), nn.ReLU(), nn.Conv2d(width, width, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ConvTranslator(nn.Module):
    """StarGAN's generator in miniature: x with the target domain's one-hot planes as extra
    channels → conv 3×3 (w) → conv 4×4 stride 2 (2w) → ``blocks`` residual blocks → transposed conv
    4×4 stride 2 (w) → conv 3×3 = Δ, and G(x, c) = clip(x + Δ) (:class:`Clip`) with the last layer starting at
    zero: G starts as the identity, so that on worlds of small objects on black it does not first
    collapse to blank images (which nearly satisfy the cycle loss). Fully convolutional: any even side."""

    def __init__(self, channels: int, conditions: int, width: int, blocks: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(channels + conditions, width, 3, 1, 1),
            nn.ReLU(),
            nn.Conv2d(width, 2 * width, 4, 2, 1),
            nn.ReLU(),
            *(Residual(2 * width) for _ in range(blocks)),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1),
            nn.ReLU(),
            nn.Conv2d(width, channels, 3, 1, 1),
        )
        zero_last_layer(self.net)

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        planes = condition[:, :, None, None].expand(-1, -1, *x.shape[2:])
        return clip(x + self.net(torch.cat([x, planes], dim=1)))


class Bottleneck(nn.Module):
    """DiscoGAN's generator: the reference encoder–decoder through a ``latent``-wide bottleneck as
    the change, G(x) = clip(x + decoder(encoder mean(x))), starting as the identity (as
    :class:`ConvTranslator`)."""

    def __init__(self, architecture: str, shape: tuple[int, int, int], latent: int) -> None:
        super().__init__()
        self.encoder: GaussianEncoder
        self.encoder, self.decoder = build(architecture, shape, latent)
        zero_last_layer(self.decoder)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return clip(x + self.decoder(self.encoder(x)[0]))


class Clip(torch.autograd.Function):
    """clamp(v, 0, 1), whose gradient is blocked only where a step would push v further out of [0, 1]:
    a pixel the translator has pushed below 0 (black) can still be raised. torch.clamp's gradient is 0
    outside the range, so on worlds of objects on black a translator that once darkens the background
    can never add pixels there."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, v: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(v)
        return v.clamp(0, 1)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: torch.Tensor) -> torch.Tensor:
        (v,) = ctx.saved_tensors
        outward = ((v < 0) & (grad > 0)) | ((v > 1) & (grad < 0))
        return grad.masked_fill(outward, 0)


def clip(v: torch.Tensor) -> torch.Tensor:
    """clamp(v, 0, 1) with :class:`Clip`'s gradient."""
    return Clip.apply(v)


def zero_last_layer(net: nn.Module) -> None:
    """Zero the weights and bias of the last layer that has them: the branch starts at 0."""
    last = last_layer(net)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)


@dataclass
class StarGANConfig(DomainConfig):
    """λ_cls ``classification``, λ_rec ``reconstruction``; the generator's ``width`` and residual
    ``blocks``; the ``adversarial`` loss, its λ_gp ``gradient_penalty`` and G's step every
    ``critic_steps``; a ``spectral``-normalised critic."""

    batch_size: Count = 16
    classification: NonNegative = 1.0
    reconstruction: NonNegative = 10.0
    width: Count = 16
    blocks: Natural = 2
    adversarial: Literal["cross_entropy", "wgan_gp"] = "cross_entropy"
    gradient_penalty: NonNegative = 10.0
    critic_steps: Count = 1
    spectral: bool = True


class StarGAN(DomainTranslator):
    """StarGAN (Choi et al. 2018).

    The paper's recipe (128 px, batch 16, 200k steps, Adam 1e-4 β (0.5, 0.999), WGAN-GP with λ_gp 10
    and 5 critic steps per generator step, a residual generator with c tiled as input channels, a
    PatchGAN critic): here G with one down-sampling of width 16 → 32 and 2 residual blocks
    (:class:`ConvTranslator`), the reference conv trunk as D, spectrally normalised (Miyato et al.
    2018), the paper's Eq. 1 cross-entropy adversarial loss instead of WGAN-GP, one critic step per
    generator step, the paper's batch of 16, lr 2e-4, λ_cls 1, λ_rec 10. Both keep D Lipschitz; without
    it G stays near its identity start and fools D_cls with perturbations far smaller than a change
    of style (BENCHMARKS.md, positive controls).
    """

    name = "stargan"
    Config = StarGANConfig

    def __init__(self, env: SymmetryEnv, config: StarGANConfig) -> None:
        super().__init__(env, config)
        channels, height, width = env.observation_shape
        if height % 2 or width % 2:
            raise InvalidOptionError(
                f"stargan's generator needs even image sides, got {height}×{width}", (height, width)
            )
        self.translator = ConvTranslator(channels, self.domains, config.width, config.blocks)
        self.critic = critic(config.architecture, env.observation_shape, 1 + self.domains, config.spectral)
        self.others = tuple(n for n in env.factor_names if n != config.domain)

    @property
    def invariant(self) -> tuple[str, ...]:
        """Its code, D_cls, should ignore every subgroup but the domain."""
        return self.others

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        return {
            "generator": adam(self.translator.parameters(), self.config.lr),
            "critic": adam(self.critic.parameters(), self.config.lr),
        }

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """D_cls(x), the domain logits."""
        return self.classify_domain(observations)

    def classify_domain(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(x)[:, 1:]

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Choi et al. 2018's claims: G(x, c) sets the domain to c and keeps the rest, and D_cls tells
        the domain."""
        from symgroup.check.claims import ActsAs, Classifies

        domain, paper = self.config.domain, "Choi et al. 2018"
        return (
            ActsAs(
                domain,
                f"{paper}: G(x, c) translates x to domain c, keeping the rest",
                {"hit": 0.9, "kept": 0.95, "inverse": 0.85},
            ),
            Classifies(domain, self.classify_domain, 0.95, f"{paper}: D_cls classifies the domain"),
        )

    def translate(self, x: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """G(x, c)."""
        return self.translator(x, F.one_hot(target, self.domains).to(x))

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        x, domain = batch["x"], self.domain_of(batch["states"])
        target = torch.randint(self.domains, domain.shape, generator=self.rng, device=domain.device)
        fake = self.translate(x, domain, target)
        real = self.critic(x)
        critic = self._critic_adversarial(x, real[:, 0], fake.detach())
        critic = critic + self.config.classification * F.cross_entropy(real[:, 1:], domain)
        minimise(self.optimisers()["critic"], critic)
        if (step + 1) % self.config.critic_steps:
            return floats({"loss": critic, "critic": critic})
        out = self.critic(fake)
        wasserstein = self.config.adversarial == "wgan_gp"
        adversarial = -out[:, 0].mean() if wasserstein else binary_cross_entropy(out[:, 0], True)
        classification = F.cross_entropy(out[:, 1:], target)
        cycle = (x - self.translate(fake, target, domain)).abs().mean()
        generator = adversarial + self.config.classification * classification + self.config.reconstruction * cycle
        minimise(self.optimisers()["generator"], generator)
        terms = {"critic": critic, "adversarial": adversarial, "classification": classification, "cycle": cycle}
        return floats({"loss": critic + generator, **terms})

    def _critic_adversarial(self, x: torch.Tensor, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """L_adv,D of the module docstring: the cross-entropy, or the Wasserstein critic with its gradient penalty."""
        fake_out = self.critic(fake)[:, 0]
        if self.config.adversarial == "cross_entropy":
            return critic_loss(real, fake_out)
        alpha = torch.rand(len(x), 1, 1, 1, generator=self.rng, device=x.device)
        between = (alpha * x + (1 - alpha) * fake).requires_grad_(True)
        gradient = torch.autograd.grad(self.critic(between)[:, 0].sum(), between, create_graph=True)[0]
        penalty = ((gradient.flatten(1).norm(dim=1) - 1) ** 2).mean()
        return fake_out.mean() - real.mean() + self.config.gradient_penalty * penalty


@dataclass
class DiscoGANConfig(DomainConfig):
    """λ_rec ``reconstruction``; ``latent``: each generator's bottleneck (the paper's 100);
    ``spectral``-normalised critics."""

    latent: Count = 100
    reconstruction: NonNegative = 0.5
    spectral: bool = True


class DiscoGAN(DomainTranslator):
    """DiscoGAN (Kim et al. 2017).

    The paper's code (64 px, batch 64, Adam 2e-4 β (0.5, 0.999), conv generators through a 100-d
    1×1 bottleneck, 0.9·feature matching + 0.1·GAN, λ_rec 0.01 for 10k steps then 0.5): here the
    reference encoder–decoder with a 100-d bottleneck, the plain cross-entropy GAN loss, λ_rec
    0.5 from the start, lr 2e-4. The defaults are what reaches the paper's claim on 8-pixel objects
    (benchmarks/controls.toml): the reference MLP pair as each generator (``architecture="mlp"``) and
    spectrally normalised critics; with the reference conv pair G_BA stays the identity or paints
    one square. A is the domain's value 0, B its value 1. ``act`` needs each image's domain: a domain
    classifier, trained on real images beside (not in) the objective, gives it.
    """

    name = "discogan"
    Config = DiscoGANConfig

    def __init__(self, env: SymmetryEnv, config: DiscoGANConfig) -> None:
        super().__init__(env, config)
        if self.domains != 2:
            raise InvalidOptionError(
                f"discogan translates between two domains: {config.domain!r} of {env.name} has "
                f"{self.domains} values (use a C2 subgroup, e.g. styled_gridworld "
                "styles=2)",
                config.domain,
            )
        shape = env.observation_shape
        self.ab, self.ba = (Bottleneck(config.architecture, shape, config.latent) for _ in range(2))
        self.critic_a, self.critic_b = (critic(config.architecture, shape, 1, config.spectral) for _ in range(2))
        self.domain_head = critic(config.architecture, shape, 2)

    @property
    def invariant(self) -> tuple[str, ...]:
        """None declared: DiscoGAN claims its translators act as the domain, nothing of its code."""
        return ()

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> DiscoGANConfig:
        """The recipe of the class docstring: MLP generators."""
        return dataclasses.replace(super().defaults(env), architecture="mlp")

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Domains(env, self.config.batch_size, self.config.domain)

    def make_optimisers(self) -> dict[str, torch.optim.Optimizer]:
        lr = self.config.lr
        return {
            "generators": adam([*self.ab.parameters(), *self.ba.parameters()], lr),
            "critics": adam([*self.critic_a.parameters(), *self.critic_b.parameters()], lr),
            "domain_head": adam(self.domain_head.parameters(), lr),
        }

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """G_AB's bottleneck code."""
        return self.ab.encoder(observations)[0]

    def classify_domain(self, x: torch.Tensor) -> torch.Tensor:
        return self.domain_head(x)

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Kim et al. 2017's claims: G_AB and G_BA each make the change, and G_BA ∘ G_AB returns."""
        from symgroup.check.claims import ActsAs

        statement = "Kim et al. 2017: G_AB maps A to B, G_BA maps B to A, and G_BA(G_AB(x)) = x"
        return (ActsAs(self.config.domain, statement, {"moved": 0.8, "hit": 0.85, "inverse": 0.8}),)

    def translate(self, x: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """x where the domain stays, G_AB(x) from A to B, G_BA(x) from B to A."""
        moved = (source != target)[:, None, None, None]
        return torch.where(moved & (source == 0)[:, None, None, None], self.ab(x), torch.where(moved, self.ba(x), x))

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        a, b = batch["source"], batch["target"]
        ab, ba = self.ab(a), self.ba(b)
        critics = critic_loss(self.critic_a(a), self.critic_a(ba.detach())) + critic_loss(
            self.critic_b(b), self.critic_b(ab.detach())
        )
        minimise(self.optimisers()["critics"], critics)
        adversarial = binary_cross_entropy(self.critic_b(ab), True) + binary_cross_entropy(self.critic_a(ba), True)
        cycle = F.mse_loss(self.ba(ab), a) + F.mse_loss(self.ab(ba), b)
        generators = adversarial + self.config.reconstruction * cycle
        minimise(self.optimisers()["generators"], generators)
        x = torch.cat([a, b])
        domains = torch.cat([torch.zeros(len(a)), torch.ones(len(b))]).long().to(x.device)
        head = F.cross_entropy(self.classify_domain(x), domains)
        minimise(self.optimisers()["domain_head"], head)
        terms = {"critics": critics, "adversarial": adversarial, "cycle": cycle, "domain_head": head}
        return floats({"loss": critics + generators, **terms})
