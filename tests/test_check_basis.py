"""The checker's verdict does not depend on the code's basis (Higgins et al. 2018: any invertible map of a
disentangled code is disentangled), nor on its scale; noise limits this, and the report says how far."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_check import circles, entangled  # the oracle codes, shared

import envs
from envs import CustomEnv
from symgroup import Cyclic
from symgroup.check import check
from symgroup.errors import InvalidOptionError


def _draw_three(states):
    out = np.zeros((len(states), 1, 1, 20), np.float32)
    rows = np.arange(len(states))
    out[rows, 0, 0, states[:, 0]] = out[rows, 0, 0, 10 + states[:, 1]] = out[rows, 0, 0, 17 + states[:, 2]] = 1
    return out


WORLDS = {
    "gridworld": envs.make("gridworld"),
    "C10xC7xC3": CustomEnv({"a": Cyclic(10), "b": Cyclic(7), "c": Cyclic(3)}, _draw_three, (1, 1, 20)),
    "square": envs.make("square", size=16, side=4),
}


def collapsed(env):
    codes = circles(env)
    codes[:, [0, len(env.factor_sizes)]] = 0.0
    return codes


CODES = {  # name → (code, SBD, LSBD)
    "circles": (circles, True, True),
    "lines": (lambda env: env.states() * np.linspace(1.0, 2.0, len(env.factor_sizes)), True, False),
    "entangled": (entangled, False, False),
    "collapsed": (collapsed, False, False),
    "frequency 2": (lambda env: circles(env, 2), False, False),
}


def conditioned_map(d, condition, rng):
    """A random invertible d×d map with the given condition number: Q₁ diag(σ) Q₂."""
    q1, q2 = (np.linalg.qr(rng.standard_normal((d, d)))[0] for _ in range(2))
    return q1 @ np.diag(np.logspace(0, np.log10(condition), d)) @ q2


def summary(report):
    return {
        "verdicts": (report.passed, report.linear_passed),
        "dimensions": {n: s.dimension for n, s in report.sbd.subspaces.items()},
        "leakage": {(n, m): v for n, s in report.sbd.subspaces.items() for m, v in s.leakage.items()},
        "d_lsbd": report.d_lsbd.value,
    }


def assert_same(a, b):
    assert a["verdicts"] == b["verdicts"] and a["dimensions"] == b["dimensions"]
    assert a["leakage"].keys() == b["leakage"].keys()
    assert all(abs(a["leakage"][k] - b["leakage"][k]) < 1e-6 for k in a["leakage"])
    assert (a["d_lsbd"] is None) == (b["d_lsbd"] is None)
    if a["d_lsbd"] is not None:
        assert abs(a["d_lsbd"] - b["d_lsbd"]) < 1e-6


BASE = {(w, c): summary(check(CODES[c][0](WORLDS[w]), WORLDS[w])) for w in WORLDS for c in CODES}


@pytest.mark.parametrize("world", list(WORLDS))
@pytest.mark.parametrize("code", list(CODES))
def test_the_oracle_verdicts_hold_on_every_world(world, code):
    assert BASE[world, code]["verdicts"] == CODES[code][1:]


@given(
    world=st.sampled_from(sorted(WORLDS)),
    code=st.sampled_from(sorted(CODES)),
    log_condition=st.floats(0, 6),
    log_scale=st.floats(-200, 200),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=40, deadline=None)
def test_exact_codes_keep_everything_under_any_invertible_map_and_scale(world, code, log_condition, log_scale, seed):
    """The verdict, the subspace dimensions, the leakages (to 1e-6) and D_LSBD, for condition numbers up
    to 1e6 (a random Gaussian mix has 20–40), permutations and any float64 scale."""
    env, rng = WORLDS[world], np.random.default_rng(seed)
    codes = CODES[code][0](env)
    mixed = codes[:, rng.permutation(codes.shape[1])] @ conditioned_map(codes.shape[1], 10**log_condition, rng)
    assert_same(summary(check(mixed * 10**log_scale, env)), BASE[world, code])


def test_a_gaussian_mix_of_a_perfect_code_passes():
    """The case a user found: circles of C10 × C7 × C3 times a random Gaussian 6×6 matrix."""
    env = WORLDS["C10xC7xC3"]
    mixing = np.random.default_rng(0).standard_normal((6, 6))
    assert 10 < np.linalg.cond(mixing) < 1e3
    report = check(circles(env) @ mixing, env)
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("scale", [1e-200, 1e-30, 1e30, 1e200])
def test_any_global_scale(scale):
    env = WORLDS["gridworld"]
    report = check(circles(env) * scale, env)
    assert report.passed and report.linear_passed, report.reasons


@pytest.mark.parametrize(("sigma", "passes"), [(0.01, True), (0.5, False)])
@given(fraction=st.floats(0, 1), seed=st.integers(0, 2**16))
@settings(max_examples=8, deadline=None)
def test_noisy_verdicts_hold_under_maps_conditioned_within_the_margin(sigma, passes, fraction, seed):
    """A map of condition number below the report's basis margin keeps the verdict of a noisy code."""
    env = WORLDS["gridworld"]
    rng = np.random.default_rng(seed)
    noisy = circles(env) + sigma * rng.standard_normal((env.n_states, 6))
    report = check(noisy, env)
    assert report.passed == passes
    condition = 1 + fraction * (min(report.sbd.basis_margin, 1e6) - 1) * 0.99
    assert check(noisy @ conditioned_map(6, condition, rng), env).passed == passes


def test_noise_blown_up_by_a_map_is_undecidable_not_failed():
    """Jitter in unused latents passes; a map that scales those latents far beyond the basis margin makes
    the verdict depend on the code's scaling, and the report says so."""
    env = WORLDS["gridworld"]
    codes = np.concatenate([circles(env), 0.005 * np.random.default_rng(4).normal(size=(env.n_states, 4))], axis=1)
    report = check(codes, env)
    assert report.passed and not report.undecidable and report.sbd.basis_margin > 10
    blown = codes * np.r_[np.ones(6), np.full(4, 20 * report.sbd.basis_margin)]
    bad = check(blown, env)
    assert not bad.passed and bad.undecidable
    assert any("undecidable" in r for r in bad.reasons)
    assert bad.to_dict()["sbd"]["undecidable"] is True
    assert all(s.dimension == 2 for s in bad.sbd.subspaces.values())  # the basis-free findings stay


def test_large_noise_is_a_decided_failure():
    env = WORLDS["gridworld"]
    report = check(circles(env) + 0.5 * np.random.default_rng(3).normal(size=(env.n_states, 6)), env)
    assert not report.passed and not report.undecidable


def test_a_constant_code_is_collapsed_not_an_error():
    env = WORLDS["gridworld"]
    report = check(np.ones((env.n_states, 3)), env)
    assert not report.passed
    assert all(any(r.startswith("collapsed") for r in s.reasons) for s in report.sbd.subspaces.values())


@pytest.mark.parametrize("value", [0, -0.1, 1.5, float("nan"), "0.1", True])
def test_tolerances_outside_the_unit_interval_are_refused(value):
    env = WORLDS["gridworld"]
    with pytest.raises(InvalidOptionError, match="leak_tol"):
        check(circles(env), env, leak_tol=value)
