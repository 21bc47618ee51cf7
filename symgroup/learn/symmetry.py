"""Symmetry-based learners: they learn from paths of moves (o_0, g_1, o_1, …, g_L, o_L) with
o_l = g_l · o_(l−1), not from still images alone, drawn by a :class:`~symgroup.learn.samplers.Paths`
sampler (``path_length`` L) uniformly over start states and the learner's moves; ``loss(frames,
moves, step)`` gets the frames (B, L + 1, C, H, W) and the move numbers (B, L). Subgroup i acts on
its own block of latent dims by a faithful orthogonal representation ρ_i
(:func:`~symgroup.learn.latent_actions.subgroup_representation`: the rotation R(2π·v/n) of a
cyclic C_n on a circle, the 2-D irrep of a dihedral group, the standard representation of a
permutation group, or the world's own), so any finite group is learnt. ``moves="generators"`` steps
by the world's moves (a generator of one subgroup or its inverse), ``"elements"`` by any element
of one subgroup but e. Large steps tell winding numbers apart: with steps of 2π/64 a code that turns
twice per turn of ``arrow``'s angle costs an equivariance term little (BENCHMARKS.md).

- ``forward_vae`` (Caselles-Dupré et al. 2019, arXiv 1904.00243): a VAE plus one linear latent map
  A_g per move, confined to its subgroup's block:
  loss = recon + β·KL + γ·E‖A_g μ_t − μ_t+1‖². ``blocks="fixed"``: A_g = ρ_i(g) of its subgroup;
  ``"learnt"``: free blocks initialised at the identity. ``forward="paper"``
  is that term; the default ``"scale_free"`` divides each dim's squared error by the variance of
  the means in that dim, so that shrinking the code does not lower it. The default moves are
  ``"elements"`` and γ = 1000, as LSBD-VAE's (each change measured in BENCHMARKS.md, "Forward-VAE
  needs four changes").
- ``lsbd_vae`` (Tonnaer et al. 2022, arXiv 2011.06070): one sphere S^(d_i − 1) per subgroup, on
  which ρ_i acts (a circle S¹ for a cyclic one; the first Σ d_i dims; any further dims are an
  ordinary Gaussian latent), the Δ-VAE posterior on each sphere (Pérez Rey et al. 2019: Brownian
  motion for a small time t, log t ∈ (−10, −5): z = normalise(μ + √t·ε); uniform prior,
  KL = log vol(S^(d−1)) − ((d − 1)/2)·log(2πe·t), for a circle log 2π − ½ log(2πe·t)), and γ times
  the transformation term over each path; the ELBO runs on every frame.
  ``transformation="paper"`` measures it on the spheres as the paper does
  (:func:`~symgroup.learn.latent_actions.transformation_loss`); the default ``"scale_free"``
  measures it on the encoder's vectors before projection, relative to their spread
  (:func:`~symgroup.learn.latent_actions.scale_free_transformation_loss`): same zeros, no barriers
  (both measured in BENCHMARKS.md, "LSBD-VAE's transformation term").
  It steps by ``moves="elements"``, as the paper's transformations.
  ``labelled`` is the amount of supervision: ``None`` draws fresh paths every step, an integer N
  trains on a fixed seeded set of N paths, 0 is the unsupervised Δ-VAE.
- ``quessard`` (Quessard et al. 2020, arXiv 2002.06991): a deterministic auto-encoder onto the unit
  sphere S^(d−1); each move acts by its own ρ(g) ∈ SO(d), a product of Givens rotations with learnt
  angles (initialised uniform in (−π/d, π/d)). Only o_0 is encoded; the code is rolled forward,
  z_l = ρ(g_l) z_(l−1), and every z_l is decoded:
  loss = Σ_l recon(o_l) / (L + 1) + λ·mean_g (Σ θ_g² − max θ_g²), the one-plane regulariser.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import torch
import torch.nn.functional as F
from torch import nn

from envs import SymmetryEnv
from symgroup.config import Count, Natural, NonNegative
from symgroup.errors import InvalidOptionError
from symgroup.group import GroupElement
from symgroup.learn.architectures import default_architecture
from symgroup.learn.latent_actions import (
    givens_product,
    move_matrices,
    move_owners,
    path_transforms,
    scale_free_transformation_loss,
    subgroup_elements,
    subgroup_representation,
    transformation_loss,
)
from symgroup.learn.learner import LearnerConfig
from symgroup.learn.losses import bernoulli_reconstruction, kl_divergence
from symgroup.learn.samplers import Paths, Sampler
from symgroup.learn.vaes import VAE, Autoencoder, BetaVAE, Terms

if TYPE_CHECKING:
    from symgroup.check.claims import Claim

Moves = Literal["generators", "elements"]


class SphereEncoder(nn.Module):
    """x → (code, log-variance): the base encoder's mean with each of its first blocks (of ``sizes``
    dims) projected onto the unit sphere; the dims after them pass through."""

    def __init__(self, base: nn.Module, sizes: Sequence[int]) -> None:
        super().__init__()
        self.base, self.sizes = base, tuple(sizes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.project(*self.base(x))

    def project(self, mean: torch.Tensor, log_variance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k = sum(self.sizes)
        spheres = [F.normalize(b, dim=-1) for b in mean[:, :k].split(self.sizes, dim=1)]
        return torch.cat([*spheres, mean[:, k:]], dim=1), log_variance


@dataclass
class SymmetryConfig(LearnerConfig):
    path_length: Natural = 1
    moves: Moves = "elements"


class SymmetryLearner(Autoencoder):
    """The shared contract: paths of moves, a block of latent dims per subgroup (ρ_i acting on it),
    the latent action as an action on images (:meth:`act`)."""

    Config = SymmetryConfig
    paths_per_step: ClassVar[int]  # the default batch_size
    paper: ClassVar[str]  # who claims the code is LSBD

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Its paper's claim: each subgroup acts on its own block of the code, linearly (LSBD)."""
        from symgroup.check.claims import Splits

        return (Splits(f"{self.paper}: each subgroup acts on a block of the code of its own, linearly", linear=True),)

    def __init__(self, env: SymmetryEnv, config: SymmetryConfig) -> None:
        super().__init__(env, config)
        self.group, self.latent = env.group, config.latent
        self.moves = env.moves if config.moves == "generators" else subgroup_elements(env)
        self.move_index = {m: i for i, m in enumerate(self.moves)}
        self.owners = move_owners(env, self.moves)

    @classmethod
    def block_sizes(cls, env: SymmetryEnv) -> list[int]:
        """d_i: the dimension of each subgroup's representation, in the world's order."""
        return [subgroup_representation(env, name, cls.name).dim for name in env.factor_names]

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> SymmetryConfig:
        """A block per subgroup (a circle per cyclic one), ``paths_per_step`` paths a step, Adam lr
        1e-3 and conv_linear where the images fit it: with these LSBD-VAE and Forward-VAE pass the
        check on every built-in world (BENCHMARKS.md)."""
        return cls.Config(
            latent=sum(cls.block_sizes(env)),
            batch_size=cls.paths_per_step,
            lr=1e-3,
            architecture=default_architecture(env.observation_shape, linear_shortcut=True),
        )

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Paths(env, self.config.batch_size, self.config.path_length, self.moves)

    def loss(self, batch: dict[str, torch.Tensor], step: int) -> Terms:
        """Every term of the objective for paths: "frames" (B, L + 1, C, H, W) taking "moves" (B, L)."""
        return self.path_loss(batch["frames"], batch["moves"], step)

    @abstractmethod
    def path_loss(self, frames: torch.Tensor, moves: torch.Tensor, step: int) -> Terms:
        """The objective on paths; each learner has its own."""

    @abstractmethod
    def action_matrices(self) -> torch.Tensor:
        """ρ(g) on the latent space for every move g: (moves, latent, latent); each learner has its own."""

    def latent_matrix(self, g: GroupElement) -> torch.Tensor:
        """ρ(g) for any element of the world's group: the product of the matrices of the moves that
        make it up (a move per subgroup component, or a power of its generator)."""
        return self.latent_matrices([g])[0]

    def latent_matrices(self, elements: Sequence[GroupElement]) -> torch.Tensor:
        """ρ(g) of each of ``elements``: (n, latent, latent), the moves' matrices computed once."""
        matrices = self.action_matrices()
        out = []
        for g in elements:
            product = torch.eye(self.latent, dtype=matrices.dtype, device=matrices.device)
            for m in self._moves_of(g):
                product = matrices[m] @ product
            out.append(product)
        return torch.stack(out)

    @property
    def acts_by(self) -> tuple[str, ...]:
        """Every subgroup: the latent action is the whole group's."""
        return self.group.names

    def act(self, observations: torch.Tensor, elements: Sequence[GroupElement]) -> torch.Tensor:
        """The latent action as an action on images: decode(ρ(g) · encode(x)) for each pair (x, g),
        what :func:`symgroup.check.check_action` judges."""
        code = self.encode(observations)
        return self.decode(torch.einsum("bij,bj->bi", self.latent_matrices(elements).to(code), code))

    def _moves_of(self, g: GroupElement) -> list[int]:
        index = self.move_index
        out: list[int] = []
        for name, factor in self.group.factors.items():
            component = self.group.project(name, g)
            if component == factor.identity:
                continue
            if self.group.embed(name, component) in index:
                out.append(index[self.group.embed(name, component)])
                continue
            generator = next((s for s in factor.generators if self.group.embed(name, s) in index), None)
            power = next((k for k in range(1, factor.order) if generator is not None and generator**k == component), 0)
            if not power:
                raise InvalidOptionError(f"{g} is no product of {self.name}'s moves", g)
            out += [index[self.group.embed(name, generator)]] * power
        return out

    def _needs_latent(self, needed: int, why: str) -> None:
        if self.latent < needed:
            raise InvalidOptionError(f"{self.name} needs {why}: latent ≥ {needed}, got {self.latent}", self.latent)


