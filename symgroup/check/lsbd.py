"""Linear symmetry-based disentanglement: is the action on the code a block-diagonal representation?

For each generator s of each part, a map t ↦ M_s t + c_s is fitted by least squares to the pairs
(t, s·t) of codes (the offset absorbs the centre, which a sampled world only estimates), where t are
the codes in the *signal coordinates* of the SBD check: whitened (the summed orbit variation
covariance, which a representation preserves, is I, so a representation of the finite group is
orthogonal and the errors below are scale-free and basis-invariant) and read in the blocks of the
subspaces Z_i found (the rest, where only noise lives, is left out):

- residual: E‖M_s t + c_s − s·t‖² / E‖s·t − mean‖² (is the action linear at all?);
- order: ‖M_s − E_s‖, E_s the nearest representation of s's order n (M_s with its eigenvalues
  rounded to n-th roots of unity: is it a representation of its cyclic subgroup?);
- faithfulness: where E_s has a smaller order m (ω = 2 on C8: m = 4), the linear model says s^m
  acts as the identity, so E‖t(s^m·x) − t(x)‖² / E‖t(s^m·x) − mean‖² must be noise: a code that
  tells s^m·x from x (injective) while its action is fitted by a non-faithful E_s keeps that
  distinction in what the linear map does not explain (on ``arrow``, whose half-turned arrow is
  nearer in pixels than its quarter-turned one, a learned code wound the angle twice and told the
  half-turns apart by the circle's radius, each step 5 % off a rotation);
- commutators: ‖M_s M_t − M_t M_s‖ for generators of different parts;
- block: ‖M_s − diag(I, …, M_s[i, i], …, I)‖ (G_i acts on Z_i alone and as the identity on the rest;
  a declared-invariant part as the identity everywhere);

each size ‖A‖ = E‖A t‖² / E‖t‖² taken on the codes t — an energy ratio like the residual and the
leakage — so directions without variation (where a fit has nothing to go on) do not count.

D_LSBD (Tonnaer et al. 2022, arXiv 2011.06070, eq. 6): the smallest mean squared error
E_{x, g} ‖ρ(g)·t(x) − t(g·x)‖² of a *linear disentangled* representation ρ of G on the whole code:
block-diagonal in one basis, ρ(g) acting by ρ_k(g_k) on the block of G_k and as the identity on every
other block. The blocks are the check's subspaces Z_k, read in the combined basis [Z_1 | … | Z_n |
rest] of the whitened codes (the normalisation that makes the score scale- and basis-free), so two
parts that share a subspace cannot both score 0: at most one owns it. For each part k, ρ_k acts by a
representation of dimension m on the plane of G_k's top-m principal directions inside Z_k (rescaled
to equal variance, their energy kept: a choice of basis) and as the identity on the rest of Z_k:

    D_k = min_ρ E_{x, g ∈ G_k} ‖ρ(g)·t(x) − t(g·x)‖² / E_{x, g ∈ G_k} ‖t(x) − t(g·x)‖²,

the share of G_k's motion that ρ does not explain, computed on G_k's orbits through the identity
E_{x,g} ‖ρ(g)·t(x) − t(g·x)‖² = 2·E‖ρ(h)⁻¹·t(h·x₀) − mean‖² (orthogonal ρ, h uniform on G_k).
D_LSBD = mean_k D_k: 0 for a linear disentangled code, 1 where ρ explains nothing (a part with no
subspace of its own, or one of fewer than m dimensions: no representation of dimension m fits it, so
ρ_k is the identity there, as for a part with a 0-D subspace). The representations searched: for a
cyclic C_n (n ≥ 3), every rotation R(2πω/n), ω = 1, …, n − 1 — faithful or not (ω = 2 on C8 is not:
the injectivity check and the faithfulness above judge that, D_LSBD only linearity); ω is named by
its representative nearest 0. For C_2, the sign representation (m = 1). For other groups, the faithful orthogonal
representations symgroup knows (``Dihedral(n).irrep(k)`` with gcd(k, n) = 1, a permutation group's
standard representation), aligned with the code by the best Q ∈ O(m), or the one the user or the
world gives. D_LSBD is None (with the reason) where a part is not one factor acting on element
numbers, or where the subspaces found overlap so much that no block basis exists.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from symgroup.check.sbd import BlockBasis, SBDResult, signal_coordinates
from symgroup.check.world import EncodedWorld
from symgroup.cyclic import Cyclic
from symgroup.errors import InvalidRepresentationError
from symgroup.group import Group
from symgroup.representation import Representation


@dataclass
class GeneratorFit:
    generator: str
    subgroup: str
    order: int
    residual: float
    representation_error: float  # ‖M_s − E_s‖ on the codes, E_s: M_s with eigenvalues rounded to order-th roots of 1
    block_error: float | None
    represented_order: int  # m, the order of E_s
    identified: str | None  # s^m where m < order (E_s not faithful: it acts by I), else None
    unexplained_power: float | None  # how far s^m moves the codes (None where E_s is faithful)
    commutators: dict[str, float] = field(default_factory=dict)  # other generator → error
    matrix: np.ndarray | None = None  # M_s in signal coordinates

    def reasons(self, tol: float) -> list[str]:
        out = []
        if self.residual > tol:
            out.append(f"{self.generator} does not act linearly: residual {self.residual:.2g} > {tol}")
        if self.representation_error > tol:
            out.append(
                f"{self.generator} is no representation of its order {self.order}: its fitted map is "
                f"{self.representation_error:.2g} > {tol} from the nearest one (eigenvalues rounded to roots of unity)"
            )
        if self.unexplained_power is not None and self.unexplained_power > tol:
            out.append(
                f"{self.generator} is fitted by a representation of order {self.represented_order}, not "
                f"{self.order}, in which {self.identified} acts as the identity, yet {self.identified} moves the "
                f"code by {self.unexplained_power:.2g} > {tol} (the code tells apart states its linear action "
                "identifies)"
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
            residual = _unexplained(inputs @ solution, t[b])
            exact, order = _nearest_representation(m, s.order)
            identified = s**order if order < s.order else None
            power = None if identified is None else _unexplained(*(t[i] for i in world.step_pairs(name, identified)))
            fits.append(
                GeneratorFit(
                    str(s),
                    name,
                    s.order,
                    residual,
                    _on_data(m - exact, t),
                    _block_error(m, name, world, sbd, t),
                    order,
                    None if identified is None else str(identified),
                    power,
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


def _unexplained(predicted: np.ndarray, actual: np.ndarray) -> float:
    """E‖predicted − actual‖² / E‖actual − mean‖²: the share of the codes' variation a prediction misses."""
    centred = actual - actual.mean(axis=0)
    return float(((predicted - actual) ** 2).sum() / max((centred**2).sum(), 1e-300))


