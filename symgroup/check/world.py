"""An encoded world: every state encoded once, every group action an index permutation of the table.

The check is relative to a *decomposition* the user chooses (Higgins et al. 2018 define
disentanglement with respect to one): by default one part per factor of the world's group; parts may
merge factors (x and y as one C_n × C_n "position") and some parts may be declared *invariant* (the
code should ignore them). For each part P the orbit table ``orbits[P]`` has one row per P-orbit and
one column per element g_t of P (``part_elements(P)``, a product of its factors' elements in their
``elements()`` order): ``orbits[P][r, t]`` is the table row of g_t · base_r. A world with at most
``max_states`` states is enumerated whole, with one row per orbit; a larger one is checked on the
orbits of a seeded uniform sample of base states.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from symgroup.check.encoding import Encoder, Posterior, encode_posterior, encode_states
from symgroup.check.posterior import PosteriorSpread, posterior_spread
from symgroup.errors import FactorNameError, InvalidOptionError

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.group import GroupElement

#: Named parts of a world's subgroups: part name ↦ the subgroups it merges.
Decomposition = Mapping[str, Sequence[str]]


def decomposition_of(
    env: SymmetryEnv, decomposition: Decomposition | None = None, invariant: Sequence[str] = ()
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The parts (name → factor names) and the invariant part names, validated.

    ``decomposition`` maps part names to the factors they merge; factors it leaves out stay parts of
    their own. ``invariant`` names parts (or factors) the code must ignore.
    """
    factors = env.factor_names
    parts: dict[str, tuple[str, ...]] = {}
    for name, members in (decomposition or {}).items():
        members = (members,) if isinstance(members, str) else tuple(members)
        if not members:
            raise InvalidOptionError(f"part {name!r} of the decomposition merges no factors", name)
        parts[str(name)] = members
    used = [f for members in parts.values() for f in members]
    for f in used:
        if f not in factors:
            raise FactorNameError(f"{env.name} has no factor {f!r}; its factors are {', '.join(factors)}", f)
    if len(set(used)) != len(used):
        twice = sorted({f for f in used if used.count(f) > 1})
        raise InvalidOptionError(f"factors {twice} belong to more than one part of the decomposition", twice)
    for f in factors:
        if f not in used:
            if f in parts:
                raise InvalidOptionError(f"part name {f!r} is also a factor outside it", f)
            parts[f] = (f,)
    parts = {n: parts[n] for n in sorted(parts, key=lambda n: factors.index(parts[n][0]))}
    invariant = (invariant,) if isinstance(invariant, str) else tuple(invariant)
    for name in invariant:
        if name not in parts:
            raise FactorNameError(f"cannot declare {name!r} invariant: the parts are {', '.join(parts)}", name)
    if len(set(invariant)) == len(parts):
        raise InvalidOptionError("every part is declared invariant: nothing is left for the code to represent")
    return parts, tuple(dict.fromkeys(invariant))


