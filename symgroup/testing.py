"""Assertion helpers for users' tests of representations, in the style of e3nn's ``assert_equivariant``:
each ``*_error`` function returns numbers, each ``assert_*`` raises AssertionError carrying them.
The arithmetic of the checks runs in float64.

>>> import numpy as np, envs
>>> from symgroup import Cyclic
>>> env = envs.make("gridworld", n=4, hues=3, image_size=16)
>>> a = 2 * np.pi * env.states() / np.array(env.factor_sizes)
>>> codes = np.stack([np.cos(a[:, 0]), np.sin(a[:, 0]), np.cos(a[:, 1]), np.sin(a[:, 1]),
...                   np.cos(a[:, 2]), np.sin(a[:, 2])], axis=1)
>>> rho = env.group.block_representation(x=Cyclic(4).rotation(1), y=Cyclic(4).rotation(1), colour=Cyclic(3).rotation(1))
>>> assert_equivariant(codes, env, rho)
>>> assert_subgroup_invariant(codes, env, "colour", [0, 1, 2, 3])
>>> report = assert_disentangled(codes, env, linear=True)  # returns the check's report
>>> report = assert_invariant(codes[:, :4], env, ["colour"])  # a code of x and y that ignores colour
>>> assert_invariant(codes, env, ["colour"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AssertionError: the representation is not invariant to ['colour'] ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from symgroup.check import CheckReport, check
from symgroup.check.encoding import Encoder, encode_states
from symgroup.representation import Representation

if TYPE_CHECKING:
    from envs import SymmetryEnv


def assert_disentangled(encoder: Encoder, env: SymmetryEnv, linear: bool = False, **options: Any) -> CheckReport:
    """Assert the code is disentangled (Higgins et al. 2018) — and linearly so with ``linear=True``."""
    __tracebackhide__ = True
    report = check(encoder, env, **options)
    if not report.passed or (linear and not report.linear_passed):
        kind = "linearly disentangled" if linear else "disentangled"
        raise AssertionError(f"the representation is not {kind} with respect to {env.group}:\n{report}")
    return report


def assert_invariant(encoder: Encoder, env: SymmetryEnv, subgroups: Sequence[str], **options: Any) -> CheckReport:
    """Assert the code ignores ``subgroups`` (each moves it by at most ``invariance_tol`` of its spread
    and encodes no direction of it) and is disentangled with respect to the rest, injective on the
    quotient by them; ``options`` go to :func:`symgroup.check.check` (e.g. ``decomposition``)."""
    __tracebackhide__ = True
    report = check(encoder, env, invariant=tuple(subgroups), **options)
    if not report.passed:
        raise AssertionError(f"the representation is not invariant to {list(subgroups)} with {env.group}:\n{report}")
    return report


def _codes(encoder: Encoder, env: SymmetryEnv) -> tuple[np.ndarray, np.ndarray]:
    states = env.states()
    return states, encode_states(encoder, env, states)


def subgroup_invariance_error(encoder: Encoder, env: SymmetryEnv, subgroup: str, subspace: Any) -> dict[str, float]:
    """For each generator g of ``subgroup``: max over states of ‖P(z(g·s) − z(s))‖ / RMS radius of the
    codes, P the orthogonal projection on ``subspace`` (latent axes as indices or a slice, or a
    (d, k) basis matrix)."""
    states, codes = _codes(encoder, env)
    basis = _basis(subspace, codes.shape[1])
    radius = np.sqrt(((codes - codes.mean(axis=0)) ** 2).sum(axis=1).mean()) or 1.0
    factor = env.group.factor(subgroup)  # FactorNameError names the valid subgroups
    errors = {}
    for s in factor.generators:
        g = env.group.embed(subgroup, s)
        moved = codes[env.index(env.act(g, states))] - codes
        errors[str(g)] = float(np.linalg.norm(moved @ basis, axis=1).max() / radius)
    return errors


def assert_subgroup_invariant(
    encoder: Encoder, env: SymmetryEnv, subgroup: str, subspace: Any, atol: float = 1e-3
) -> None:
    """Assert that ``subgroup``'s actions leave the code's ``subspace`` unchanged (relative ``atol``)."""
    __tracebackhide__ = True
    errors = subgroup_invariance_error(encoder, env, subgroup, subspace)
    worst = max(errors, key=errors.get, default=None)
    if worst is not None and errors[worst] > atol:
        raise AssertionError(
            f"subgroup {subgroup!r} moves the subspace: {worst} changes it by {errors[worst]:.3g} × the code's "
            f"radius > {atol} (errors per generator: {errors})"
        )


def equivariance_error(encoder: Encoder, env: SymmetryEnv, representation: Representation) -> dict[str, float]:
    """For each generator g of G: max over states of ‖z(g·s) − ρ(g) z(s)‖ / RMS norm of the codes."""
    states, codes = _codes(encoder, env)
    if representation.dim != codes.shape[1] or representation.group != env.group:
        raise AssertionError(f"{representation} cannot act on codes of size {codes.shape[1]} of {env.group}")
    scale = np.sqrt((codes**2).sum(axis=1).mean()) or 1.0
    errors = {}
    for g in env.group.generators:
        moved = codes[env.index(env.act(g, states))]
        errors[str(g)] = float(np.linalg.norm(moved - codes @ representation(g).T, axis=1).max() / scale)
    return errors


def assert_equivariant(encoder: Encoder, env: SymmetryEnv, representation: Representation, atol: float = 1e-6) -> None:
    """Assert z(g·s) = ρ(g) z(s) for every generator g and state s, within relative ``atol``."""
    __tracebackhide__ = True
    errors = equivariance_error(encoder, env, representation)
    worst = max(errors, key=errors.get, default=None)
    if worst is not None and errors[worst] > atol:
        raise AssertionError(
            f"not equivariant under {representation.name}: for {worst}, max ‖z(g·s) − ρ(g) z(s)‖ = "
            f"{errors[worst]:.3g} × the codes' norm > {atol} (errors per generator: {errors})"
        )


def _basis(subspace: Any, d: int) -> np.ndarray:
    """An orthonormal (d, k) basis of ``subspace``."""
    if isinstance(subspace, slice):
        subspace = range(d)[subspace]
    array = np.asarray(subspace)
    if array.ndim == 1:
        return np.eye(d)[:, array.astype(int)]
    q, _ = np.linalg.qr(np.asarray(array, dtype=np.float64))
    return q
