"""Samplers: the batches a learner trains on, drawn by :mod:`envs.sampling` and rendered as tensors.

A sampler draws states with a seeded numpy generator (:meth:`~symgroup.learn.Sampler.draw`, integer arrays, from
the world's training distribution: :meth:`~envs.SymmetryEnv.training_states`, uniform unless the
world correlates its factors) and renders them (:meth:`~symgroup.learn.Sampler.sample`, float32 tensors). Rendering
goes through the world: a world whose images fit its cache (:data:`envs.base.RENDER_CACHE_BYTES`) is
drawn once and looked up, a larger one (a world of 10⁶ states) is drawn on the fly, batch by batch.

- :class:`Images`: still images.
- :class:`Paths`: paths s_0, g_1, s_1, …, g_L, s_L with s_l = g_l · s_(l−1), s_0 and the moves
  uniform (``moves``: the world's generators, or any elements); a path of length 1 is a transition
  (s, g, g·s). With ``labelled`` = N, every batch comes from one fixed set of N paths drawn from
  the seed (a supervision budget). With ``relabel`` = a seed, the moves are handed out as opaque ids
  (:func:`envs.sampling.relabelling`), their true numbers kept under "true_moves" for reports only;
  with ``told=False``, only the frames: the learner is never told which move was made.
- :class:`Views`: pairs (s, h·s), h a uniform element of the named subgroups: augmentation by a
  group action.
- :class:`Balanced`: states whose component of one subgroup (the domain) takes each of its values
  equally often in a batch, the other components uniform.
- :class:`Domains`: a batch from the source domain (the domain's value 0) and one from the target
  (every other value), each from the training distribution given its domain.

>>> import envs, numpy as np
>>> env = envs.make("gridworld", n=4, hues=2, image_size=16)
>>> batch = Paths(env, batch_size=3, length=2, moves=env.moves).sample(np.random.default_rng(0))
>>> tuple(batch["frames"].shape), tuple(batch["moves"].shape)
((3, 3, 3, 16, 16), (3, 2))
>>> drawn = Views(env, 4, subgroups=("colour",)).draw(np.random.default_rng(0), 4)
>>> bool((drawn["states"][:, :2] == drawn["views"][:, :2]).all())  # only the colour differs
True
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from envs import sampling
from symgroup.errors import InvalidOptionError
from symgroup.group import GroupElement
from symgroup.numbers import is_integer

if TYPE_CHECKING:
    from envs import SymmetryEnv

Drawn = dict[str, np.ndarray]
Batch = dict[str, torch.Tensor]


class Sampler(ABC):
    """Batches of ``batch_size`` items from ``env``; ``frames`` images per item."""

    frames: int = 1

    def __init__(self, env: SymmetryEnv, batch_size: int) -> None:
        if not is_integer(batch_size) or batch_size < 1:
            raise InvalidOptionError(f"batch_size must be a positive integer, got {batch_size!r}", batch_size)
        self.env, self.batch_size = env, int(batch_size)

    @property
    def images_per_batch(self) -> int:
        return self.batch_size * self.frames

    @abstractmethod
    def draw(self, rng: np.random.Generator, n: int) -> Drawn:
        """n items as integer arrays (states, move or domain numbers)."""

    @abstractmethod
    def render(self, drawn: Drawn) -> Batch:
        """The items' observations (and labels) as tensors."""

    def sample(self, rng: np.random.Generator) -> Batch:
        """One rendered batch."""
        return self.render(self.draw(rng, self.batch_size))

    def images(self, states: np.ndarray) -> torch.Tensor:
        """Observations of states (..., n_factors): (..., C, H, W)."""
        flat = self.env.render(states.reshape(-1, states.shape[-1]))
        return torch.from_numpy(flat).reshape(*states.shape[:-1], *self.env.observation_shape)


class Images(Sampler):
    """{"x": (B, C, H, W), "states": (B, n_factors)} of training states (the states: labels, for
    learners that are given them)."""

    def draw(self, rng: np.random.Generator, n: int) -> Drawn:
        return {"states": self.env.training_states(n, rng)}

    def render(self, drawn: Drawn) -> Batch:
        return {"x": self.images(drawn["states"]), "states": torch.from_numpy(drawn["states"])}


