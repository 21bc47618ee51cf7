"""The assertion helpers and the pytest plugin's fixtures, as a user's test suite would use them."""

import numpy as np
import pytest

from symgroup import Cyclic
from symgroup.testing import (
    assert_disentangled,
    assert_equivariant,
    assert_subgroup_invariant,
    equivariance_error,
    subgroup_invariance_error,
)


def circle_codes(env):
    a = 2 * np.pi * env.states() / np.array(env.factor_sizes)
    return np.concatenate([np.stack([np.cos(a[:, k]), np.sin(a[:, k])], axis=1) for k in range(a.shape[1])], axis=1)


def test_fixtures_from_the_plugin(env_gridworld, env_square, make_env):
    assert env_gridworld.n_states == 512 and env_square.n_states == 4096
    assert make_env("gridworld", n=3, image_size=12).n_states == 3 * 3 * 8


def test_assert_equivariant_passes_the_right_representation_and_fails_a_wrong_one(make_env):
    env = make_env("gridworld", n=5, hues=3, image_size=20)
    codes = circle_codes(env)
    right = env.group.block_representation(
        x=Cyclic(5).rotation(1), y=Cyclic(5).rotation(1), colour=Cyclic(3).rotation(1)
    )
    assert_equivariant(codes, env, right)
    assert max(equivariance_error(codes, env, right).values()) < 1e-12
    wrong = env.group.block_representation(
        x=Cyclic(5).rotation(2), y=Cyclic(5).rotation(1), colour=Cyclic(3).rotation(1)
    )
    with pytest.raises(AssertionError, match=r"not equivariant.*\(x=1, y=0, colour=0\)"):
        assert_equivariant(codes, env, wrong)


def test_a_non_injective_code_is_not_equivariant_with_a_faithful_representation(make_env):
    env = make_env("gridworld", n=4, hues=2, image_size=16)
    a = 4 * np.pi * env.states() / np.array(env.factor_sizes)  # frequency 2
    codes = np.concatenate([np.stack([np.cos(a[:, k]), np.sin(a[:, k])], axis=1) for k in range(3)], axis=1)
    faithful = env.group.block_representation(
        x=Cyclic(4).rotation(1), y=Cyclic(4).rotation(1), colour=Cyclic(2).rotation(1)
    )
    with pytest.raises(AssertionError):
        assert_equivariant(codes, env, faithful)
    with pytest.raises(AssertionError, match="not disentangled"):
        assert_disentangled(codes, env)


def test_subgroup_invariance_names_the_generator(make_env):
    env = make_env("gridworld", n=5, hues=3, image_size=20)
    codes = circle_codes(env)
    assert_subgroup_invariant(codes, env, "x", slice(2, 6))
    assert max(subgroup_invariance_error(codes, env, "colour", [0, 1, 2, 3]).values()) == 0.0
    with pytest.raises(AssertionError, match=r"subgroup 'x' moves the subspace: \(x=1, y=0, colour=0\)"):
        assert_subgroup_invariant(codes, env, "x", [0])
    rotated_basis = np.eye(6)[:, 2:6] @ np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4)))[0]
    assert_subgroup_invariant(codes, env, "x", rotated_basis)


def test_assert_disentangled_carries_the_report(make_env):
    env = make_env("gridworld", n=5, hues=3, image_size=20)
    lines = env.states().astype(float)
    assert assert_disentangled(lines, env).passed
    with pytest.raises(AssertionError, match=r"(?s)not linearly disentangled.*does not act linearly"):
        assert_disentangled(lines, env, linear=True)
