"""Drawing states of a world: paths, views, domain-balanced batches and domain splits, as integer
arrays (numpy only; rendering and tensors are :mod:`symgroup.learn.samplers`' business).

Every draw says where its states come from: ``distribution="uniform"`` (every state equally likely,
:meth:`~envs.SymmetryEnv.sample_states`) or ``"training"`` (the distribution learners train on,
:meth:`~envs.SymmetryEnv.training_states`: uniform unless the world correlates its factors).

>>> import envs, numpy as np
>>> env = envs.make("gridworld", n=4, hues=2, image_size=16)
>>> states, moves = paths(env, 3, 2, rng=0)
>>> states.shape, moves.shape, bool((env.act_moves(moves[:, 0], states[:, 0]) == states[:, 1]).all())
((3, 3, 3), (3, 2), True)
>>> seen, _ = views(env, states[:, 0], ("colour",), np.random.default_rng(0))
>>> bool((seen[:, :2] == states[:, 0, :2]).all())  # only the colour differs
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from symgroup import GroupElement
from symgroup.errors import InvalidOptionError

if TYPE_CHECKING:
    from envs.base import SymmetryEnv

#: Which states to draw: uniformly, or from the world's training distribution.
Distribution = Literal["uniform", "training"]
#: A random generator, or the seed of a new one.
Rng = np.random.Generator | int | None
#: Rounds of rejection sampling before :func:`domain_split` gives up on a world that lacks a domain.
DOMAIN_ROUNDS = 1000


def draw_states(env: SymmetryEnv, n: int, rng: Rng, distribution: Distribution) -> np.ndarray:
    """n states (n, n_factors) from the named distribution."""
    rng = np.random.default_rng(rng)
    if distribution == "uniform":
        return env.sample_states(n, rng)
    if distribution == "training":
        return env.training_states(n, rng)
    raise InvalidOptionError(f"distribution must be 'uniform' or 'training', got {distribution!r}", distribution)


def walk(
    env: SymmetryEnv, starts: np.ndarray, move_ids: np.ndarray, moves: Sequence[GroupElement] | None = None
) -> np.ndarray:
    """The paths s_0, s_1 = g_1·s_0, …, s_L (n, L + 1, n_factors) from ``starts`` (n, n_factors) along
    ``move_ids`` (n, L), indices into ``moves`` (default the world's :attr:`~envs.SymmetryEnv.moves`)."""
    states = np.empty((len(starts), move_ids.shape[1] + 1, starts.shape[1]), dtype=np.int64)
    states[:, 0] = starts
    for t in range(move_ids.shape[1]):
        states[:, t + 1] = env.act_moves(move_ids[:, t], states[:, t], moves)
    return states


def paths(
    env: SymmetryEnv,
    n: int,
    length: int,
    rng: Rng,
    moves: Sequence[GroupElement] | None = None,
    distribution: Distribution = "uniform",
) -> tuple[np.ndarray, np.ndarray]:
    """n paths of ``length`` uniform moves from ``distribution``'s starts: (states (n, L + 1,
    n_factors), move ids (n, L) into ``moves``, default the world's moves)."""
    rng = np.random.default_rng(rng)
    starts = draw_states(env, n, rng, distribution)
    move_ids = rng.integers(0, len(env.moves if moves is None else moves), size=(n, length))
    return walk(env, starts, move_ids, moves), move_ids


def relabelling(n: int, seed: int) -> np.ndarray:
    """Opaque ids for n moves: a seeded permutation, move m handed to a learner as id ``labels[m]``,
    so that nothing of the world's structure can be read from the ids' order."""
    return np.random.default_rng([seed, 2]).permutation(n)


def views(env: SymmetryEnv, states: np.ndarray, subgroups: Sequence[str], rng: Rng) -> tuple[np.ndarray, np.ndarray]:
    """h·s for each row s of ``states``, h uniform in the product of the named subgroups: (the views,
    the element number of h's component in each subgroup (n, len(subgroups)))."""
    rng = np.random.default_rng(rng)
    out, chosen = states, []
    for name in subgroups:
        elements = [env.group.embed(name, g) for g in env.factors[name].group.elements()]
        chosen.append(rng.integers(0, len(elements), size=len(states)))
        out = env.act_moves(chosen[-1], out, elements)
    return out, np.stack(chosen, axis=1)


def balanced(env: SymmetryEnv, n: int, column: int, rng: Rng, distribution: Distribution = "training") -> np.ndarray:
    """n states whose component ``column`` (a domain) takes each of its values equally often (as
    nearly as n allows, in random order), the other components from ``distribution``."""
    rng = np.random.default_rng(rng)
    states = draw_states(env, n, rng, distribution)
    size = env.factor_sizes[column]
    states[:, column] = rng.permutation((rng.integers(size) + np.arange(n)) % size)
    return states


def domain_split(
    env: SymmetryEnv, n: int, column: int, rng: Rng, distribution: Distribution = "training"
) -> tuple[np.ndarray, np.ndarray]:
    """n states whose component ``column`` is 0 (the source domain) and n whose component is not (the
    target), each from ``distribution`` given its domain (by rejection, so a world's correlations
    between the domain and its other factors are kept)."""
    rng = np.random.default_rng(rng)
    found: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    for _ in range(DOMAIN_ROUNDS):
        states = draw_states(env, 4 * n, rng, distribution)
        source = states[:, column] == 0
        found[0].append(states[source])
        found[1].append(states[~source])
        if all(sum(map(len, parts)) >= n for parts in found):
            source_states, target_states = (np.concatenate(parts)[:n] for parts in found)
            return source_states, target_states
    name = env.factor_names[column]
    raise InvalidOptionError(
        f"{env.name}'s {distribution} distribution hardly holds both domains of {name!r}: too few states "
        f"after {DOMAIN_ROUNDS} rounds",
        name,
    )
