"""Bad input raises a typed error that names what is wrong, with a counterexample."""

import numpy as np
import pytest
from hypothesis import given

import envs
from symgroup import Cyclic, Dihedral, DirectProduct, GroupAction, PermutationGroup, Symmetric, TableGroup
from symgroup.check import check, metrics
from symgroup.errors import (
    EncoderError,
    FactorNameError,
    InvalidElementError,
    InvalidOptionError,
    InvalidRepresentationError,
    InvalidStateError,
    NoIdentityError,
    NoInverseError,
    NotAGroupError,
    NotAssociativeError,
    NotClosedError,
    SymgroupError,
)
from symgroup.representation import Representation
from symgroup.strategies import table_groups


@given(table_groups())
def test_relabelled_group_tables_are_accepted_and_keep_their_law(group):
    table = group.table
    assert all(
        group.element(int(table[a, b])) == group.element(a) @ group.element(b)
        for a in range(len(table))
        for b in range(len(table))
    )


def test_non_associative_table_names_the_triple():
    # a Latin square with identity 0 and inverses, but not associative (a loop that is no group)
    table = [
        [0, 1, 2, 3, 4],
        [1, 0, 3, 4, 2],
        [2, 4, 0, 1, 3],
        [3, 2, 4, 0, 1],
        [4, 3, 1, 2, 0],
    ]
    with pytest.raises(NotAssociativeError, match=r"not associative: \(\d·\d\)·\d") as error:
        TableGroup(table)
    a, b, c = error.value.counterexample
    t = np.array(table)
    assert t[t[a, b], c] != t[a, t[b, c]]


def test_table_without_identity():
    with pytest.raises(NoIdentityError, match="no identity"):
        TableGroup([[0, 0], [1, 1]])


def test_element_without_inverse_is_named():
    with pytest.raises(NoInverseError, match="element 1 has no inverse") as error:
        TableGroup([[0, 1], [1, 1]])
    assert error.value.counterexample == 1


def test_table_that_is_not_closed_or_not_square():
    with pytest.raises(NotClosedError, match="1·1 = 5") as error:
        TableGroup([[0, 1], [1, 5]])
    assert error.value.counterexample == (1, 1)
    with pytest.raises(NotAGroupError, match="n×n"):
        TableGroup([[0, 1]])
    with pytest.raises(NotAGroupError, match="integers"):
        TableGroup([[0.0]])


def test_group_parameters_are_validated():
    for bad in (0, -3, 2.5, True):
        with pytest.raises(InvalidElementError):
            Cyclic(bad)
        with pytest.raises(InvalidElementError):
            Dihedral(bad)
        with pytest.raises(InvalidElementError):
            Symmetric(bad)
    with pytest.raises(InvalidElementError, match="not a permutation"):
        PermutationGroup([(0, 0, 1)])


def test_elements_of_other_groups_and_bad_values_are_rejected():
    with pytest.raises(InvalidElementError, match="not an element of C4"):
        Cyclic(4).element(1) @ Cyclic(5).element(1)
    with pytest.raises(InvalidElementError, match="7 is not an element of C4"):
        Cyclic(4).element(7)
    with pytest.raises(InvalidElementError, match="not a multiple"):
        Cyclic(4).element(0.3, "radians")
    with pytest.raises(InvalidElementError, match="unknown parametrisation 'degrees'"):
        Cyclic(4).element(90, "degrees")
    with pytest.raises(InvalidElementError, match="orthogonal"):
        Dihedral(4).element([[2, 0], [0, 1]], "MAT")
    with pytest.raises(InvalidElementError):
        Symmetric(3).element((1, 1, 0))
    with pytest.raises(InvalidElementError):
        PermutationGroup([(1, 2, 0)]).element((1, 0, 2))  # a transposition is not in C3 ≤ S3
    with pytest.raises(InvalidElementError, match="no irrep"):
        Dihedral(5).irrep(1, 1)


def test_every_error_is_a_symgroup_error():
    with pytest.raises(SymgroupError):
        TableGroup([[0, 0], [1, 1]])


C4 = Cyclic(4)
SQUARE = GroupAction(C4, np.arange(4)[:, None], act_batch=lambda g, s: (s + g.value) % 4)
GRID = envs.make("gridworld", n=4, hues=2, image_size=16)
RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: SQUARE.act(C4.element(1), [17]), InvalidStateError, r"\[17\] is not a state"),
        (lambda: SQUARE.act(C4.element(1), [1, 2, 3]), InvalidStateError, "with 1 components, got"),
        (lambda: GroupAction(5, np.arange(4)[:, None], act_batch=lambda g, s: s), NotAGroupError, "needs a Group"),
        (lambda: DirectProduct({" ": C4}), FactorNameError, "must be a non-empty name"),
        (lambda: TableGroup([[0, 1], [1]]), NotAGroupError, "must be a rectangular array of numbers"),
        (
            lambda: Representation.from_matrices(C4, {C4.element(1): [[0, -1], [1]]}),
            InvalidRepresentationError,
            r"the matrix of C4\(1\) must be a rectangular array",
        ),
        (lambda: Representation.from_matrices(Cyclic(1), {}), InvalidRepresentationError, "at least one matrix"),
        (
            lambda: Representation(C4, lambda g: "abc", "bad")(C4.element(1)),
            InvalidRepresentationError,
            r"bad\(C4\(0\)\) must be a rectangular array of numbers, got 'abc'",
        ),
        (lambda: envs.make("flatland", radius=-5), InvalidOptionError, "radius must be a finite number > 0"),
        (lambda: envs.make("flatland", radius=float("nan")), InvalidOptionError, "radius must be a finite number > 0"),
        (lambda: GRID.act_moves(np.array([99]), GRID.states()[:1]), InvalidOptionError, "move id 99 is not one of"),
        (lambda: GRID.act_moves(np.array([0.5]), GRID.states()[:1]), InvalidOptionError, "move_ids must be 1 integers"),
        (lambda: GRID.transitions(n=-1), InvalidOptionError, "n must be an integer ≥ 0, got -1"),
        (lambda: GRID.random_walks(4, length=1.5), InvalidOptionError, "length must be an integer ≥ 0"),
        (lambda: GRID.sample_states(2.5), InvalidOptionError, "n must be an integer ≥ 0, got 2.5"),
        (lambda: GRID.validate(max_states=0), InvalidOptionError, "max_states must be an integer ≥ 1, got 0"),
        (lambda: GRID.validate(max_elements=-1), InvalidOptionError, "max_elements must be an integer ≥ 1"),
        (
            lambda: check(np.zeros((GRID.n_states, 3)), GRID, bogus_tol=1),
            InvalidOptionError,
            "no tolerance is called bogus_tol",
        ),
        (
            lambda: metrics(np.zeros((1, 3)), np.zeros((1, 2), dtype=int)),
            EncoderError,
            "factor column 0 takes one value in all 1 rows",
        ),
        (
            lambda: metrics(RNG.normal(size=(50, 3)), np.stack([np.arange(50) % 4, np.zeros(50, int)], 1)),
            EncoderError,
            "factor column 1 takes one value in all 50 rows",
        ),
    ],
)
def test_bad_values_are_typed_errors_that_name_them(make, error, message):
    with pytest.raises(error, match=message):
        make()
