"""Symmetry-based learners, which learn from transitions (o_t, g, o_t+1) rather than still images.

``forward_vae`` (Caselles-Dupré et al. 2019, arXiv 1904.00243): a VAE plus one linear latent map
A_g per move g (each subgroup generator and its inverse), confined to its subgroup's 2×2 block of
the latent (subgroup i owns dims 2i, 2i+1; the rest are left alone):

    loss = recon + β·KL + γ·E‖A_g μ_t − μ_{t+1}‖²

With ``blocks="fixed"`` each A_g is the rotation by ±2π/n of its cyclic subgroup C_n (a
representation by construction); with ``blocks="learnt"`` the 2×2 blocks are free parameters,
initialised at the identity.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch
from torch import nn

from symgroup.cyclic import Cyclic
from symgroup.errors import InvalidOptionError
from symgroup.learn.methods import VAE, Terms


class ForwardVAE(VAE):
    name = "forward_vae"
    defaults: ClassVar[dict[str, Any]] = {"beta": 1.0, "gamma": 100.0, "blocks": "fixed"}
    uses_transitions = True

    def __init__(self, encoder, decoder, latent, dataset_size, total_steps, env=None, **params):
        super().__init__(encoder, decoder, latent, dataset_size, total_steps, **params)
        needed = 2 * len(env.factor_names)
        if latent < needed:
            raise InvalidOptionError(f"forward_vae needs 2 latent dimensions per subgroup: latent ≥ {needed}", latent)
        if self.params["blocks"] not in ("fixed", "learnt"):
            raise InvalidOptionError(f"blocks must be 'fixed' or 'learnt', got {self.params['blocks']!r}", params)
        owners = [_owner(env, g) for g in env.moves]
        self.owners = [env.factor_names.index(name) for name in owners]
        angles = []
        for g, name in zip(env.moves, owners, strict=True):
            factor = env.factors[name].group
            if self.params["blocks"] == "fixed" and not isinstance(factor, Cyclic):
                raise InvalidOptionError(f"fixed rotation blocks need cyclic subgroups, not {factor}", factor)
            value = env.group.project(name, g).value
            angles.append(2 * math.pi * value / factor.order if isinstance(factor, Cyclic) else 0.0)
        fixed = torch.stack([_rotation(a) for a in angles])
        self.blocks = nn.Parameter(torch.eye(2).repeat(len(angles), 1, 1), requires_grad=True) if (
            self.params["blocks"] == "learnt"
        ) else nn.Parameter(fixed, requires_grad=False)  # fmt: skip

    def action_matrices(self) -> torch.Tensor:
        """A_g for every move g: (moves, latent, latent)."""
        out = torch.eye(self.latent, dtype=self.blocks.dtype, device=self.blocks.device).repeat(len(self.owners), 1, 1)
        for m, owner in enumerate(self.owners):
            out[m, 2 * owner : 2 * owner + 2, 2 * owner : 2 * owner + 2] = self.blocks[m]
        return out

    def loss(self, x: torch.Tensor, step: int, generator: torch.Generator,
             transitions: tuple[torch.Tensor, torch.Tensor] | None = None) -> Terms:  # fmt: skip
        if transitions is None:
            raise InvalidOptionError("forward_vae trains on transitions (moves, next observations)", None)
        terms, mean = self.terms_and_mean(x, step, generator)
        moves, following = transitions
        predicted = torch.einsum("bij,bj->bi", self.action_matrices()[moves], mean)
        forward = ((predicted - self.encoder(following)[0]) ** 2).sum(dim=1).mean()
        terms["forward"] = forward
        terms["loss"] = terms["loss"] + self.params["gamma"] * forward
        return terms

    def penalty(self, mean, log_variance, z, kl, step, generator):
        return {"regularised": self.params["beta"] * kl}


def _owner(env: Any, g: Any) -> str:
    """The subgroup a move belongs to (its one non-identity component)."""
    return next(n for n in env.factor_names if env.group.project(n, g) != env.factors[n].group.identity)


def _rotation(angle: float) -> torch.Tensor:
    c, s = math.cos(angle), math.sin(angle)
    return torch.tensor([[c, -s], [s, c]], dtype=torch.float32)