class Paths(Sampler):
    """{"frames": (B, L + 1, C, H, W), "moves": (B, L)}: paths of ``length`` moves, ``moves[i]`` the
    element of i; with ``relabel``, "moves" are opaque ids and "true_moves" the numbers of the moves;
    with ``told=False``, "frames" alone."""

    def __init__(
        self,
        env: SymmetryEnv,
        batch_size: int,
        length: int,
        moves: Sequence[GroupElement],
        labelled: int | None = None,
        seed: int = 0,
        relabel: int | None = None,
        told: bool = True,
    ) -> None:
        super().__init__(env, batch_size)
        if not is_integer(length) or length < 0:
            raise InvalidOptionError(f"path length must be a non-negative integer, got {length!r}", length)
        if labelled is not None and (not is_integer(labelled) or labelled < 1):
            raise InvalidOptionError(f"labelled must be None or a positive integer, got {labelled!r}", labelled)
        self.length, self.moves, self.frames = int(length), tuple(moves), int(length) + 1
        self.pool = None if labelled is None else self._fresh(np.random.default_rng([seed, 1]), labelled)
        self.labels = None if relabel is None else sampling.relabelling(len(self.moves), relabel)
        self.told = told

    def _fresh(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        return sampling.paths(self.env, n, self.length, rng, self.moves, "training")

    def draw(self, rng: np.random.Generator, n: int) -> Drawn:
        if self.pool is None:
            states, move_ids = self._fresh(rng, n)
        else:
            pick = rng.integers(0, len(self.pool[0]), size=n)
            states, move_ids = self.pool[0][pick], self.pool[1][pick]
        if not self.told:
            return {"states": states}
        if self.labels is None:
            return {"states": states, "moves": move_ids}
        return {"states": states, "moves": self.labels[move_ids], "true_moves": move_ids}

    def render(self, drawn: Drawn) -> Batch:
        return {"frames": self.images(drawn["states"])} | {
            k: torch.from_numpy(drawn[k]) for k in ("moves", "true_moves") if k in drawn
        }


class Views(Sampler):
    """{"x", "y"}: images of s and h·s, h uniform in the product of the named ``subgroups``; with a
    ``domain`` subgroup, s is drawn balanced over its values (as :class:`Balanced`) and the batch
    also holds "domain"."""

    frames = 2

    def __init__(self, env: SymmetryEnv, batch_size: int, subgroups: Sequence[str], domain: str | None = None) -> None:
        super().__init__(env, batch_size)
        unknown = [s for s in subgroups if s not in env.factor_names]
        if unknown or not subgroups:
            raise InvalidOptionError(
                f"views differ by subgroups of {env.name}: {env.factor_names}, got {list(subgroups)}", unknown
            )
        self.subgroups = tuple(subgroups)
        self.domain = None if domain is None else Balanced(env, batch_size, domain)

    def draw(self, rng: np.random.Generator, n: int) -> Drawn:
        states = self.env.training_states(n, rng) if self.domain is None else self.domain.draw(rng, n)["states"]
        views, elements = sampling.views(self.env, states, self.subgroups, rng)
        drawn = {"states": states, "views": views, "elements": elements}
        if self.domain is not None:
            drawn["domain"] = states[:, self.domain.column].copy()
        return drawn

    def render(self, drawn: Drawn) -> Batch:
        out = {"x": self.images(drawn["states"]), "y": self.images(drawn["views"])}
        if "domain" in drawn:
            out["domain"] = torch.from_numpy(drawn["domain"])
        return out


class DomainSampler(Sampler):
    """A sampler keyed by one subgroup, the domain: ``column`` is its place in the states."""

    def __init__(self, env: SymmetryEnv, batch_size: int, subgroup: str) -> None:
        super().__init__(env, batch_size)
        if subgroup not in env.factor_names:
            raise InvalidOptionError(f"{subgroup!r} is not a subgroup of {env.name}: {env.factor_names}", subgroup)
        self.column = env.factor_names.index(subgroup)


class Balanced(DomainSampler):
    """{"x", "domain"}: the ``subgroup``'s component (the domain) takes each value equally often."""

    def draw(self, rng: np.random.Generator, n: int) -> Drawn:
        states = sampling.balanced(self.env, n, self.column, rng)
        return {"states": states, "domain": states[:, self.column].copy()}

    def render(self, drawn: Drawn) -> Batch:
        return {"x": self.images(drawn["states"]), "domain": torch.from_numpy(drawn["domain"])}


class Domains(DomainSampler):
    """{"source", "target"} images and {"source_states", "target_states"}: ``batch_size`` states whose
    ``subgroup`` component (the domain) is 0 and as many whose component is not, each drawn from
    the training distribution conditioned on its domain (by rejection, so a world's correlations
    between the domain and other factors are kept)."""

    frames = 2

    def draw(self, rng: np.random.Generator, n: int) -> Drawn:
        source, target = sampling.domain_split(self.env, n, self.column, rng)
        return {"source_states": source, "target_states": target}

    def render(self, drawn: Drawn) -> Batch:
        out = {k: self.images(drawn[f"{k}_states"]) for k in ("source", "target")}
        return out | {k: torch.from_numpy(v) for k, v in drawn.items()}
