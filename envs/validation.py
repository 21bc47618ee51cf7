"""Validation of a symmetry environment: is it what the checker needs?

1. The action laws (:meth:`symgroup.GroupAction.check_laws`): g·s is a state, e·s = s and
   (g @ h)·s = g·(h·s) (checked for every sampled g and every generator h, which proves the law for
   all pairs when all of G and all states are used).
2. Disentangled world action: each subgroup's generators change only their own component.
3. Rendering: float32 of the declared shape, finite, in [0, 1], and the same on a second call.
4. Injective rendering: distinct states give images that differ at 8-bit precision; two states with
   one image make every check of a representation meaningless.

Worlds with more than ``max_states`` states, or groups with more than ``max_elements`` elements, are
checked on a seeded uniform sample. Each failure raises its typed error naming the states or elements.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np

from symgroup import GroupElement
from symgroup.errors import EntangledActionError, NotInjectiveError, RenderError
from symgroup.numbers import check_integer

if TYPE_CHECKING:
    from envs.base import SymmetryEnv


def validate(env: SymmetryEnv, max_states: int = 4096, max_elements: int = 512, seed: int = 0) -> dict[str, Any]:
    """Run every check; return what was checked, or raise the first failure (``max_states`` and
    ``max_elements`` at least 1: a check of nothing is refused, not called valid)."""
    check_integer(max_states, "max_states", 1)
    check_integer(max_elements, "max_elements", 1)
    rng = np.random.default_rng(check_integer(seed, "seed"))
    states = _states(env, max_states, rng)
    elements = _elements(env, max_elements, rng)
    env.check_laws(elements, states)
    check_own_components(env, states)
    check_rendering(env, states[: min(len(states), 64)])
    check_injective(env, states)
    return {
        "env": env.name,
        "states_checked": len(states),
        "of_states": env.n_states,
        "elements_checked": len(elements),
        "of_elements": env.group.order,
    }


def check_laws(env: SymmetryEnv, elements: int = 64, max_states: int = 4096, seed: int = 0) -> None:
    """The action laws on (a sample of) the states for the generators and ``elements`` sampled elements
    — a quick guard that the checker and the trainer run before they trust a world; it raises
    :class:`~symgroup.errors.NotAnActionError` with the counterexample. :func:`validate` checks everything."""
    rng = np.random.default_rng(seed)
    env.check_laws(list(env.group.generators) + _elements(env, elements, rng), _states(env, max_states, rng))


def _states(env: SymmetryEnv, max_states: int, rng: np.random.Generator) -> np.ndarray:
    return env.states() if env.n_states <= max_states else np.unique(env.sample_states(max_states, rng), axis=0)


def _elements(env: SymmetryEnv, max_elements: int, rng: np.random.Generator) -> list[GroupElement]:
    if env.group.order <= max_elements:
        return list(env.group.elements())
    factors = [f.group.elements() for f in env.factors.values()]
    picks = [rng.integers(0, len(elements), size=max_elements) for elements in factors]
    return [
        GroupElement(env.group, tuple(elements[i].value for elements, i in zip(factors, row, strict=True)))
        for row in zip(*picks, strict=True)
    ]


def check_own_components(env: SymmetryEnv, states: np.ndarray) -> None:
    for column, name in enumerate(env.factor_names):
        others = [c for c in range(len(env.factor_names)) if c != column]
        for s in env.factors[name].group.generators:
            g = env.group.embed(name, s)
            moved = env.act(g, states)
            if (wrong := np.flatnonzero((moved[:, others] != states[:, others]).any(axis=1))).size:
                i = wrong[0]
                raise EntangledActionError(
                    f"{env.name}: subgroup {name!r} changes another component: "
                    f"{g}·{states[i].tolist()} = {moved[i].tolist()}",
                    (g, states[i]),
                )


def check_rendering(env: SymmetryEnv, states: np.ndarray) -> None:
    """Shape, dtype, finiteness and range are the render contract (:meth:`SymmetryEnv.render` raises
    :class:`~symgroup.errors.RenderError` itself); here: the same images on a second call."""
    first = env._draw_checked(states)
    if not np.array_equal(first, env._draw_checked(states)):
        raise RenderError(f"{env.name}: rendering is not deterministic: two calls on the same states differ")


def check_injective(env: SymmetryEnv, states: np.ndarray, chunk: int = 1024) -> None:
    """Distinct states must have images that differ after rounding to 8 bits."""
    seen: dict[bytes, int] = {}
    for start in range(0, len(states), chunk):
        images = np.rint(env._draw_checked(states[start : start + chunk]) * 255).astype(np.uint8)
        for offset, image in enumerate(images):
            key = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
            if key in seen:
                a, b = states[seen[key]], states[start + offset]
                raise NotInjectiveError(
                    f"{env.name}: states {a.tolist()} and {b.tolist()} render to the same image", (a, b)
                )
            seen[key] = start + offset