class BlockActions(SymmetryLearner, VAE):
    """A learner whose moves act by block-diagonal matrices: move m by ρ_i(g_m) on its subgroup's block."""

    def __init__(self, env: SymmetryEnv, config: SymmetryConfig) -> None:
        super().__init__(env, config)
        representations = [subgroup_representation(env, n, self.name) for n in env.factor_names]
        self.sizes = [rho.dim for rho in representations]
        self._needs_latent(sum(self.sizes), f"a block per subgroup of {self.sizes} dims")
        self.starts = [sum(self.sizes[:i]) for i in range(len(self.sizes))]
        for i, matrices in enumerate(move_matrices(env, self.moves, representations)):
            self.register_buffer(f"rho_{i}", matrices.float(), persistent=False)

    def representation_matrices(self) -> list[torch.Tensor]:
        """ρ_i of every move's component, per subgroup: (moves, d_i, d_i)."""
        return [getattr(self, f"rho_{i}") for i in range(len(self.sizes))]

    def place(self, blocks: Sequence[torch.Tensor]) -> torch.Tensor:
        """(moves, latent, latent): the identity with each move's block i set to blocks[i][move]."""
        first = blocks[0]
        out = torch.eye(self.latent, dtype=first.dtype, device=first.device).repeat(len(self.moves), 1, 1)
        for start, size, block in zip(self.starts, self.sizes, blocks, strict=True):
            out[:, start : start + size, start : start + size] = block
        return out


