"""A world is a group action: one state index, one law check, orbits, stabilizers and Schreier graphs
for every world; its state-level sampling needs neither the learners nor the checker."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_envs import LAWFUL, small

import envs
from envs import sampling
from symgroup import Cyclic, Dihedral, GroupAction, StateGrid, Symmetric, check_homomorphism, schreier_graph
from symgroup.errors import InvalidStateError, NotAGroupError, NotAnActionError


@pytest.mark.parametrize("name", LAWFUL)
def test_every_world_is_a_group_action_with_orbits_and_a_schreier_graph(name):
    env = small(name)
    assert isinstance(env, GroupAction)
    env.check_laws(states=env.states()[:: max(1, env.n_states // 200)])
    graph = schreier_graph(env)
    assert graph.number_of_nodes() == env.n_states
    assert graph.number_of_edges() == env.n_states * len(env.group.generators)
    orbit = env.orbit(env.states()[0])
    assert len(orbit) * env.stabilizer(env.states()[0]).order == env.group.order  # orbit-stabilizer


def test_gridworld_is_a_free_transitive_action_and_its_orbit_table_acts():
    env = small("gridworld")
    assert env.is_transitive and env.is_free
    bases = env.states()[[0, 7, 30]]
    elements = [env.group.embed("x", 1), env.group.embed("colour", 2), env.group.identity]
    table = env.orbit_table(bases, elements)
    for t, g in enumerate(elements):
        assert (env.states(table[:, t]) == env.act(g, bases)).all()


def test_dihedral_glyph_pose_orbits_follow_orbit_stabilizer():
    """The pose subgroup D4, restricted to, acts freely: its orbits are the 8 poses of each glyph."""
    env = small("dihedral_glyph")
    pose = env.restrict(env.group.factor_subgroup("pose"))
    assert pose.is_free and len(pose.orbits()) == env.n_states // 8
    orbit = pose.orbit(env.states()[0])
    assert len(orbit) == env.factors["pose"].group.order == 8 and (orbit[:, 1:] == env.states()[0, 1:]).all()
    with pytest.raises(NotAGroupError, match="not a subgroup"):
        env.restrict(Dihedral(4).subgroup([Dihedral(4).element((1, 0))]))


@given(sizes=st.lists(st.integers(1, 6), min_size=1, max_size=4), data=st.data())
@settings(max_examples=40)
def test_a_state_grid_numbers_its_states_row_major_and_round_trips(sizes, data):
    action = GroupAction(Cyclic(1), StateGrid(sizes), act_batch=lambda g, s: s)
    numbers = np.array(data.draw(st.lists(st.integers(0, action.n_states - 1), min_size=1, max_size=10)))
    assert (action.index(action.states(numbers)) == numbers).all()
    assert (action.states() == np.array(np.unravel_index(np.arange(action.n_states), sizes)).T).all()
    with pytest.raises(InvalidStateError, match="is not a state"):
        action.index([[*sizes[:-1], sizes[-1]]])
    with pytest.raises(InvalidStateError, match="no state is numbered"):
        action.states([action.n_states])


def test_the_laws_are_checked_on_the_states_given():
    """C4 turning 0..3 lawfully, and 4..7 blocked by a wall: lawful on the first copy only."""

    def half_blocked(g, s):
        blocked = 4 + np.where(s - 4 + g.value >= 3, s - 4, s - 4 + g.value) % 4
        return np.where(s < 4, (s + g.value) % 4, blocked)

    action = GroupAction(Cyclic(4), StateGrid([8]), act_batch=half_blocked, validate=False)
    action.check_laws(states=[[0], [1], [2], [3]])
    with pytest.raises(NotAnActionError, match="not an action") as error:
        action.check_laws(states=[[0], [5]])
    assert error.value.counterexample[2].tolist() == [5]


@pytest.mark.parametrize(
    "group", [Cyclic(2), Cyclic(5), Cyclic(12), Dihedral(3), Dihedral(8), Symmetric(3), Symmetric(4)]
)
def test_faithful_representations_are_faithful_orthogonal_homomorphisms(group):
    found = group.faithful_representations()
    assert found
    for rho in found:
        assert check_homomorphism(rho) < 1e-9
        matrices = rho.matrices()
        assert np.allclose(np.swapaxes(matrices, 1, 2) @ matrices, np.eye(rho.dim))
        moved = [not np.allclose(m, np.eye(rho.dim)) for m in matrices[1:]]
        assert all(moved), f"{rho} fixes an element other than the identity"


def test_walks_start_uniformly_and_learners_draw_from_the_training_distribution():
    """With correlation 1 every training state has style = colour mod styles; the world's own random
    walks start anywhere, as they say, and a draw names its distribution."""
    env = envs.make("styled_gridworld", n=4, hues=3, image_size=24, correlation=1.0)
    tied = lambda states: states[:, 3] == states[:, 2] % env.styles  # noqa: E731
    assert tied(sampling.draw_states(env, 300, np.random.default_rng(0), "training")).all()
    assert not tied(env.random_walks(300, 1, 0).states[:, 0]).all()
    trained, _ = sampling.paths(env, 300, 1, np.random.default_rng(0), distribution="training")
    assert tied(trained[:, 0]).all()
    with pytest.raises(Exception, match="'uniform' or 'training'"):
        sampling.draw_states(env, 3, np.random.default_rng(0), "balanced")


def test_the_world_layer_imports_neither_the_learners_nor_the_checker():
    script = (
        "import sys, envs\n"
        "env = envs.make('gridworld', n=3, hues=2, image_size=12)\n"
        "env.random_walks(4, 2, 0, observations=True); env.transitions(3, 0); env.validate()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('symgroup.learn', 'symgroup.check', 'torch'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
