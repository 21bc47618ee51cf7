"""Direct products keep their decomposition: embed / project round trips and homomorphisms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symgroup import Cyclic, Dihedral, DirectProduct, check_decomposition
from symgroup.errors import FactorNameError, InvalidElementError
from symgroup.strategies import direct_products, groups


@st.composite
def product_name_elements(draw):
    group = draw(direct_products())
    name = draw(st.sampled_from(group.names))
    factor = group.factor(name)
    return group, name, draw(st.sampled_from(factor.elements())), draw(st.sampled_from(factor.elements()))


@given(product_name_elements())
def test_project_after_embed_is_the_identity_and_embed_is_a_homomorphism(drawn):
    group, name, a, b = drawn
    assert group.project(name, group.embed(name, a)) == a
    assert group.embed(name, a @ b) == group.embed(name, a) @ group.embed(name, b)
    assert all(
        group.project(other, group.embed(name, a)).value == group.factor(other).identity.value
        for other in group.names
        if other != name
    )


@given(direct_products(), st.data())
def test_project_is_a_homomorphism_and_components_rebuild_the_element(group, data):
    g, h = data.draw(st.sampled_from(group.elements())), data.draw(st.sampled_from(group.elements()))
    for name in group.names:
        assert group.project(name, g @ h) == group.project(name, g) @ group.project(name, h)
    assert group.from_factors(**{n: group.project(n, g) for n in group.names}) == g


@given(direct_products())
def test_a_direct_product_is_the_internal_direct_product_of_its_factors(group):
    report = check_decomposition(group)
    assert report.is_direct_product, str(report)
    assert {n: h.order for n, h in report.subgroups.items()} == {n: f.order for n, f in group.factors.items()}


def test_products_of_products_keep_every_level():
    position = DirectProduct(x=Cyclic(4), y=Cyclic(4))
    world = DirectProduct(position=position, colour=Cyclic(3))
    step = world.embed("position", position.embed("y", 1))
    assert world.project("position", step) == position.from_factors(y=1)
    assert world.order == 48 and world.factor("position") is position
    assert check_decomposition(world).is_direct_product


def test_the_decomposition_is_data_not_inferred():
    """C4 × C3 ≅ C12, yet the product remembers its two named factors."""
    product = DirectProduct(a=Cyclic(4), b=Cyclic(3))
    assert product.names == ("a", "b") and any(g.order == 12 for g in product.elements())
    assert product != Cyclic(12)


def test_unknown_and_duplicated_factor_names_are_rejected():
    group = DirectProduct(x=Cyclic(3), y=Cyclic(3))
    with pytest.raises(FactorNameError, match=r"no factor 'z'.*x, y"):
        group.embed("z", 1)
    with pytest.raises(FactorNameError):
        group.from_factors(z=1)
    with pytest.raises(FactorNameError):
        DirectProduct({"x": Cyclic(2)}, x=Cyclic(3))
    with pytest.raises(FactorNameError):
        DirectProduct()
    with pytest.raises(FactorNameError, match="one representation per factor"):
        group.block_representation(x=Cyclic(3).rotation(1), colour=Cyclic(3).rotation(1))
    with pytest.raises(FactorNameError, match="represents D3"):
        group.lift("x", Dihedral(3).irrep(1))


@given(groups())
def test_bad_values_raise_invalid_element_with_the_value(group):
    with pytest.raises(InvalidElementError, match="not an element"):
        group.element("not an element")
