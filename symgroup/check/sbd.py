"""Symmetry-based disentanglement (Higgins et al. 2018, arXiv 1812.02230, definition 1), measured.

The model. A code is disentangled with respect to a decomposition G = G_1 × … × G_n when
Z = Z_1 ⊕ … ⊕ Z_n with Z_i moved by G_i only; then the coordinates of Z_i depend on G_i's own
components only, so the code is *additive*:

    z(s) = μ + Σ_i f_i(s_i) + ε(s),     f_i(s_i) ∈ Z_i,

and the check fits exactly this. G_i's *variation* v_i = z − (mean of z over the G_i-orbit)
(DESIGN.md: whole orbits, not single steps) splits into its *additive part* a_i = E[v_i | s_i]
(= f_i − mean f_i) and a *remainder* r_i = v_i − a_i, the variation that no part's own components
explain: noise, or entanglement between parts. For a disentangled code r_i = 0.

Everything structural is measured in the coordinates y in which C = Σ_i Cov(v_i) = S + N is the
identity (S = Σ_i Cov(a_i), N = Σ_i Cov(r_i)). C, S and N are covariance matrices, so for any
invertible map z ↦ Az (any condition number that float64 resolves) y changes by an orthogonal map only
and the shares, subspaces, leakages, injectivity, linear fits and D_LSBD below do not change: a
rotated, rescaled or oblique disentangled code is still disentangled, as the definition requires.

- Z_i: the directions where G_i's additive part causes ≥ ``share_tol`` of the variation (the
  eigenvalues of Cov(a_i) in y: its *shares*); G_i is *collapsed* when its shares sum to less than
  ``collapse_tol`` (it moves the code by no more than the noise does);
- leakage(j → i) = E‖a_j in block i‖² / E‖a_i in block i‖², read in the combined basis
  [Z_1 | … | Z_n | rest] (Z_i may be oblique); ``outside(i)``: a_i's energy outside block i, relative
  in the same way. A (nearly) singular combined basis means subspaces share directions: entanglement;
- injectivity on the Z blocks (the quotient by the invariant parts, when some are declared), through
  a k-d tree, so the pass is O(n log n).

- the *noise* of Z_i: Σ_j E‖r_j in block i‖² / Σ_j (1 − 1/``|G_j|``) / E‖a_i in block i‖², the variance in
  G_i's own subspace that its own components do not explain (noise, or entanglement with other
  parts) relative to the variance they do explain; i.i.d. noise of variance σ² puts about
  (1 − 1/``|G_j|``)·σ² into each r_j, hence the normalisation.

One criterion depends on the code's scaling, by nature: the remainder of each part outside every
subspace (in the rest block), E‖r_i in rest‖² / Σ_j E‖a_j‖² in the code's own coordinates
(``rest_noise``), must be ≤ ``noise_tol``: G_i may not move directions no part owns, beyond noise.
Jitter in an unused latent is small there; the same jitter blown up by a badly conditioned map is
not, and no basis-free rule can tell it from variation every subgroup moves. A map of condition
number κ changes this ratio by at most κ², so the verdict holds under every change of basis with
κ < ``basis_margin`` = min_i √(noise_tol / rest_noise_i) (√(rest_noise_i / noise_tol) for a failing
part); when this criterion alone fails while every basis-free one passes, the report calls the
verdict *undecidable* at this scaling rather than a plain fail. Exact codes have no remainder and
an infinite margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from symgroup.check.world import EncodedWorld
from symgroup.config import Fraction, TypedConfig

ROUNDING = 1e-20  # a part whose motion is below this share of the code's variance moves it by float64 rounding only
WHOLE = 1 - 1e-9  # a share of a part's motion at least this is all of it: what is left is rounding error


@dataclass(frozen=True)
class Tolerances(TypedConfig):
    """The documented thresholds of the check, each in (0, 1]; all are relative, so the code's scale
    does not matter."""

    noun = "tolerance"

    leak_tol: Fraction = 0.05  # leakage(j → i), energy outside Z_i, linear residual, representation, commutators
    share_tol: Fraction = 0.75  # a direction belongs to Z_i when G_i causes ≥ share_tol of the variation along it
    noise_tol: Fraction = 0.05  # non-additive variation ≤ noise_tol × additive variation, in Z_i and in the rest
    collapse_tol: Fraction = 0.1  # G_i is collapsed when its shares sum to less than this (less than noise)
    overlap_tol: Fraction = 0.1  # subspaces overlap when the smallest singular value of [B_i | B_j] < overlap_tol
    injective_tol: Fraction = 1e-2  # distinct states need code distance ≥ injective_tol × RMS radius (in y)
    invariance_tol: Fraction = 0.05  # an invariant part moves the code by ≤ this × its spread (RMS ratio)


@dataclass
class Subspace:
    """What the check finds for one part of the decomposition that the code should represent."""

    name: str
    variance_share: float  # E‖variation‖² / E‖z − z̄‖²: the share of the code's variance its actions cause
    basis: np.ndarray  # (r, dim) orthonormal, in whitened coordinates
    shares: np.ndarray  # eigenvalues of Cov(a_i) in y, descending: G_i's share of the variation per direction
    noise: float = 0.0  # the variance in Z_i its components do not explain / the variance they do (basis-free)
    rest_noise: float = 0.0  # E‖r_i outside every subspace‖² / Σ_j E‖a_j‖², in the code's own coordinates
    leakage: dict[str, float] = field(default_factory=dict)  # other part → leakage into this one
    outside: float = 0.0  # own additive variation outside Z_i, relative
    shares_with: list[str] = field(default_factory=list)
    min_orbit_distance: float = float("inf")  # in the subspaces the parts own, relative to the RMS radius there
    reasons: list[str] = field(default_factory=list)  # why its part of the equivariant split fails
    injectivity: list[str] = field(default_factory=list)  # why the code is not injective on its orbits
    interaction: Interaction | None = None  # measured for a part that fails: the other part it moves the code with

    @property
    def dimension(self) -> int:
        return self.basis.shape[1]

    @property
    def split_passed(self) -> bool:
        """Whether G_i moves Z_i only and nothing else (Higgins et al.'s condition for this part)."""
        return not self.reasons

    @property
    def passed(self) -> bool:
        """The split, and distinct states of one G_i-orbit at distinct codes."""
        return not self.reasons and not self.injectivity


@dataclass
class Invariance:
    """What the check finds for a part the code should ignore."""

    name: str
    movement: float  # √(E‖variation‖² / E‖z − z̄‖²): how far its actions move the code, relative to its spread
    largest_share: float  # the largest share of the variation along one direction caused by its additive part
    axes: list[int]  # latent axes whose variance it causes ≥ 10 % of
    reasons: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class BlockBasis:
    """The whitened codes read in a combined basis [Z_1 | … | Z_n | rest] with one block per part."""

    whiten: np.ndarray  # (d, r)
    inverse: np.ndarray  # (r, r): whitened coordinates → block coordinates
    blocks: dict[str, slice]

    def coordinates(self, codes: np.ndarray) -> np.ndarray:
        """Centred codes (or their variation) (n, d) in the block coordinates (n, r)."""
        return codes @ self.whiten @ self.inverse.T


def block_basis(subspaces: dict[str, Subspace], whiten: np.ndarray, tol: Tolerances) -> BlockBasis | None:
    """The blocks of the subspaces found, a part whose subspace shares directions with another's
    getting none (two parts cannot own one direction); None where no such basis exists."""
    bases = {n: s.basis[:, :0] if s.shares_with else s.basis for n, s in subspaces.items()}
    combined, blocks = _combined_basis(bases, whiten.shape[1], tol)
    return None if combined is None else BlockBasis(whiten, np.linalg.inv(combined), blocks)


@dataclass
class SBDResult:
    subspaces: dict[str, Subspace]
    invariances: dict[str, Invariance]
    whiten: np.ndarray  # (d, r): y = (z − mean z) @ whiten
    unwhiten: np.ndarray  # (r, d): z − mean z = y @ unwhiten, on the span of the codes
    combined: np.ndarray | None  # (r, r) the combined basis [Z_1 | … | Z_n | rest], or None when singular
    blocks: dict[str, slice]
    sensitivity: np.ndarray  # (parts, latent axes)
    min_distance: float  # smallest distance between codes of distinct states (or quotient classes), relative
    closest_pair: tuple[list[int], list[int]] | None
    inconsistent: tuple[list[int], list[int], str] | None  # equal codes whose images differ: (a, b, generator)
    basis_margin: float  # the verdict holds under changes of basis of condition number below this
    reasons: list[str]  # why the code is not injective (or not consistent) on the whole world

    @property
    def split_passed(self) -> bool:
        """The equivariant split (Higgins et al. 2018, definition 1): each part moves its own subspace
        only, and each invariant part moves none."""
        return all(s.split_passed for s in self.subspaces.values()) and all(i.passed for i in self.invariances.values())

    @property
    def injective(self) -> bool:
        """Distinct states (classes, with invariant parts) at distinct codes in the subspaces found."""
        return not self.reasons and not any(s.injectivity for s in self.subspaces.values())

    @property
    def passed(self) -> bool:
        """The verdict: the equivariant split and injectivity (without it a constant code would pass)."""
        return self.split_passed and self.injective

    @property
    def undecidable(self) -> bool:
        """Whether only the scale-dependent criterion fails (see the module docstring)."""
        failing = [s for s in self.subspaces.values() if not s.split_passed]
        scale_only = all(r.startswith("noisy outside") for s in failing for r in s.reasons)
        return bool(failing) and scale_only and self.injective and all(i.passed for i in self.invariances.values())


@dataclass(frozen=True)
class Geometry:
    """The whitened coordinates of a world's codes and each part's additive and remainder variation."""

    whiten: np.ndarray
    unwhiten: np.ndarray
    additive: dict[str, np.ndarray]  # part → a_i in y
    remainder: dict[str, np.ndarray]  # part → r_i in y


def geometry(world: EncodedWorld) -> Geometry:
    """Whitening maps for C = S + N, computed stably: the codes are first whitened by their own
    covariance through an SVD (whose accuracy does not depend on the square of the condition number)."""
    centred = world.codes - world.codes.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    keep = singular > 1e-11 * max(singular.max(initial=0.0), 1e-300)
    pre = vt[keep].T / singular[keep] * math.sqrt(len(centred))  # total covariance → I
    pre_inverse = (vt[keep].T * singular[keep] / math.sqrt(len(centred))).T
    summed = np.zeros((pre.shape[1],) * 2)
    additive, remainder = {}, {}
    for name in world.names:
        variation, part = world.variation(name) @ pre, world.additive(name) @ pre
        summed += variation.T @ variation / len(variation)
        additive[name], remainder[name] = part, variation - part
    eigenvalues, vectors = np.linalg.eigh(summed)
    keep = eigenvalues > 1e-12 * max(eigenvalues.max(initial=0.0), 1e-300)
    w = vectors[:, keep] / np.sqrt(eigenvalues[keep])
    w_inverse = (vectors[:, keep] * np.sqrt(eigenvalues[keep])).T
    whitened = {n: a @ w for n, a in additive.items()}
    return Geometry(pre @ w, w_inverse @ pre_inverse, whitened, {n: r @ w for n, r in remainder.items()})


def find_subspaces(
    world: EncodedWorld, tol: Tolerances
) -> tuple[dict[str, Subspace], Geometry, np.ndarray | None, dict[str, slice]]:
    """Each content part's subspace with its leakage, the geometry, and the combined basis."""
    centred = world.codes - world.codes.mean(axis=0)
    total = float((centred**2).sum(axis=1).mean()) or 1.0
    geo = geometry(world)
    subspaces = {name: _subspace(world, name, geo, total, tol) for name in world.content}
    _mark_overlaps(subspaces, tol)
    combined, blocks = _combined_basis({n: s.basis for n, s in subspaces.items()}, geo.whiten.shape[1], tol)
    if combined is None:
        inverse = np.linalg.pinv(np.hstack([s.basis for s in subspaces.values()]))
    else:
        inverse = np.linalg.inv(combined)
    _leakage(subspaces, geo, combined, inverse, blocks, {n: t.shape[1] for n, t in world.orbits.items()}, tol)
    if combined is not None:
        _rest_noise(world, subspaces, geo, combined, inverse, blocks, tol)
    return subspaces, geo, combined, blocks


def check_sbd(world: EncodedWorld, tol: Tolerances) -> SBDResult:
    centred = world.codes - world.codes.mean(axis=0)
    total = float((centred**2).sum(axis=1).mean()) or 1.0
    subspaces, geo, combined, blocks = find_subspaces(world, tol)
    sensitivity = np.stack([(world.variation(n) ** 2).mean(axis=0) for n in world.names]) / np.maximum(
        (centred**2).mean(axis=0), 1e-300
    )
    invariances = {
        name: _invariance(world, name, geo, total, sensitivity[world.names.index(name)], tol)
        for name in world.invariant
    }
    points = signal_coordinates(centred @ geo.whiten, combined, blocks, world.content)
    if not points.shape[1]:  # a constant code: every state at one point
        points = np.zeros((len(points), 1))
    radius = _rms_radius(points)
    for name, sub in subspaces.items():
        distance, rows = _min_orbit_distance(world, name, points)
        sub.min_orbit_distance = distance / radius
        if sub.min_orbit_distance < tol.injective_tol:
            a, b = (world.states[r].tolist() for r in rows)
            sub.injectivity.append(
                f"not injective on the subspaces: states {a} and {b}, which differ only in {name!r}, are "
                f"{sub.min_orbit_distance:.2g} × the RMS radius apart in the subspaces the parts own"
                + _whole_code_distance(centred[rows[0]] - centred[rows[1]], _rms_radius(centred), tol)
            )
    for name, sub in subspaces.items():
        if not sub.passed and sub.interaction is None:
            sub.interaction = interaction(world, name, geo.whiten)
    classes, representatives, quotient = _quotient(world, points)
    radius = _rms_radius(quotient)
    min_distance, pair, close = _nearest(quotient, tol.injective_tol * radius)
    reasons = []
    what = "the classes of states (differing in more than the invariant parts) of" if world.invariant else "states"
    closest = None
    if pair is not None:
        closest = (world.states[representatives[pair[0]]].tolist(), world.states[representatives[pair[1]]].tolist())
        if min_distance / radius < tol.injective_tol:
            codes = _quotient(world, centred)[2]
            reasons.append(
                f"not injective on the subspaces: {what} {closest[0]} and {closest[1]} are "
                f"{min_distance / radius:.2g} × the RMS radius apart in the subspaces the parts own"
                + _whole_code_distance(codes[pair[0]] - codes[pair[1]], _rms_radius(codes), tol)
            )
    inconsistent = _inconsistency(world, classes, representatives, quotient, close, tol.injective_tol * radius)
    if inconsistent:
        a, b, s = inconsistent
        reasons.append(f"not consistent: {what} {a} and {b} share a code but {s} maps them to different codes")
    return SBDResult(
        subspaces,
        invariances,
        geo.whiten,
        geo.unwhiten,
        combined,
        blocks,
        sensitivity,
        min_distance / radius,
        closest,
        inconsistent,
        _basis_margin(subspaces, tol),
        reasons,
    )


def signal_coordinates(
    y: np.ndarray, combined: np.ndarray | None, blocks: dict[str, slice], names: tuple[str, ...]
) -> np.ndarray:
    """Whitened codes ``y`` in the coordinates of the blocks ``names`` of the combined basis (what the
    parts own; the rest, where only noise lives, is dropped), or ``y`` itself when there are none."""
    if combined is None or not any(blocks[n].stop > blocks[n].start for n in names):
        return y
    t = np.linalg.solve(combined, y.T).T
    return np.concatenate([t[:, blocks[n]] for n in names], axis=1)


def _subspace(world: EncodedWorld, name: str, geo: Geometry, total: float, tol: Tolerances) -> Subspace:
    variance_share = float((world.variation(name) ** 2).sum(axis=1).mean()) / total
    a = geo.additive[name]
    shares, vectors = np.linalg.eigh(a.T @ a / len(a))
    shares, vectors = np.clip(shares[::-1], 0, 1), vectors[:, ::-1]
    if shares.sum() < tol.collapse_tol:
        sub = Subspace(name, variance_share, vectors[:, :0], shares)
        sub.reasons.append(_without_own_direction(world, name, geo, shares.sum(), tol))
        return sub
    sub = Subspace(name, variance_share, vectors[:, : int((shares >= tol.share_tol).sum())], shares)
    if not sub.dimension:
        sub.reasons.append(
            f"entangled: no direction is moved mainly by {name!r} (largest share {shares[0]:.2f} < {tol.share_tol})"
        )
    return sub


@dataclass(frozen=True)
class Interaction:
    """How much of part P's motion depends on its own components together with ``other``'s.

    ``motion``: E‖v_P‖² / Σ_Q E‖v_Q‖² (P's share of the summed orbit variation); ``own``: E‖a_P‖² /
    E‖v_P‖²; ``joint``: E‖E[v_P | s_P, s_other]‖² / E‖v_P‖²; ``noise``: what ``joint`` would be for
    P's additive part plus i.i.d. noise as its remainder, own + (1 − own)·(k − 1)/(R − 1), with R the
    number of P-orbits and k the number of values of ``other`` among them (analysis of variance: the
    remainder's degrees of freedom that the pair's cells can absorb). All in the whitened coordinates.
    """

    other: str | None
    motion: float
    own: float
    joint: float
    noise: float

    @property
    def excess(self) -> float:
        """How far ``joint`` exceeds noise, as a share of what it could: 0 for noise, 1 for a pure interaction."""
        return (self.joint - self.noise) / (1 - self.noise) if self.noise < WHOLE else 0.0

    @property
    def found(self) -> bool:
        """Whether the pair explains at least half of what noise leaves, where noise could not."""
        if self.other is None or self.own >= WHOLE:
            return False
        return (self.noise - self.own) / (1 - self.own) <= 0.5 and self.excess >= 0.5

    def clause(self) -> str:
        """The measured figures, as a sentence fragment."""
        own = f"its own components explain {_figure(self.own)} of its motion"
        if self.other is None:
            return f"{own}, and no other part varies"
        return (
            f"{own}, its and {self.other!r}'s together {_figure(self.joint)} (noise would give {_figure(self.noise)})"
        )


def _figure(value: float) -> str:
    """A share with two significant digits, 0 for what is 0 up to rounding."""
    return "0" if abs(value) < 1e-12 else f"{value:.2g}"


def interaction(world: EncodedWorld, name: str, whiten: np.ndarray) -> Interaction:
    """The other part whose components, with ``name``'s own, explain most of ``name``'s motion beyond
    noise: an *interaction* (effects that do not add) between the two."""
    v = world.variation(name) @ whiten
    moved = float((v**2).sum(axis=1).mean())
    summed = sum(float(((world.variation(n) @ whiten) ** 2).sum(axis=1).mean()) for n in world.names) or 1e-300
    if moved <= 0:
        return Interaction(None, 0.0, 0.0, 0.0, 0.0)
    own = float(((world.additive(name) @ whiten) ** 2).sum(axis=1).mean()) / moved
    rows = len(world.orbits[name])
    best = Interaction(None, moved / summed, own, own, 1.0)
    for other in world.names:
        if other == name or rows < 2:
            continue
        joint = float(((world.joint(name, other) @ whiten) ** 2).sum(axis=1).mean()) / moved
        values = len(np.unique(world.labels(name, of=other)))
        found = Interaction(other, moved / summed, own, joint, own + (1 - own) * (values - 1) / (rows - 1))
        if best.other is None or found.excess > best.excess:
            best = found
    return best


def _without_own_direction(world: EncodedWorld, name: str, geo: Geometry, shares: float, tol: Tolerances) -> str:
    """The reason for a part whose additive part's shares sum below ``collapse_tol``: an interaction
    when the part moves the code jointly with another, else collapse (it moves the code by noise at most)."""
    moved = float((world.variation(name) ** 2).sum(axis=1).mean()) / float((world.codes**2).sum(axis=1).mean() or 1)
    if moved == 0:
        return "collapsed: its actions do not move the code at all"
    if moved < ROUNDING:
        return f"collapsed: its actions move the code only by rounding error ({moved:.2g} of its variance)"
    found = interaction(world, name, geo.whiten)
    if found.found:
        return (
            f"interaction with {found.other!r}: its actions cause {_figure(found.motion)} of the variation, but how "
            f"depends on {found.other!r}: {found.clause()}"
        )
    return (
        f"collapsed: its actions move the code only by variation that neither its own components (shares "
        f"sum {shares:.2g} < {tol.collapse_tol}) nor they with any one other part's explain beyond noise: "
        + found.clause()
    )


def _invariance(
    world: EncodedWorld, name: str, geo: Geometry, total: float, sensitivity: np.ndarray, tol: Tolerances
) -> Invariance:
    movement = math.sqrt(float((world.variation(name) ** 2).sum(axis=1).mean()) / total)
    a = geo.additive[name]
    largest = float(np.clip(np.linalg.eigvalsh(a.T @ a / len(a)), 0, 1).max(initial=0.0))
    record = Invariance(name, movement, largest, [int(j) for j in np.flatnonzero(sensitivity >= 0.1)])
    if movement > tol.invariance_tol:
        where = f" (mostly latent axes {record.axes})" if record.axes else ""
        record.reasons.append(
            f"not invariant: its actions move the code by {movement:.2g} × its spread > {tol.invariance_tol}{where}"
        )
    if largest >= tol.share_tol:
        record.reasons.append(
            f"still encoded: one direction of the code is moved mainly by {name!r} (share {largest:.2f})"
        )
    return record


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
    bases: dict[str, np.ndarray], d: int, tol: Tolerances
) -> tuple[np.ndarray | None, dict[str, slice]]:
    """[Z_1 | … | Z_n | rest] from each part's basis (columns), with each part's block of columns;
    None when the subspaces overlap (the smallest singular value of the stack is below ``overlap_tol``)."""
    blocks, offset = {}, 0
    for name, basis in bases.items():
        blocks[name] = slice(offset, offset + basis.shape[1])
        offset += basis.shape[1]
    stacked = np.hstack(list(bases.values()))
    if offset > d or (offset and np.linalg.svd(stacked, compute_uv=False)[-1] < tol.overlap_tol):
        return None, blocks
    q, _ = np.linalg.qr(np.hstack([stacked, np.eye(d)]))
    rest = q[:, offset:d]  # an orthonormal complement of the span of the Z_i
    blocks["rest"] = slice(offset, d)
    return np.hstack([stacked, rest]), blocks


