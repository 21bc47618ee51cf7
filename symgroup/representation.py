"""Real linear representations ρ: G → GL(d, ℝ) of finite groups, with named blocks.

A :class:`Representation` is a callable g ↦ ρ(g) (a float64 d×d matrix) plus ``slices``: the index
range of each named block, as e3nn's ``Irreps.slices()``. A direct sum is block-diagonal and keeps the
blocks; for a :class:`~symgroup.product.DirectProduct` G = G₁ × … × Gₙ,
``G.block_representation(x=ρ₁, …)`` is ρ₁ ⊕ … ⊕ ρₙ with block i acted on by G_i only — the linear
disentangled representation of Higgins et al. 2018 (arXiv 1812.02230), section 3.

>>> from symgroup import Cyclic, direct_sum
>>> C4 = Cyclic(4)
>>> rho = direct_sum(hand=C4.rotation(1), sign=C4.irrep(2))
>>> rho.dim, rho.slices
(3, {'hand': slice(0, 2, None), 'sign': slice(2, 3, None)})
>>> rho(C4.element(1)).round(12) + 0.0
array([[ 0., -1.,  0.],
       [ 1.,  0.,  0.],
       [ 0.,  0., -1.]])
>>> check_homomorphism(rho, exact=True)
0.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import reduce as fold

import numpy as np
from sympy.polys.matrices import DomainMatrix

from symgroup.cyclotomic import lift, rational_exact
from symgroup.errors import InvalidRepresentationError, NotAHomomorphismError, NotOrthogonalError
from symgroup.group import Group, GroupElement
from symgroup.numbers import as_array

#: A representation's matrices in floats: g ↦ ρ(g).
Matrices = Callable[[GroupElement], np.ndarray]
#: A representation's exact matrices, over sympy's cyclotomic field: g ↦ ρ(g).
ExactMatrices = Callable[[GroupElement], DomainMatrix]


def rotation(theta: float) -> np.ndarray:
    """R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]."""
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]])


class Representation:
    """ρ: G → GL(d, ℝ), g ↦ ``matrix(g)``.

    ``exact(g)``, when given, is ρ(g) exactly, a DomainMatrix over Q(ζ_N) with N = ``root_order``
    (:mod:`symgroup.cyclotomic`). ``parts`` lists the representations a direct sum, tensor product or
    lift was built from: ρ is a homomorphism when they are, which the exact check uses.
    """

    def __init__(
        self,
        group: Group,
        matrix: Matrices,
        name: str = "rho",
        slices: Mapping[str, slice] | None = None,
        exact: ExactMatrices | None = None,
        root_order: int = 1,
        parts: tuple[Representation, ...] = (),
    ) -> None:
        self.group, self.name = group, name
        self._matrix, self._exact, self.root_order, self.parts = matrix, exact, root_order, parts
        self._cache: dict[GroupElement, np.ndarray] = {}
        self._exact_cache: dict[GroupElement, DomainMatrix] = {}
        self.dim = self(group.identity).shape[0]
        self.slices = dict(slices) if slices is not None else {name: slice(0, self.dim)}

    def __call__(self, g: GroupElement) -> np.ndarray:
        """ρ(g) as a read-only float64 array."""
        self.group._check_same(g)
        if g not in self._cache:
            m = as_array(self._matrix(g), InvalidRepresentationError, f"{self.name}({g})", np.float64)
            if m.ndim != 2 or m.shape[0] != m.shape[1] or (self._cache and m.shape[0] != self.dim):
                raise InvalidRepresentationError(f"{self.name}({g}) has shape {m.shape}, not a d×d matrix", g)
            if not np.isfinite(m).all():
                raise InvalidRepresentationError(f"{self.name}({g}) has non-finite entries", g)
            m.flags.writeable = False
            self._cache[g] = m
        return self._cache[g]

    @property
    def is_exact(self) -> bool:
        return self._exact is not None

    def exact(self, g: GroupElement) -> DomainMatrix:
        """ρ(g) exactly, over Q(ζ_N) with N = ``root_order`` (see :mod:`symgroup.cyclotomic`)."""
        if self._exact is None:
            raise InvalidRepresentationError(f"{self.name} has no exact form", self)
        self.group._check_same(g)
        if g not in self._exact_cache:
            self._exact_cache[g] = self._exact(g)
        return self._exact_cache[g]

    def character(self, g: GroupElement) -> float:
        """χ(g) = tr ρ(g)."""
        return float(np.trace(self(g)))

    def matrices(self) -> np.ndarray:
        """ρ(g) for every g in ``group.elements()``, stacked: shape ``(|G|, d, d)``."""
        return np.stack([self(g) for g in self.group.elements()])

    def __add__(self, other: Representation) -> Representation:
        return direct_sum(self, other)

    def __repr__(self) -> str:
        return f"Representation({self.name}, {self.group}, dim={self.dim})"

    @classmethod
    def from_matrices(
        cls, group: Group, matrices: Mapping[GroupElement, np.ndarray], name: str = "rho", atol: float = 1e-9
    ) -> Representation:
        """A representation from a user's matrices, for every element or for a generating set.

        Matrices given for generators only are extended along words, ρ(g @ s) = ρ(g) ρ(s); either
        way the result is checked to be a homomorphism and :class:`~symgroup.errors.NotAHomomorphismError` names the
        first pair (g, s) with ρ(g @ s) ≠ ρ(g) ρ(s).
        """
        if not matrices:
            raise InvalidRepresentationError("from_matrices needs at least one matrix: its size is the dimension", None)
        given = {
            g: as_array(m, InvalidRepresentationError, f"the matrix of {g}", np.float64) for g, m in matrices.items()
        }
        for g, m in given.items():
            group._check_same(g)
            if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape != next(iter(given.values())).shape:
                raise InvalidRepresentationError(f"the matrix of {g} has shape {m.shape}; all must be d×d", g)
        generated = group.subgroup(given)
        if generated.order != group.order:
            missing = next(g for g in group.elements() if g not in generated)
            raise InvalidRepresentationError(
                f"the matrices do not determine ρ({missing}): give a generating set", missing
            )
        table = dict(given)
        table.setdefault(group.identity, np.eye(next(iter(given.values())).shape[0]))
        for g, s in _words(group, tuple(given)):
            table.setdefault(g @ s, table[g] @ given[s])
        rho = cls(group, table.__getitem__, name)
        check_homomorphism(rho, atol, generators=tuple(given))
        return rho


def _words(group: Group, generators: tuple[GroupElement, ...]) -> list[tuple[GroupElement, GroupElement]]:
    """Pairs (g, s) in breadth-first order from e, s a generator, reaching every element g @ s."""
    seen, frontier, pairs = {group.identity}, [group.identity], []
    while frontier:
        new = []
        for g in frontier:
            for s in generators:
                pairs.append((g, s))
                if g @ s not in seen:
                    seen.add(g @ s)
                    new.append(g @ s)
        frontier = new
    return pairs


def trivial(group: Group, dim: int = 1) -> Representation:
    """g ↦ I_dim."""
    identity = rational_exact(np.eye(dim, dtype=int).tolist(), 1)
    return Representation(group, lambda g: np.eye(dim), f"trivial({group})", exact=lambda g: identity)


def regular(group: Group) -> Representation:
    """The left regular representation: ρ(g) e_h = e_{g @ h}, a ``|G|×|G|`` permutation matrix."""
    n, elements = group.order, group.elements()

    def permutation(g: GroupElement) -> np.ndarray:
        m = np.zeros((n, n))
        m[[group.index(g @ h) for h in elements], np.arange(n)] = 1.0
        return m

    return Representation(
        group, permutation, f"regular({group})", exact=lambda g: rational_exact(permutation(g).astype(int).tolist(), 1)
    )


def direct_sum(*reps: Representation, **named: Representation) -> Representation:
    """ρ₁ ⊕ ρ₂ ⊕ …: block-diagonal matrices. Keyword arguments name their block; positional ones
    keep their own blocks' names (a repeated name gets a suffix ``#2``, ``#3``, …)."""
    parts = [(rep, rep.slices) for rep in reps] + [(rep, {name: slice(0, rep.dim)}) for name, rep in named.items()]
    if not parts:
        raise InvalidRepresentationError("a direct sum needs at least one representation", None)
    group = parts[0][0].group
    for rep, _ in parts:
        if rep.group != group:
            raise InvalidRepresentationError(f"cannot add representations of {group} and {rep.group}", rep)
    slices, offset = {}, 0
    for rep, blocks in parts:
        for block, s in blocks.items():
            key, copy = block, 1
            while key in slices:
                copy += 1
                key = f"{block}#{copy}"
            slices[key] = slice(s.start + offset, s.stop + offset)
        offset += rep.dim
    members = tuple(rep for rep, _ in parts)
    exact, big = _exact_combination(members, _block_diagonal_exact)
    return Representation(
        group,
        lambda g: _block_diagonal([rep(g) for rep in members]),
        " ⊕ ".join(rep.name for rep in members),
        slices,
        exact,
        big,
        members,
    )


