"""How the symmetry-based learners let a group act on their latent space, in torch.

- Representation blocks: subgroup i acts on its own block of d_i latent dims by a faithful
  orthogonal representation ρ_i (:func:`subgroup_representation`: a world's own choice, else the
  rotation R(2π·v/n) of a cyclic C_n, the 2-D irrep ρ_1 of a dihedral D_n, the standard
  representation of a permutation group). The blocks commute, so g ↦ ⊕_i ρ_i(g_i) is a
  representation of the product; a path of moves acts by the product of its moves' matrices.
- Givens products (Quessard et al. 2020, arXiv 2002.06991): ρ(a) = ∏_{i<j} R_ij(θ_ij) ∈ SO(n),
  R_ij the rotation by θ_ij in the (i, j) plane; n(n − 1)/2 angles per action.
- The LSBD transformation term (Tonnaer et al. 2022, arXiv 2011.06070, eq. 9): for codes z_m of a
  path's frames, each known to be ρ(t_m) applied to a common anchor, undo the actions, average on
  the sphere and measure the spread, per block: Σ_m ‖ρ(t_m)⁻¹ z_m − mean_○‖², with
  mean_○ = normalise(mean_m ρ(t_m)⁻¹ z_m). It is 0 exactly when the code is equivariant on the path.
- Its scale-free form, measured on the encoder's vectors v before they are projected onto the
  spheres: per block, E_paths Σ_m ‖ρ(t_m)⁻¹ v_m − mean_m ρ(t_m)⁻¹ v_m‖² / E‖v − E v‖². It has the
  same zeros (v(g·s) = ρ(g) v(s) on every path, so v lies on a centred orbit and its projection is
  equivariant), but unlike the term on the sphere it has no barriers: a constant code is not a
  local minimum, and a point can pass through the origin, so the winding number can change.

>>> import torch
>>> q = givens_product(torch.tensor([0.3, -1.2, 0.7]), 3)
>>> bool(torch.allclose(q @ q.T, torch.eye(3), atol=1e-6)), round(float(torch.det(q)), 6)
(True, 1.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from symgroup.errors import InvalidOptionError
from symgroup.group import GroupElement
from symgroup.representation import Representation


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


def subgroup_representation(env: Any, name: str, learner: str) -> Representation:
    """The faithful orthogonal representation subgroup ``name`` acts by on its latent block: the
    world's own (``Factor.representation``), else the first of its group's
    :meth:`~symgroup.Group.faithful_representations`; :class:`~symgroup.errors.InvalidOptionError` when none is
    known."""
    factor = env.factors[name]
    if factor.representation is not None:
        return factor.representation
    known = factor.group.faithful_representations()
    if not known:
        raise InvalidOptionError(
            f"{learner} needs a faithful orthogonal representation of each subgroup; none is known for {name} = "
            f"{factor.group}: give the world's factor one (Factor(group, representation=ρ))",
            name,
        )
    return known[0]


def move_matrices(
    env: Any, moves: Sequence[GroupElement], representations: Sequence[Representation]
) -> list[torch.Tensor]:
    """Per subgroup i, ρ_i of every move's component: (moves, d_i, d_i), float64 (the identity for
    moves of the other subgroups)."""
    return [
        torch.from_numpy(np.stack([rho(env.group.project(name, g)) for g in moves])).double()
        for name, rho in zip(env.factor_names, representations, strict=True)
    ]


def path_transforms(matrices: torch.Tensor, moves: torch.Tensor) -> torch.Tensor:
    """ρ(t_l) (B, L + 1, d, d) from each path's start: t_0 = e, ρ(t_l) = ρ(g_l) ρ(t_(l−1)), for the
    move matrices (moves, d, d) and the moves (B, L) of the paths."""
    out = [torch.eye(matrices.shape[-1], dtype=matrices.dtype, device=matrices.device).expand(len(moves), -1, -1)]
    for t in range(moves.shape[1]):
        out.append(matrices[moves[:, t]] @ out[-1])
    return torch.stack(out, dim=1)


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


def _anchored(vectors: torch.Tensor, transforms: torch.Tensor) -> torch.Tensor:
    """ρ(t_m)⁻¹ v_m = ρ(t_m)ᵀ v_m (ρ orthogonal) for vectors (B, M, d)."""
    return torch.einsum("bmji,bmj->bmi", transforms.to(vectors), vectors)


def transformation_loss(codes: torch.Tensor, transforms: torch.Tensor) -> torch.Tensor:
    """The LSBD term Σ_m ‖ρ(t_m)⁻¹ z_m − mean_○‖² for codes (B, M, d) on a unit sphere with known
    ρ(t_m) (B, M, d, d) from a common anchor; mean over the B paths."""
    anchored = _anchored(codes, transforms)
    centre = F.normalize(anchored.mean(dim=1, keepdim=True), dim=-1)
    return ((anchored - centre) ** 2).sum(dim=(1, 2)).mean()


def scale_free_transformation_loss(vectors: torch.Tensor, transforms: torch.Tensor) -> torch.Tensor:
    """(the spread of ρ(t_m)⁻¹ v_m about its path mean) / (the batch variance of v), for vectors
    (B, M, d) and ρ(t_m) (B, M, d, d); the spread is a mean over paths, summed over frames."""
    anchored = _anchored(vectors, transforms)
    spread = ((anchored - anchored.mean(dim=1, keepdim=True)) ** 2).sum(dim=(1, 2)).mean()
    flat = vectors.flatten(0, 1)
    return spread / ((flat - flat.mean(dim=0)) ** 2).sum(dim=1).mean().clamp_min(1e-12)