@dataclass
class ForwardConfig(SymmetryConfig):
    beta: NonNegative = 1.0
    gamma: NonNegative = 1000.0
    blocks: Literal["fixed", "learnt"] = "fixed"
    forward: Literal["paper", "scale_free"] = "scale_free"


class ForwardVAE(BlockActions):
    name = "forward_vae"
    Config = ForwardConfig
    paper = "Caselles-Dupré et al. 2019"
    paths_per_step = 16  # 32 frames a step: the fewest images to pass on every seed (BENCHMARKS.md)

    def __init__(self, env: SymmetryEnv, config: ForwardConfig) -> None:
        super().__init__(env, config)
        if config.blocks == "learnt":
            size = max(self.sizes)
            self.blocks = nn.Parameter(torch.eye(size).repeat(len(self.moves), 1, 1))

    def action_matrices(self) -> torch.Tensor:
        """A_g for every move g: (moves, latent, latent), on the move's own subgroup's block only."""
        if self.config.blocks == "fixed":
            return self.place(self.representation_matrices())
        owned = [torch.tensor([o == i for o in self.owners], device=self.blocks.device) for i in range(len(self.sizes))]
        eye = torch.eye(max(self.sizes), device=self.blocks.device)
        return self.place(
            [torch.where(owned[i][:, None, None], self.blocks, eye)[:, :d, :d] for i, d in enumerate(self.sizes)]
        )

    def path_loss(self, frames: torch.Tensor, moves: torch.Tensor, step: int) -> Terms:
        terms, mean = self.elbo(frames[:, 0], step)
        if moves.shape[1]:
            following = self.encoder(frames[:, 1:].flatten(0, 1))[0].unflatten(0, moves.shape)
            means = torch.cat([mean[:, None], following], 1)
            predicted = torch.einsum("blij,blj->bli", self.action_matrices()[moves], means[:, :-1])
            error = (predicted - means[:, 1:]) ** 2
            if self.config.forward == "scale_free":
                error = error / means.flatten(0, 1).var(dim=0, unbiased=False).clamp_min(1e-12)
            terms["forward"] = error.sum(dim=2).mean()
            terms["loss"] = terms["loss"] + self.config.gamma * terms["forward"]
        return terms

    penalty = BetaVAE.penalty  # β·KL


