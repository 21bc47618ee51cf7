"""D_LSBD as Tonnaer et al. 2022 define it (one block-diagonal representation on the whole code), and an
LSBD test that holds every order to one standard."""

import math

import numpy as np
import pytest

from envs import CustomEnv
from symgroup import Cyclic
from symgroup.check import check
from symgroup.check.lsbd import _on_data
from symgroup.check.sbd import block_basis, signal_coordinates


def world(*sizes):
    factors = {name: Cyclic(n) for name, n in zip(("a", "b", "c"), sizes, strict=False)}
    return CustomEnv(factors, lambda s: np.zeros((len(s), 1, 1, 1)), (1, 1, 1))


def learned_like(env, angle_error=0.5, wobble=0.15, noise=0.03, seed=0):
    """Circles as a trained encoder draws them: a systematic angle error, a radius that wobbles with
    the angle, and jitter."""
    columns = []
    for k, n in enumerate(env.factor_sizes):
        base = 2 * np.pi * env.states()[:, k] / n
        angle = base + angle_error * np.sin(base + 1.0)
        radius = 1 + wobble * np.cos(2 * base)
        columns += [radius * np.cos(angle), radius * np.sin(angle)]
    codes = np.stack(columns, axis=1)
    return codes + noise * np.random.default_rng(seed).standard_normal(codes.shape)


def tonnaer(report, codes, env, name, omega):
    """E_{x, g ∈ G_k} ‖ρ(g)·t(x) − t(g·x)‖² / E_{x, g} ‖t(x) − t(g·x)‖², summed over every state x and
    every element g (no orbit shortcut), with ρ(g) = R(2πωg/n) on part k's 2-D block (its principal axes
    rescaled to equal variance) and the identity on every other coordinate."""
    basis = block_basis(report.sbd.subspaces, report.sbd.whiten, report.tolerances)
    t = basis.coordinates(codes - codes.mean(axis=0))
    k, n = env.factor_names.index(name), env.factor_sizes[env.factor_names.index(name)]
    own = basis.blocks[name]
    assert own.stop - own.start == 2
    states = env.states()
    index = {tuple(s): i for i, s in enumerate(states.tolist())}
    on_grid = t.reshape(*env.factor_sizes, -1)
    variation = (on_grid - on_grid.mean(axis=k, keepdims=True)).reshape(len(t), -1)
    _, axes = np.linalg.eigh(np.cov(variation[:, own].T, bias=True))
    scale = np.sqrt((variation[:, own] @ axes).var(axis=0))
    t[:, own] = (t[:, own] @ axes) / scale * np.sqrt(scale @ scale / 2)
    error = moved = 0.0
    for g in range(n):
        rho = np.eye(t.shape[1])
        c, s = np.cos(2 * np.pi * omega * g / n), np.sin(2 * np.pi * omega * g / n)
        rho[own, own] = [[c, -s], [s, c]]
        image = states.copy()
        image[:, k] = (image[:, k] + g) % n
        target = t[[index[tuple(s)] for s in image.tolist()]]
        error += ((t @ rho.T - target) ** 2).sum()
        moved += ((t - target) ** 2).sum()
    return error / moved


@pytest.mark.parametrize("sizes", [(6, 5, 4), (8, 3)])
def test_d_lsbd_is_the_transcribed_definition_on_a_learned_like_code(sizes):
    env = world(*sizes)
    codes = learned_like(env, angle_error=0.3) @ np.random.default_rng(1).standard_normal((2 * len(sizes),) * 2)
    report = check(codes, env)
    assert report.passed
    for name in env.factor_names:
        n = env.factor_sizes[env.factor_names.index(name)]
        exact = min(tonnaer(report, codes, env, name, w) for w in range(1, n))
        assert report.d_lsbd.scores[name] == pytest.approx(exact, rel=1e-6, abs=1e-12)
        assert 0 < exact < 0.1


def test_two_subgroups_in_one_plane_cannot_both_score_zero():
    """Each scored alone on its own projection, x and y would each look perfect (1e-30, as measured
    before); one block-diagonal ρ gives the plane to at most one of them."""
    env = world(6, 5, 4)
    a = 2 * np.pi * env.states() / np.array(env.factor_sizes)
    cs = lambda angle: np.stack([np.cos(angle), np.sin(angle)], axis=1)  # noqa: E731
    report = check(np.hstack([cs(a[:, 0]) + 0.7 * cs(a[:, 1]), cs(a[:, 2])]), env)
    assert not report.passed and report.d_lsbd.value >= 0.05
    assert report.d_lsbd.scores["c"] < 1e-9  # the part with a plane of its own is still perfect
    sums = check(np.hstack([cs(a[:, 0] + a[:, 1]), cs(a[:, 1]), cs(a[:, 2])]), env)
    assert sums.d_lsbd.scores["a"] == pytest.approx(1)  # 'a' has no subspace: ρ explains none of its motion


