"""The checker's oracle suite: hand-built codes with known verdicts, on gridworld and on square."""

import json

import numpy as np
import pytest
import scipy.fft
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import envs
from symgroup.check import check
from symgroup.errors import EncoderError

WORLDS = {"gridworld": envs.make("gridworld"), "square": envs.make("square")}


def angles(env):
    return 2 * np.pi * env.states() / np.array(env.factor_sizes)


def circles(env, frequency=1):
    a = frequency * angles(env)
    return np.concatenate([np.cos(a), np.sin(a)], axis=1)


def lines(env):
    return env.states() * np.linspace(1.0, 2.0, len(env.factor_sizes))


def entangled(env):
    a = angles(env)
    parts = [np.cos(a[:, 0] + a[:, 1]), np.sin(a[:, 0] + a[:, 1]), np.cos(a[:, 0]), np.sin(a[:, 0])]
    parts += [f(a[:, k]) for k in range(2, a.shape[1]) for f in (np.cos, np.sin)]
    return np.stack(parts, axis=1)


@pytest.fixture(params=list(WORLDS))
def env(request):
    return WORLDS[request.param]


@pytest.mark.parametrize("frequency", [-1, 3, -3])
def test_each_frequency_is_named_by_its_representative_nearest_zero(frequency):
    """On C8, ω and ω ± 8 fit a code equally well: the report names ±1, not 7 or 9 by floating-point
    luck (the sign depends on the orientation of the principal axes, so only |ω| is asserted)."""
    env = WORLDS["gridworld"]
    noisy = circles(env, frequency) + 0.01 * np.random.default_rng(0).standard_normal((env.n_states, 6))
    report = check(noisy, env)
    assert {abs(w) for w in report.d_lsbd.omegas.values()} == {abs(frequency)}


def test_perfect_lsbd_code(env):
    report = check(circles(env), env, metrics=("mig",))
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)
    assert all(abs(w) == 1 for w in report.d_lsbd.omegas.values())
    assert report.metrics["mig"] < 0.15  # MIG wants one latent per factor: it misses a perfect LSBD code
    assert "classic metrics (test samples from a held-out third of the states)" in str(report)
    assert all(s.dimension == 2 for s in report.sbd.subspaces.values())
    assert report.axis_alignment == pytest.approx(1.0)


def test_a_rotated_basis_is_still_disentangled(env):
    rotation = scipy.fft.dct(np.eye(2 * len(env.factor_sizes)), norm="ortho")  # mixes every latent axis
    report = check(circles(env) @ rotation, env, metrics=("mig",))
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)
    assert report.axis_alignment < 0.85  # the axis-aligned view drops
    assert report.metrics["mig"] < 0.3  # far below what one latent per factor scores


def test_an_oblique_basis_is_still_disentangled(env):
    mixing = np.random.default_rng(2).normal(size=(2 * len(env.factor_sizes),) * 2)
    report = check(circles(env) @ mixing, env)
    assert report.passed and report.linear_passed, report.reasons


def test_one_coordinate_per_factor_is_sbd_but_not_linear(env):
    report = check(lines(env), env, metrics=("mig",))
    assert report.passed, report.reasons
    assert not report.linear_passed
    assert any("does not act linearly" in r for r in report.linear_reasons)
    # no 2-D rotation fits a 1-D subspace: ρ is the identity there and explains none of the motion
    assert report.d_lsbd.value == pytest.approx(1) and all(v == pytest.approx(1) for v in report.d_lsbd.scores.values())
    assert report.metrics["mig"] > 0.6


def test_entangled_circles_fail_for_x_and_y_only(env):
    report = check(entangled(env), env)
    assert not report.passed
    verdicts = {name: sub.passed for name, sub in report.sbd.subspaces.items()}
    assert not verdicts["x"] and not verdicts["y"]
    assert all(verdicts[n] for n in verdicts if n not in ("x", "y"))


def test_frequency_two_circles_are_not_injective(env):
    report = check(circles(env, frequency=2), env)
    assert not report.passed and not report.linear_passed
    assert any("not injective" in r for r in report.reasons)
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)  # D_LSBD alone is blind to it
    assert all(abs(w) == 2 for w in report.d_lsbd.omegas.values())


def test_a_collapsed_factor_fails_for_that_subgroup_only(env):
    codes = circles(env)
    k = len(env.factor_sizes)
    codes[:, [0, k]] = 0.0  # x carries no information
    report = check(codes, env)
    verdicts = {name: sub.passed for name, sub in report.sbd.subspaces.items()}
    assert verdicts == {name: name != "x" for name in env.factor_names}
    assert any(r.startswith("x: collapsed") for r in report.reasons)


def test_unused_latents_with_a_little_jitter_pass(env):
    codes = circles(env)
    jitter = 0.005 * np.random.default_rng(4).normal(size=(len(codes), 4))  # variance 2.5e-5 of a circle's 0.5
    report = check(np.concatenate([codes, jitter], axis=1), env)
    assert report.passed and report.linear_passed, report.reasons


