"""Actions of finite groups on finite sets of states.

States are rows of an integer array (n_states × n_components). An action is given per state,
``act(g, state)``, or vectorised, ``act_batch(g, states)``; either gives the other. The laws are
e·x = x and (gh)·x = g·(h·x), with ``@`` composing as in :mod:`symgroup.group`.

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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from symgroup.errors import InvalidStateError, NotAGroupError, NotAnActionError
from symgroup.group import Group, GroupElement
from symgroup.subgroup import Subgroup

Act = Callable[[GroupElement, np.ndarray], np.ndarray]


class GroupAction:
    """G acting on the rows of ``states``; ``validate`` checks the action laws on every state (see
    :meth:`check_laws`)."""

    def __init__(
        self,
        group: Group,
        states: np.ndarray | Sequence,
        act: Act | None = None,
        act_batch: Act | None = None,
        validate: bool = True,
    ) -> None:
        if not isinstance(group, Group):
            raise NotAGroupError(f"a group action needs a Group, got {group!r}", group)
        if (act is None) == (act_batch is None):
            raise NotAnActionError("give exactly one of act(g, state) and act_batch(g, states)", None)
        self.group = group
        self.states = _as_states(states)
        self._index = _RowIndex(self.states)
        self._act_batch = act_batch or (lambda g, xs: np.stack([np.asarray(act(g, x)) for x in xs]))
        if validate:
            self.check_laws()

    # --- acting -----------------------------------------------------------------------------------
    def act(self, g: GroupElement, states: np.ndarray | Sequence) -> np.ndarray:
        """g·x for a state x (n_components,) or a batch (n, n_components) of ``states``' rows; the same
        shape back (:class:`InvalidStateError` for a row that is not a state)."""
        self.group._check_same(g)
        x = np.asarray(states)
        batch = _as_states(x if x.ndim == 2 else x.reshape(1, -1))
        self._index(batch)
        out = self._acted(g, batch)
        return out if x.ndim == 2 else out[0]

    def _acted(self, g: GroupElement, batch: np.ndarray) -> np.ndarray:
        """g·x for each row of a batch of known states: the user's action, its output checked."""
        out = np.asarray(self._act_batch(g, batch))
        if out.shape != batch.shape or not np.issubdtype(out.dtype, np.integer):
            raise NotAnActionError(
                f"acting with {g} on states of shape {batch.shape} gave {out.dtype} of shape {out.shape}", g
            )
        return out.astype(np.int64)

    def index(self, states: np.ndarray | Sequence) -> np.ndarray:
        """Row numbers of ``states`` in ``self.states``; :class:`InvalidStateError` for an unknown one."""
        return self._index(np.asarray(states))

    def permutation(self, g: GroupElement) -> np.ndarray:
        """p with states[p[i]] = g·states[i]: the action of g as an index permutation."""
        self.group._check_same(g)
        image = self._acted(g, self.states)  # the state set itself: no need to look its rows up
        try:
            return self._index(image)
        except InvalidStateError as error:
            raise NotAnActionError(
                f"not an action: {g}·{error.counterexample.tolist()} leaves the state set", g
            ) from None

    # --- the laws ---------------------------------------------------------------------------------
    def check_laws(self, elements: Sequence[GroupElement] | None = None) -> None:
        """Raise :class:`NotAnActionError` with a counterexample unless, for every state x:
        g·x is a state, e·x = x, and (g @ s)·x = g·(s·x) for every g in ``elements`` (default: all of
        G) and every generator s. With all g this proves the law for all pairs, by induction on the
        length of a word in the generators."""
        start = np.arange(len(self.states))
        identity = self.permutation(self.group.identity)
        if (moved := np.flatnonzero(identity != start)).size:
            x = self.states[moved[0]]
            raise NotAnActionError(
                f"not an action: {self.group.identity}·{x.tolist()} = {self.states[identity[moved[0]]].tolist()}, "
                "but the identity must fix every state",
                (self.group.identity, x),
            )
        permutations: dict[GroupElement, np.ndarray] = {}  # each element's permutation, computed once

        def permutation(g: GroupElement) -> np.ndarray:
            if g not in permutations:
                permutations[g] = self.permutation(g)
            return permutations[g]

        for g in self.group.elements() if elements is None else elements:
            p_g = permutation(g)
            for s in self.group.generators:
                p_s, p_gs = permutation(s), permutation(g @ s)
                if (wrong := np.flatnonzero(p_gs != p_g[p_s])).size:
                    i = wrong[0]
                    x, once, twice = (self.states[j].tolist() for j in (i, p_gs[i], p_g[p_s[i]]))
                    raise NotAnActionError(
                        f"not an action: ({g} @ {s})·{x} = {once} but {g}·({s}·{x}) = {twice}", (g, s, self.states[i])
                    )

    # --- orbits and stabilizers -------------------------------------------------------------------
    def orbit(self, state: np.ndarray | Sequence) -> np.ndarray:
        """G·x, the states reachable from x, in breadth-first order along the generators."""
        start = int(self.index(np.asarray(state).reshape(1, -1))[0])
        seen, frontier = {start: None}, np.array([start])
        permutations = [self.permutation(s) for s in self.group.generators]
        while frontier.size:
            reached = np.unique(np.concatenate([p[frontier] for p in permutations])) if permutations else frontier[:0]
            frontier = np.array([i for i in reached.tolist() if i not in seen], dtype=np.int64)
            seen.update(dict.fromkeys(frontier.tolist()))
        return self.states[list(seen)]

    def orbits(self) -> list[np.ndarray]:
        """The partition of the states into orbits, each in :meth:`orbit` order."""
        remaining, out = np.ones(len(self.states), dtype=bool), []
        while remaining.any():
            out.append(self.orbit(self.states[int(np.argmax(remaining))]))
            remaining[self.index(out[-1])] = False
        return out

    def stabilizer(self, state: np.ndarray | Sequence) -> Subgroup:
        """G_x = {g : g·x = x}, with inclusion and restriction maps."""
        x = np.asarray(state).reshape(1, -1)
        self.index(x)
        fixing = [g for g in self.group.elements() if (self.act(g, x) == x).all()]
        return self.group.subgroup(fixing, name=f"stabilizer of {x[0].tolist()}")

    @property
    def is_transitive(self) -> bool:
        """One orbit covers every state."""
        return len(self.orbit(self.states[0])) == len(self.states)

    @property
    def is_free(self) -> bool:
        """Only the identity fixes a state: every stabilizer is trivial."""
        start = np.arange(len(self.states))
        return not any((self.permutation(g) == start).any() for g in self.group.elements()[1:])


