"""Linear symmetry-based disentanglement: is the action on the code a block-diagonal representation?

For each generator s of each part, a map t ↦ M_s t + c_s is fitted by least squares to the pairs
(t, s·t) of codes (the offset absorbs the centre, which a sampled world only estimates), where t are
the codes in the *signal coordinates* of the SBD check: whitened (the summed orbit variation
covariance, which a representation preserves, is I, so a representation of the finite group is
orthogonal and the errors below are scale-free and basis-invariant) and read in the blocks of the
subspaces Z_i found (the rest, where only noise lives, is left out):

- residual: E‖M_s t + c_s − s·t‖² / E‖s·t − mean‖² (is the action linear at all?);
- order: ‖M_sⁿ − I‖ for s of order n (is it a representation of its cyclic subgroup?);
- commutators: ‖M_s M_t − M_t M_s‖ for generators of different parts;
- block: ‖M_s − diag(I, …, M_s[i, i], …, I)‖ (G_i acts on Z_i alone and as the identity on the rest;
  a declared-invariant part as the identity everywhere);

each size ‖A‖ = E‖A t‖² / E‖t‖² taken on the codes t — an energy ratio like the residual and the
leakage — so directions without variation (where a fit has nothing to go on) do not count.

D_LSBD (Tonnaer et al. 2022, arXiv 2011.06070) for a part G_k with a faithful orthogonal
representation ρ of dimension m: take the whitened variation of G_k (z − mean over the G_k-orbit),
project it on its top-m principal components scaled to variance 1/m each, undo ρ — the point of
state s is mapped by ρ(h_s)ᵀ Q, h_s the element that takes component 0 to s's component and Q ∈ O(m)
the best alignment of the code's basis with ρ's — and score the mean squared distance to the mean.
D_LSBD = mean_k min over ρ and Q. For a cyclic C_n, ρ = R(2πω/n) with integer ω ∈ [−10, 10] and Q
drops out (it commutes with rotations; a reflection turns ω into −ω): the practical form for products
of cyclic groups. Other groups take ρ from symgroup (``Dihedral(n).irrep(k)`` with gcd(k, n) = 1, a
permutation group's standard representation) or from the user. 0 is perfect, ≈ 1 is chance; it is
undefined (None) when a part's variation has rank < m.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from symgroup.check.sbd import SBDResult, signal_coordinates
from symgroup.check.world import EncodedWorld
from symgroup.cyclic import Cyclic
from symgroup.dihedral import Dihedral
from symgroup.errors import InvalidRepresentationError
from symgroup.group import Group
from symgroup.permutation import PermutationGroup
from symgroup.representation import Representation

OMEGAS = np.arange(-10, 11)


@dataclass
class GeneratorFit:
    generator: str
    subgroup: str
    order: int
    residual: float
    order_error: float
    block_error: float | None
    commutators: dict[str, float] = field(default_factory=dict)  # other generator → error
    matrix: np.ndarray | None = None  # M_s in signal coordinates

    def reasons(self, tol: float) -> list[str]:
        out = []
        if self.residual > tol:
            out.append(f"{self.generator} does not act linearly: residual {self.residual:.2g} > {tol}")
        if self.order_error > tol:
            out.append(
                f"{self.generator} is no representation of its order {self.order}: "
                f"‖Mⁿ − I‖ = {self.order_error:.2g} > {tol}"
            )
        if self.block_error is not None and self.block_error > tol:
            out.append(f"{self.generator} is not block-diagonal in the subspaces: {self.block_error:.2g} > {tol}")
        out += [
            f"{self.generator} and {t} do not commute: {e:.2g} > {tol}" for t, e in self.commutators.items() if e > tol
        ]
        return out


@dataclass
class DLSBD:
    value: float | None
    scores: dict[str, float | None]
    omegas: dict[str, int | None]  # the frequency of a cyclic part's best rotation
    reason: str | None = None
    representations: dict[str, str] = field(default_factory=dict)  # the best ρ of each part, by name


def fit_generators(world: EncodedWorld, sbd: SBDResult, ridge: float = 1e-3) -> list[GeneratorFit]:
    """One least-squares map per generator of every part, with its representation errors. A ridge
    term ``ridge``·‖M − I‖² keeps directions with (next to) no variation from taking arbitrary values."""
    y = (world.codes - world.codes.mean(axis=0)) @ sbd.whiten
    t = signal_coordinates(y, sbd.combined, sbd.blocks, world.content)
    rank = t.shape[1]
    fits = []
    for name in world.names:
        for s in world.part_generators(name):
            a, b = world.step_pairs(name, s)
            inputs = np.hstack([t[a], np.ones((len(a), 1))])  # affine: the invariant centre is estimated too
            prior = np.sqrt(ridge * len(a)) * np.eye(rank, rank + 1)  # pulls M towards I where data are scarce
            solution, *_ = np.linalg.lstsq(np.vstack([inputs, prior]), np.vstack([t[b], prior[:, :rank]]), rcond=None)
            m = solution[:-1].T
            target = t[b] - t[b].mean(axis=0)
            residual = float(((inputs @ solution - t[b]) ** 2).sum() / max((target**2).sum(), 1e-300))
            fits.append(
                GeneratorFit(
                    str(s),
                    name,
                    s.order,
                    residual,
                    _on_data(np.linalg.matrix_power(m, s.order) - np.eye(rank), t),
                    _block_error(m, name, world, sbd, t),
                    matrix=m,
                )
            )
    for f in fits:
        f.commutators = {
            g.generator: _on_data(f.matrix @ g.matrix - g.matrix @ f.matrix, t)
            for g in fits
            if g.subgroup != f.subgroup
        }
    return fits


def _on_data(a: np.ndarray, t: np.ndarray) -> float:
    """E‖A t‖² / E‖t‖²: the size of a matrix on the codes (an energy ratio, like the residual and
    the leakage), so directions without variation do not count."""
    return float(((t @ a.T) ** 2).sum() / max((t**2).sum(), 1e-300))


def _block_error(m: np.ndarray, name: str, world: EncodedWorld, sbd: SBDResult, t: np.ndarray) -> float | None:
    """Size on the codes of M − diag(I, …, M_ii, …, I) in the signal coordinates (None without them)."""
    if sbd.combined is None:
        return None
    expected = np.eye(len(m))
    if name in world.content:
        offset = sum(sbd.subspaces[n].dimension for n in world.content[: world.content.index(name)])
        own = slice(offset, offset + sbd.subspaces[name].dimension)
        expected[own, own] = m[own, own]
    return _on_data(m - expected, t)


def faithful_representations(group: Group) -> list[Representation]:
    """The faithful orthogonal representations D_LSBD tries for a non-cyclic group: the 2-D irreps
    of a dihedral group whose frequency is prime to n, a permutation group's standard
    representation (its natural one on the vectors summing to 0); none for other groups."""
    if isinstance(group, Dihedral):
        return [group.irrep(k) for k in range(1, (group.n + 1) // 2) if math.gcd(k, group.n) == 1]
    if isinstance(group, PermutationGroup):
        natural = group.natural_representation()
        q, _ = np.linalg.qr(np.hstack([np.ones((natural.dim, 1)), np.eye(natural.dim)]))
        basis = q[:, 1 : natural.dim]  # orthonormal, orthogonal to (1, …, 1)
        return [Representation(group, lambda g: basis.T @ natural(g) @ basis, f"standard({group.name})")]
    return []


def d_lsbd(
    world: EncodedWorld, whiten: np.ndarray, representations: Mapping[str, Representation] | None = None
) -> DLSBD:
    """D_LSBD of the content parts, with each cyclic part's ω and each part's best representation;
    None (with the reason) where it is undefined. ``representations`` gives a part's ρ by name (by
    default the world's own, ``Factor.representation``, where it declares one)."""
    representations = dict(representations or {})
    scores: dict[str, float | None] = {}
    omegas: dict[str, int | None] = {}
    names: dict[str, str] = {}
    needed: dict[str, int] = {}
    for name in world.content:
        if not world.acts_by_numbers(name):
            return DLSBD(None, {}, {}, f"{name!r} is not one factor acting by left multiplication")
        factor = world.env.factors[world.parts[name][0]]
        group = factor.group
        if name not in representations and factor.representation is not None:  # the world's own choice
            representations[name] = factor.representation
        variation = world.variation(name) @ whiten
        if name in representations and representations[name].group != group:
            raise InvalidRepresentationError(
                f"the representation given for {name!r} is of {representations[name].group}, not of {group}", name
            )
        if name in representations or not isinstance(group, Cyclic):
            candidates = [representations[name]] if name in representations else faithful_representations(group)
            if not candidates:
                return DLSBD(None, {}, {}, f"no faithful representation of {group} is known: pass one for {name!r}")
            elements = world.env.factors[world.parts[name][0]].group.elements()
            h = [elements[v] for v in world.labels(name)]
            results = [(_score_representation(variation, h, rho), rho) for rho in candidates]
            scores[name], rho = min(results, key=lambda r: math.inf if r[0] is None else r[0])
            omegas[name], needed[name] = None, rho.dim
            if scores[name] is not None:
                names[name] = rho.name
        else:
            angles = 2 * np.pi * world.labels(name) / group.order
            scores[name], omegas[name] = _cyclic_score(variation, angles)
            needed[name] = 2
            if scores[name] is not None:
                names[name] = f"{group.name}.rotation({omegas[name]})"
    flat = [n for n, v in scores.items() if v is None]
    if flat:
        ranks = " and ".join(sorted({f"rank < {needed[n]}" for n in flat}))
        return DLSBD(None, scores, omegas, f"undefined: the variation of {', '.join(flat)} has {ranks}", names)
    return DLSBD(float(np.mean(list(scores.values()))), scores, omegas, representations=names)


