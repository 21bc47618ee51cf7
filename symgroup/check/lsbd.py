"""Linear symmetry-based disentanglement: is the action on the code a block-diagonal representation?

For each generator s of each subgroup, a map z ↦ M_s z + c_s is fitted by least squares to the
pairs (z, s·z) of codes (the offset absorbs the centre, which a sampled world only estimates), in
the whitened coordinates of the SBD check (there the summed orbit variation covariance, which a
representation preserves, is I: a representation of the finite group is orthogonal and the errors
below are scale-free and basis-invariant):

- residual: E‖M_s z + c_s − s·z‖² / E‖s·z − mean‖² (is the action linear at all?);
- order: ‖M_sⁿ − I‖ for s of order n (is it a representation of C_n?);
- commutators: ‖M_s M_t − M_t M_s‖ for generators of different subgroups;
- block: ‖T_s − diag(I, …, T_s[i, i], …, I)‖ with T_s = M_s in the combined basis of the subspaces
  found by the SBD check (G_i acts on Z_i alone and as the identity on the rest);

each size ‖A‖ = E‖A y‖² / E‖y‖² taken on the codes y — an energy ratio like the residual and the
leakage — so directions without variation (where a fit has nothing to go on) do not count.

D_LSBD (Tonnaer et al. 2022, arXiv 2011.06070, practical form for products of cyclic groups): for
each subgroup k, take z − mean over the G_k-orbit, project on its top-2 principal components scaled
to variance ½ each, rotate each point by R(−ω·2πi/n_k) and score the mean squared distance to the
mean; D_LSBD = mean_k min over integer ω ∈ [−10, 10]. 0 is perfect, ≈ 1 is chance. It is undefined
(None) when a subgroup's variation has rank < 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symgroup.check.sbd import SBDResult
from symgroup.check.world import EncodedWorld

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
    matrix: np.ndarray | None = None  # M_s in whitened principal coordinates

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
    omegas: dict[str, int | None]
    reason: str | None = None


def fit_generators(world: EncodedWorld, sbd: SBDResult, ridge: float = 1e-3) -> list[GeneratorFit]:
    """One least-squares map per subgroup generator, with its representation errors. A ridge term
    ``ridge``·‖M − I‖² keeps directions with (next to) no variation from taking arbitrary values."""
    y = (world.codes - world.codes.mean(axis=0)) @ sbd.whiten
    rank = y.shape[1]
    fits = []
    for name in world.names:
        group = world.env.factors[name].group
        for s_element in group.generators:
            a, b = world.step_pairs(name, group.index(s_element))
            inputs = np.hstack([y[a], np.ones((len(a), 1))])  # affine: the invariant centre is estimated too
            prior = np.sqrt(ridge * len(a)) * np.eye(rank, rank + 1)  # pulls M towards I where data are scarce
            solution, *_ = np.linalg.lstsq(np.vstack([inputs, prior]), np.vstack([y[b], prior[:, :rank]]), rcond=None)
            m = solution[:-1].T
            target = y[b] - y[b].mean(axis=0)
            residual = float(((inputs @ solution - y[b]) ** 2).sum() / max((target**2).sum(), 1e-300))
            order = s_element.order
            fits.append(
                GeneratorFit(
                    str(world.env.group.embed(name, s_element)),
                    name,
                    order,
                    residual,
                    _on_data(np.linalg.matrix_power(m, order) - np.eye(rank), y),
                    _block_error(m, name, sbd, y),
                    matrix=m,
                )
            )
    for f in fits:
        f.commutators = {
            g.generator: _on_data(f.matrix @ g.matrix - g.matrix @ f.matrix, y)
            for g in fits
            if g.subgroup != f.subgroup
        }
    return fits


def _on_data(a: np.ndarray, y: np.ndarray) -> float:
    """E‖A y‖² / E‖y‖²: the size of a matrix on the codes (an energy ratio, like the residual and
    the leakage), so directions without variation do not count."""
    return float(((y @ a.T) ** 2).sum() / max((y**2).sum(), 1e-300))


def _block_error(m: np.ndarray, name: str, sbd: SBDResult, y: np.ndarray) -> float | None:
    """Size on the codes of T − diag(I, …, T_ii, …, I), T = M in the combined basis (None without one)."""
    if sbd.combined is None:
        return None
    t = np.linalg.solve(sbd.combined, m @ sbd.combined)
    expected = np.eye(len(t))
    own = sbd.blocks[name]
    expected[own, own] = t[own, own]
    return _on_data(t - expected, np.linalg.solve(sbd.combined, y.T).T)


def d_lsbd(world: EncodedWorld) -> DLSBD:
    """D_LSBD with the frequency ω of each subgroup; None (with the reason) when it is undefined."""
    if not all(world.is_cyclic_grid(n) for n in world.names):
        return DLSBD(None, {}, {}, "defined for products of cyclic groups acting by shifts only")
    scores: dict[str, float | None] = {}
    omegas: dict[str, int | None] = {}
    for name in world.names:
        scores[name], omegas[name] = _subgroup_score(world.variation(name), world.angles(name))
    if any(v is None for v in scores.values()):
        flat = [n for n, v in scores.items() if v is None]
        return DLSBD(None, scores, omegas, f"undefined: the variation of {', '.join(flat)} has rank < 2")
    return DLSBD(float(np.mean(list(scores.values()))), scores, omegas)


def _subgroup_score(variation: np.ndarray, angles: np.ndarray) -> tuple[float | None, int | None]:
    eigenvalues, vectors = np.linalg.eigh(variation.T @ variation / len(variation))
    top = vectors[:, ::-1][:, :2]
    if len(eigenvalues) < 2 or eigenvalues[-2] <= 1e-9 * max(eigenvalues[-1], 1e-300):
        return None, None
    points = variation @ top
    points = points / (points.std(axis=0) * np.sqrt(2))  # each principal component to variance ½
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
