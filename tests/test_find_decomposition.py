"""find_decomposition: the finest partition of a world's subgroups (and the subgroups ignored) under
which a code is SBD — oracle codes whose answer is known by construction, the search's own laws,
and the command line."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import envs
from symgroup.check import find_decomposition
from symgroup.check.discovery import bell, levels
from symgroup.cli import main
from symgroup.errors import InvalidOptionError

WORLD = envs.make("gridworld", n=4, hues=3, image_size=16)
STATES = WORLD.states()
X, Y, COLOUR = (STATES[:, i] for i in range(3))


def circle(values, n):
    angle = 2 * np.pi * values / n
    return np.stack([np.cos(angle), np.sin(angle)], axis=1)


def one_hot(values, n):
    return np.eye(n)[values]


PERFECT = np.hstack([circle(X, 4), circle(Y, 4), circle(COLOUR, 3)])
POSITION = one_hot(4 * X + Y, 16)  # (x, y) as one block (the regular representation of C4 × C4), colour not encoded


def test_a_perfect_code_gets_every_subgroup_alone():
    found = find_decomposition(PERFECT, WORLD)
    assert found.parts == (("x",), ("y",), ("colour",)) and found.ignored == ()
    assert found.linear_passed and len(found.tried) == 1  # the finest partition passed at once


def test_a_rotated_perfect_code_is_still_every_subgroup_alone():
    """Higgins et al.'s definition is basis-free: an oblique mix of a disentangled code is disentangled."""
    mix = np.random.default_rng(0).normal(size=(6, 6))
    assert find_decomposition(PERFECT @ mix, WORLD).parts == (("x",), ("y",), ("colour",))


def test_a_joint_position_code_that_ignores_colour():
    found = find_decomposition(POSITION, WORLD)
    assert (found.parts, found.ignored, found.linear_passed) == ((("x", "y"),), ("colour",), True)
    assert found.decomposition == {"x+y": ("x", "y")}
    assert found.tried[0].parts == (("x",), ("y",), ("colour",)) and not found.tried[0].passed
    assert "x+y, colour ignored (LSBD pass)" in str(found)


def test_a_joint_position_beside_its_own_colour_block():
    code = np.hstack([POSITION, circle(COLOUR, 3)])
    found = find_decomposition(code, WORLD)
    assert found.parts == (("x", "y"), ("colour",)) and found.ignored == ()
    greedy = find_decomposition(code, WORLD, exhaustive=1)
    assert greedy.parts == found.parts and greedy.search.startswith("greedily")


def test_a_code_of_the_whole_state_is_one_part():
    found = find_decomposition(one_hot(12 * X + 3 * Y + COLOUR, 48), WORLD)
    assert found.parts == (("x", "y", "colour"),) and found.linear_passed  # a permutation representation


def test_a_nonlinear_code_is_sbd_but_not_lsbd_where_found():
    """A 1-D code of each cyclic subgroup (its value as a number) is disentangled but not linear."""
    found = find_decomposition(np.stack([X, Y, COLOUR], axis=1).astype(float), WORLD)
    assert found.parts == (("x",), ("y",), ("colour",)) and not found.linear_passed
    assert found.report.linear_reasons and "LSBD fail" in str(found)


def test_a_collapsed_code_disentangles_nothing():
    found = find_decomposition(np.ones((len(STATES), 3)), WORLD)
    assert not found.found and found.parts is None and "collapsed" in found.reason
    assert "no decomposition" in str(found)


def test_a_code_that_confuses_states_is_sbd_under_no_decomposition():
    """x only by its parity: two states of every x-orbit share a code, so no part containing x can be
    injective, merged with whatever."""
    code = np.hstack([circle(X % 2, 2), circle(Y, 4), circle(COLOUR, 3)])
    found = find_decomposition(code, WORLD)
    assert not found.found and len(found.tried) == bell(3)  # every partition tried, none passed
    assert all(not a.passed for a in found.tried)


def test_the_latent_axes_order_does_not_change_the_answer():
    code = np.hstack([POSITION, circle(COLOUR, 3)])
    shuffled = code[:, np.random.default_rng(1).permutation(code.shape[1])]
    assert find_decomposition(shuffled, WORLD).parts == find_decomposition(code, WORLD).parts


def test_bad_input_is_a_typed_error():
    with pytest.raises(InvalidOptionError, match="exhaustive"):
        find_decomposition(PERFECT, WORLD, exhaustive=0)
    with pytest.raises(InvalidOptionError, match="leak_tol"):
        find_decomposition(PERFECT, WORLD, leak_tol=2.0)


@given(st.integers(0, 6))
def test_levels_list_every_partition_once_finest_first(n):
    items = [f"f{i}" for i in range(n)]
    partitions = [p for level in levels(items) for p in level]
    assert len(partitions) == len(set(partitions)) == bell(n)
    sizes = [len(p) for p in partitions]
    assert sizes == sorted(sizes, reverse=True)
    for partition in partitions:
        assert sorted(f for part in partition for f in part) == items  # each item in exactly one part
        assert [part[0] for part in partition] == sorted(part[0] for part in partition)  # parts by first item


def test_bell_numbers():
    assert [bell(n) for n in range(8)] == [1, 1, 2, 5, 15, 52, 203, 877]


def test_the_command_line_discovers_and_writes_json(tmp_path, capsys):
    np.save(tmp_path / "codes.npy", POSITION)
    out = tmp_path / "report.json"
    args = ["check", str(tmp_path / "codes.npy"), "--env", "gridworld", "--set", "env.n=4", "--set", "env.hues=3"]
    assert main([*args, "--set", "env.image_size=16", "--discover", "--json", str(out)]) == 0
    assert "the code is SBD under x+y, colour ignored" in capsys.readouterr().out
    found = json.loads(out.read_text())["discovered"]
    assert found["parts"] == [["x", "y"]] and found["ignored"] == ["colour"] and found["lsbd"]