def tensor(a: Representation, b: Representation) -> Representation:
    """ρ_a ⊗ ρ_b: g ↦ kron(ρ_a(g), ρ_b(g)), of dimension d_a·d_b (one block)."""
    if a.group != b.group:
        raise InvalidRepresentationError(f"cannot tensor representations of {a.group} and {b.group}", b)
    exact, big = _exact_combination((a, b), _kronecker_exact)
    return Representation(a.group, lambda g: np.kron(a(g), b(g)), f"({a.name} ⊗ {b.name})", None, exact, big, (a, b))


def homomorphism_error(
    rho: Representation, generators: tuple[GroupElement, ...] | None = None
) -> tuple[float, tuple[GroupElement, GroupElement] | None]:
    """max ``|ρ(g @ s) − ρ(g) ρ(s)|`` over every g ∈ G and generator s, and ``|ρ(e) − I|``, in float64.

    Checking the generators suffices: every element is a word in them, so ρ(g @ s) = ρ(g) ρ(s) for
    all g and generators s gives ρ(g @ h) = ρ(g) ρ(h) for all g, h by induction on h's length.
    Returns the largest error and the pair (g, s) where it occurs (``None`` for ρ(e) ≠ I).
    """
    group = rho.group
    generators = group.generators if generators is None else generators
    worst = (float(np.abs(rho(group.identity) - np.eye(rho.dim)).max()), None)
    stacked = rho.matrices()
    for s in generators:
        products = np.stack([rho(g @ s) for g in group.elements()])
        errors = np.abs(products - stacked @ rho(s)).max(axis=(1, 2))
        i = int(errors.argmax())
        if errors[i] > worst[0]:
            worst = (float(errors[i]), (group.elements()[i], s))
    return worst


