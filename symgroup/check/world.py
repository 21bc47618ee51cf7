"""An encoded world: every state encoded once, every group action an index permutation of the table.

For each subgroup G_i the orbit table ``orbits[i]`` has one row per G_i-orbit and one column per
element g_t of G_i (in ``G_i.elements()`` order): ``orbits[i][r, t]`` is the table row of
g_t · base_r. A world with at most ``max_states`` states is enumerated whole, with one row per orbit;
a larger one is checked on the G_i-orbits of a seeded uniform sample of base states.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from symgroup.check.encoding import Encoder, encode_states
from symgroup.cyclic import Cyclic

if TYPE_CHECKING:
    from envs import SymmetryEnv


@dataclass(frozen=True)
class EncodedWorld:
    env: SymmetryEnv
    states: np.ndarray  # (n, n_factors): the encoded states
    codes: np.ndarray  # (n, d) float64
    orbits: dict[str, np.ndarray]  # subgroup → (rows, |G_i|) indices into states / codes
    sampled: bool

    @property
    def names(self) -> tuple[str, ...]:
        return self.env.factor_names

    def variation(self, name: str) -> np.ndarray:
        """z − (mean of z over its G_i-orbit) for every orbit point, (rows · |G_i|, d): the directions
        G_i moves the code in (DESIGN.md, "find each Z_i from whole orbits")."""
        return self._variations[name]

    @cached_property
    def _variations(self) -> dict[str, np.ndarray]:
        out = {}
        for name, table in self.orbits.items():
            z = self.codes[table]
            out[name] = (z - z.mean(axis=1, keepdims=True)).reshape(-1, z.shape[-1])
        return out

    def step_pairs(self, name: str, generator_position: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows (a, b) with state b = s · state a, s the factor's generator at ``generator_position``
        in ``G_i.elements()``."""
        group = self.env.factors[name].group
        elements = group.elements()
        s = elements[generator_position]
        image = [group.index(s @ g) for g in elements]
        table = self.orbits[name]
        return table.reshape(-1), table[:, image].reshape(-1)

    def is_cyclic_grid(self, name: str) -> bool:
        """Whether factor ``name`` is a cyclic group shifting its component (D_LSBD's setting)."""
        factor = self.env.factors[name]
        return isinstance(factor.group, Cyclic) and factor.act is None

    def angles(self, name: str) -> np.ndarray:
        """2π·(component value)/n for every orbit point of a cyclic factor, aligned with :meth:`variation`."""
        column = self.names.index(name)
        n = self.env.factor_sizes[column]
        return 2 * np.pi * self.states[self.orbits[name].reshape(-1), column] / n


def encode_world(
    encoder: Encoder, env: SymmetryEnv, max_states: int = 4096, seed: int = 0, batch_size: int = 256
) -> EncodedWorld:
    """Encode the world once (or the orbits of a seeded sample of it) and build the orbit tables."""
    if env.n_states <= max_states:
        states, sampled = env.states(), False
        bases = states
    else:
        rng = np.random.default_rng(seed)
        per_base = sum(f.group.order for f in env.factors.values())
        bases = env.sample_states(max(16, max_states // per_base), rng)
        states, sampled = None, True
    global_orbits = {name: _orbit_indices(env, name, bases) for name in env.factor_names}
    if sampled:
        rows = np.unique(np.concatenate([o.reshape(-1) for o in global_orbits.values()]))
        states = _unravel(env, rows)
        orbits = {n: np.searchsorted(rows, o) for n, o in global_orbits.items()}
    else:
        orbits = {n: _one_row_per_orbit(o) for n, o in global_orbits.items()}
    return EncodedWorld(env, states, encode_states(encoder, env, states, batch_size), orbits, sampled)


def _orbit_indices(env: SymmetryEnv, name: str, bases: np.ndarray) -> np.ndarray:
    elements = env.factors[name].group.elements()
    return np.stack([env.index(env.act(env.group.embed(name, g), bases)) for g in elements], axis=1)


def _one_row_per_orbit(table: np.ndarray) -> np.ndarray:
    """Keep the row of each orbit whose base (column 0, the identity) is the orbit's smallest index."""
    return table[table[:, 0] == table.min(axis=1)]


def _unravel(env: SymmetryEnv, rows: np.ndarray) -> np.ndarray:
    return np.stack(np.unravel_index(rows, env.factor_sizes), axis=1).astype(np.int64)
