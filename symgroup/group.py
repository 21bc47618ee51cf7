"""Finite groups, their elements and their subgroups.

**Composition order.** ``a @ b`` is the composition "first ``b``, then ``a``", as for functions:
acting on a state with ``a @ b`` equals acting with ``b`` and then with ``a``, and for permutations
``(a @ b)(i) == a(b(i))``. (sympy's ``p * q`` applies ``p`` first, so it equals our ``q @ p``; that
order stays inside :mod:`symgroup.permutation`.) ``~a`` is the inverse and ``a ** k`` the k-th power.

Elements are frozen and hashable; two elements are equal when their groups are equal and their values
are. A group equals another of the same type and parameters, so ``Cyclic(8) == Cyclic(8)``.

>>> from symgroup import Cyclic
>>> C8 = Cyclic(8)
>>> a, b = C8.element(3), C8.element(6)
>>> a @ b, ~a, a ** 3, a.order
(C8(1), C8(5), C8(1), 8)

**Subgroups.** ``G.subgroup(generators)`` is the subgroup H ≤ G they generate.
As in escnn, a subgroup comes with ``include: H → G`` and ``restrict: G → H``, where ``restrict``
returns ``None`` for an element of G outside H.

>>> from symgroup import Cyclic
>>> C12 = Cyclic(12)
>>> H = C12.subgroup([C12.element(4)])
>>> H.order, H.is_normal
(3, True)
>>> H.restrict(C12.element(8)), H.restrict(C12.element(3))
(C12(8), None)
>>> H.include(H.restrict(C12.element(8))) == C12.element(8)
True
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from symgroup.errors import InvalidElementError
from symgroup.numbers import is_integer, is_number

if TYPE_CHECKING:
    from symgroup.representation import Representation


def integer(x: Any, what: str) -> int:
    """``x`` as an int; :class:`~symgroup.errors.InvalidElementError` for a bool or a number that is not integral (it is
    refused, never truncated)."""
    if not (is_integer(x) or (is_number(x) and float(x).is_integer())):
        raise InvalidElementError(f"{what} must be an integer, got {x!r}", x)
    return int(x)


@dataclass(frozen=True)
class GroupElement:
    """An element of ``group``, stored as the group's canonical ``value`` (hashable)."""

    group: Group
    value: Hashable

    def __matmul__(self, other: GroupElement) -> GroupElement:
        self.group._check_same(other)
        return GroupElement(self.group, self.group._multiply(self.value, other.value))

    def __invert__(self) -> GroupElement:
        return GroupElement(self.group, self.group._inverse(self.value))

    def __pow__(self, k: int) -> GroupElement:
        k = integer(k, "the exponent of a group element")
        base = self if k >= 0 else ~self
        result = self.group.identity
        for _ in range(abs(int(k)) % self.order):
            result = result @ base
        return result

    @cached_property
    def order(self) -> int:
        """The smallest k ≥ 1 with gᵏ = e (it divides the group's order, by Lagrange)."""
        k, power = 1, self
        while power != self.group.identity:
            power, k = power @ self, k + 1
        return k

    def to(self, param: str) -> Any:
        """This element in parametrisation ``param`` (one of ``group.PARAMETRIZATIONS``)."""
        return self.group._to_param(self.value, self.group._check_param(param))

    def __repr__(self) -> str:
        return self.group._repr_value(self.value)


