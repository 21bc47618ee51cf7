"""Property-based tests of a representation, the way a user writes them for their own encoder.

The encoder under test reads the grid world's images directly: it finds the object's cell and its
hue and maps each factor to a point on a circle. Hypothesis draws states, group elements and moves
(symgroup.strategies); symgroup.testing's assert helpers check the definitions on every state. The
last test shows the helpers catching a representation that is not disentangled.

Run: ``pytest examples/test_representation_properties.py`` (the test suite runs it too).
"""

from __future__ import annotations

import colorsys

import numpy as np
import pytest
from hypothesis import given

import envs
from symgroup import Cyclic
from symgroup.strategies import env_elements, env_states, env_transitions
from symgroup.testing import assert_disentangled, assert_equivariant, assert_subgroup_invariant

WORLD = envs.make("gridworld", n=6, hues=5, image_size=24)
N, HUES, CELL = 6, 5, 24 // 6
RHO = WORLD.group.block_representation(
    x=Cyclic(N).rotation(1), y=Cyclic(N).rotation(1), colour=Cyclic(HUES).rotation(1)
)


def circle_encoder(images: np.ndarray) -> np.ndarray:
    """(n, 3, H, W) → (n, 6): (cos, sin) of 2π·x/N, of 2π·y/N and of 2π·hue/HUES, read off the pixels."""
    codes = []
    for image in images:
        rows, columns = np.nonzero(image.max(axis=0) > 0.5)
        x, y = columns.min() // CELL, rows.min() // CELL
        hue = colorsys.rgb_to_hsv(*image[:, rows[0], columns[0]])[0]
        angles = 2 * np.pi * np.array([x / N, y / N, round(hue * HUES) % HUES / HUES])
        codes.append(np.stack([np.cos(angles), np.sin(angles)], axis=1).reshape(-1))
    return np.array(codes)


@given(env_transitions(WORLD))
def test_each_move_acts_on_the_code_by_its_rotation(transition):
    states, moves, following = transition
    z, z_next = circle_encoder(WORLD.render(states)), circle_encoder(WORLD.render(following))
    matrices = np.stack([RHO(WORLD.moves[m]) for m in moves])
    np.testing.assert_allclose(z_next, np.einsum("nij,nj->ni", matrices, z), atol=1e-9)


@given(env_elements(WORLD), env_states(WORLD))
def test_every_group_element_acts_linearly(g, states):
    z, z_moved = circle_encoder(WORLD.render(states)), circle_encoder(WORLD.render(WORLD.act(g, states)))
    np.testing.assert_allclose(z_moved, z @ RHO(g).T, atol=1e-9)


def test_equivariant_disentangled_and_each_subspace_left_alone_by_the_others():
    assert_equivariant(circle_encoder, WORLD, RHO)
    report = assert_disentangled(circle_encoder, WORLD, linear=True)
    assert report.d_lsbd.value < 1e-9
    assert_subgroup_invariant(circle_encoder, WORLD, "colour", slice(0, 4))  # colour leaves x, y alone
    assert_subgroup_invariant(circle_encoder, WORLD, "x", slice(2, 6))


def test_the_helpers_catch_a_mixed_code():
    mix = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 6)))[0]  # rotates across subspaces
    mixed = lambda images: circle_encoder(images) @ mix.T  # noqa: E731
    assert_disentangled(mixed, WORLD, linear=True)  # a rotated basis is still disentangled (Higgins)
    with pytest.raises(AssertionError, match="moves the subspace"):
        assert_subgroup_invariant(mixed, WORLD, "colour", slice(0, 4))  # but not on the old axes
    collapsed = lambda images: circle_encoder(images)[:, :4]  # noqa: E731  colour dropped
    with pytest.raises(AssertionError):
        assert_disentangled(collapsed, WORLD)