def check_homomorphism(
    rho: Representation, atol: float = 1e-9, exact: bool = False, generators: tuple[GroupElement, ...] | None = None
) -> float:
    """Return the homomorphism error of ρ; raise :class:`~symgroup.errors.NotAHomomorphismError` above ``atol``.

    With ``exact=True`` the check is exact, in Q(ζ_N) with sympy, and returns 0.0 on success. A
    representation built from ``parts`` (direct sums, tensor products, lifts through a projection) is
    a homomorphism when its parts are, so those are checked instead, down to the exact built-ins
    (rotation representations, irreps, permutation matrices).
    """
    if exact:
        return _check_homomorphism_exact(rho)
    error, pair = homomorphism_error(rho, generators)
    if error > atol:
        what = "ρ(e) ≠ I" if pair is None else f"ρ({pair[0]} @ {pair[1]}) ≠ ρ({pair[0]}) ρ({pair[1]})"
        raise NotAHomomorphismError(f"{rho.name} is not a homomorphism: {what}, max |difference| = {error:.3g}", pair)
    return error


def _check_homomorphism_exact(rho: Representation) -> float:
    if rho.parts:
        for part in rho.parts:
            _check_homomorphism_exact(part)
        return 0.0
    group = rho.group
    if rho.exact(group.identity) != rational_exact(np.eye(rho.dim, dtype=int).tolist(), rho.root_order):
        raise NotAHomomorphismError(f"{rho.name} is not a homomorphism: ρ(e) ≠ I exactly", None)
    for g in group.elements():
        for s in group.generators:
            if rho.exact(g) * rho.exact(s) != rho.exact(g @ s):
                raise NotAHomomorphismError(
                    f"{rho.name} is not a homomorphism: ρ({g} @ {s}) ≠ ρ({g}) ρ({s}) exactly", (g, s)
                )
    return 0.0


def check_orthogonal(rho: Representation, atol: float = 1e-9) -> float:
    """Return max ``|ρ(g)ᵀρ(g) − I|`` over G; raise :class:`~symgroup.errors.NotOrthogonalError` (naming g) above
    ``atol``."""
    m = rho.matrices()
    errors = np.abs(np.swapaxes(m, 1, 2) @ m - np.eye(rho.dim)).max(axis=(1, 2))
    i = int(errors.argmax())
    if errors[i] > atol:
        g = rho.group.elements()[i]
        raise NotOrthogonalError(f"{rho.name}({g}) is not orthogonal: max |ρᵀρ − I| = {errors[i]:.3g}", g)
    return float(errors[i])


def _block_diagonal(blocks: list[np.ndarray]) -> np.ndarray:
    out = np.zeros((sum(b.shape[0] for b in blocks),) * 2)
    offset = 0
    for b in blocks:
        out[offset : offset + b.shape[0], offset : offset + b.shape[0]] = b
        offset += b.shape[0]
    return out


def _block_diagonal_exact(blocks: list[DomainMatrix]) -> DomainMatrix:
    k, n = blocks[0].domain, sum(b.shape[0] for b in blocks)
    rows, offset = [[k.zero] * n for _ in range(n)], 0
    for b in blocks:
        for i, row in enumerate(b.to_list()):
            rows[offset + i][offset : offset + len(row)] = row
        offset += b.shape[0]
    return DomainMatrix(rows, (n, n), k)


def _kronecker_exact(blocks: list[DomainMatrix]) -> DomainMatrix:
    a, b = (m.to_list() for m in blocks)
    rows = [[x * y for x in row_a for y in row_b] for row_a in a for row_b in b]
    return DomainMatrix(rows, (len(rows), len(rows)), blocks[0].domain)


def _exact_combination(
    reps: tuple[Representation, ...], combine: Callable[[list[DomainMatrix]], DomainMatrix]
) -> tuple[ExactMatrices | None, int]:
    """Exact matrices of a combination of ``reps`` over their common field Q(ζ_lcm), if all are exact."""
    if not all(rep.is_exact for rep in reps):
        return None, 1
    big = fold(math.lcm, (rep.root_order for rep in reps), 1)
    return (lambda g: combine([lift(rep.exact(g), rep.root_order, big) for rep in reps])), big