class Group(ABC):
    """A finite group: subclasses give the group law on hashable canonical values.

    A subclass implements ``_key`` (what makes two groups equal), ``_identity_value``,
    ``_multiply``, ``_inverse``, ``_is_value`` and ``_generator_values``; it may override
    ``_enumerate_values`` (by default the closure of the generators) and the parametrisation hooks.
    """

    #: Parametrisations accepted by :meth:`~symgroup.Group.element` and :meth:`~symgroup.GroupElement.to`; the
    #: first is the default.
    PARAMETRIZATIONS: tuple[str, ...] = ("value",)

    # --- the group law, on canonical values -------------------------------------------------------
    @abstractmethod
    def _key(self) -> tuple: ...

    @property
    @abstractmethod
    def _identity_value(self) -> Hashable: ...

    @abstractmethod
    def _multiply(self, a: Hashable, b: Hashable) -> Hashable: ...

    @abstractmethod
    def _inverse(self, a: Hashable) -> Hashable: ...

    @abstractmethod
    def _is_value(self, value: Any) -> bool: ...

    @abstractmethod
    def _generator_values(self) -> tuple[Hashable, ...]: ...

    @property
    @abstractmethod
    def name(self) -> str: ...

    def _enumerate_values(self) -> list[Hashable]:
        """Every value, by closing the identity under right multiplication by the generators."""
        seen = {self._identity_value: None}
        frontier = list(seen)
        while frontier:
            new = []
            for v in frontier:
                for s in self._generator_values():
                    product = self._multiply(v, s)
                    if product not in seen:
                        seen[product] = None
                        new.append(product)
            frontier = new
        return list(seen)

    def _canonical(self, value: Any) -> Hashable:
        """Turn an accepted spelling of a value into the canonical one (e.g. numpy ints to int)."""
        return value

    def _to_param(self, value: Hashable, param: str) -> Any:
        return value

    def _from_param(self, x: Any, param: str) -> Any:
        return x

    def _short_repr(self, value: Hashable) -> str:
        return repr(value)

    def _repr_value(self, value: Hashable) -> str:
        return f"{self.name}({self._short_repr(value)})"

    # --- public API -------------------------------------------------------------------------------
    def element(self, x: Any, param: str | None = None) -> GroupElement:
        """The element given by ``x`` in parametrisation ``param`` (default: the first one).

        Raises :class:`~symgroup.errors.InvalidElementError` naming ``x`` when it is not an element.
        """
        param = self._check_param(param or self.PARAMETRIZATIONS[0])
        try:
            value = self._canonical(self._from_param(x, param))
            valid = self._is_value(value)
        except (TypeError, ValueError, IndexError) as error:
            raise InvalidElementError(f"{x!r} is not an element of {self} ({error})", x) from error
        if not valid:
            raise InvalidElementError(f"{x!r} is not an element of {self} (parametrisation {param!r})", x)
        return GroupElement(self, value)

    @cached_property
    def identity(self) -> GroupElement:
        return GroupElement(self, self._identity_value)

    @cached_property
    def generators(self) -> tuple[GroupElement, ...]:
        """A generating set; an empty tuple for the trivial group."""
        return tuple(GroupElement(self, v) for v in self._generator_values())

    def elements(self) -> tuple[GroupElement, ...]:
        """Every element, the identity first, in a fixed order (the order of :meth:`index`)."""
        return self._elements

    @cached_property
    def _elements(self) -> tuple[GroupElement, ...]:
        return tuple(GroupElement(self, v) for v in self._enumerate_values())

    @cached_property
    def _positions(self) -> dict[Hashable, int]:
        return {g.value: i for i, g in enumerate(self.elements())}

    def index(self, g: GroupElement) -> int:
        """The position of ``g`` in :meth:`elements`."""
        self._check_same(g)
        return self._positions[g.value]

    @property
    def order(self) -> int:
        """The number of elements ``|G|``."""
        return len(self.elements())

    @cached_property
    def is_abelian(self) -> bool:
        gens = self.generators
        return all(a @ b == b @ a for i, a in enumerate(gens) for b in gens[i + 1 :])

    def multiplication_table(self) -> np.ndarray:
        """T with ``elements()[T[i, j]] == elements()[i] @ elements()[j]``."""
        values = [g.value for g in self.elements()]
        return np.array([[self._positions[self._multiply(a, b)] for b in values] for a in values])

    def faithful_representations(self) -> list[Representation]:
        """Faithful real orthogonal representations of this group that symgroup knows, most
        economical first (a learner acts by the first; D_LSBD tries each); none for a group without
        a known one."""
        return []

    def subgroup(self, generators: Iterable[GroupElement], name: str | None = None) -> Subgroup:
        """The subgroup generated by ``generators``, with its inclusion and restriction maps."""
        return Subgroup(self, generators, name)

    def __contains__(self, g: object) -> bool:
        return isinstance(g, GroupElement) and g.group == self

    def __eq__(self, other: object) -> bool:
        return self is other or (type(self) is type(other) and self._key() == other._key())

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        return self.name

    # --- helpers ----------------------------------------------------------------------------------
    def _check_same(self, g: object) -> None:
        if g not in self:
            raise InvalidElementError(f"{g!r} is not an element of {self}", g)

    def _check_param(self, param: str) -> str:
        if param not in self.PARAMETRIZATIONS:
            raise InvalidElementError(
                f"unknown parametrisation {param!r} of {self}; use one of {self.PARAMETRIZATIONS}", param
            )
        return param