def _principal_points(variation: np.ndarray, m: int) -> np.ndarray | None:
    """The variation on its top-m principal components, each scaled to variance 1/m (None when its
    rank is below m)."""
    eigenvalues, vectors = np.linalg.eigh(variation.T @ variation / len(variation))
    if len(eigenvalues) < m or eigenvalues[-m] <= 1e-9 * max(eigenvalues[-1], 1e-300):
        return None
    points = variation @ vectors[:, ::-1][:, :m]
    return points / (points.std(axis=0) * math.sqrt(m))


def _cyclic_score(variation: np.ndarray, angles: np.ndarray) -> tuple[float | None, int | None]:
    points = _principal_points(variation, 2)
    if points is None:
        return None, None
    theta = -OMEGAS[:, None] * angles[None, :]  # (ω, points)
    c, s = np.cos(theta), np.sin(theta)
    x = c * points[:, 0] - s * points[:, 1]
    y = s * points[:, 0] + c * points[:, 1]
    scores = (x - x.mean(axis=1, keepdims=True)) ** 2 + (y - y.mean(axis=1, keepdims=True)) ** 2
    scores = scores.mean(axis=1)
    # ω and ω ± n fit a code of C_n equally well: name the one nearest 0 (the positive one on a tie)
    ties = OMEGAS[np.isclose(scores, scores.min(), rtol=1e-9, atol=1e-12)]
    best = min(ties.tolist(), key=lambda w: (abs(w), -w))
    return float(scores[best - OMEGAS[0]]), best