@pytest.mark.parametrize("n", [3, 12, 64])
def test_a_learned_like_circle_is_a_representation_at_every_order(n):
    """The map fitted to one step is judged against the nearest exact representation of C_n, once:
    ‖Mⁿ − I‖ compounds the same per-step error n times and fails C12 and C64 here (as it failed the
    C12 hand of an LSBD-VAE run: 0.11) while passing C3."""
    env = world(n, 5, 3)
    report = check(learned_like(env), env)
    assert report.passed and report.linear_passed, report.reasons
    hand = next(f for f in report.fits if f.subgroup == "a")
    assert hand.representation_error < 1e-3
    if n > 3:
        codes = learned_like(env)
        y = (codes - codes.mean(axis=0)) @ report.sbd.whiten
        t = signal_coordinates(y, report.sbd.combined, report.sbd.blocks, env.factor_names)
        compounded = _on_data(np.linalg.matrix_power(hand.matrix, n) - np.eye(len(hand.matrix)), t)
        assert compounded > 0.05  # what the old criterion measured


def test_a_circle_that_does_not_close_is_no_representation():
    """Points 1.5 steps apart on C12: the wrap-around step jumps, so no linear map of order 12 acts."""
    env = world(12, 5, 3)
    a = 2 * np.pi * env.states() / np.array(env.factor_sizes)
    a[:, 0] *= 1.5
    codes = np.concatenate([np.cos(a), np.sin(a)], axis=1)
    report = check(codes, env)
    assert not report.linear_passed and report.d_lsbd.scores["a"] > 0.2


def wound(env, frequency, bulge):
    """Part a's circle wound ``frequency`` times, its radius 1 + bulge·cos(angle + π/n) telling apart
    the states its winding puts at one angle, as a learned code of ``arrow``'s angle drew it (ω = 2);
    b and c faithful circles."""
    base = 2 * np.pi * env.states() / np.array(env.factor_sizes)
    radius = 1 + bulge * np.cos(base[:, 0] + np.pi / env.factor_sizes[0])
    columns = [radius * np.cos(frequency * base[:, 0]), radius * np.sin(frequency * base[:, 0])]
    columns += [f(base[:, k]) for k in range(1, base.shape[1]) for f in (np.cos, np.sin)]
    return np.stack(columns, axis=1)


def test_an_injective_code_whose_action_is_fitted_by_a_non_faithful_representation_is_not_linear():
    """On C8 the twice-wound circle's one step is a quarter turn up to a residual of 0.02 (within the
    tolerance, 0.05) and the code is injective, but a quarter turn has order 4: the linear action says
    four steps return every code, and over them the code moves by 0.15 of its variation."""
    env = world(8, 5)
    codes = wound(env, 2, 0.4)
    report = check(codes, env)
    assert report.passed, report.reasons  # split and injective
    hand = next(f for f in report.fits if f.subgroup == "a")
    assert hand.residual < 0.05 and hand.representation_error < 0.05
    assert hand.represented_order == 4 and hand.identified == "(a=4, b=0)" and not report.linear_passed
    y = (codes - codes.mean(axis=0)) @ report.sbd.whiten
    t = signal_coordinates(y, report.sbd.combined, report.sbd.blocks, env.factor_names)
    index = {tuple(s): i for i, s in enumerate(env.states().tolist())}
    turned = t[[index[((a + 4) % 8, b)] for a, b in env.states().tolist()]]  # (a=4)·x for every x
    moved = ((turned - t) ** 2).sum() / ((turned - turned.mean(axis=0)) ** 2).sum()
    assert hand.unexplained_power == pytest.approx(moved)
    assert any(
        "fitted by a representation of order 4, not 8, in which (a=4, b=0) acts as the identity, yet (a=4, b=0) "
        "moves the code by 0.15" in r
        for r in report.reasons
    )
    assert all(f.unexplained_power is None for f in report.fits if f.subgroup == "b")


@pytest.mark.parametrize(
    ("n", "frequency", "identified"), [(4, 2, "(a=2, b=0)"), (6, 3, "(a=2, b=0)"), (12, 3, "(a=4, b=0)")]
)
def test_every_non_faithful_winding_names_the_element_it_identifies(n, frequency, identified):
    """A winding ω with d = gcd(ω, n) > 1 is fitted by a representation of order n / d, whose
    (n / d)-th power of the step is the identity; the code, injective, tells those states apart."""
    env = world(n, 5)
    report = check(wound(env, frequency, 0.4), env)
    assert report.passed and not report.linear_passed, report.reasons
    hand = next(f for f in report.fits if f.subgroup == "a")
    assert hand.represented_order == n // math.gcd(n, frequency) and hand.identified == identified
    assert any(f"in which {identified} acts as the identity" in r for r in report.linear_reasons)


@pytest.mark.parametrize("frequency", [1, 3])
def test_a_faithful_rotation_of_any_frequency_has_nothing_left_to_explain(frequency):
    """ω = 1 and ω = 3 on C8 (gcd(ω, 8) = 1) are faithful: the fit's order is 8, the code LSBD."""
    env = world(8, 5)
    report = check(wound(env, frequency, 0.0), env)
    assert report.linear_passed, report.reasons
    assert all(f.represented_order == f.order and f.unexplained_power is None for f in report.fits)