def test_duplicated_dimensions_pass(env):
    codes = circles(env)
    report = check(np.concatenate([codes, codes[:, :3], 2 * codes[:, -1:]], axis=1), env)
    assert report.passed and report.linear_passed, report.reasons


@pytest.mark.parametrize(("sigma", "passes"), [(0.01, True), (0.5, False)])
def test_noise(env, sigma, passes):
    codes = circles(env)
    noisy = codes + sigma * np.random.default_rng(3).normal(size=codes.shape)
    report = check(noisy, env)
    assert report.passed == passes, report.reasons


def test_a_random_network_fails():
    env = envs.make("gridworld", n=6, hues=4, image_size=24)
    torch.manual_seed(0)
    network = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(3 * 24 * 24, 64), torch.nn.Tanh(), torch.nn.Linear(64, 8)
    )
    report = check(network, env)
    assert not report.passed and not report.linear_passed
    assert network.training  # the module's mode is restored


def test_a_hand_built_image_encoder_passes():
    """A numpy encoder that reads the object's cell and hue off the image, then maps them to circles."""
    env = envs.make("gridworld", n=6, hues=5, image_size=24)

    def encoder(images):
        cell = 24 // 6
        x = images.sum(axis=(1, 2)).argmax(axis=1) // cell
        y = images.sum(axis=(1, 3)).argmax(axis=1) // cell
        rgb = images.reshape(len(images), 3, -1).max(axis=2)
        hue = np.rint(np.array([__import__("colorsys").rgb_to_hsv(*c)[0] for c in rgb]) * 5) % 5
        a = 2 * np.pi * np.stack([x / 6, y / 6, hue / 5], axis=1)
        return np.concatenate([np.cos(a), np.sin(a)], axis=1)

    report = check(encoder, env)
    assert report.passed and report.linear_passed, report.reasons


def test_bad_encoders_raise_typed_errors():
    env = envs.make("gridworld", n=4, hues=2, image_size=16)
    with pytest.raises(EncoderError, match=r"NaN or inf.*state"):
        check(lambda x: np.full((len(x), 3), np.nan), env)
    with pytest.raises(EncoderError, match="gave 1 codes for"):
        check(lambda x: np.zeros((1, 3)), env)
    with pytest.raises(EncoderError, match=r"shape \(n, d\)"):
        check(lambda x: np.zeros(len(x)), env)
    with pytest.raises(EncoderError, match="code table"):
        check(np.zeros((5, 2)), env)
    with pytest.raises(EncoderError, match="not an array"):
        check(lambda x: "codes", env)


def test_report_is_json_safe_with_the_documented_keys(env):
    report = check(lines(env), env)
    data = json.loads(json.dumps(report.to_dict()))
    assert {"sbd", "lsbd", "d_lsbd", "subgroups", "metrics"} <= set(data)
    assert data["sbd"]["passed"] is True and data["lsbd"]["passed"] is False
    assert data["d_lsbd"]["value"] == pytest.approx(1)
    x = data["subgroups"]["x"]
    assert x["dimension"] == 1 and x["axes"] == [0] and len(x["basis"][0]) == len(env.factor_sizes)
    text = str(report)
    assert "SBD (split and injective): PASS" in text and "LSBD (SBD and linear): FAIL" in text


def test_a_large_world_is_checked_on_a_sample_with_intervals():
    env = WORLDS["square"]
    report = check(circles(env), env, max_states=800)
    assert report.sampled and report.states_encoded < env.n_states
    assert report.passed and report.linear_passed, report.reasons
    low, high = report.intervals["d_lsbd"]
    assert 0 <= low <= high < 1e-9
    bad = check(entangled(env), env, max_states=800)
    assert bad.sampled and not bad.passed


CODES = {"circles": (circles, True), "lines": (lines, True), "entangled": (entangled, False)}


@given(name=st.sampled_from(sorted(CODES)), seed=st.integers(0, 2**16))
@settings(max_examples=10)
def test_verdicts_are_invariant_under_permuting_and_scaling_latents(name, seed):
    """Permuting and rescaling latents keeps every verdict (tests/test_check_basis.py goes to any invertible map)."""
    env = WORLDS["gridworld"]
    make, _ = CODES[name]
    codes = make(env)
    rng = np.random.default_rng(seed)
    transformed = codes[:, rng.permutation(codes.shape[1])] * rng.uniform(0.5, 2.0, size=codes.shape[1])
    a, b = check(codes, env), check(transformed, env)
    assert (a.passed, a.linear_passed) == (b.passed, b.linear_passed) == (CODES[name][1], name == "circles")


def test_two_states_sharing_a_code_that_actions_separate_are_inconsistent():
    env = WORLDS["gridworld"]
    codes = circles(env)
    codes[env.index([[3, 3, 3]])] = codes[env.index([[0, 0, 0]])]  # one state wears another's code
    report = check(codes, env)
    assert not report.passed
    assert any("not consistent" in r and "[0, 0, 0]" in r and "[3, 3, 3]" in r for r in report.reasons)
    assert report.to_dict()["sbd"]["consistent"] is False