@dataclass(frozen=True)
class EncodedWorld:
    env: SymmetryEnv
    states: np.ndarray  # (n, n_factors): the encoded states
    codes: np.ndarray  # (n, d) float64
    orbits: dict[str, np.ndarray]  # part → (rows, |P|) indices into states / codes
    sampled: bool
    parts: dict[str, tuple[str, ...]]  # part → the factors it is made of
    invariant: tuple[str, ...] = ()  # parts the code should ignore
    posterior: PosteriorSpread | None = None  # for a Posterior encoder: its mean against its spread

    @property
    def names(self) -> tuple[str, ...]:
        """Every part, invariant ones included, in the order of their first factor."""
        return tuple(self.parts)

    @property
    def content(self) -> tuple[str, ...]:
        """The parts the code should represent (all but the invariant ones)."""
        return tuple(n for n in self.parts if n not in self.invariant)

    def part_elements(self, name: str) -> list[GroupElement]:
        """The elements of part ``name`` as elements of the world's group, in orbit-table column order."""
        return self._elements[name][0]

    @cached_property
    def _elements(self) -> dict[str, tuple[list[GroupElement], dict[GroupElement, int]]]:
        """Each part's elements and their column numbers, built once."""
        out = {}
        for name, factors in self.parts.items():
            elements = _part_elements(self.env, factors)
            out[name] = elements, {g: t for t, g in enumerate(elements)}
        return out

    def part_generators(self, name: str) -> list[GroupElement]:
        """The generators of each factor of the part, as elements of the world's group."""
        return [self.env.group.embed(f, s) for f in self.parts[name] for s in self.env.factors[f].group.generators]

    def variation(self, name: str) -> np.ndarray:
        """z − (mean of z over its P-orbit) for every orbit point, (rows · ``|P|``, d): the directions
        P moves the code in (DESIGN.md, "find each Z_i from whole orbits")."""
        return self._split[name][0]

    def additive(self, name: str) -> np.ndarray:
        """The part of :meth:`variation` that depends on P's own components only: its mean over the
        orbit points that share those components (aligned with :meth:`variation`). For a
        disentangled code it is the whole variation (z = μ + Σ_P f_P(s_P))."""
        return self._split[name][1]

    def labels(self, name: str, of: str | None = None) -> np.ndarray:
        """P's components of every orbit point as one integer (aligned with :meth:`variation`); with
        ``of``, part ``of``'s components of the points of P's orbits."""
        columns = [self.env.factor_names.index(f) for f in self.parts[name if of is None else of]]
        sizes = [self.env.factor_sizes[c] for c in columns]
        values = self.states[self.orbits[name].reshape(-1)][:, columns]
        return np.ravel_multi_index(tuple(values.T), sizes)

    def joint(self, name: str, other: str) -> np.ndarray:
        """E[variation of P | P's and ``other``'s components] (aligned with :meth:`variation`): what
        P's motion depends on when ``other``'s components may change it (an interaction of the two)."""
        pair = self.labels(name) * self.env.n_states + self.labels(name, of=other)
        return _conditional_mean(self.variation(name), pair)

    @cached_property
    def _split(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out = {}
        for name, table in self.orbits.items():
            z = self.codes[table]
            variation = (z - z.mean(axis=1, keepdims=True)).reshape(-1, z.shape[-1])
            out[name] = (variation, _conditional_mean(variation, self.labels(name)))
        return out

    def step_pairs(self, name: str, s: GroupElement) -> tuple[np.ndarray, np.ndarray]:
        """Rows (a, b) with state b = s · state a, s an element of part ``name``."""
        elements, column = self._elements[name]
        image = [column[s @ g] for g in elements]
        table = self.orbits[name]
        return table.reshape(-1), table[:, image].reshape(-1)

    def acts_by_numbers(self, name: str) -> bool:
        """Whether part ``name`` is one factor acting on its component by left multiplication on
        element numbers (component value v is the state g_v · (component 0))."""
        factors = self.parts[name]
        return len(factors) == 1 and self.env.factors[factors[0]].act is None


def encode_world(
    encoder: Encoder,
    env: SymmetryEnv,
    max_states: int = 4096,
    seed: int = 0,
    batch_size: int = 256,
    decomposition: Decomposition | None = None,
    invariant: Sequence[str] = (),
    representation: str = "mean",
) -> EncodedWorld:
    """Encode the world once (or the orbits of a seeded sample of it) and build the orbit tables.
    A :class:`~symgroup.check.encoding.Posterior` encoder gives its means and variances in one pass;
    ``representation="sample"`` then judges one seeded sample of each posterior instead of its mean
    (disentanglement_lib's sampled representation)."""
    if representation not in ("mean", "sample"):
        raise InvalidOptionError(f"representation must be 'mean' or 'sample', got {representation!r}", representation)
    if representation == "sample" and not isinstance(encoder, Posterior):
        raise InvalidOptionError("only an encoder with a posterior (a VAE's) has a sample to judge", representation)
    parts, invariant = decomposition_of(env, decomposition, invariant)
    if env.n_states <= max_states:
        states, sampled = env.states(), False
        bases = states
    else:
        rng = np.random.default_rng(seed)
        per_base = sum(math.prod(env.factors[f].group.order for f in p) for p in parts.values())
        bases = env.sample_states(max(16, max_states // per_base), rng)
        states, sampled = None, True
    global_orbits = {name: env.orbit_table(bases, _part_elements(env, members)) for name, members in parts.items()}
    if sampled:
        rows = np.unique(np.concatenate([o.reshape(-1) for o in global_orbits.values()]))
        states = env.states(rows)
        orbits = {n: np.searchsorted(rows, o) for n, o in global_orbits.items()}
    else:
        orbits = {n: _one_row_per_orbit(o) for n, o in global_orbits.items()}
    if not isinstance(encoder, Posterior):
        return EncodedWorld(
            env, states, encode_states(encoder, env, states, batch_size), orbits, sampled, parts, invariant
        )
    means, variances = encode_posterior(encoder, env, states, batch_size)
    content = {n: orbits[n] for n in parts if n not in invariant}
    spread = posterior_spread(means, variances, content, representation)
    codes = means
    if representation == "sample":
        codes = means + np.sqrt(variances) * np.random.default_rng(seed).standard_normal(means.shape)
    return EncodedWorld(env, states, codes, orbits, sampled, parts, invariant, spread)


def _conditional_mean(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each row replaced by the mean of the rows that share its label."""
    _, label, counts = np.unique(labels, return_inverse=True, return_counts=True)
    sums = np.zeros((len(counts), values.shape[1]))
    np.add.at(sums, label.reshape(-1), values)
    return (sums / counts[:, None])[label.reshape(-1)]


def _part_elements(env: SymmetryEnv, factors: tuple[str, ...]) -> list[GroupElement]:
    group = env.group
    per_factor = [[group.embed(f, g) for g in env.factors[f].group.elements()] for f in factors]
    out = []
    for combination in itertools.product(*per_factor):
        element = combination[0]
        for g in combination[1:]:
            element = element @ g
        out.append(element)
    return out


def _one_row_per_orbit(table: np.ndarray) -> np.ndarray:
    """Keep the row of each orbit whose base (column 0, the identity) is the orbit's smallest index."""
    return table[table[:, 0] == table.min(axis=1)]
