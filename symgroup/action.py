"""Actions of finite groups on finite sets of states.

States are rows of an integer array (n_states × n_components): a table of rows, or a
:class:`StateGrid`, every vector 0 ≤ s_i < sizes[i] (a product of component ranges, never listed
unless asked for). An action is given per state, ``act(g, state)``, or vectorised,
``act_batch(g, states)``; either gives the other. The laws are e·x = x and (gh)·x = g·(h·x), with
``@`` composing as in :mod:`symgroup.group`. A world (:class:`envs.SymmetryEnv`) is such an action.

>>> import numpy as np
>>> from symgroup import Cyclic, GroupAction
>>> C4 = Cyclic(4)
>>> square = GroupAction(C4, np.arange(8)[:, None], act_batch=lambda g, s: (s + 2 * g.value) % 8)
>>> [o.ravel().tolist() for o in square.orbits()]
[[0, 2, 4, 6], [1, 3, 5, 7]]
>>> square.is_transitive, square.is_free, square.stabilizer([0]).order
(False, True, 1)
>>> GroupAction(C4, np.arange(4)[:, None], act_batch=lambda g, s: (s + 1) % 4)
Traceback (most recent call last):
    ...
symgroup.errors.NotAnActionError: not an action: C4(0)·[0] = [1], but the identity must fix every state
>>> from symgroup import DirectProduct, StateGrid
>>> T = DirectProduct(a=C4, b=C4)
>>> torus = GroupAction(T, StateGrid((4, 4)), act_batch=lambda g, s: (s + np.array(g.value)) % 4)
>>> torus.n_states, torus.index([[1, 2]]).tolist(), torus.orbit_table([[0, 0]], [T.element((1, 1))]).tolist()
(16, [6], [[5]])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from symgroup.errors import InvalidStateError, NotAGroupError, NotAnActionError
from symgroup.group import Group, GroupElement, Subgroup

#: An action on states: (g, states (n, k)) ↦ g · states.
Act = Callable[[GroupElement, np.ndarray], np.ndarray]


class StateGrid:
    """Every integer vector s with 0 ≤ s_i < sizes[i], numbered in row-major order (the last
    component fastest): the state set of a product of component ranges, indexed without a table."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = tuple(int(n) for n in sizes)
        if not self.sizes or min(self.sizes) < 1:
            raise InvalidStateError(f"a state grid needs component sizes ≥ 1, got {sizes}", sizes)
        self.width = len(self.sizes)

    def __len__(self) -> int:
        return math.prod(self.sizes)

    def rows(self, numbers: np.ndarray | None = None) -> np.ndarray:
        if numbers is None:
            return np.indices(self.sizes, dtype=np.int64).reshape(self.width, -1).T.copy()
        return np.stack(np.unravel_index(np.asarray(numbers), self.sizes), axis=-1).astype(np.int64)

    def index(self, batch: np.ndarray) -> np.ndarray:
        if (bad := np.flatnonzero(((batch < 0) | (batch >= np.array(self.sizes))).any(axis=1))).size:
            row = batch[bad[0]]
            raise InvalidStateError(f"{row.tolist()} is not a state (component sizes {self.sizes})", row)
        return np.ravel_multi_index(tuple(batch.T), self.sizes)


