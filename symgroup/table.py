"""A finite group given by its multiplication (Cayley) table, validated on construction.

>>> from symgroup import TableGroup
>>> V4 = TableGroup([[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]], name="V4")
>>> V4.order, V4.is_abelian, [g.order for g in V4.elements()]
(4, True, [1, 2, 2, 2])
>>> TableGroup([[0, 1], [1, 1]])
Traceback (most recent call last):
    ...
symgroup.errors.NoInverseError: element 1 has no inverse: no b with 1·b = b·1 = 0 (the identity)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from symgroup.errors import NoIdentityError, NoInverseError, NotAGroupError, NotAssociativeError, NotClosedError
from symgroup.group import Group
from symgroup.numbers import as_array


class TableGroup(Group):
    """Elements 0, …, n−1 with a @ b = table[a][b].

    The table is checked for closure, an identity, inverses and associativity, in that order; the
    first broken axiom raises its :class:`~symgroup.errors.NotAGroupError` subclass with the elements
    that break it. The identity need not be element 0.
    """

    PARAMETRIZATIONS = ("int",)

    def __init__(self, table: Sequence[Sequence[int]] | np.ndarray, name: str | None = None) -> None:
        self.table = _validated(table)
        self.table.flags.writeable = False
        self._name = name or f"TableGroup(order={len(self.table)})"
        self._e = _identity(self.table)
        self._inverses = _inverses(self.table, self._e)
        _check_associative(self.table)

    @property
    def name(self) -> str:
        return self._name

    def _key(self) -> tuple:
        return (self.table.tobytes(), self.table.shape)

    @property
    def _identity_value(self) -> int:
        return self._e

    def _multiply(self, a: int, b: int) -> int:
        return int(self.table[a, b])

    def _inverse(self, a: int) -> int:
        return self._inverses[a]

    def _is_value(self, value: Any) -> bool:
        return isinstance(value, int) and 0 <= value < len(self.table)

    def _canonical(self, value: Any) -> Any:
        return int(value) if isinstance(value, np.integer) else value

    def _generator_values(self) -> tuple[int, ...]:
        """A greedy generating set: add each element not yet generated."""
        generators: list[int] = []
        reached = {self._e}
        for a in range(len(self.table)):
            if a not in reached:
                generators.append(a)
                reached = _closure(self.table, generators, self._e)
        return tuple(generators)


def _validated(table: Any) -> np.ndarray:
    array = as_array(table, NotAGroupError, "a multiplication table")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.size == 0:
        raise NotAGroupError(f"a multiplication table must be a non-empty n×n array, got shape {array.shape}", None)
    if not np.issubdtype(array.dtype, np.integer):
        raise NotAGroupError(f"a multiplication table holds element numbers (integers), got {array.dtype}", None)
    outside = np.argwhere((array < 0) | (array >= len(array)))
    if len(outside):
        a, b = map(int, outside[0])
        raise NotClosedError(f"not closed: {a}·{b} = {array[a, b]} is not one of 0..{len(array) - 1}", (a, b))
    return array.astype(np.int64)


def _identity(table: np.ndarray) -> int:
    everything = np.arange(len(table))
    for e in range(len(table)):
        if (table[e] == everything).all() and (table[:, e] == everything).all():
            return e
    raise NoIdentityError("no identity: no element e has e·a = a·e = a for every a", None)


def _inverses(table: np.ndarray, e: int) -> list[int]:
    inverses = []
    for a in range(len(table)):
        candidates = np.flatnonzero((table[a] == e) & (table[:, a] == e))
        if not len(candidates):
            raise NoInverseError(f"element {a} has no inverse: no b with {a}·b = b·{a} = {e} (the identity)", a)
        inverses.append(int(candidates[0]))
    return inverses


def _check_associative(table: np.ndarray) -> None:
    """(a·b)·c = a·(b·c) for all a, b, c, one row a at a time (n² work per row)."""
    for a in range(len(table)):
        left, right = table[table[a]], table[a][table]
        wrong = np.argwhere(left != right)
        if len(wrong):
            b, c = map(int, wrong[0])
            raise NotAssociativeError(
                f"not associative: ({a}·{b})·{c} = {left[b, c]} but {a}·({b}·{c}) = {right[b, c]}", (a, b, c)
            )


def _closure(table: np.ndarray, generators: list[int], e: int) -> set[int]:
    reached, frontier = {e}, [e]
    while frontier:
        frontier = [int(table[v, s]) for v in frontier for s in generators if int(table[v, s]) not in reached]
        reached.update(frontier)
    return reached
