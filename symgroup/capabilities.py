"""What a learner can do beyond encoding, declared as protocols (importable from :mod:`symgroup.learn`).

The checker, the traversals, the report page and the command line ask ``isinstance(learner, P)``,
never ``hasattr``: a learner family turns on exactly the checks and pictures its capabilities name.

- :class:`Generative`: ``decode(codes)`` draws codes as images: reconstructions, latent traversals.
- :class:`Acting`: ``act(observations, elements)`` maps images by elements of the subgroups
  ``acts_by`` (a symmetry learner's decoded latent action on every subgroup; a translator on its
  domain): :func:`symgroup.check.check_action`, traversals by the action.
- :class:`Projected`: ``projection``, an encoder module of a head's code z = g(h) beside the code h
  (a contrastive learner's): ``symgroup check RUN --projection`` and its claims on z.
- :class:`Discovering`: ``discovered(env)``, the parts of the world's moves a learner that is not
  told the structure found to belong together: :func:`symgroup.check.partition.check_partition`,
  a section of the report page.

:class:`Trained` is what the checker needs of a run (:class:`symgroup.learn.Run`): its learner and
its world, without importing the learning layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import torch
    from torch import nn

    from envs import SymmetryEnv
    from symgroup.group import GroupElement


@runtime_checkable
class Generative(Protocol):
    """A learner that draws codes as images."""

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], (n, C, H, W), of codes (n, d)."""


@runtime_checkable
class Acting(Protocol):
    """A learner that maps images by group elements: T(x, g) for g in the subgroups ``acts_by``."""

    @property
    def acts_by(self) -> tuple[str, ...]:
        """The subgroups whose elements ``act`` takes."""

    def act(self, observations: torch.Tensor, elements: Sequence[GroupElement]) -> torch.Tensor:
        """T(x, g) for each pair of ``observations`` (n, C, H, W) and ``elements`` (n)."""


@runtime_checkable
class Projected(Protocol):
    """A learner with a head: ``projection`` encodes images as the head's code z = g(h)."""

    @property
    def projection(self) -> nn.Module:
        """x ↦ z, an encoder module for the checker."""


@runtime_checkable
class Discovering(Protocol):
    """A learner that finds which of the world's moves belong together."""

    def discovered(self, env: SymmetryEnv) -> tuple[tuple[GroupElement, ...], ...] | None:
        """The parts of ``env``'s moves it found (None before it has looked)."""


@runtime_checkable
class Trained(Protocol):
    """A trained run: its ``learner`` and the world ``env`` it learned on."""

    learner: nn.Module
    env: SymmetryEnv