def _leakage(
    subspaces: dict[str, Subspace],
    geo: Geometry,
    combined: np.ndarray | None,
    inverse: np.ndarray,
    blocks: dict[str, slice],
    orbit_sizes: dict[str, int],
    tol: Tolerances,
) -> None:
    """Leakage, energy outside Z_i and the noise in Z_i, in the coordinates of the combined basis
    (``inverse`` maps whitened codes to them)."""

    def energies(parts: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
        return {
            j: {i: float(((v @ inverse.T)[:, blocks[i]] ** 2).sum(axis=1).mean()) for i in blocks}
            for j, v in parts.items()
        }

    energy, noise = energies(geo.additive), energies(geo.remainder)
    repeats = sum(1 - 1 / size for size in orbit_sizes.values()) or 1.0
    for i, sub in subspaces.items():
        if not sub.dimension:
            continue
        own = energy[i][i] or 1e-300
        sub.leakage = {j: energy[j][i] / own for j in geo.additive if j != i}
        sub.noise = sum(n[i] for n in noise.values()) / repeats / own
        sub.outside = sum(e for k, e in energy[i].items() if k != i) / own if combined is not None else 0.0
        if combined is None:
            continue
        for j, value in sub.leakage.items():
            if value > tol.leak_tol:
                sub.reasons.append(f"moved by {j!r}: leakage {value:.2g} > {tol.leak_tol}")
        if sub.outside > tol.leak_tol:
            sub.reasons.append(f"moves directions outside its subspace: {sub.outside:.2g} > {tol.leak_tol}")
        if sub.noise > tol.noise_tol:
            sub.reasons.append(
                f"noisy: {sub.noise:.2g} of the variation in its subspace is not explained by its own components "
                f"(noise, or entanglement with other parts) > {tol.noise_tol}"
            )


def _rest_noise(
    world: EncodedWorld,
    subspaces: dict[str, Subspace],
    geo: Geometry,
    combined: np.ndarray,
    inverse: np.ndarray,
    blocks: dict[str, slice],
    tol: Tolerances,
) -> None:
    """Each part's E‖r_i in the rest block‖² / Σ_j E‖a_j‖², both in the code's own coordinates."""
    rest = blocks["rest"]
    to_code = combined[:, rest].T @ geo.unwhiten  # rest-block coordinates → the code's own
    signal = sum(float((world.additive(n) ** 2).sum(axis=1).mean()) for n in world.names) or 1e-300
    for name, sub in subspaces.items():
        moved = (geo.remainder[name] @ inverse.T)[:, rest] @ to_code
        sub.rest_noise = float((moved**2).sum(axis=1).mean()) / signal
        if sub.rest_noise > tol.noise_tol:
            found = sub.interaction = interaction(world, name, geo.whiten)
            what = f"; an interaction with {found.other!r}: {found.clause()}" if found.found else ""
            sub.reasons.append(
                f"noisy outside: its actions move directions no part owns, in ways its components do not explain, "
                f"by {sub.rest_noise:.2g} × the code's additive variation > {tol.noise_tol} (in the code's "
                f"scaling){what}"
            )


def _basis_margin(subspaces: dict[str, Subspace], tol: Tolerances) -> float:
    """The smallest condition number of a change of basis that could flip the scale-dependent criterion."""
    ratios = [tol.noise_tol / s.rest_noise for s in subspaces.values() if s.rest_noise > 0]
    return min((math.sqrt(r if r >= 1 else 1 / r) for r in ratios), default=math.inf)


def _rms_radius(points: np.ndarray) -> float:
    """√(E‖p − p̄‖²), or 1 for points that do not vary."""
    return math.sqrt(float(((points - points.mean(axis=0)) ** 2).sum(axis=1).mean()) or 1.0)


def _whole_code_distance(difference: np.ndarray, radius: float, tol: Tolerances) -> str:
    """The distance of two codes in the code's own coordinates, as a clause, where it tells them apart."""
    distance = float(np.linalg.norm(difference)) / radius
    if distance == 0:
        return "; so are their codes"
    if distance < tol.injective_tol:
        return f"; their codes are {distance:.2g} × the code's RMS radius apart"
    return f"; their codes are {distance:.2g} × the code's RMS radius apart, outside those subspaces"


def _min_orbit_distance(world: EncodedWorld, name: str, points: np.ndarray) -> tuple[float, tuple[int, int]]:
    """The smallest distance of ``points`` between two distinct states of one G_i-orbit, and their rows."""
    table = world.orbits[name]
    z = points[table]
    best, rows = math.inf, (0, 0)
    for t in range(1, table.shape[1]):
        distinct = np.flatnonzero(table[:, t] != table[:, 0])
        if distinct.size:
            distances = np.linalg.norm(z[distinct, t] - z[distinct, 0], axis=1)
            k = int(np.argmin(distances))
            if distances[k] < best:
                best, rows = float(distances[k]), (int(table[distinct[k], 0]), int(table[distinct[k], t]))
    return best, rows


def _quotient(world: EncodedWorld, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each state's class (states that differ only in invariant parts share one), a representative
    state row per class, and each class's mean code."""
    if not world.invariant:
        rows = np.arange(len(points))
        return rows, rows, points
    columns = [world.env.factor_names.index(f) for n in world.content for f in world.parts[n]]
    labels = np.ravel_multi_index(tuple(world.states[:, columns].T), [world.env.factor_sizes[c] for c in columns])
    _, representatives, classes, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    sums = np.zeros((len(counts), points.shape[1]))
    np.add.at(sums, classes, points)
    return classes, representatives, sums / counts[:, None]


def _nearest(points: np.ndarray, atol: float) -> tuple[float, tuple[int, int] | None, np.ndarray]:
    """The smallest distance between two rows and their indices, and pairs (i, j) of rows closer than
    ``atol`` (each row with its nearest neighbour): through a k-d tree of the distinct rows, O(n log n)
    time and O(n) memory (a tree of many equal points would degenerate)."""
    distinct, first, which = np.unique(points, axis=0, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    rows = np.arange(len(points))
    repeated = np.flatnonzero(first[which] != rows)  # rows equal to an earlier row
    pairs = [np.stack([first[which[repeated]], repeated], axis=1)]
    best, pair = (0.0, (int(first[which[repeated[0]]]), int(repeated[0]))) if repeated.size else (math.inf, None)
    if len(distinct) >= 2:
        distances, neighbours = cKDTree(distinct).query(distinct, k=2)
        i = int(np.argmin(distances[:, 1]))
        if distances[i, 1] < best:
            best, pair = float(distances[i, 1]), (int(first[i]), int(first[neighbours[i, 1]]))
        close = np.flatnonzero(distances[:, 1] < atol)
        pairs.append(np.stack([first[close], first[neighbours[close, 1]]], axis=1))
    return best, pair, np.concatenate(pairs).astype(np.int64)


def _inconsistency(
    world: EncodedWorld,
    classes: np.ndarray,
    representatives: np.ndarray,
    points: np.ndarray,
    pairs: np.ndarray,
    atol: float,
) -> tuple[list[int], list[int], str] | None:
    """Two classes with (nearly) equal codes that some generator maps to different codes, if any."""
    if not len(pairs):
        return None
    for name in world.content:
        for s in world.part_generators(name):
            a, b = world.step_pairs(name, s)
            image = dict(zip(classes[a].tolist(), classes[b].tolist(), strict=True))
            for x, y in pairs.tolist():
                if x in image and y in image and np.linalg.norm(points[image[x]] - points[image[y]]) > atol:
                    return world.states[representatives[x]].tolist(), world.states[representatives[y]].tolist(), str(s)
    return None