def _score_representation(
    variation: np.ndarray, elements: list, rho: Representation, iterations: int = 50
) -> float | None:
    """min over Q ∈ O(m) of mean ‖ρ(h_s)ᵀ Q p_s − c‖², by alternating orthogonal Procrustes from
    seeded starting points (both orientations)."""
    points = _principal_points(variation, rho.dim)
    if points is None:
        return None
    inverse = np.stack([rho(g).T for g in elements])  # (n, m, m): ρ(h_s)ᵀ = ρ(h_s)⁻¹
    rng = np.random.default_rng(0)
    starts = [np.linalg.qr(rng.standard_normal((rho.dim, rho.dim)))[0] for _ in range(16)]
    starts += [q @ np.diag([-1.0] + [1.0] * (rho.dim - 1)) for q in starts]
    best = math.inf
    for q in starts:
        for _ in range(iterations):
            undone = np.einsum("nij,jk,nk->ni", inverse, q, points)
            centre = undone.mean(axis=0)
            targets = np.einsum("nji,j->ni", inverse, centre)  # ρ(h_s) c
            u, _, vt = np.linalg.svd(targets.T @ points)
            q = u @ vt
        undone = np.einsum("nij,jk,nk->ni", inverse, q, points)
        best = min(best, float(((undone - undone.mean(axis=0)) ** 2).sum(axis=1).mean()))
    return best
