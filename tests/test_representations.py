"""Representations: homomorphism (numerically and exactly), orthogonality, characters, blocks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symgroup import (
    Cyclic,
    Dihedral,
    DirectProduct,
    Representation,
    Symmetric,
    check_homomorphism,
    check_orthogonal,
    direct_sum,
    regular,
    tensor,
    trivial,
)
from symgroup.errors import InvalidRepresentationError, NotAHomomorphismError, NotOrthogonalError
from symgroup.strategies import groups, representations


@given(groups(max_order=120), st.data())
def test_every_representation_is_a_homomorphism(group, data):
    rho = data.draw(representations(group))
    assert check_homomorphism(rho) < 1e-9
    a, b = (data.draw(st.sampled_from(group.elements())) for _ in range(2))
    assert np.allclose(rho(a @ b), rho(a) @ rho(b))
    assert np.allclose(rho(~a), np.linalg.inv(rho(a)))


@given(groups(max_order=60), st.data())
def test_every_built_in_representation_is_orthogonal_and_exact(group, data):
    rho = data.draw(representations(group))
    assert check_orthogonal(rho) < 1e-9
    assert check_homomorphism(rho, exact=True) == 0.0


@given(st.integers(1, 16), st.integers(-20, 20))
def test_rotation_representations_are_exact_homomorphisms(n, k):
    rho = Cyclic(n).rotation(k)
    assert check_homomorphism(rho, exact=True) == 0.0
    g = Cyclic(n).element(1 % n)
    angle = 2 * np.pi * k * g.value / n
    assert np.allclose(rho(g), [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


@given(st.integers(1, 12))
def test_exact_matrices_agree_with_the_float_ones(n):
    for rho in Dihedral(n).irreps():
        for g in rho.group.elements():
            exact = np.array(rho.exact(g).to_Matrix().evalf(), dtype=complex)
            assert np.allclose(exact.imag, 0) and np.allclose(exact.real, rho(g))


@given(st.integers(1, 10))
def test_dihedral_irreps_are_irreducible_and_complete(n):
    """Real irreps of D_n are absolutely irreducible: ⟨χ_i, χ_j⟩ = |G| δ_ij, and Σ d² = |G|."""
    group = Dihedral(n)
    irreps = group.irreps()
    chars = np.array([[rho.character(g) for g in group.elements()] for rho in irreps])
    assert np.allclose(chars @ chars.T, group.order * np.eye(len(irreps)))
    assert sum(rho.dim**2 for rho in irreps) == group.order


@given(st.integers(1, 12))
def test_cyclic_irreps_characters(n):
    """1-D irreps have ⟨χ, χ⟩ = |G|; the 2-D rotations (two complex irreps each) 2|G|; all orthogonal."""
    group = Cyclic(n)
    irreps = group.irreps()
    chars = np.array([[rho.character(g) for g in group.elements()] for rho in irreps])
    assert np.allclose(chars @ chars.T, group.order * np.diag([rho.dim for rho in irreps]))


@given(groups(max_order=24))
def test_regular_character_is_order_at_identity_and_zero_elsewhere(group):
    rho = regular(group)
    assert [rho.character(g) for g in group.elements()] == [group.order] + [0.0] * (group.order - 1)


def test_direct_sum_keeps_block_slices_and_is_block_diagonal():
    G = DirectProduct(x=Cyclic(8), y=Cyclic(8), colour=Cyclic(5))
    rho = G.block_representation(x=Cyclic(8).rotation(1), y=Cyclic(8).rotation(3), colour=Cyclic(5).rotation(2))
    assert rho.slices == {"x": slice(0, 2), "y": slice(2, 4), "colour": slice(4, 6)}
    g = G.from_factors(y=3)
    m = rho(g)
    assert np.allclose(m[rho.slices["x"], rho.slices["x"]], np.eye(2))
    assert np.allclose(m[rho.slices["colour"], rho.slices["colour"]], np.eye(2))
    assert np.allclose(m[rho.slices["y"], rho.slices["y"]], Cyclic(8).rotation(3)(Cyclic(8).element(3)))
    assert np.count_nonzero(np.abs(m) > 1e-12) <= 2 * 2 * 3
    assert check_homomorphism(rho, exact=True) == 0.0


def test_direct_sum_names_repeated_blocks_and_tensor_multiplies_characters():
    C5 = Cyclic(5)
    rho = C5.rotation(1) + C5.rotation(1)
    assert list(rho.slices) == ["C5.rotation(1)", "C5.rotation(1)#2"]
    t = tensor(C5.rotation(1), C5.rotation(2))
    for g in C5.elements():
        assert np.isclose(t.character(g), C5.rotation(1).character(g) * C5.rotation(2).character(g))


def test_from_matrices_extends_generators_and_checks():
    D4 = Dihedral(4)
    r, s = D4.generators
    rho = Representation.from_matrices(D4, {r: [[0, -1], [1, 0]], s: [[1, 0], [0, -1]]}, name="square")
    assert np.allclose(rho(r @ s), D4.irrep(1)(r @ s))
    with pytest.raises(NotAHomomorphismError, match="square is not a homomorphism") as error:
        Representation.from_matrices(D4, {r: [[0, -1], [1, 0]], s: [[-1, 0], [0, -1]]}, name="square")
    g, generator = error.value.counterexample
    assert g in D4 and generator in (r, s)


def test_a_full_table_that_breaks_the_law_names_the_pair():
    C3 = Cyclic(3)
    table = {g: [[1.0 + g.value]] for g in C3.elements()}
    with pytest.raises(NotAHomomorphismError, match="ρ"):
        Representation.from_matrices(C3, table)


def test_exact_check_catches_a_rotation_of_the_wrong_order():
    """Rotating by 2π/7 is no representation of C6: the exact check finds ρ(5 @ 1) ≠ ρ(5) ρ(1)."""
    C6 = Cyclic(6)
    fake = Representation(
        C6,
        lambda g: Cyclic(7).rotation(1)(Cyclic(7).element(g.value)),
        "fake",
        exact=lambda g: Cyclic(7).rotation(1).exact(Cyclic(7).element(g.value)),
        root_order=28,
    )
    with pytest.raises(NotAHomomorphismError, match=r"C6\(5\) @ C6\(1\)"):
        check_homomorphism(fake, exact=True)
    with pytest.raises(NotAHomomorphismError):
        check_homomorphism(fake)


def test_non_orthogonal_and_malformed_representations():
    C2 = Cyclic(2)
    skew = Representation.from_matrices(C2, {C2.element(1): [[1.0, 1.0], [0.0, -1.0]]})
    with pytest.raises(NotOrthogonalError, match=r"C2\(1\)"):
        check_orthogonal(skew)
    with pytest.raises(InvalidRepresentationError, match="shape"):
        Representation.from_matrices(C2, {C2.element(1): [[1.0, 0.0]]})
    with pytest.raises(InvalidRepresentationError, match="generating set"):
        Representation.from_matrices(Cyclic(4), {Cyclic(4).element(2): [[-1.0]]})
    with pytest.raises(InvalidRepresentationError, match="cannot add"):
        direct_sum(trivial(C2), trivial(Cyclic(3)))
    with pytest.raises(InvalidRepresentationError, match="no exact form"):
        check_homomorphism(skew, exact=True)


def test_natural_representation_of_symmetric_group():
    S4 = Symmetric(4)
    rho = S4.natural_representation()
    g = S4.element((1, 2, 3, 0))
    assert (rho(g) @ np.arange(4) == [3, 0, 1, 2]).all()  # e_i ↦ e_{g(i)} moves coordinate i to g(i)
    assert check_homomorphism(rho, exact=True) == 0.0
