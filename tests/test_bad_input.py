"""Bad input raises a typed error that names what is wrong, with a counterexample."""

import numpy as np
import pytest
from hypothesis import given

from symgroup import Cyclic, Dihedral, PermutationGroup, Symmetric, TableGroup
from symgroup.errors import (
    InvalidElementError,
    NoIdentityError,
    NoInverseError,
    NotAGroupError,
    NotAssociativeError,
    NotClosedError,
    SymgroupError,
)
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