@dataclass
class LSBDConfig(SymmetryConfig):
    beta: NonNegative = 1.0
    gamma: NonNegative = 1000.0
    path_length: Natural = 7
    labelled: Natural | None = None
    transformation: Literal["paper", "scale_free"] = "scale_free"


class LSBDVAE(BlockActions):
    name = "lsbd_vae"
    Config = LSBDConfig
    paper = "Tonnaer et al. 2022"
    paths_per_step = 2  # 16 frames a step: the fewest images to pass (BENCHMARKS.md)
    TERMS: ClassVar[dict] = {"paper": transformation_loss, "scale_free": scale_free_transformation_loss}

    def __init__(self, env: SymmetryEnv, config: LSBDConfig) -> None:
        super().__init__(env, config)
        self.path_length = 0 if config.labelled == 0 else config.path_length  # 0: the unsupervised Δ-VAE
        self.encoder = SphereEncoder(self.encoder, self.sizes)

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        labelled = self.config.labelled or None
        return Paths(env, self.config.batch_size, self.path_length, self.moves, labelled, seed)

    def action_matrices(self) -> torch.Tensor:
        """Each move acts on its subgroup's sphere by ρ_i and fixes every other latent dim."""
        return self.place(self.representation_matrices())

    def path_loss(self, frames: torch.Tensor, moves: torch.Tensor, step: int) -> Terms:
        raw, log_variance = self.encoder.base(frames.flatten(0, 1))
        code = self.encoder.project(raw, log_variance)[0]
        z, kl = self._sample(code, log_variance)
        target = frames.flatten(0, 1)
        recon = bernoulli_reconstruction(self.decoder(z), target)
        terms = {"recon": recon, "kl": kl, "loss": recon + self.config.beta * kl}
        if moves.shape[1]:
            measured = code if self.config.transformation == "paper" else raw
            term = self.TERMS[self.config.transformation]
            paths = measured.unflatten(0, frames.shape[:2])
            terms["transformation"] = sum(
                term(paths[..., start : start + size], path_transforms(rho, moves))
                for start, size, rho in zip(self.starts, self.sizes, self.representation_matrices(), strict=True)
            )
            terms["loss"] = terms["loss"] + self.config.gamma * terms["transformation"]
        return terms

    def posterior(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The code (on the spheres) and, per dim, the variance of the posterior's step: t of its
        sphere's Δ-VAE (Brownian motion of time t), σ² on the rest."""
        code, log_variance = self.encoder(observations)
        return code, self._log_scales(log_variance).exp()

    def _log_scales(self, log_variance: torch.Tensor) -> torch.Tensor:
        """log t of each sphere, t ∈ [e⁻¹⁰, e⁻⁵] (repeated over its dims), log σ² on the rest."""
        spheres = [
            (-10 + 5 * torch.sigmoid(log_variance[:, start : start + size].mean(dim=1, keepdim=True))).expand(-1, size)
            for start, size in zip(self.starts, self.sizes, strict=True)
        ]
        return torch.cat([*spheres, log_variance[:, sum(self.sizes) :]], dim=1)

    def _sample(self, code: torch.Tensor, log_variance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """z from the posterior (normalise(μ + √t·ε) on each sphere, Gaussian on the rest) and its KL."""
        k = sum(self.sizes)
        noise = torch.randn(code.shape, generator=self.rng, device=code.device, dtype=code.dtype)
        scales = self._log_scales(log_variance)
        blocks, kl = [], 0.0
        for start, size in zip(self.starts, self.sizes, strict=True):
            log_t = scales[:, start : start + 1]
            moved = code[:, start : start + size] + torch.exp(0.5 * log_t) * noise[:, start : start + size]
            blocks.append(F.normalize(moved, dim=1))
            log_volume = math.log(2) + size / 2 * math.log(math.pi) - math.lgamma(size / 2)
            kl = kl + (log_volume - (size - 1) / 2 * (math.log(2 * math.pi) + 1 + log_t[:, 0])).mean()
        rest = code[:, k:] + torch.exp(0.5 * log_variance[:, k:]) * noise[:, k:]
        if rest.shape[1]:
            kl = kl + kl_divergence(code[:, k:], log_variance[:, k:])
        return torch.cat([*blocks, rest], dim=1), kl


@dataclass
class QuessardConfig(SymmetryConfig):
    regulariser: NonNegative = 1e-2
    path_length: Count = 5
    moves: Moves = "generators"


class Quessard(SymmetryLearner):
    name = "quessard"
    Config = QuessardConfig
    paper = "Quessard et al. 2020"
    paths_per_step = 16

    def __init__(self, env: SymmetryEnv, config: QuessardConfig) -> None:
        super().__init__(env, config)
        self._needs_latent(2, "a sphere of dimension ≥ 1")
        self.encoder = SphereEncoder(self.encoder, [config.latent])
        bound = math.pi / config.latent
        planes = config.latent * (config.latent - 1) // 2
        self.thetas = nn.Parameter(torch.empty(len(self.moves), planes).uniform_(-bound, bound))

    @classmethod
    def block_sizes(cls, env: SymmetryEnv) -> list[int]:
        return [2] * len(env.factor_names)  # one sphere of 2 dims per subgroup, the actions learnt

    def action_matrices(self) -> torch.Tensor:
        """ρ(g) ∈ SO(d) for every move g: (moves, d, d)."""
        return givens_product(self.thetas, self.latent)

    def path_loss(self, frames: torch.Tensor, moves: torch.Tensor, step: int) -> Terms:
        z, actions = self.encode(frames[:, 0]), self.action_matrices()
        codes = [z]
        for t in range(moves.shape[1]):
            codes.append(torch.einsum("bij,bj->bi", actions[moves[:, t]], codes[-1]))
        logits = self.decoder(torch.stack(codes, dim=1).flatten(0, 1))
        target = frames.flatten(0, 1)
        recon = bernoulli_reconstruction(logits, target)
        squares = self.thetas**2
        one_plane = (squares.sum(dim=1) - squares.max(dim=1).values).mean()
        return {"recon": recon, "one_plane": one_plane, "loss": recon + self.config.regulariser * one_plane}
