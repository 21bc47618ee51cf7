"""The check's report: verdicts, numbers per subgroup and subspace, reasons, JSON and a text table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symgroup.check.classic import held_out
from symgroup.check.lsbd import DLSBD, GeneratorFit
from symgroup.check.posterior import PosteriorSpread
from symgroup.check.sbd import SBDResult, Tolerances


@dataclass
class CheckReport:
    """Everything :func:`symgroup.check.check` found.

    Three verdicts, each named for what it includes, with respect to the decomposition ``parts`` (and
    the declared invariances): ``split_passed``, the *equivariant split* of Higgins et al. 2018
    (definition 1: each part moves its own subspace only); ``injective``, distinct states at distinct
    codes (the definition does not ask it, but without it a constant code would pass); ``passed``,
    the SBD verdict = split and injective. ``linear_passed``: SBD and a linear representation,
    block-diagonal in the subspaces found (LSBD). ``reasons`` says why any fails. ``posterior`` (an
    encoder with a posterior) flags, beside the verdicts, the parts that move the judged mean by less
    than the posterior's spread. ``undecidable``: only the scale-dependent noise criterion fails (see
    :mod:`symgroup.check.sbd`).
    """

    env: str
    n_states: int
    states_encoded: int
    sampled: bool
    code_size: int
    tolerances: Tolerances
    sbd: SBDResult
    fits: list[GeneratorFit]
    d_lsbd: DLSBD
    metrics: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    orbit_points: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # for the orbit plot
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the decomposition: part → factors
    posterior: PosteriorSpread | None = None  # an encoder with a posterior: its mean against its spread

    @property
    def invariant(self) -> tuple[str, ...]:
        return tuple(self.sbd.invariances)

    @property
    def undecidable(self) -> bool:
        return self.sbd.undecidable

    @property
    def split_passed(self) -> bool:
        return self.sbd.split_passed

    @property
    def injective(self) -> bool:
        return self.sbd.injective

    @property
    def passed(self) -> bool:
        return self.sbd.passed

    @property
    def linear_passed(self) -> bool:
        return self.passed and not self.linear_reasons

    @property
    def linear_reasons(self) -> list[str]:
        return [r for f in self.fits for r in f.reasons(self.tolerances.leak_tol)]

    @property
    def reasons(self) -> list[str]:
        per_part = [f"{n}: {r}" for n, s in self.sbd.subspaces.items() for r in [*s.reasons, *s.injectivity]]
        per_part += [f"{n}: {r}" for n, i in self.sbd.invariances.items() for r in i.reasons]
        if self.undecidable:
            per_part.append(
                "undecidable at this scaling: every basis-free criterion passes and only the variation outside "
                f"every subspace is too large; a change of basis of condition number {self.sbd.basis_margin:.3g} "
                "could make it negligible"
            )
        return per_part + self.sbd.reasons + self.linear_reasons

    @property
    def axis_alignment(self) -> float:
        """Σ_j w_j max_i S̃_ij: 1 when every latent axis is moved by one subgroup only (S̃: the
        sensitivity matrix normalised per axis, w_j: each axis's share of the code's variance)."""
        s = self.sbd.sensitivity
        share = s / np.maximum(s.sum(axis=0, keepdims=True), 1e-300)
        weights = s.sum(axis=0) / max(s.sum(), 1e-300)
        return float((share.max(axis=0) * weights).sum())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict with the keys "sbd", "lsbd", "d_lsbd", "subgroups" and "metrics"."""
        subgroups = {}
        for name, sub in self.sbd.subspaces.items():
            subgroups[name] = {
                "passed": sub.passed,
                "equivariant_split": sub.split_passed,
                "injective": not sub.injectivity,
                "dimension": sub.dimension,
                "basis": self.code_basis(name).tolist(),
                # latent axes whose variance this subgroup causes at least 10% of
                "axes": [int(j) for j in np.flatnonzero(self.sbd.sensitivity[self._row(name)] >= 0.1)],
                "variance_share": sub.variance_share,
                "leakage": sub.leakage,
                "outside": sub.outside,
                "noise": sub.noise,
                "rest_noise": sub.rest_noise,
                "factors": list(self.parts.get(name, (name,))),
                "shares_with": sub.shares_with,
                "min_orbit_distance": sub.min_orbit_distance,
                "d_lsbd": self.d_lsbd.scores.get(name),
                "omega": self.d_lsbd.omegas.get(name),
                "reasons": sub.reasons + sub.injectivity,
                "posterior_movement": self.posterior.movement.get(name) if self.posterior else None,
            }
        return _json_safe(
            {
                "env": self.env,
                "n_states": self.n_states,
                "states_encoded": self.states_encoded,
                "sampled": self.sampled,
                "code_size": self.code_size,
                "tolerances": vars(self.tolerances),
                "parts": {name: list(factors) for name, factors in self.parts.items()},
                "invariant": {
                    name: {
                        "passed": inv.passed,
                        "movement": inv.movement,
                        "largest_share": inv.largest_share,
                        "axes": inv.axes,
                        "reasons": inv.reasons,
                    }
                    for name, inv in self.sbd.invariances.items()
                },
                "sbd": {
                    "passed": self.passed,
                    "equivariant_split": self.split_passed,
                    "injective": self.injective,
                    "undecidable": self.undecidable,
                    "basis_margin": self.sbd.basis_margin,
                    "min_distance": self.sbd.min_distance,
                    "closest_pair": self.sbd.closest_pair,
                    "consistent": self.sbd.inconsistent is None,
                    "reasons": self.reasons,
                },
                "lsbd": {
                    "passed": self.linear_passed,
                    "generators": [
                        {
                            "generator": f.generator,
                            "subgroup": f.subgroup,
                            "order": f.order,
                            "residual": f.residual,
                            "representation_error": f.representation_error,
                            "represented_order": f.represented_order,
                            "identified": f.identified,
                            "unexplained_power": f.unexplained_power,
                            "block_error": f.block_error,
                            "commutators": f.commutators,
                        }
                        for f in self.fits
                    ],
                    "reasons": self.linear_reasons,
                },
                "d_lsbd": {
                    "value": self.d_lsbd.value,
                    "scores": self.d_lsbd.scores,
                    "omegas": self.d_lsbd.omegas,
                    "representations": self.d_lsbd.representations,
                    "reason": self.d_lsbd.reason,
                },
                "subgroups": subgroups,
                "sensitivity": self.sbd.sensitivity.tolist(),
                "axis_alignment": self.axis_alignment,
                "posterior": None if self.posterior is None else self.posterior.to_dict(),
                "metrics": self.metrics,
                "intervals": {k: list(v) for k, v in self.intervals.items()},
            }
        )

    def code_basis(self, name: str) -> np.ndarray:
        """Z_name in the code's own coordinates: (dimension, d), unit rows (oblique in general)."""
        rows = self.sbd.subspaces[name].basis.T @ self.sbd.unwhiten
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-300)

    def __repr__(self) -> str:
        return (
            f"<CheckReport {self.env}: SBD {self.passed}, LSBD {self.linear_passed}, D_LSBD {_fmt(self.d_lsbd.value)}>"
        )

    def _row(self, name: str) -> int:
        return list(self.parts or self.sbd.subspaces).index(name)

    def __str__(self) -> str:
        verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
        lines = [
            f"{self.env}: {self.states_encoded} of {self.n_states} states encoded, code size {self.code_size}"
            + (" (sampled)" if self.sampled else ""),
            "decomposition: "
            + " × ".join(f"{n}({', '.join(f)})" if f != (n,) else n for n, f in self.parts.items())
            + (f", invariant: {', '.join(self.invariant)}" if self.invariant else ""),
            f"SBD (split and injective): {verdict(self.passed)}    equivariant split (Higgins et al.): "
            f"{verdict(self.split_passed)}    injective: {verdict(self.injective)}",
            f"LSBD (SBD and linear): {verdict(self.linear_passed)}    D_LSBD (Tonnaer et al.): "
            f"{_fmt(self.d_lsbd.value)}    axis alignment: {self.axis_alignment:.3f}",
            *([str(self.posterior)] if self.posterior else []),
            "",
            f"{'subgroup':<12} {'dim':>3} {'variance':>8} {'max leak':>9} {'from':<10} {'min dist':>9} "
            f"{'D_LSBD':>7} {'ω':>3}  split  injective",
        ]
        for name, sub in self.sbd.subspaces.items():
            worst = max(sub.leakage.items(), key=lambda kv: kv[1], default=("-", float("nan")))
            lines.append(
                f"{name:<12} {sub.dimension:>3} {sub.variance_share:>8.3f} {_fmt(worst[1]):>9} {worst[0]:<10} "
                f"{_fmt(sub.min_orbit_distance):>9} {_fmt(self.d_lsbd.scores.get(name)):>7} "
                f"{_fmt(self.d_lsbd.omegas.get(name)):>3}  {verdict(sub.split_passed):<5}  "
                f"{verdict(not sub.injectivity)}"
            )
        for name, inv in self.sbd.invariances.items():
            lines.append(
                f"{name:<12} invariant: moves the code by {_fmt(inv.movement)} × its spread, largest share "
                f"{_fmt(inv.largest_share)}  {verdict(inv.passed)}"
            )
        if self.metrics:
            split = " (test samples from a held-out third of the states)" if held_out(self.states_encoded) else ""
            lines += ["", f"classic metrics{split}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in self.metrics.items())]
        if self.reasons:
            lines += ["", "reasons:"] + [f"- {r}" for r in self.reasons]
        if self.posterior and self.posterior.flags:
            lines += ["", "flagged (the posterior, beside the verdicts):"] + [f"- {f}" for f in self.posterior.flags]
        return "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) < 1e-12:
        return "0"
    return f"{value:.3g}" if abs(value) < 1e4 else f"{value:.2e}"


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    return value
