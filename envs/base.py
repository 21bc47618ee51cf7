"""Symmetry environments: a world whose symmetry group G = G₁ × … × Gₙ is explicit.

A state is one integer per factor (its *component*); subgroup Gᵢ acts on component i only, the
disentangled world action that Higgins et al. 2018 (arXiv 1812.02230, section 3) assume. By default
Gᵢ acts on its component by left multiplication on element numbers — for C_n the cyclic shift
c ↦ (c + k) mod n. A subclass names its factors, declares its typed ``Options`` (a :class:`WorldOptions` dataclass) and
implements :meth:`SymmetryEnv.draw`; states, acting, transitions, random walks, validation and export
come from this class.

>>> import numpy as np
>>> from symgroup import Cyclic
>>> from envs import CustomEnv
>>> def draw(states):  # a 1×1×8 "image": one lit pixel per (position, brightness)
...     out = np.zeros((len(states), 1, 1, 8), np.float32)
...     out[np.arange(len(states)), 0, 0, states[:, 0]] = (1 + states[:, 1]) / 2
...     return out
>>> env = CustomEnv({"position": Cyclic(8), "brightness": Cyclic(2)}, draw, (1, 1, 8))
>>> env.n_states, env.states()[:3].tolist()
(16, [[0, 0], [0, 1], [1, 0]])
>>> step = env.group.embed("position", 3)
>>> env.act(step, [[6, 1]]).tolist(), env.index([[6, 1]]).tolist()
([[1, 1]], [13])
>>> env.validate()["states_checked"]
16
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from envs import sampling
from symgroup import DirectProduct, Group, GroupAction, GroupElement, StateGrid
from symgroup.config import TypedConfig
from symgroup.errors import InvalidOptionError, RenderError
from symgroup.numbers import check_integer
from symgroup.representation import Representation

ComponentAct = Callable[[GroupElement, np.ndarray], np.ndarray]

#: Worlds whose images take at most this many bytes are drawn once and then looked up.
RENDER_CACHE_BYTES = 256 * 2**20
#: The memory budget of one observation (float32): a batch of 64 of them is at most 4 GiB.
OBSERVATION_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Factor:
    """A subgroup of the world's symmetry and how it acts on its own state component.

    ``act(g, values)`` maps a factor element and an int array of component values to new values;
    by default left multiplication on element numbers (values 0..``|G|``−1, as ``group.elements()``).
    ``size`` is the number of component values (default ``|G|``). ``representation``: the faithful
    orthogonal representation a symmetry learner lets the subgroup act by on its latent block
    (default: the first of the group's :meth:`~symgroup.Group.faithful_representations`).
    """

    group: Group
    act: ComponentAct | None = None
    size: int | None = None
    representation: Representation | None = None


@dataclass(frozen=True)
class WorldOptions(TypedConfig):
    """A world's options, checked against their annotations when made (:mod:`symgroup.config`). A
    world with options declares them as a nested ``Options`` dataclass extending this one and takes
    an instance of it (``envs.make(name, **values)`` builds it from the values); a world without
    options keeps this empty one."""

    noun = "option"


@dataclass(frozen=True)
class Transitions:
    """Transitions (s, g, g·s): ``move_ids`` index ``env.moves``; observations when requested."""

    states: np.ndarray
    move_ids: np.ndarray
    next_states: np.ndarray
    moves: tuple[GroupElement, ...]
    observations: np.ndarray | None = None
    next_observations: np.ndarray | None = None

    @property
    def actions(self) -> list[GroupElement]:
        """The group element of each transition."""
        return [self.moves[i] for i in self.move_ids.tolist()]


@dataclass(frozen=True)
class Walks:
    """Random walks: ``states`` (n, length + 1, n_factors), ``move_ids`` (n, length) into ``env.moves``."""

    states: np.ndarray
    move_ids: np.ndarray
    observations: np.ndarray | None = None


class SymmetryEnv(GroupAction, ABC):
    """A finite world: the group action of ``group`` = DirectProduct of the named factors on the
    :class:`~symgroup.StateGrid` of ``factor_sizes``, each factor acting on its own component.

    States are int arrays (n, n_factors); ``states()`` lists all of them in row-major order of
    ``factor_sizes`` (the last factor fastest), which ``index`` inverts. Orbits, stabilizers, Schreier
    graphs and the law check come from :class:`~symgroup.GroupAction`.
    """

    #: The registry name (set by :func:`envs.register`); "custom" for unregistered environments.
    name = "custom"
    #: The world's typed options (a subclass declares its own).
    Options: ClassVar[type[WorldOptions]] = WorldOptions

    def __init__(
        self,
        factors: Mapping[str, Group | Factor],
        observation_shape: Sequence[int],
        options: WorldOptions | None = None,
    ) -> None:
        if not factors:
            raise InvalidOptionError("an environment needs at least one factor", factors)
        self.factors = {n: f if isinstance(f, Factor) else Factor(f) for n, f in factors.items()}
        group = DirectProduct({n: f.group for n, f in self.factors.items()})
        self.factor_names: tuple[str, ...] = group.names
        self.factor_sizes: tuple[int, ...] = tuple(f.size or f.group.order for f in self.factors.values())
        super().__init__(group, StateGrid(self.factor_sizes), act_batch=self._act_components, validate=False)
        self.observation_shape: tuple[int, ...] = tuple(int(d) for d in observation_shape)
        if len(self.observation_shape) != 3 or min(self.observation_shape) < 1:
            raise InvalidOptionError(f"observation_shape must be (C, H, W), got {observation_shape}", observation_shape)
        if math.prod(self.observation_shape) * 4 > OBSERVATION_BYTES:
            raise InvalidOptionError(
                f"one observation of shape {self.observation_shape} would take "
                f"{math.prod(self.observation_shape) * 4 / 2**20:,.0f} MiB; the budget is "
                f"{OBSERVATION_BYTES // 2**20} MiB (a batch of 64 must fit in memory)",
                observation_shape,
            )
        self.options = self.Options() if options is None else options
        self._image_table: np.ndarray | None = None

    # --- states -----------------------------------------------------------------------------------
    def sample_states(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """n states drawn uniformly (with replacement)."""
        check_integer(n, "n")
        return np.random.default_rng(rng).integers(0, self.factor_sizes, size=(n, len(self.factor_sizes)))

    def training_states(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """n states of the distribution learners train on: :meth:`sample_states` unless a world says
        otherwise (correlated factors); the checker judges every state all the same."""
        return self.sample_states(n, rng)

    # --- acting -----------------------------------------------------------------------------------
    @cached_property
    def moves(self) -> tuple[GroupElement, ...]:
        """The elementary actions: each subgroup's generators and their inverses, as elements of G."""
        out: list[GroupElement] = []
        for name, factor in self.factors.items():
            for s in factor.group.generators:
                out += [self.group.embed(name, s)] + ([self.group.embed(name, ~s)] if ~s != s else [])
        return tuple(dict.fromkeys(out))

    @cached_property
    def _tables(self) -> dict[str, np.ndarray]:
        return {n: f.group.multiplication_table() for n, f in self.factors.items() if f.act is None}

    def _act_components(self, g: GroupElement, states: np.ndarray) -> np.ndarray:
        """g·s for a batch of states: each factor's component of g acts on its own column."""
        out = np.empty_like(states)
        for i, (name, factor) in enumerate(self.factors.items()):
            component = self.group.project(name, g)
            if factor.act is None:
                out[:, i] = self._tables[name][factor.group.index(component), states[:, i]]
            else:
                out[:, i] = factor.act(component, states[:, i])
        return out

    def act_moves(
        self,
        move_ids: np.ndarray,
        states: np.ndarray,
        moves: Sequence[GroupElement] | None = None,
    ) -> np.ndarray:
        """Row r of ``states`` acted on by ``moves[move_ids[r]]`` (default :attr:`moves`)."""
        states, move_ids = self.check_states(states), np.asarray(move_ids)
        moves = self.moves if moves is None else moves
        if move_ids.shape != states.shape[:1] or not np.issubdtype(move_ids.dtype, np.integer):
            raise InvalidOptionError(
                f"move_ids must be {len(states)} integers, one per state, got {move_ids!r:.200}", move_ids
            )
        if (unknown := move_ids[(move_ids < 0) | (move_ids >= len(moves))]).size:
            raise InvalidOptionError(f"move id {int(unknown[0])} is not one of 0..{len(moves) - 1}", int(unknown[0]))
        out = np.empty_like(states)
        for m in np.unique(move_ids).tolist():
            rows = move_ids == m
            out[rows] = self.act(moves[m], states[rows])
        return out

    # --- rendering --------------------------------------------------------------------------------
    @abstractmethod
    def draw(self, states: np.ndarray) -> np.ndarray:
        """Images of valid states: float32 (n, C, H, W) in [0, 1]. Subclasses implement this."""

    def render(self, states: np.ndarray | Sequence) -> np.ndarray:
        """Observations of ``states``, float32 ``(n, *observation_shape)`` in [0, 1].

        A world whose images fit in :data:`~envs.base.RENDER_CACHE_BYTES` is drawn once, on first use, and
        then looked up: a finite world is enumerated once.
        """
        states = self.check_states(states)
        if self._fits_cache:
            if self._image_table is None:
                self._image_table = np.concatenate(
                    [self._draw_checked(c) for c in np.array_split(self.states(), max(1, self.n_states // 1024))]
                )
            return self._image_table[self.index(states)]
        return self._draw_checked(states)

    @property
    def _fits_cache(self) -> bool:
        return self.n_states * math.prod(self.observation_shape) * 4 <= RENDER_CACHE_BYTES

    def _draw_checked(self, states: np.ndarray) -> np.ndarray:
        try:
            images = self.draw(states)
        except Exception as error:  # a user's draw: keep its exception, say which states it was given
            raise RenderError(
                f"{self.name}: draw raised {type(error).__name__}: {error} (for {len(states)} states from "
                f"{states[0].tolist() if len(states) else []})",
                states,
            ) from error
        expected = (len(states), *self.observation_shape)
        if not isinstance(images, np.ndarray) or images.shape != expected or images.dtype != np.float32:
            got = (getattr(images, "dtype", type(images).__name__), getattr(images, "shape", None))
            raise RenderError(f"{self.name}: draw must return float32 of shape {expected}, got {got[0]} {got[1]}")
        if not (images.min(initial=0.0) >= 0 and images.max(initial=0.0) <= 1):  # NaN fails both comparisons
            flat = images.reshape(len(images), -1)
            finite = np.isfinite(flat).all(axis=1)
            if not finite.all():
                bad = np.flatnonzero(~finite)
                raise RenderError(
                    f"{self.name}: draw returned non-finite values for {bad.size} of {len(images)} states, "
                    f"e.g. state {states[bad[0]].tolist()}",
                    states[bad[0]],
                )
            bad = int(np.flatnonzero(((flat < 0) | (flat > 1)).any(axis=1))[0])
            raise RenderError(
                f"{self.name}: images must lie in [0, 1]; state {states[bad].tolist()} has values in "
                f"[{flat[bad].min():.3g}, {flat[bad].max():.3g}]",
                states[bad],
            )
        return images

    # --- interaction ------------------------------------------------------------------------------
    def transitions(
        self, n: int, rng: np.random.Generator | int | None = None, observations: bool = False
    ) -> Transitions:
        """n transitions (s, g, g·s): s uniform over states, g uniform over :attr:`moves` (paths of one
        move, :func:`envs.sampling.paths`)."""
        walks = self.random_walks(n, 1, rng, observations)
        images = (walks.observations[:, 0], walks.observations[:, 1]) if observations else (None, None)
        return Transitions(walks.states[:, 0], walks.move_ids[:, 0], walks.states[:, 1], self.moves, *images)

    def random_walks(
        self, n: int, length: int, rng: np.random.Generator | int | None = None, observations: bool = False
    ) -> Walks:
        """n random walks of ``length`` uniform moves each, from uniform start states
        (:func:`envs.sampling.paths`)."""
        check_integer(n, "n")
        check_integer(length, "length")
        states, move_ids = sampling.paths(self, n, length, np.random.default_rng(rng))
        images = self.render(states.reshape(-1, states.shape[-1])) if observations else None
        return Walks(states, move_ids, None if images is None else images.reshape(*states.shape[:2], *images.shape[1:]))

    # --- checks and export ------------------------------------------------------------------------
    def validate(self, max_states: int = 4096, max_elements: int = 512, seed: int = 0) -> dict[str, Any]:
        """Check the action laws, that each subgroup moves only its own component, and that rendering
        is deterministic, well-formed and injective; see :func:`envs.validation.validate`."""
        from envs.validation import validate

        return validate(self, max_states=max_states, max_elements=max_elements, seed=seed)

    def describe(self) -> dict[str, Any]:
        """A JSON-safe description: name, options, factors with their groups, sizes and generators."""
        return {
            "env": self.name,
            "options": self.options.to_dict(),
            "factors": [
                {"name": n, "group": str(f.group), "size": size, "generators": [str(s) for s in f.group.generators]}
                for (n, f), size in zip(self.factors.items(), self.factor_sizes, strict=True)
            ],
            "observation_shape": list(self.observation_shape),
            "moves": [str(m) for m in self.moves],
        }

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.to_dict().items())
        return f"{type(self).__name__}({options}): {self.group}, {self.n_states} states"


class CustomEnv(SymmetryEnv):
    """An environment from a factor mapping and a draw function, without subclassing."""

    def __init__(
        self,
        factors: Mapping[str, Group | Factor],
        draw: Callable[[np.ndarray], np.ndarray],
        observation_shape: Sequence[int],
        name: str = "custom",
    ) -> None:
        super().__init__(factors, observation_shape)
        self._draw, self.name = draw, name

    def draw(self, states: np.ndarray) -> np.ndarray:
        return self._draw(states)