def _on_data(a: np.ndarray, t: np.ndarray) -> float:
    """E‖A t‖² / E‖t‖²: the size of a matrix on the codes (an energy ratio, like the residual and
    the leakage), so directions without variation do not count."""
    return float(((t @ a.T) ** 2).sum() / max((t**2).sum(), 1e-300))


def _nearest_representation(m: np.ndarray, order: int) -> tuple[np.ndarray, int]:
    """M with its eigenvectors kept and each eigenvalue moved to the nearest ``order``-th root of unity
    (a real eigenvalue to the nearest real one, ±1): a matrix E with Eⁿ = I, so a per-step error is
    judged once, not compounded n times as in ‖Mⁿ − I‖; with E's own order, the least m with
    E^m = I (the lcm of n / gcd(k, n) over its eigenvalues e^(2πik/n)); where M's eigenvectors are
    degenerate, I and n (its faithfulness not judged)."""
    values, vectors = np.linalg.eig(m)
    turns = np.round(np.angle(values) * order / (2 * np.pi)).astype(int)
    real = np.abs(values.imag) <= 1e-12 * np.maximum(np.abs(values), 1.0)
    turns[real] = np.where((values[real].real < 0) & (order % 2 == 0), order // 2, 0)
    exact = (vectors * np.exp(2j * np.pi * turns / order)) @ np.linalg.inv(vectors)
    if not np.isfinite(exact).all():
        return np.eye(len(m)), order
    return exact.real, math.lcm(*(order // math.gcd(int(k), order) for k in turns))


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


class _Undefined(Exception):
    """D_LSBD is undefined for a part; the message says why."""


def d_lsbd(
    world: EncodedWorld,
    basis: BlockBasis | None,
    representations: Mapping[str, Representation] | None = None,
) -> DLSBD:
    """D_LSBD of the content parts on the check's blocks ``basis`` (see the module docstring), with
    each cyclic part's ω and each part's best representation; None (with the reason) where it is
    undefined. ``representations`` gives a part's ρ by name (by default the world's own,
    ``Factor.representation``, where it declares one)."""
    if basis is None:
        return DLSBD(None, {}, {}, "undefined: the subspaces found overlap, so no block-diagonal basis exists")
    given = dict(representations or {})
    scores: dict[str, float | None] = {}
    omegas: dict[str, int | None] = {}
    names: dict[str, str] = {}
    try:
        for name in world.content:
            scores[name], omegas[name], names[name] = _part_score(world, name, basis, given.get(name))
    except _Undefined as why:
        return DLSBD(None, {}, {}, str(why))
    return DLSBD(float(np.mean(list(scores.values()))), scores, omegas, representations=names)


def _part_score(
    world: EncodedWorld, name: str, basis: BlockBasis, given: Representation | None
) -> tuple[float, int | None, str]:
    """D_k of part ``name``, the ω of its best rotation (cyclic) and its best representation's name."""
    if not world.acts_by_numbers(name):
        raise _Undefined(f"{name!r} is not one factor acting by left multiplication")
    factor = world.env.factors[world.parts[name][0]]
    rho = given if given is not None else factor.representation  # the user's, else the world's own choice
    if rho is not None and rho.group != factor.group:
        raise InvalidRepresentationError(
            f"the representation given for {name!r} is of {rho.group}, not of {factor.group}", name
        )
    t = basis.coordinates(world.variation(name))
    moved = _energy(t)
    if moved == 0:
        if factor.group.order > 1:
            raise _Undefined(f"undefined: the actions of {name!r} do not move the code")
        return 0.0, None, "the identity"
    own, m = basis.blocks[name], _dimension(factor.group, rho)
    scale, axes = _plane(t[:, own], m)
    outside = np.delete(t, np.arange(t.shape[1])[own], axis=1)
    unexplained = _energy(t[:, own] - t[:, own] @ axes @ axes.T) + _energy(outside)  # where ρ is the identity
    if not scale.shape[1]:
        return unexplained / moved, None, f"the identity (its subspace has < {m} dimensions of motion)"
    points = basis.coordinates(world.codes[world.orbits[name].reshape(-1)])[:, own] @ scale
    points -= points.mean(axis=0)  # centred on its orbits (a sample of the world need not be)
    residual, omega, label = _best_representation(world, name, points, factor.group, rho)
    return (residual + unexplained) / moved, omega, label


def _dimension(group: Group, given: Representation | None) -> int:
    """m: the dimension of the representations searched for ``group``."""
    if given is not None:
        return given.dim
    if isinstance(group, Cyclic):
        return 0 if group.order == 1 else 1 if group.order == 2 else 2
    candidates = group.faithful_representations()
    return candidates[0].dim if candidates else 0


def _energy(points: np.ndarray) -> float:
    return float((points**2).sum(axis=1).mean())


def _plane(block: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Maps of the block's coordinates onto the plane of its top-m principal directions of motion
    ``block``: one rescaling them to equal variance with their energy kept (where ρ acts), and the
    orthogonal projection; both empty when the motion has fewer than m dimensions."""
    empty = np.zeros((block.shape[1], 0))
    if m == 0 or block.shape[1] < m:
        return empty, empty
    eigenvalues, vectors = np.linalg.eigh(block.T @ block / len(block))
    if eigenvalues[-m] <= 1e-9 * max(eigenvalues[-1], 1e-300):
        return empty, empty
    axes, variances = vectors[:, ::-1][:, :m], eigenvalues[::-1][:m]
    return axes / np.sqrt(variances) * math.sqrt(variances.sum() / m), axes


def _best_representation(
    world: EncodedWorld, name: str, plane: np.ndarray, group: Group, given: Representation | None
) -> tuple[float, int | None, str]:
    """min over ρ of E‖ρ(h)⁻¹ p − (its orbit's mean)‖² on the plane, with ω (cyclic) and ρ's name."""
    size = world.orbits[name].shape[1]  # the points of one orbit are consecutive
    if given is not None or not isinstance(group, Cyclic):
        candidates = [given] if given is not None else group.faithful_representations()
        if not candidates:
            raise _Undefined(f"no faithful representation of {group} is known: pass one for {name!r}")
        elements = group.elements()
        h = [elements[v] for v in world.labels(name)]
        residual, rho = min(
            ((_score_representation(plane, h, rho, size), rho) for rho in candidates), key=lambda r: r[0]
        )
        return residual, None, rho.name
    if group.order == 2:
        undone = plane * np.where(world.labels(name) % 2 == 1, -1.0, 1.0)[:, None]
        return _spread(undone, size), None, f"{group.name}.sign"
    residual, omega = _cyclic_score(plane, 2 * np.pi * world.labels(name) / group.order, group.order, size)
    return residual, omega, f"{group.name}.rotation({omega})"


def _spread(points: np.ndarray, size: int) -> float:
    """E‖p − (the mean of its orbit)‖² over points (..., n·size, m) in orbits of ``size`` consecutive rows."""
    orbits = points.reshape(*points.shape[:-2], -1, size, points.shape[-1])
    return ((orbits - orbits.mean(axis=-2, keepdims=True)) ** 2).sum(axis=-1).mean(axis=(-1, -2))


def _cyclic_score(points: np.ndarray, angles: np.ndarray, n: int, size: int) -> tuple[float, int]:
    """min over ω = 1, …, n − 1 of E‖R(ω·angle)⁻¹ p − (its orbit's mean)‖², and the best ω nearest 0."""
    omegas = np.arange(1, n)
    theta = -omegas[:, None] * angles[None, :]  # (ω, points)
    c, s = np.cos(theta), np.sin(theta)
    undone = np.stack([c * points[:, 0] - s * points[:, 1], s * points[:, 0] + c * points[:, 1]], axis=-1)
    scores = _spread(undone, size)
    # ω and ω − n are one representation of C_n: name the one nearest 0 (the positive one on a tie)
    ties = omegas[np.isclose(scores, scores.min(), rtol=1e-9, atol=1e-12)]
    best = min((int(w) if w <= n / 2 else int(w) - n for w in ties), key=lambda w: (abs(w), -w))
    return float(scores.min()), best


def _score_representation(
    points: np.ndarray, elements: list, rho: Representation, size: int, iterations: int = 50
) -> float:
    """min over Q ∈ O(m) of E‖ρ(h_s)ᵀ Q p_s − c_s‖² (c_s: the mean of s's orbit), by alternating
    orthogonal Procrustes from seeded starting points (both orientations)."""
    inverse = np.stack([rho(g).T for g in elements])  # (n, m, m): ρ(h_s)ᵀ = ρ(h_s)⁻¹
    rng = np.random.default_rng(0)
    starts = [np.linalg.qr(rng.standard_normal((rho.dim, rho.dim)))[0] for _ in range(16)]
    starts += [q @ np.diag([-1.0] + [1.0] * (rho.dim - 1)) for q in starts]
    best = math.inf
    for q in starts:
        for _ in range(iterations):
            undone = np.einsum("nij,jk,nk->ni", inverse, q, points).reshape(-1, size, rho.dim)
            centres = np.repeat(undone.mean(axis=1), size, axis=0)
            targets = np.einsum("nji,nj->ni", inverse, centres)  # ρ(h_s) c_s
            u, _, vt = np.linalg.svd(targets.T @ points)
            q = u @ vt
        best = min(best, float(_spread(np.einsum("nij,jk,nk->ni", inverse, q, points), size)))
    return best