def _as_states(states: np.ndarray | Sequence) -> np.ndarray:
    array = np.asarray(states)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer) or array.size == 0:
        raise InvalidStateError(
            f"states must be a non-empty integer array (n_states × n_components), got {array.dtype} {array.shape}",
            array,
        )
    return np.ascontiguousarray(array, dtype=np.int64)


class _RowIndex:
    """Row → row number for a table of distinct integer rows, vectorised by binary search."""

    def __init__(self, rows: np.ndarray) -> None:
        keys = self._keys(rows)
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]
        if (duplicate := np.flatnonzero(self._sorted[1:] == self._sorted[:-1])).size:
            raise InvalidStateError(f"state {rows[self._order[duplicate[0]]].tolist()} is listed twice", rows)
        self._width = rows.shape[1]

    @staticmethod
    def _keys(rows: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        single = rows.ndim == 1
        rows = rows.reshape(1, -1) if single else rows
        if rows.ndim != 2 or rows.shape[1] != self._width or not np.issubdtype(rows.dtype, np.integer):
            raise InvalidStateError(f"expected integer states with {self._width} components, got {rows.shape}", rows)
        keys = self._keys(rows)
        at = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
        if (missing := np.flatnonzero(self._sorted[at] != keys)).size:
            raise InvalidStateError(f"{rows[missing[0]].tolist()} is not a state", rows[missing[0]])
        found = self._order[at]
        return found[0] if single else found