class Subgroup(Group):
    """The subgroup of ``parent`` generated by ``generators``; its elements carry the parent's values
    and follow the parent's law."""

    def __init__(self, parent: Group, generators: Iterable[GroupElement], name: str | None = None) -> None:
        generators = list(generators)
        for g in generators:
            parent._check_same(g)
        self.parent = parent
        self.PARAMETRIZATIONS = parent.PARAMETRIZATIONS
        self._gens = tuple(dict.fromkeys(g.value for g in generators if g != parent.identity))
        self._name = name

    @property
    def name(self) -> str:
        return self._name or f"<{', '.join(repr(g) for g in self.generators)}> ≤ {self.parent}"

    @cached_property
    def _values(self) -> frozenset[Hashable]:
        return frozenset(self._positions)

    def _key(self) -> tuple:
        return (self.parent, self._values)

    @property
    def _identity_value(self) -> Hashable:
        return self.parent._identity_value

    def _multiply(self, a: Hashable, b: Hashable) -> Hashable:
        return self.parent._multiply(a, b)

    def _inverse(self, a: Hashable) -> Hashable:
        return self.parent._inverse(a)

    def _is_value(self, value: Any) -> bool:
        return value in self._values

    def _generator_values(self) -> tuple[Hashable, ...]:
        return self._gens

    def _canonical(self, value: Any) -> Any:
        return self.parent._canonical(value)

    def _to_param(self, value: Hashable, param: str) -> Any:
        return self.parent._to_param(value, param)

    def _from_param(self, x: Any, param: str) -> Any:
        return self.parent._from_param(x, param)

    def _repr_value(self, value: Hashable) -> str:
        return self.parent._repr_value(value)

    def __contains__(self, g: object) -> bool:
        """Elements of H, and elements of the parent that lie in H."""
        return isinstance(g, GroupElement) and (g.group == self or (g.group == self.parent and g.value in self._values))

    def include(self, h: GroupElement) -> GroupElement:
        """The inclusion H → G."""
        self._check_same(h)
        return GroupElement(self.parent, h.value)

    def restrict(self, g: GroupElement) -> GroupElement | None:
        """The restriction G → H: ``g`` as an element of H, or ``None`` when g ∉ H."""
        self.parent._check_same(g)
        return GroupElement(self, g.value) if g.value in self._values else None

    def conjugation_counterexample(self) -> tuple[GroupElement, GroupElement] | None:
        """A pair (x, h), x ∈ G, h ∈ H, with x h x⁻¹ ∉ H, or ``None`` when H is normal.

        Checking the generators of G and of H suffices: conjugation by x is an automorphism, so
        x H x⁻¹ = ⟨x s x⁻¹ : s generates H⟩, and x ↦ x H x⁻¹ respects products.
        """
        for x in self.parent.generators:
            for h in self.generators:
                if (x @ self.include(h) @ ~x).value not in self._values:
                    return x, self.include(h)
        return None

    @property
    def is_normal(self) -> bool:
        """Whether x H x⁻¹ = H for every x ∈ G."""
        return self.conjugation_counterexample() is None
