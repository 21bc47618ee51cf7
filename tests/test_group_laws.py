"""The group axioms and the element API, for every built-in and for products of them."""

from hypothesis import given
from hypothesis import strategies as st

from symgroup import Cyclic, Dihedral, DirectProduct, PermutationGroup, Symmetric
from symgroup.strategies import group_and_elements, groups


@given(group_and_elements(2))
def test_closure(drawn):
    group, a, b = drawn
    assert a @ b in group


@given(group_and_elements(3))
def test_associativity(drawn):
    _, a, b, c = drawn
    assert (a @ b) @ c == a @ (b @ c)


@given(group_and_elements(1))
def test_identity_and_inverse(drawn):
    group, a = drawn
    e = group.identity
    assert e @ a == a == a @ e
    assert a @ ~a == e == ~a @ a
    assert ~~a == a


@given(group_and_elements(1))
def test_element_order_divides_group_order(drawn):
    group, a = drawn
    assert group.order % a.order == 0
    assert a**a.order == group.identity
    assert all(a**k != group.identity for k in range(1, a.order))


@given(group_and_elements(1), st.integers(-20, 20), st.integers(-20, 20))
def test_powers_add(drawn, j, k):
    _, a = drawn
    assert a**j @ a**k == a ** (j + k)


@given(groups())
def test_elements_are_distinct_start_with_identity_and_are_generated(group):
    elements = group.elements()
    assert len(set(elements)) == len(elements) == group.order
    assert elements[0] == group.identity
    assert group.subgroup(group.generators).order == group.order
    assert [group.index(g) for g in elements] == list(range(group.order))


@given(groups())
def test_is_abelian_agrees_with_brute_force(group):
    elements = group.elements()[:12]
    brute = all(a @ b == b @ a for a in group.elements() for b in group.generators)
    assert group.is_abelian == brute
    if group.is_abelian:
        assert all(a @ b == b @ a for a in elements for b in elements)


@given(group_and_elements(1))
def test_every_parametrisation_round_trips(drawn):
    group, g = drawn
    for param in group.PARAMETRIZATIONS:
        assert group.element(g.to(param), param) == g


@given(group_and_elements(2))
def test_equal_elements_hash_equal_and_groups_compare_by_value(drawn):
    _, a, b = drawn
    assert (a == b) == (a.value == b.value)
    if a == b:
        assert hash(a) == hash(b)
    assert Cyclic(5) == Cyclic(5) != Cyclic(6)
    assert Dihedral(3) != Cyclic(6)


def test_multiplication_table_matches_the_law():
    group = Dihedral(4)
    table = group.multiplication_table()
    elements = group.elements()
    assert all(elements[table[i, j]] == a @ b for i, a in enumerate(elements) for j, b in enumerate(elements))


def test_composition_order_is_function_composition():
    """(a @ b) acts as "b first, then a", also for permutations: (a @ b)(i) == a(b(i))."""
    S4 = Symmetric(4)
    a, b = S4.element((1, 2, 3, 0)), S4.element((1, 0, 2, 3))
    assert (a @ b).value == tuple(a.value[b.value[i]] for i in range(4))
    sympy_product = b.to("sympy") * a.to("sympy")  # sympy applies the left factor first
    assert (a @ b).value == tuple(sympy_product.array_form)


def test_named_groups_have_the_documented_orders_and_generators():
    assert [Cyclic(8).order, Dihedral(5).order, Symmetric(4).order] == [8, 10, 24]
    assert Cyclic(1).generators == () and Cyclic(1).order == 1
    r, s = Dihedral(5).generators
    assert (r.order, s.order) == (5, 2) and s @ r @ s == ~r
    assert PermutationGroup([(1, 2, 0, 4, 3)]).order == 6
    assert DirectProduct(a=Cyclic(4), b=Cyclic(3)).order == 12
    assert not Symmetric(3).is_abelian and Symmetric(2).is_abelian
