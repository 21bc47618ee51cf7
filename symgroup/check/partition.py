"""Is a partition of a world's moves the partition by subgroup? ``check_partition(parts, env)``.

A learner that is not told the world's structure (given opaque ids for its moves, or no moves at
all) can report which moves it found to belong together. The world's answer: the moves of
subgroup i are those whose component outside G_i is the identity. The partition found is scored
against it by the adjusted Rand index (Hubert & Arabie 1985: 1 for the same partition, about 0 for
one unrelated to it) and judged *recovered* when it is exactly the world's — as many parts as
subgroups with moves, each part the moves of one subgroup. A move that changes several subgroups
at once (a world with entangled moves) belongs to no subgroup: no partition recovers such a world.

>>> import envs
>>> world = envs.make("gridworld", n=4, hues=3, image_size=16)
>>> x, x_, y, y_, c, c_ = world.moves
>>> check_partition([[x, x_], [y, y_], [c, c_]], world).recovered
True
>>> report = check_partition([[x, x_, y, y_], [c, c_]], world)
>>> report.recovered, report.subgroups, round(report.adjusted_rand, 3)
(False, (('x', 'y'), ('colour',)), 0.444)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sklearn.metrics import adjusted_rand_score

from symgroup.errors import InvalidOptionError

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.group import GroupElement


@dataclass(frozen=True)
class PartitionReport:
    """``parts`` (each a tuple of moves), the world's ``subgroups`` each part's moves change, the
    adjusted Rand index against the partition by subgroup, and the verdict ``recovered``."""

    env: str
    parts: tuple[tuple[GroupElement, ...], ...]
    subgroups: tuple[tuple[str, ...], ...]
    adjusted_rand: float
    recovered: bool
    entangled: tuple[GroupElement, ...]  # moves that change more than one subgroup

    @property
    def reasons(self) -> list[str]:
        """Why the partition is not the world's (empty when it is)."""
        if self.recovered:
            return []
        if self.entangled:
            return [f"{len(self.entangled)} moves change several subgroups at once, e.g. {self.entangled[0]}"]
        shared = [" + ".join(s) for s in self.subgroups if len(s) > 1]
        named = [s[0] for s in self.subgroups if len(s) == 1]
        split = sorted({n for n in named if named.count(n) > 1})
        out = [f"one part holds the moves of {s}" for s in shared]
        return out + [f"the moves of {n} fall into {named.count(n)} parts" for n in split]

    def to_dict(self) -> dict[str, Any]:
        return {
            "parts": [[str(g) for g in part] for part in self.parts],
            "subgroups": [list(s) for s in self.subgroups],
            "adjusted_rand": self.adjusted_rand,
            "recovered": self.recovered,
            "reasons": self.reasons,
        }

    def __str__(self) -> str:
        head = f"{self.env}: {len(self.parts)} parts of its moves, adjusted Rand index {self.adjusted_rand:.3f} — "
        head += "the partition by subgroup" if self.recovered else "not the partition by subgroup"
        lines = [head]
        for part, names in zip(self.parts, self.subgroups, strict=True):
            lines.append(f"  {', '.join(map(str, part))} → changes {' + '.join(names) or 'nothing'}")
        return "\n".join([*lines, *(f"  {r}" for r in self.reasons)])


def changed_subgroups(env: SymmetryEnv, g: GroupElement) -> tuple[str, ...]:
    """The subgroups whose component of ``g`` is not the identity, in the world's order."""
    return tuple(n for n, f in env.group.factors.items() if env.group.project(n, g) != f.identity)


def check_partition(parts: Sequence[Sequence[GroupElement]], env: SymmetryEnv) -> PartitionReport:
    """Score a partition of moves (elements of ``env``'s group, each in one part) against the
    partition by the subgroup each move changes; :class:`~symgroup.errors.InvalidOptionError` for a move in two parts,
    an empty part, or an element that is not of the world's group."""
    parts = tuple(tuple(part) for part in parts)
    flat = [g for part in parts for g in part]
    for g in flat:
        env.group._check_same(g)
    if any(not part for part in parts):
        raise InvalidOptionError("a part of the partition holds no move", parts)
    if len(set(flat)) != len(flat):
        twice = next(g for g in flat if flat.count(g) > 1)
        raise InvalidOptionError(f"move {twice} is in more than one part", twice)
    changes = [changed_subgroups(env, g) for g in flat]
    found = [k for k, part in enumerate(parts) for _ in part]
    truth = [" + ".join(c) for c in changes]
    changed = [{n for c, k in zip(changes, found, strict=True) if k == part for n in c} for part in range(len(parts))]
    subgroups = tuple(tuple(n for n in env.factor_names if n in names) for names in changed)
    entangled = tuple(g for g, c in zip(flat, changes, strict=True) if len(c) > 1)
    adjusted = float(adjusted_rand_score(truth, found)) if len(flat) > 1 else 1.0
    recovered = not entangled and all(len(s) == 1 for s in subgroups) and len(set(subgroups)) == len(parts)
    return PartitionReport(env.name, parts, subgroups, adjusted, recovered, entangled)
