"""Symmetry-based disentanglement (Higgins et al. 2018, arXiv 1812.02230, definition 1), measured.

G_i's *variation* is z minus its mean over the G_i-orbit (DESIGN.md: whole orbits, not single
steps). The check works in *whitened* coordinates y, in which the summed variation covariance
C = Σ_i C_i is the identity; there C̃_i = covariance of G_i's variation has eigenvalues in [0, 1]: the
share of the variation along each direction that is due to G_i. Z_i is spanned by the directions
with share ≥ ``share_tol`` — directions moved (almost) by G_i alone. Whitening makes the quantities
below invariant under invertible linear changes of the code's basis, as the definition requires: a
rotated, rescaled or oblique disentangled code is still disentangled. (Directions whose variance is
below ``noise_floor`` × the largest are not whitened up, so an unused latent's jitter stays small;
the invariance holds while every direction that matters stays above that floor.)

How much G_j moves Z_i is read in the coordinates of the combined basis [Z_1 | … | Z_n | rest]:

    leakage(j → i) = E‖(coordinates of G_j's variation) in block i‖² / E‖(G_i's variation) in block i‖²

and ``outside(i)`` is G_i's own variation in the other blocks, relative in the same way. When the
combined basis is (nearly) singular, subspaces share directions: that is entanglement, and the
pairs are reported. A subgroup passes when it moves the code (energy ≥ ``collapse_tol`` of the
total), owns a subspace, shares no direction, every leakage into it and its energy outside Z_i are
≤ ``leak_tol``, and distinct points of each of its orbits have distinct codes. The code passes when
every subgroup does and it is injective and consistent on all states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symgroup.check.world import EncodedWorld


@dataclass(frozen=True)
class Tolerances:
    """The documented thresholds of the check (all relative, so the code's scale does not matter)."""

    leak_tol: float = 0.05  # leakage(j → i), energy outside Z_i, linear residual / order / commutator errors
    share_tol: float = 0.75  # a direction belongs to Z_i when G_i causes ≥ share_tol of the variation along it
    noise_floor: float = 1e-2  # directions with variance below noise_floor × the largest are not whitened up
    collapse_tol: float = 1e-3  # G_i moves nothing when its variation energy < collapse_tol × total variance
    overlap_tol: float = 0.1  # subspaces overlap when the smallest singular value of [B_i | B_j] < overlap_tol
    injective_tol: float = 1e-2  # distinct states need code distance ≥ injective_tol × RMS radius of the codes


@dataclass
class Subspace:
    """What the check finds for one subgroup."""

    name: str
    energy: float  # E‖variation‖² / total variance of the codes
    basis: np.ndarray  # (r, dim) orthonormal, in whitened coordinates
    shares: np.ndarray  # eigenvalues of C̃_i, descending: G_i's share of the variation per direction
    leakage: dict[str, float] = field(default_factory=dict)  # other subgroup → leakage into this one
    outside: float = 0.0  # own variation energy outside Z_i, relative
    shares_with: list[str] = field(default_factory=list)
    min_orbit_distance: float = float("inf")  # relative to the RMS radius
    reasons: list[str] = field(default_factory=list)

    @property
    def dimension(self) -> int:
        return self.basis.shape[1]

    @property
    def passed(self) -> bool:
        return not self.reasons


@dataclass
class SBDResult:
    subspaces: dict[str, Subspace]
    whiten: np.ndarray  # (d, r): y = (z − mean z) @ whiten
    unwhiten: np.ndarray  # (r, d): z − mean z = y @ unwhiten, on the span of the codes
    combined: np.ndarray | None  # (r, r) the combined basis [Z_1 | … | Z_n | rest], or None when singular
    blocks: dict[str, slice]
    sensitivity: np.ndarray  # (subgroups, latent axes)
    min_distance: float  # smallest distance between codes of distinct states, relative
    closest_pair: tuple[list[int], list[int]] | None
    inconsistent: tuple[list[int], list[int], str] | None  # equal codes whose images differ: (a, b, generator)
    reasons: list[str]

    @property
    def passed(self) -> bool:
        return not self.reasons and all(s.passed for s in self.subspaces.values())


def find_subspaces(
    world: EncodedWorld, tol: Tolerances
) -> tuple[dict[str, Subspace], np.ndarray, np.ndarray, np.ndarray | None, dict[str, slice]]:
    """Each subgroup's subspace with its leakage, the whitening maps, and the combined basis."""
    centred = world.codes - world.codes.mean(axis=0)
    total = float((centred**2).sum(axis=1).mean()) or 1.0
    variations = {name: world.variation(name) for name in world.names}
    whiten, unwhiten = _whitening(variations, tol.noise_floor)
    subspaces = {name: _subspace(name, v, v @ whiten, total, tol) for name, v in variations.items()}
    _mark_overlaps(subspaces, tol)
    combined, blocks = _combined_basis(subspaces, whiten.shape[1], tol)
    _leakage(subspaces, {n: v @ whiten for n, v in variations.items()}, combined, blocks, tol)
    return subspaces, whiten, unwhiten, combined, blocks


def check_sbd(world: EncodedWorld, tol: Tolerances) -> SBDResult:
    codes = world.codes
    centred = codes - codes.mean(axis=0)
    radius = np.sqrt(float((centred**2).sum(axis=1).mean()) or 1.0)
    subspaces, whiten, unwhiten, combined, blocks = find_subspaces(world, tol)
    for name, sub in subspaces.items():
        sub.min_orbit_distance = _min_orbit_distance(world, name) / radius
        if sub.min_orbit_distance < tol.injective_tol:
            sub.reasons.append(
                f"not injective on its orbits: two states differing only in {name!r} have codes "
                f"{sub.min_orbit_distance:.2g} × radius apart"
            )
    min_distance, pair, close = _distances(codes, tol.injective_tol * radius)
    reasons = []
    if min_distance / radius < tol.injective_tol:
        a, b = world.states[pair[0]].tolist(), world.states[pair[1]].tolist()
        reasons.append(f"not injective: states {a} and {b} have codes {min_distance / radius:.2g} × radius apart")
    inconsistent = _inconsistency(world, close, tol.injective_tol * radius)
    if inconsistent:
        a, b, s = inconsistent
        reasons.append(f"not consistent: states {a} and {b} share a code but {s} maps them to different codes")
    sensitivity = np.stack([(world.variation(n) ** 2).mean(axis=0) for n in world.names]) / np.maximum(
        (centred**2).mean(axis=0), 1e-300
    )
    closest = (world.states[pair[0]].tolist(), world.states[pair[1]].tolist()) if pair else None
    return SBDResult(
        subspaces,
        whiten,
        unwhiten,
        combined,
        blocks,
        sensitivity,
        min_distance / radius,
        closest,
        inconsistent,
        reasons,
    )


def _whitening(variations: dict[str, np.ndarray], floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Maps to and from coordinates y in which C = Σ_i Cov(variation_i) is the identity along every
    direction of variance ≥ floor × the largest; weaker directions (an unused latent's jitter) are
    scaled as if they had that variance, so they stay small instead of being blown up. Directions
    of no variation at all are dropped."""
    summed = sum(v.T @ v / len(v) for v in variations.values())
    eigenvalues, vectors = np.linalg.eigh(summed)
    largest = max(eigenvalues.max(), 1e-300)
    keep = eigenvalues > 1e-12 * largest
    scale = np.sqrt(np.maximum(eigenvalues[keep], floor * largest))
    return vectors[:, keep] / scale, (vectors[:, keep] * scale).T


def _subspace(name: str, variation: np.ndarray, whitened: np.ndarray, total: float, tol: Tolerances) -> Subspace:
    energy = float((variation**2).sum(axis=1).mean()) / total
    shares, vectors = np.linalg.eigh(whitened.T @ whitened / len(whitened))
    shares, vectors = np.clip(shares[::-1], 0, 1), vectors[:, ::-1]
    if energy < tol.collapse_tol:
        sub = Subspace(name, energy, vectors[:, :0], shares)
        sub.reasons.append(f"collapsed: its actions move the code by {energy:.2g} of the code's variance")
        return sub
    sub = Subspace(name, energy, vectors[:, : int((shares >= tol.share_tol).sum())], shares)
    if not sub.dimension:
        sub.reasons.append(
            f"entangled: no direction is moved mainly by {name!r} (largest share {shares[0]:.2f} < {tol.share_tol})"
        )
    return sub


def _mark_overlaps(subspaces: dict[str, Subspace], tol: Tolerances) -> None:
    names = [n for n, s in subspaces.items() if s.dimension]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            joint = np.hstack([subspaces[a].basis, subspaces[b].basis])
            smallest = np.linalg.svd(joint, compute_uv=False)[-1] if joint.shape[1] <= joint.shape[0] else 0.0
            if smallest < tol.overlap_tol:
                subspaces[a].shares_with.append(b)
                subspaces[b].shares_with.append(a)
    for sub in subspaces.values():
        if sub.shares_with:
            sub.reasons.append(f"entangled: its subspace shares directions with {', '.join(sub.shares_with)}")


def _combined_basis(
    subspaces: dict[str, Subspace], d: int, tol: Tolerances
) -> tuple[np.ndarray | None, dict[str, slice]]:
    parts = [s.basis for s in subspaces.values()]
    blocks, offset = {}, 0
    for name, sub in subspaces.items():
        blocks[name] = slice(offset, offset + sub.dimension)
        offset += sub.dimension
    stacked = np.hstack(parts)
    if offset > d or (offset and np.linalg.svd(stacked, compute_uv=False)[-1] < tol.overlap_tol):
        return None, blocks
    q, _ = np.linalg.qr(np.hstack([stacked, np.eye(d)]))
    rest = q[:, offset:d]  # an orthonormal complement of the span of the Z_i
    blocks["rest"] = slice(offset, d)
    return np.hstack([stacked, rest]), blocks


def _leakage(
    subspaces: dict[str, Subspace],
    variations: dict[str, np.ndarray],
    combined: np.ndarray | None,
    blocks: dict[str, slice],
    tol: Tolerances,
) -> None:
    if combined is None:
        inverse = np.linalg.pinv(np.hstack([s.basis for s in subspaces.values()]))
    else:
        inverse = np.linalg.inv(combined)
    energy = {
        j: {i: float(((v @ inverse.T)[:, blocks[i]] ** 2).sum(axis=1).mean()) for i in blocks}
        for j, v in variations.items()
    }
    for i, sub in subspaces.items():
        if not sub.dimension:
            continue
        own = energy[i][i] or 1e-300
        sub.leakage = {j: energy[j][i] / own for j in subspaces if j != i}
        sub.outside = sum(e for k, e in energy[i].items() if k != i) / own if combined is not None else 0.0
        if combined is None:
            continue
        for j, value in sub.leakage.items():
            if value > tol.leak_tol:
                sub.reasons.append(f"moved by {j!r}: leakage {value:.2g} > {tol.leak_tol}")
        if sub.outside > tol.leak_tol:
            sub.reasons.append(f"moves directions outside its subspace: {sub.outside:.2g} > {tol.leak_tol}")


def _min_orbit_distance(world: EncodedWorld, name: str) -> float:
    """The smallest code distance between two distinct states of one G_i-orbit."""
    table = world.orbits[name]
    z = world.codes[table]
    best = np.inf
    for t in range(1, table.shape[1]):
        distinct = table[:, t] != table[:, 0]
        if distinct.any():
            best = min(best, float(np.linalg.norm(z[distinct, t] - z[distinct, 0], axis=1).min()))
    return best


def _distances(
    codes: np.ndarray, atol: float, limit: int = 20000, chunk: int = 512
) -> tuple[float, tuple[int, int] | None, np.ndarray]:
    """One pass over all pairs of rows: the smallest distance and its pair, and (up to ``limit``)
    the pairs closer than ``atol``."""
    if len(codes) < 2:
        return np.inf, None, np.zeros((0, 2), dtype=np.int64)
    squared = (codes**2).sum(axis=1)
    best, pair, close = np.inf, None, []
    for start in range(0, len(codes), chunk):
        d2 = squared[start : start + chunk, None] + squared[None, :] - 2 * codes[start : start + chunk] @ codes.T
        rows = np.arange(len(d2))
        d2[rows, start + rows] = np.inf
        i, j = np.unravel_index(np.argmin(d2), d2.shape)
        if d2[i, j] < best:
            best, pair = float(d2[i, j]), (start + int(i), int(j))
        if sum(len(c) for c in close) < limit:
            i, j = np.nonzero(d2 < atol**2)
            close.append(np.stack([start + i, j], axis=1)[start + i < j])
    return float(np.sqrt(max(best, 0.0))), pair, np.concatenate(close)[:limit]


def _inconsistency(world: EncodedWorld, pairs: np.ndarray, atol: float) -> tuple[list[int], list[int], str] | None:
    """Two states with (nearly) equal codes that some generator maps to different codes, if any."""
    if not len(pairs):
        return None
    codes = world.codes
    for name in world.names:
        group = world.env.factors[name].group
        for s in group.generators:
            a, b = world.step_pairs(name, group.index(s))
            image = dict(zip(a.tolist(), b.tolist(), strict=True))
            for x, y in pairs.tolist():
                if x in image and y in image and np.linalg.norm(codes[image[x]] - codes[image[y]]) > atol:
                    generator = world.env.group.embed(name, s)
                    return world.states[x].tolist(), world.states[y].tolist(), str(generator)
    return None
