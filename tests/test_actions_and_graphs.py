"""Group actions: the laws, orbits and stabilizers, and Cayley / Schreier graphs."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symgroup import Cyclic, Dihedral, DirectProduct, GroupAction, Symmetric, cayley_graph, schreier_graph
from symgroup.errors import InvalidStateError, NotAnActionError
from symgroup.strategies import group_and_elements, groups


def torus(n: int = 4, hues: int = 3) -> GroupAction:
    group = DirectProduct(x=Cyclic(n), y=Cyclic(n), colour=Cyclic(hues))
    sizes = np.array([n, n, hues])
    states = np.array(list(itertools.product(range(n), range(n), range(hues))))
    return GroupAction(group, states, act_batch=lambda g, s: (s + np.array(g.value)) % sizes)


def regular_action(group):
    """G acting on itself by left multiplication, states = element numbers."""
    elements = group.elements()
    return GroupAction(group, np.arange(group.order), act=lambda g, x: [group.index(g @ elements[x[0]])])


def square_vertices() -> GroupAction:
    """D4 acting on the 4 corners of a square: r turns by 90°, s reflects k ↦ −k."""
    return GroupAction(Dihedral(4), np.arange(4), act_batch=lambda g, s: ((-1) ** g.value[1] * s + g.value[0]) % 4)


@given(st.integers(2, 5), st.integers(1, 4), st.data())
def test_torus_action_laws_on_random_elements_and_states(n, hues, data):
    action = torus(n, hues)
    g, h = (data.draw(st.sampled_from(action.group.elements())) for _ in range(2))
    x = data.draw(st.sampled_from(list(action.states())))
    assert (action.act(action.group.identity, x) == x).all()
    assert (action.act(g @ h, x) == action.act(g, action.act(h, x))).all()
    assert (action.act(g, action.states())[action.index(x)] == action.act(g, x)).all()


@given(group_and_elements(2, among=groups(max_order=60)))
def test_regular_action_is_free_transitive_and_lawful(drawn):
    group, g, h = drawn
    action = regular_action(group)
    assert action.is_transitive and action.is_free
    assert (action.permutation(g @ h) == action.permutation(g)[action.permutation(h)]).all()


@given(st.sampled_from([square_vertices, lambda: torus(3, 2), lambda: regular_action(Symmetric(3))]))
def test_orbit_stabilizer_theorem(make):
    action = make()
    orbits = action.orbits()
    assert sum(len(o) for o in orbits) == action.n_states
    for orbit in orbits:
        assert len(orbit) * action.stabilizer(orbit[0]).order == action.group.order


def test_square_vertices_stabilizer_is_a_reflection():
    action = square_vertices()
    stabilizer = action.stabilizer([0])
    assert stabilizer.order == 2 and action.is_transitive and not action.is_free
    assert Dihedral(4).element((0, 1)) in stabilizer


def test_cayley_graph_has_an_edge_per_element_and_generator():
    group = Dihedral(4)
    graph = cayley_graph(group)
    assert isinstance(graph, nx.DiGraph)
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 16
    assert nx.is_strongly_connected(graph)
    for g, target, data in graph.edges(data=True):
        assert target == data["generator"] @ g and data["label"] == str(data["generator"])


def test_schreier_graph_of_the_torus():
    action = torus(4, 3)
    graph = schreier_graph(action)
    assert graph.number_of_nodes() == 48 and graph.number_of_edges() == 48 * 3
    labels = {label for _, _, label in graph.edges(data="label")}
    assert labels == {str(s) for s in action.group.generators}
    assert graph.has_edge((0, 0, 0), (1, 0, 0), key="(x=1, y=0, colour=0)")


def test_identity_that_moves_a_state_is_rejected_with_the_state():
    with pytest.raises(NotAnActionError, match=r"C4\(0\)·\[0\] = \[1\]") as error:
        GroupAction(Cyclic(4), np.arange(4), act_batch=lambda g, s: (s + g.value + 1) % 4)
    assert error.value.counterexample[1].tolist() == [0]


def test_broken_composition_law_is_rejected_with_a_counterexample():
    """A 'translation' that is blocked by a wall at x = 2 is not an action."""

    def blocked(g, s):
        return np.where(s + g.value >= 3, s, s + g.value) % 4

    with pytest.raises(NotAnActionError, match="not an action") as error:
        GroupAction(Cyclic(4), np.arange(4), act_batch=blocked)
    g, s, x = error.value.counterexample
    action = GroupAction(Cyclic(4), np.arange(4), act_batch=blocked, validate=False)
    assert (action.act(g @ s, x) != action.act(g, action.act(s, x))).any()


def test_leaving_the_state_set_is_rejected():
    with pytest.raises(NotAnActionError, match="leaves the state set"):
        GroupAction(Cyclic(4), np.arange(4), act_batch=lambda g, s: s + g.value)


def test_bad_state_arrays_are_rejected():
    with pytest.raises(InvalidStateError, match="listed twice"):
        GroupAction(Cyclic(2), [0, 0], act_batch=lambda g, s: s)
    with pytest.raises(InvalidStateError, match="integer"):
        GroupAction(Cyclic(2), [0.5, 1.5], act_batch=lambda g, s: s)
    with pytest.raises(InvalidStateError, match="not a state"):
        torus().index([9, 9, 9])
    with pytest.raises(NotAnActionError, match="exactly one"):
        GroupAction(Cyclic(2), [0, 1])
