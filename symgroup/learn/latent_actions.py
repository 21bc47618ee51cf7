"""How the symmetry-based learners let a group act on their latent space, in torch.

- Rotation blocks: a move g of a cyclic subgroup C_n acts on that subgroup's circle (a 2×2 block)
  as the rotation by θ_g = 2π·v/n, v the move's component; a path of moves acts by the sum of its
  angles per subgroup (the blocks commute, so ρ is a representation of the product).
- Givens products (Quessard et al. 2020, arXiv 2002.06991): ρ(a) = ∏_{i<j} R_ij(θ_ij) ∈ SO(n),
  R_ij the rotation by θ_ij in the (i, j) plane; n(n − 1)/2 angles per action.
- The LSBD transformation term (Tonnaer et al. 2022, arXiv 2011.06070, eq. 9): for codes z_m of a
  path's frames, each known to be ρ(t_m) applied to a common anchor, undo the rotations, average on
  the circle and measure the spread, per circle: Σ_m ‖ρ(t_m)⁻¹ z_m − mean_○‖², with
  mean_○ = normalise(mean_m ρ(t_m)⁻¹ z_m). It is 0 exactly when the code is equivariant on the path.
- Its scale-free form, measured on the encoder's vectors v before they are projected onto the
  circles: per circle, E_paths Σ_m ‖ρ(t_m)⁻¹ v_m − mean_m ρ(t_m)⁻¹ v_m‖² / E‖v − E v‖². It has the
  same zeros (v(g·s) = ρ(g) v(s) on every path, so v lies on a centred circle and its projection is
  equivariant), but unlike the term on the circle it has no barriers: a constant code is not a
  local minimum, and a point can pass through the origin, so the winding number can change.

>>> import math, torch
>>> r = rotate(torch.tensor([[1.0, 0.0]]), torch.tensor([math.pi / 2]))
>>> [round(v, 6) + 0.0 for v in r[0].tolist()]
[0.0, 1.0]
>>> q = givens_product(torch.tensor([0.3, -1.2, 0.7]), 3)
>>> bool(torch.allclose(q @ q.T, torch.eye(3), atol=1e-6)), round(float(torch.det(q)), 6)
(True, 1.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from symgroup.cyclic import Cyclic
from symgroup.errors import InvalidOptionError
from symgroup.group import GroupElement


def subgroup_elements(env: Any) -> tuple[GroupElement, ...]:
    """Every element of every subgroup but the identity, as elements of G: the moves of a learner
    that steps by any element of one subgroup (``moves="elements"``) rather than by a generator."""
    return tuple(
        env.group.embed(name, g) for name, f in env.factors.items() for g in f.group.elements() if g != f.group.identity
    )


def move_owners(env: Any, moves: Sequence[GroupElement]) -> list[int]:
    """For each of ``moves`` (elements of one subgroup each), the index of that subgroup."""
    group = env.group
    return [
        next(i for i, n in enumerate(env.factor_names) if group.project(n, g) != env.factors[n].group.identity)
        for g in moves
    ]


def move_angles(env: Any, moves: Sequence[GroupElement], method: str) -> torch.Tensor:
    """θ (moves, subgroups): move m turns its own subgroup's circle by 2π·v/n and the others by 0.
    :class:`InvalidOptionError` when a subgroup is not cyclic (it has no circle)."""
    angles = torch.zeros(len(moves), len(env.factor_names), dtype=torch.float64)
    for m, (g, owner) in enumerate(zip(moves, move_owners(env, moves), strict=True)):
        name = env.factor_names[owner]
        factor = env.factors[name].group
        if not isinstance(factor, Cyclic):
            raise InvalidOptionError(f"{method} needs cyclic subgroups (one circle each); {name} is {factor}", name)
        angles[m, owner] = 2 * math.pi * env.group.project(name, g).value / factor.order
    return angles


def path_offsets(angles: torch.Tensor, moves: torch.Tensor) -> torch.Tensor:
    """t (B, L + 1, K): each frame's angle from the path's start, per subgroup, for moves (B, L)
    and the table θ (moves, K) of :func:`move_angles`; t_0 = 0, t_l = θ_g1 + … + θ_gl."""
    steps = angles[moves]
    return torch.cat([torch.zeros_like(steps[:, :1]), steps], dim=1).cumsum(dim=1)


def rotation(angle: torch.Tensor) -> torch.Tensor:
    """R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]] for every angle: (..., 2, 2)."""
    c, s = torch.cos(angle), torch.sin(angle)
    return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)


def rotate(points: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """R(θ) p for points (..., 2) and angles (...)."""
    return torch.einsum("...ij,...j->...i", rotation(angle), points)


def givens_product(angles: torch.Tensor, n: int) -> torch.Tensor:
    """∏_{i<j} R_ij(θ_ij) (in the order (0,1), (0,2), …, (n−2, n−1)) for angles (..., n(n−1)/2): (..., n, n)."""
    planes = list(itertools.combinations(range(n), 2))
    if angles.shape[-1] != len(planes):
        raise InvalidOptionError(f"SO({n}) takes {len(planes)} Givens angles, got {angles.shape[-1]}", angles.shape)
    out = torch.eye(n, dtype=angles.dtype, device=angles.device).expand(*angles.shape[:-1], n, n)
    for k, (i, j) in enumerate(planes):
        c, s = torch.cos(angles[..., k]), torch.sin(angles[..., k])
        plane = torch.eye(n, dtype=angles.dtype, device=angles.device).repeat(*angles.shape[:-1], 1, 1)
        plane[..., i, i], plane[..., j, j], plane[..., i, j], plane[..., j, i] = c, c, -s, s
        out = out @ plane
    return out


def transformation_loss(codes: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    """The LSBD term Σ_k Σ_m ‖R(−t_mk) z_mk − mean_○‖² for codes (B, M, K, 2) on K unit circles with
    known angles t (B, M, K) from a common anchor; mean over the B paths."""
    anchored = rotate(codes, -offsets)
    centre = F.normalize(anchored.mean(dim=1, keepdim=True), dim=-1)
    return ((anchored - centre) ** 2).sum(dim=(1, 2, 3)).mean()


def scale_free_transformation_loss(vectors: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
    """Σ_k (the spread of R(−t_mk) v_mk about its path mean) / (the batch variance of v_k), for
    vectors (B, M, K, 2) and angles t (B, M, K); the spread is a mean over paths, summed over frames."""
    anchored = rotate(vectors, -offsets)
    spread = ((anchored - anchored.mean(dim=1, keepdim=True)) ** 2).sum(dim=(1, 3)).mean(dim=0)
    flat = vectors.flatten(0, 1)
    variance = ((flat - flat.mean(dim=0)) ** 2).sum(dim=2).mean(dim=0)
    return (spread / variance.clamp_min(1e-12)).sum()
