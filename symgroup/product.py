"""The external direct product G = G₁ × … × Gₙ of named factors.

The decomposition is data: the factors and their names are kept, so ``DirectProduct(a=C4, b=C3)``
remembers how it was built even though it is isomorphic to C12 (which sympy would call cyclic).
A value is the tuple of the factors' values, in the order the factors were named; ``@`` acts factor
by factor. Parametrisations: ``"tuple"`` and ``"dict"`` (factor name → factor element).

>>> from symgroup import Cyclic, DirectProduct
>>> G = DirectProduct(x=Cyclic(8), y=Cyclic(8), colour=Cyclic(8))
>>> G.order, G.names
(512, ('x', 'y', 'colour'))
>>> g = G.embed("x", Cyclic(8).element(3)) @ G.embed("colour", Cyclic(8).element(1))
>>> g, G.project("x", g)
((x=3, y=0, colour=1), C8(3))
>>> G.from_factors(x=3, colour=1) == g
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from symgroup.errors import FactorNameError
from symgroup.group import Group, GroupElement
from symgroup.representation import Representation, direct_sum

if TYPE_CHECKING:
    from symgroup.group import Subgroup


class DirectProduct(Group):
    """G₁ × … × Gₙ with factors named by keyword (or by a mapping, for names that are not identifiers).

    ``embed(name, g)`` puts a factor element in its slot (the identity elsewhere); ``project(name, g)``
    reads a slot back. ``project(name, embed(name, g)) == g``, and both are homomorphisms.
    """

    PARAMETRIZATIONS = ("tuple", "dict")

    def __init__(self, factors: Mapping[str, Group] | None = None, /, **named: Group) -> None:
        both = {**(factors or {}), **named}
        if not both or (factors and set(factors) & set(named)):
            raise FactorNameError("a direct product needs at least one factor, each named once", both)
        for name, group in both.items():
            if not isinstance(name, str) or not name.strip() or not isinstance(group, Group):
                raise FactorNameError(f"factor {name!r} must be a non-empty name and a Group, got {group!r}", name)
        self._factors = dict(both)
        self.names: tuple[str, ...] = tuple(both)

    @property
    def factors(self) -> dict[str, Group]:
        """Factor name → factor group, in order."""
        return dict(self._factors)

    def factor(self, name: str) -> Group:
        """The factor group called ``name``."""
        if name not in self._factors:
            raise FactorNameError(f"{self} has no factor {name!r}; its factors are {', '.join(self.names)}", name)
        return self._factors[name]

    __getitem__ = factor

    @property
    def name(self) -> str:
        return "DirectProduct(" + ", ".join(f"{n}={g}" for n, g in self._factors.items()) + ")"

    def _key(self) -> tuple:
        return tuple(self._factors.items())

    @property
    def _identity_value(self) -> tuple:
        return tuple(g._identity_value for g in self._factors.values())

    def _multiply(self, a: tuple, b: tuple) -> tuple:
        return tuple(g._multiply(x, y) for g, x, y in zip(self._factors.values(), a, b, strict=True))

    def _inverse(self, a: tuple) -> tuple:
        return tuple(g._inverse(x) for g, x in zip(self._factors.values(), a, strict=True))

    def _is_value(self, value: Any) -> bool:
        return (
            isinstance(value, tuple)
            and len(value) == len(self.names)
            and all(g._is_value(v) for g, v in zip(self._factors.values(), value, strict=True))
        )

    def _canonical(self, value: Any) -> Any:
        if isinstance(value, (tuple, list)) and len(value) == len(self.names):
            return tuple(g._canonical(v) for g, v in zip(self._factors.values(), value, strict=True))
        return value

    def _generator_values(self) -> tuple[Hashable, ...]:
        return tuple(self.embed(name, s).value for name, g in self._factors.items() for s in g.generators)

    def _enumerate_values(self) -> list[tuple]:
        """Every value, as ``itertools.product`` of the factors' elements: the last factor fastest."""
        return list(itertools.product(*([g.value for g in f.elements()] for f in self._factors.values())))

    @property
    def order(self) -> int:
        return math.prod(g.order for g in self._factors.values())

    @property
    def is_abelian(self) -> bool:
        return all(g.is_abelian for g in self._factors.values())

    def _short_repr(self, value: tuple) -> str:
        parts = zip(self._factors.items(), value, strict=True)
        return "(" + ", ".join(f"{n}={g._short_repr(v)}" for (n, g), v in parts) + ")"

    _repr_value = _short_repr

    def _to_param(self, value: tuple, param: str) -> Any:
        if param == "dict":
            return {n: GroupElement(g, v) for (n, g), v in zip(self._factors.items(), value, strict=True)}
        return value

    def _from_param(self, x: Any, param: str) -> Any:
        if param == "tuple":
            return x
        if not isinstance(x, Mapping) or set(x) != set(self.names):
            raise ValueError(f"expected a dict with keys {self.names}")
        return tuple(self._factor_value(n, x[n]) for n in self.names)

    def _factor_value(self, name: str, g: Any) -> Hashable:
        factor = self.factor(name)
        return (g if isinstance(g, GroupElement) and g in factor else factor.element(g)).value

    # --- the decomposition ------------------------------------------------------------------------
    def embed(self, name: str, g: GroupElement | Any) -> GroupElement:
        """The element with ``g`` (a factor element, or its value) in slot ``name``, e elsewhere."""
        component = self._factor_value(name, g)
        value = list(self._identity_value)
        value[self.names.index(name)] = component
        return GroupElement(self, tuple(value))

    def project(self, name: str, g: GroupElement) -> GroupElement:
        """The ``name`` component of ``g``."""
        self._check_same(g)
        return GroupElement(self.factor(name), g.value[self.names.index(name)])

    def from_factors(self, **components: GroupElement | Any) -> GroupElement:
        """The element with the given components (factor elements or values); e for the rest."""
        for name in components:
            self.factor(name)
        return self.element({n: components.get(n, self._factors[n].identity) for n in self.names}, "dict")

    def factor_subgroup(self, name: str) -> Subgroup:
        """The normal subgroup {embed(name, g)} ≅ G_name, with inclusion and restriction maps."""
        return self.subgroup([self.embed(name, s) for s in self.factor(name).generators], name=name)

    def decomposition(self) -> dict[str, Subgroup]:
        """Factor name → its subgroup of G; G is their internal direct product."""
        return {name: self.factor_subgroup(name) for name in self.names}

    def lift(self, name: str, rho: Representation) -> Representation:
        """The representation g ↦ ρ(project(name, g)) of G, for a representation ρ of factor ``name``."""
        if rho.group != self.factor(name):
            raise FactorNameError(f"{rho.name} represents {rho.group}, not factor {name!r} = {self.factor(name)}", name)
        exact = (lambda g: rho.exact(self.project(name, g))) if rho.is_exact else None
        return Representation(self, lambda g: rho(self.project(name, g)), rho.name, None, exact, rho.root_order, (rho,))

    def block_representation(self, **reps: Representation) -> Representation:
        """ρ = ρ_1 ⊕ … ⊕ ρ_n, one representation per factor, named as the factors: block i is moved
        by factor i alone. This is a linear disentangled representation (Higgins et al. 2018)."""
        if set(reps) != set(self.names):
            raise FactorNameError(
                f"block_representation needs one representation per factor {self.names}, got {tuple(reps)}",
                tuple(set(reps) ^ set(self.names)),
            )
        return direct_sum(**{name: self.lift(name, reps[name]) for name in self.names})

    def __repr__(self) -> str:
        return self.name