class _StateTable:
    """A table of distinct integer rows, numbered by position; found by binary search."""

    def __init__(self, rows: np.ndarray) -> None:
        self._rows, self.width = rows, rows.shape[1]
        keys = self._keys(rows)
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]
        if (duplicate := np.flatnonzero(self._sorted[1:] == self._sorted[:-1])).size:
            raise InvalidStateError(f"state {rows[self._order[duplicate[0]]].tolist()} is listed twice", rows)

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self, numbers: np.ndarray | None = None) -> np.ndarray:
        return self._rows if numbers is None else self._rows[numbers]

    @staticmethod
    def _keys(rows: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()

    def index(self, batch: np.ndarray) -> np.ndarray:
        keys = self._keys(batch)
        at = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
        if (missing := np.flatnonzero(self._sorted[at] != keys)).size:
            raise InvalidStateError(f"{batch[missing[0]].tolist()} is not a state", batch[missing[0]])
        return self._order[at]


class GroupAction:
    """G acting on a finite state set: the rows of ``states``, or a :class:`StateGrid`. ``validate``
    checks the action laws on every state (see :meth:`check_laws`); ``name``, when given, opens
    every error message."""

    #: Opens error messages ("<name>: ..."); a world sets its registry name.
    name: str | None = None

    def __init__(
        self,
        group: Group,
        states: np.ndarray | Sequence | StateGrid,
        act: Act | None = None,
        act_batch: Act | None = None,
        validate: bool = True,
        name: str | None = None,
    ) -> None:
        if not isinstance(group, Group):
            raise NotAGroupError(f"a group action needs a Group, got {group!r}", group)
        if (act is None) == (act_batch is None):
            raise NotAnActionError("give exactly one of act(g, state) and act_batch(g, states)", None)
        self.group = group
        if name is not None:
            self.name = name
        self._state_set = states if isinstance(states, StateGrid | _StateTable) else _StateTable(_as_table(states))
        self._act_batch = act_batch or (lambda g, xs: np.stack([np.asarray(act(g, x)) for x in xs]))
        if validate:
            self.check_laws()

    # --- states -----------------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self._state_set)

    def states(self, numbers: np.ndarray | Sequence[int] | None = None) -> np.ndarray:
        """Every state, (n_states, n_components), in state-number order, or the states numbered
        ``numbers``: ``states(index(s)) == s``."""
        if numbers is None:
            return self._state_set.rows()
        numbers = np.asarray(numbers, dtype=np.int64)
        if (bad := numbers[(numbers < 0) | (numbers >= self.n_states)]).size:
            raise InvalidStateError(f"{self._where}no state is numbered {bad[0]} (of {self.n_states})", int(bad[0]))
        return self._state_set.rows(numbers)

    def index(self, states: np.ndarray | Sequence) -> np.ndarray:
        """The state numbers of ``states`` (one state, or a batch); :class:`~symgroup.errors.InvalidStateError` names a
        row that is not a state."""
        batch, single = self._batch(states)
        found = self._find(batch)
        return found[0] if single else found

    def check_states(self, states: np.ndarray | Sequence) -> np.ndarray:
        """``states`` (one state, or a batch) as an int64 batch (n, n_components), or
        :class:`~symgroup.errors.InvalidStateError` naming a row that is not a state."""
        batch, _ = self._batch(states)
        self._find(batch)
        return batch

    def _batch(self, states: np.ndarray | Sequence) -> tuple[np.ndarray, bool]:
        array = np.asarray(states)
        width = self._state_set.width
        single = array.ndim == 1
        batch = array.reshape(1, -1) if single else array
        if batch.ndim != 2 or batch.shape[1] != width or not np.issubdtype(batch.dtype, np.integer):
            raise InvalidStateError(
                f"{self._where}states must be integers with {width} components, got {array.dtype} of shape "
                f"{array.shape}",
                array,
            )
        return batch.astype(np.int64, copy=False), single

    def _find(self, batch: np.ndarray) -> np.ndarray:
        """The state numbers of a batch; :class:`~symgroup.errors.InvalidStateError`, opened by the name, for a row
        that is not a state."""
        try:
            return self._state_set.index(batch)
        except InvalidStateError as error:
            raise InvalidStateError(f"{self._where}{error}", error.counterexample) from None

    @property
    def _where(self) -> str:
        return f"{self.name}: " if self.name else ""

    # --- acting -----------------------------------------------------------------------------------
    def act(self, g: GroupElement, states: np.ndarray | Sequence) -> np.ndarray:
        """g·x for a state x (n_components,) or each row of a batch (n, n_components); the same shape
        back (:class:`~symgroup.errors.InvalidStateError` for a row that is not a state)."""
        self.group._check_same(g)
        batch, single = self._batch(states)
        self._find(batch)
        out = self._acted(g, batch)
        return out[0] if single else out

    def _acted(self, g: GroupElement, batch: np.ndarray) -> np.ndarray:
        """g·x for each row of a batch of known states: the user's action, its output checked."""
        out = np.asarray(self._act_batch(g, batch))
        if out.shape != batch.shape or not np.issubdtype(out.dtype, np.integer):
            raise NotAnActionError(
                f"{self._where}acting with {g} on states of shape {batch.shape} gave {out.dtype} of shape {out.shape}",
                g,
            )
        return out.astype(np.int64, copy=False)

    def permutation(self, g: GroupElement) -> np.ndarray:
        """p with states()[p[i]] = g·states()[i]: the action of g as a permutation of state numbers."""
        self.group._check_same(g)
        states = self.states()
        return self._numbers(g, states, self._acted(g, states))  # the state set itself: no row to look up

    def orbit_table(self, bases: np.ndarray | Sequence, elements: Sequence[GroupElement]) -> np.ndarray:
        """(len(bases), len(elements)) state numbers: row r, column t is elements[t]·bases[r]."""
        bases = self.check_states(bases)
        return np.stack([self._numbers(g, bases, self.act(g, bases)) for g in elements], axis=1)

    def _numbers(self, g: GroupElement, states: np.ndarray, images: np.ndarray) -> np.ndarray:
        """The state numbers of ``images`` = g·``states``; an image outside the state set is a
        :class:`~symgroup.errors.NotAnActionError` naming it."""
        try:
            return self._state_set.index(images)
        except InvalidStateError as error:
            i = int(np.flatnonzero((images == error.counterexample).all(axis=1))[0])
            x, y = states[i].tolist(), images[i].tolist()
            raise NotAnActionError(
                f"{self._not_action}: {g}·{x} = {y} is not a state: it leaves the state set", (g, states[i])
            ) from None

    @property
    def _not_action(self) -> str:
        return f"{self.name} is not a group action" if self.name else "not an action"

    def restrict(self, subgroup: Subgroup) -> GroupAction:
        """The action of a subgroup H ≤ G on the same states: h·x = include(h)·x (escnn's restriction)."""
        if not isinstance(subgroup, Subgroup) or subgroup.parent != self.group:
            raise NotAGroupError(f"{subgroup!r} is not a subgroup of {self.group}", subgroup)
        include = subgroup.include
        return GroupAction(
            subgroup, self._state_set, act_batch=lambda h, xs: self.act(include(h), xs), validate=False, name=self.name
        )

    # --- the laws ---------------------------------------------------------------------------------
    def check_laws(
        self, elements: Sequence[GroupElement] | None = None, states: np.ndarray | Sequence | None = None
    ) -> None:
        """Raise :class:`~symgroup.errors.NotAnActionError` with a counterexample unless, for every state x of
        ``states`` (default: all): g·x is a state, e·x = x, and (g @ s)·x = g·(s·x) for every g in
        ``elements`` (default: all of G) and every generator s. With all g and all x this proves the
        law for all pairs, by induction on the length of a word in the generators."""
        states = self.states() if states is None else self.check_states(states)
        e = self.group.identity
        image = self.act(e, states)
        self._numbers(e, states, image)
        if (moved := np.flatnonzero((image != states).any(axis=1))).size:
            x = states[moved[0]]
            raise NotAnActionError(
                f"{self._not_action}: {e}·{x.tolist()} = {image[moved[0]].tolist()}, but the identity must fix "
                "every state",
                (e, x),
            )
        for s in self.group.generators:
            moved = self.act(s, states)
            self._numbers(s, states, moved)
            for g in self.group.elements() if elements is None else elements:
                once, twice = self.act(g @ s, states), self.act(g, moved)
                if (wrong := np.flatnonzero((once != twice).any(axis=1))).size:
                    i = wrong[0]
                    x = states[i].tolist()
                    raise NotAnActionError(
                        f"{self._not_action}: ({g} @ {s})·{x} = {once[i].tolist()} but {g}·({s}·{x}) = "
                        f"{twice[i].tolist()}",
                        (g, s, states[i]),
                    )

    # --- orbits and stabilizers -------------------------------------------------------------------
    def orbit(self, state: np.ndarray | Sequence) -> np.ndarray:
        """G·x, the states reachable from x, in breadth-first order along the generators."""
        start = int(self.index(np.asarray(state).reshape(-1)))
        seen, frontier = {start: None}, self.states([start])
        while len(frontier):
            reached = [self._numbers(s, frontier, self._acted(s, frontier)) for s in self.group.generators]
            new = [i for i in np.unique(np.concatenate(reached)).tolist() if i not in seen] if reached else []
            seen.update(dict.fromkeys(new))
            frontier = self.states(new)
        return self.states(list(seen))

    def orbits(self) -> list[np.ndarray]:
        """The partition of the states into orbits, each in :meth:`orbit` order."""
        remaining, out = np.ones(self.n_states, dtype=bool), []
        while remaining.any():
            out.append(self.orbit(self.states([int(np.argmax(remaining))])[0]))
            remaining[self.index(out[-1])] = False
        return out

    def stabilizer(self, state: np.ndarray | Sequence) -> Subgroup:
        """G_x = {g : g·x = x}, with inclusion and restriction maps."""
        x = self.check_states(np.asarray(state).reshape(1, -1))
        fixing = [g for g in self.group.elements() if (self.act(g, x) == x).all()]
        return self.group.subgroup(fixing, name=f"stabilizer of {x[0].tolist()}")

    @property
    def is_transitive(self) -> bool:
        """One orbit covers every state."""
        return len(self.orbit(self.states([0])[0])) == self.n_states

    @property
    def is_free(self) -> bool:
        """Only the identity fixes a state: every stabilizer is trivial."""
        start = np.arange(self.n_states)
        return not any((self.permutation(g) == start).any() for g in self.group.elements()[1:])


def _as_table(states: np.ndarray | Sequence) -> np.ndarray:
    array = np.asarray(states)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer) or array.size == 0:
        raise InvalidStateError(
            f"states must be a non-empty integer array (n_states × n_components), got {array.dtype} {array.shape}",
            array,
        )
    table = np.array(array, dtype=np.int64, order="C")  # a copy, read-only: states() hands it out
    table.flags.writeable = False
    return table
