"""Stochastic encoders: does each part move the posterior mean by more than the posterior's spread?

A VAE's representation is its posterior q(z|x) = N(μ(x), diag σ²(x)); the check judges μ. Whitening
makes any structured variation of μ look like signal however small, so a collapsed posterior (μ moving
by 0.001 where σ ≈ 1) would be judged as if it were clean. This module measures it:

- a latent's *activity*: Var_s(μ_j(s)) / E_s[σ_j²(s)]; the latent is *active* when it exceeds 0.01
  (Burda et al. 2016, arXiv 1509.00519, §5.2 "active units": Cov_x(E_q[z_j]) > 0.01, their prior
  variance 1 replaced by the mean posterior variance, so the scale of the code does not matter);
- a part P's *movement*: √(E ‖v_P‖²_Σ⁻¹), its orbit variation v_P = μ − (mean over the P-orbit)
  measured in units of the mean posterior standard deviation per latent (Σ = diag E_s[σ²]). Below 1
  the part moves the posterior mean by less than the posterior's spread: what a sample of the
  posterior carries about P is mostly noise, and the check says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

ACTIVE = 0.01  # Burda et al.'s threshold for an active unit


@dataclass
class PosteriorSpread:
    """What :func:`~symgroup.check.posterior.posterior_spread` measured; ``representation``: "mean" or "sample"
    (what was judged)."""

    activity: np.ndarray  # (d,) Var(μ_j) / E[σ_j²]
    movement: dict[str, float]  # part → RMS movement of the mean, in posterior standard deviations
    representation: str = "mean"

    @property
    def active(self) -> list[int]:
        """The latents whose mean varies by more than 0.01 of their posterior variance."""
        return [int(j) for j in np.flatnonzero(self.activity > ACTIVE)]

    @property
    def buried(self) -> list[str]:
        """The parts that move the posterior mean by less than one posterior standard deviation."""
        return [name for name, m in self.movement.items() if m < 1]

    @property
    def collapsed(self) -> bool:
        """Whether no latent is active or every part is buried in the posterior's spread."""
        return not self.active or len(self.buried) == len(self.movement)

    @property
    def flags(self) -> list[str]:
        """One line per part buried in the posterior's spread."""
        return [
            f"{name}: buried in the posterior's spread: its actions move the posterior mean by "
            f"{self.movement[name]:.2g} posterior standard deviations (RMS) < 1"
            for name in self.buried
        ]

    def to_dict(self) -> dict:
        return {
            "representation": self.representation,
            "activity": self.activity.tolist(),
            "active": self.active,
            "movement": self.movement,
            "buried": self.buried,
            "collapsed": self.collapsed,
            "flags": self.flags,
        }

    def __str__(self) -> str:
        line = (
            f"posterior ({self.representation} judged): {len(self.active)} of {len(self.activity)} latents active "
            f"(Var μ / E σ² > {ACTIVE})"
        )
        line += ", " + ", ".join(f"{n} moves μ by {m:.2g} sd" for n, m in self.movement.items())
        return line + (" — COLLAPSED" if self.collapsed else "")


def posterior_spread(
    means: np.ndarray, variances: np.ndarray, orbits: Mapping[str, np.ndarray], representation: str = "mean"
) -> PosteriorSpread:
    """The activity of each latent and the movement of each part of ``orbits`` (part → orbit table
    of rows of ``means``), from the posterior means and variances (n, d) of the encoded states."""
    variance = np.maximum(variances.mean(axis=0), 1e-300)
    movement = {}
    for name, table in orbits.items():
        z = means[table]
        v = z - z.mean(axis=1, keepdims=True)
        movement[name] = math.sqrt(float((v**2 / variance).sum(axis=-1).mean()))
    return PosteriorSpread(means.var(axis=0) / variance, movement, representation)
