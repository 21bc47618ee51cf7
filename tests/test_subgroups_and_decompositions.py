"""Subgroups with inclusion and restriction maps, and the internal-direct-product check."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symgroup import Cyclic, Dihedral, DirectProduct, Symmetric, TableGroup, check_decomposition
from symgroup.errors import InvalidElementError, NotADirectProductError
from symgroup.strategies import group_and_elements


@given(group_and_elements(2))
def test_generated_subgroup_is_closed_and_maps_round_trip(drawn):
    group, a, b = drawn
    h = group.subgroup([a, b])
    assert a in h and b in h
    members = [h.include(x) for x in h.elements()]
    assert all(x @ y in h for x in members[:10] for y in members[:10])
    assert all(h.restrict(h.include(x)) == x for x in h.elements())
    assert group.order % h.order == 0  # Lagrange
    outside = [g for g in group.elements() if g not in h]
    assert all(h.restrict(g) is None for g in outside)
    assert len(outside) == group.order - h.order


@given(st.integers(1, 10), st.data())
def test_every_subgroup_of_a_cyclic_group_is_normal_and_cyclic(n, data):
    group = Cyclic(n)
    g = data.draw(st.sampled_from(group.elements()))
    h = group.subgroup([g])
    assert h.is_normal and h.order == g.order


def test_normality_in_s3():
    S3 = Symmetric(3)
    swap, cycle = S3.generators
    assert S3.subgroup([cycle]).is_normal
    x, y = S3.subgroup([swap]).conjugation_counterexample()
    assert x @ y @ ~x not in S3.subgroup([swap])


def test_c2_cubed_is_the_direct_product_of_three_named_subgroups():
    group = DirectProduct(a=Cyclic(2), b=Cyclic(2), c=Cyclic(2))
    a, b, c = group.generators
    assert check_decomposition(group, x=[a], y=[b], z=[c]).is_direct_product


def test_d3_is_not_rotations_times_a_reflection():
    D3 = Dihedral(3)
    r, s = D3.generators
    report = check_decomposition(D3, rotations=[r], flip=[s])
    assert not report.is_direct_product
    conditions = {f.condition: f for f in report.failures}
    assert set(conditions) == {"normal", "commute"}
    x, h = conditions["normal"].witness
    assert x @ h @ ~x not in D3.subgroup([s])
    a, b = conditions["commute"].witness
    assert a @ b != b @ a
    with pytest.raises(NotADirectProductError, match="flip is not normal"):
        report.require()


def test_c4_is_not_c2_times_c2():
    C4 = Cyclic(4)
    two = C4.element(2)
    report = check_decomposition(C4, a=[two], b=[two])
    assert {f.condition for f in report.failures} == {"independent", "generate"}
    (shared,) = report.failures[0].witness
    assert shared == two
    missing = next(f for f in report.failures if f.condition == "generate").witness[0]
    assert missing not in C4.subgroup([two])
    assert "C4(1) is missing" in str(report) or "C4(3) is missing" in str(report)


def test_c6_is_c2_times_c3():
    C6 = Cyclic(6)
    assert check_decomposition(C6, two=C6.subgroup([C6.element(3)]), three=[C6.element(2)]).is_direct_product


def test_pairwise_trivial_intersections_are_not_enough():
    """⟨a⟩, ⟨b⟩, ⟨ab⟩ in C2 × C2 meet pairwise in e, yet are not a direct decomposition."""
    klein = TableGroup([[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])
    a, b, ab = (klein.element(i) for i in (1, 2, 3))
    report = check_decomposition(klein, p=[a], q=[b], r=[ab])
    assert [f.condition for f in report.failures] == ["independent"] * 3


def test_a_subgroup_of_another_group_is_rejected():
    with pytest.raises(InvalidElementError, match="lies in C4"):
        check_decomposition(Cyclic(6), a=Cyclic(4).subgroup([Cyclic(4).element(2)]))
