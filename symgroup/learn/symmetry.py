"""Symmetry-based learners: they learn from paths of moves (o_0, g_1, o_1, …, g_L, o_L) with
o_l = g_l · o_(l−1), not from still images alone. The trainer draws the paths (``path_length`` L)
uniformly over start states and the learner's moves; ``loss(x, step, generator, paths)`` gets
x = o_0 and paths = (moves (B, L), frames o_1…o_L (B, L, C, H, W)). ``moves="generators"`` steps
by the world's moves (a generator of one subgroup or its inverse), ``"elements"`` by any element
of one subgroup but e. Large steps tell winding numbers apart: with steps of 2π/64 a code that turns
twice per turn of ``arrow``'s angle costs an equivariance term little (BENCHMARKS.md).

- ``forward_vae`` (Caselles-Dupré et al. 2019, arXiv 1904.00243): a VAE plus one linear latent map
  A_g per move, confined to its subgroup's 2×2 block (subgroup i owns dims 2i, 2i + 1):
  loss = recon + β·KL + γ·E‖A_g μ_t − μ_t+1‖². ``blocks="fixed"``: A_g the rotation by 2π·v/n of
  its cyclic subgroup; ``"learnt"``: free 2×2 blocks initialised at the identity. ``forward="paper"``
  is that term; the default ``"scale_free"`` divides each dim's squared error by the variance of
  the means in that dim, so that shrinking the code does not lower it. The default moves are
  ``"elements"`` and γ = 1000, as LSBD-VAE's. (Measured on ``gridworld``, seed 0, 900 steps: the
  paper's term, or either change alone, fails the check, D_LSBD 0.24–0.37; both together pass it
  at 300 steps. On ``arrow``, whose images cost ~1,150 nats to reconstruct against ~77 for
  ``gridworld``, γ = 100 left 6 of 10 seeds with the angle at frequency 2, γ = 1000 one.)
- ``lsbd_vae`` (Tonnaer et al. 2022, arXiv 2011.06070): one circle S¹ per cyclic subgroup (its
  first 2K dims; any further dims are an ordinary Gaussian latent), the Δ-VAE posterior on each
  circle (Pérez Rey et al. 2019: Brownian motion for a time t, log t ∈ (−10, −5), uniform prior,
  KL = log 2π − ½ log(2πe·t)), and γ times the transformation term over each path; the ELBO runs
  on every frame. ``transformation="paper"`` measures it on the circles as the paper does
  (:func:`~symgroup.learn.latent_actions.transformation_loss`); the default ``"scale_free"``
  measures it on the encoder's vectors before projection, relative to their spread
  (:func:`~symgroup.learn.latent_actions.scale_free_transformation_loss`): same zeros, no barriers.
  (Measured: on the 16×16 square world the paper's term stays at a constant code, the scale-free
  one passes the check within 300 steps.)
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
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from symgroup.errors import InvalidOptionError
from symgroup.group import GroupElement
from symgroup.learn.latent_actions import (
    givens_product,
    move_angles,
    move_owners,
    path_offsets,
    rotation,
    scale_free_transformation_loss,
    subgroup_elements,
    transformation_loss,
)
from symgroup.learn.methods import VAE, Terms, kl_divergence

Paths = tuple[torch.Tensor, torch.Tensor]


class SphereEncoder(nn.Module):
    """x → (code, log-variance): the base encoder's mean with each of its first ``spheres`` blocks of
    ``size`` dims projected onto the unit sphere; the dims after them pass through."""

    def __init__(self, base: nn.Module, spheres: int, size: int) -> None:
        super().__init__()
        self.base, self.spheres, self.size = base, spheres, size

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.project(*self.base(x))

    def project(self, mean: torch.Tensor, log_variance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k = self.spheres * self.size
        on_spheres = F.normalize(mean[:, :k].unflatten(1, (self.spheres, self.size)), dim=-1).flatten(1)
        return torch.cat([on_spheres, mean[:, k:]], dim=1), log_variance


class SymmetryLearner(VAE, ABC):
    """The shared contract: the env is known at construction, paths come with every batch."""

    uses_transitions = True
    paths_per_step: ClassVar[int]  # the default batch_size: about 64 frames a step

    def __init__(self, encoder, decoder, latent, dataset_size, total_steps, env=None, **params):
        super().__init__(encoder, decoder, latent, dataset_size, total_steps, **params)
        self.path_length = self.params["path_length"]
        if not isinstance(self.path_length, int) or self.path_length < 0:
            raise InvalidOptionError(f"path_length must be a non-negative integer, got {self.path_length!r}", params)
        self.subgroups = len(env.factor_names)
        if self.params["moves"] not in ("generators", "elements"):
            raise InvalidOptionError(f"moves must be 'generators' or 'elements', got {self.params['moves']!r}", params)
        self.moves = env.moves if self.params["moves"] == "generators" else subgroup_elements(env)
        self.group = env.group

    @abstractmethod
    def action_matrices(self) -> torch.Tensor:
        """ρ(g) on the latent space for every move g: (moves, latent, latent); each learner has its own."""

    def latent_matrix(self, g: GroupElement) -> torch.Tensor:
        """ρ(g) for any element of the world's group: the product of the matrices of the moves that
        make it up (a move per subgroup component, or a power of its generator)."""
        matrices = self.action_matrices()
        out = torch.eye(self.latent, dtype=matrices.dtype, device=matrices.device)
        for m in self._moves_of(g):
            out = matrices[m] @ out
        return out

    def act(self, observations: torch.Tensor, elements: Sequence[GroupElement]) -> torch.Tensor:
        """The latent action as an action on images: sigmoid(decode(ρ(g) · encode(x))) for each pair
        (x, g) — what :func:`symgroup.check.check_action` judges."""
        code = self.encoder(observations)[0]
        matrices = torch.stack([self.latent_matrix(g) for g in elements]).to(code)
        return torch.sigmoid(self.decoder(torch.einsum("bij,bj->bi", matrices, code)))

    def _moves_of(self, g: GroupElement) -> list[int]:
        index = {m: i for i, m in enumerate(self.moves)}
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

    def _frames(self, x: torch.Tensor, paths: Paths | None) -> torch.Tensor:
        """o_0 … o_L as (B, L + 1, C, H, W)."""
        if paths is None:
            if self.path_length:
                raise InvalidOptionError(f"{self.name} trains on paths of moves (moves, frames)", None)
            return x[:, None]
        return torch.cat([x[:, None], paths[1]], dim=1)


class ForwardVAE(SymmetryLearner):
    name = "forward_vae"
    defaults: ClassVar[dict[str, Any]] = {
        "beta": 1.0, "gamma": 1000.0, "blocks": "fixed", "path_length": 1, "moves": "elements", "forward": "scale_free"
    }  # fmt: skip
    paths_per_step = 32

    def __init__(self, encoder, decoder, latent, dataset_size, total_steps, env=None, **params):
        super().__init__(encoder, decoder, latent, dataset_size, total_steps, env, **params)
        self._needs_latent(2 * self.subgroups, "2 latent dimensions per subgroup")
        if self.params["blocks"] not in ("fixed", "learnt"):
            raise InvalidOptionError(f"blocks must be 'fixed' or 'learnt', got {self.params['blocks']!r}", params)
        if self.params["forward"] not in ("paper", "scale_free"):
            raise InvalidOptionError(f"forward must be 'paper' or 'scale_free', got {self.params['forward']!r}", params)
        self.owners = move_owners(env, self.moves)
        if self.params["blocks"] == "fixed":
            owned = move_angles(env, self.moves, self.name)[torch.arange(len(self.owners)), self.owners]
            self.blocks = nn.Parameter(rotation(owned).float(), requires_grad=False)
        else:
            self.blocks = nn.Parameter(torch.eye(2).repeat(len(self.owners), 1, 1))

    def action_matrices(self) -> torch.Tensor:
        """A_g for every move g: (moves, latent, latent)."""
        out = torch.eye(self.latent, dtype=self.blocks.dtype, device=self.blocks.device).repeat(len(self.owners), 1, 1)
        for m, owner in enumerate(self.owners):
            out[m, 2 * owner : 2 * owner + 2, 2 * owner : 2 * owner + 2] = self.blocks[m]
        return out

    def loss(self, x: torch.Tensor, step: int, generator: torch.Generator, paths: Paths | None = None) -> Terms:
        frames = self._frames(x, paths)
        terms, mean = self.terms_and_mean(x, step, generator)
        if self.path_length:
            moves = paths[0]
            means = torch.cat(
                [mean[:, None], self.encoder(frames[:, 1:].flatten(0, 1))[0].unflatten(0, moves.shape)], 1
            )
            predicted = torch.einsum("blij,blj->bli", self.action_matrices()[moves], means[:, :-1])
            error = (predicted - means[:, 1:]) ** 2
            if self.params["forward"] == "scale_free":
                error = error / means.flatten(0, 1).var(dim=0, unbiased=False).clamp_min(1e-12)
            terms["forward"] = error.sum(dim=2).mean()
            terms["loss"] = terms["loss"] + self.params["gamma"] * terms["forward"]
        return terms

    def penalty(self, mean, log_variance, z, kl, step, generator):
        return {"regularised": self.params["beta"] * kl}


class LSBDVAE(SymmetryLearner):
    name = "lsbd_vae"
    defaults: ClassVar[dict[str, Any]] = {
        "beta": 1.0, "gamma": 1000.0, "path_length": 7, "labelled": None, "transformation": "scale_free",
        "moves": "elements",
    }  # fmt: skip
    paths_per_step = 8
    TERMS: ClassVar[dict[str, Any]] = {"paper": transformation_loss, "scale_free": scale_free_transformation_loss}

    def __init__(self, encoder, decoder, latent, dataset_size, total_steps, env=None, **params):
        super().__init__(encoder, decoder, latent, dataset_size, total_steps, env, **params)
        self._needs_latent(2 * self.subgroups, "one circle (2 dims) per subgroup")
        labelled = self.params["labelled"]
        if labelled is not None and (not isinstance(labelled, int) or labelled < 0):
            raise InvalidOptionError(f"labelled must be None or a non-negative integer, got {labelled!r}", params)
        if self.params["transformation"] not in self.TERMS:
            raise InvalidOptionError(f"transformation must be one of {sorted(self.TERMS)}", params)
        if labelled == 0:
            self.path_length = 0
        self.labelled = labelled
        self.encoder = SphereEncoder(encoder, self.subgroups, 2)
        self.register_buffer("angles", move_angles(env, self.moves, self.name).float())

    def action_matrices(self) -> torch.Tensor:
        """Each move turns its subgroup's circle by its angle and fixes every other latent dim."""
        out = torch.eye(self.latent, dtype=self.angles.dtype, device=self.angles.device).repeat(len(self.moves), 1, 1)
        for i in range(self.subgroups):
            out[:, 2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = rotation(self.angles[:, i])
        return out

    def loss(self, x: torch.Tensor, step: int, generator: torch.Generator, paths: Paths | None = None) -> Terms:
        frames = self._frames(x, paths)
        raw, log_variance = self.encoder.base(frames.flatten(0, 1))
        code = self.encoder.project(raw, log_variance)[0]
        k, shape = 2 * self.subgroups, (self.subgroups, 2)
        circles = code[:, :k].unflatten(1, shape)
        z, kl = self._sample(circles, log_variance, code[:, k:], generator)
        target = frames.flatten(0, 1)
        recon = F.binary_cross_entropy_with_logits(self.decoder(z), target, reduction="sum") / len(target)
        terms = {"recon": recon, "kl": kl, "loss": recon + self.params["beta"] * kl}
        if self.path_length:
            measured = circles if self.params["transformation"] == "paper" else raw[:, :k].unflatten(1, shape)
            term = self.TERMS[self.params["transformation"]]
            terms["transformation"] = term(measured.unflatten(0, frames.shape[:2]), path_offsets(self.angles, paths[0]))
            terms["loss"] = terms["loss"] + self.params["gamma"] * terms["transformation"]
        return terms

    def _sample(self, circles: torch.Tensor, log_variance: torch.Tensor, rest: torch.Tensor,
                generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
        """z from the posterior (angle + √t·ε on each circle, Gaussian on the rest) and its KL."""
        k = 2 * self.subgroups
        log_t = -10 + 5 * torch.sigmoid(log_variance[:, :k].unflatten(1, circles.shape[1:]).mean(dim=2))
        noise = torch.randn(log_t.shape, generator=generator, device=circles.device, dtype=circles.dtype)
        angle = torch.atan2(circles[..., 1], circles[..., 0]) + torch.exp(0.5 * log_t) * noise
        rest_noise = torch.randn(rest.shape, generator=generator, device=rest.device, dtype=rest.dtype)
        on_circles = torch.stack([torch.cos(angle), torch.sin(angle)], dim=2).flatten(1)
        z = torch.cat([on_circles, rest + torch.exp(0.5 * log_variance[:, k:]) * rest_noise], dim=1)
        kl = (math.log(2 * math.pi) - 0.5 * (math.log(2 * math.pi) + 1 + log_t)).sum(dim=1).mean()
        return z, kl + (kl_divergence(rest, log_variance[:, k:]) if rest.shape[1] else 0.0)


class Quessard(SymmetryLearner):
    name = "quessard"
    defaults: ClassVar[dict[str, Any]] = {"regulariser": 1e-2, "path_length": 5, "moves": "generators"}
    paths_per_step = 16

    def __init__(self, encoder, decoder, latent, dataset_size, total_steps, env=None, **params):
        super().__init__(encoder, decoder, latent, dataset_size, total_steps, env, **params)
        if self.path_length < 1:
            raise InvalidOptionError("quessard learns its actions from paths: path_length ≥ 1", params)
        self._needs_latent(2, "a sphere of dimension ≥ 1")
        self.encoder = SphereEncoder(encoder, 1, latent)
        bound = math.pi / latent
        planes = latent * (latent - 1) // 2
        self.thetas = nn.Parameter(torch.empty(len(self.moves), planes).uniform_(-bound, bound))

    def action_matrices(self) -> torch.Tensor:
        """ρ(g) ∈ SO(d) for every move g: (moves, d, d)."""
        return givens_product(self.thetas, self.latent)

    def loss(self, x: torch.Tensor, step: int, generator: torch.Generator, paths: Paths | None = None) -> Terms:
        frames = self._frames(x, paths)
        moves = paths[0]
        z, actions = self.encoder(x)[0], self.action_matrices()
        codes = [z]
        for t in range(moves.shape[1]):
            codes.append(torch.einsum("bij,bj->bi", actions[moves[:, t]], codes[-1]))
        logits = self.decoder(torch.stack(codes, dim=1).flatten(0, 1))
        target = frames.flatten(0, 1)
        recon = F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / len(target)
        squares = self.thetas**2
        one_plane = (squares.sum(dim=1) - squares.max(dim=1).values).mean()
        return {"recon": recon, "one_plane": one_plane, "loss": recon + self.params["regulariser"] * one_plane}
