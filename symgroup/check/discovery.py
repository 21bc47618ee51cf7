"""Which decomposition does a code disentangle? ``find_decomposition(encoder, env)``.

Higgins et al. 2018 (arXiv 1812.02230) define disentanglement with respect to a decomposition that
is given: G = G_1 × … × G_n, each G_i moving its own Z_i. A code may be disentangled with respect to
a coarser one (a contrastive code identifies the content as one block, von Kügelgen et al. 2021,
arXiv 2106.04619) or ignore some subgroups altogether. This module answers the converse question:
the *finest* partition of the world's subgroups into parts, and the subgroups the code ignores,
under which the code passes SBD (:func:`symgroup.check.check` with ``decomposition`` and
``invariant``), with that check's LSBD verdict and reasons.

The search:

1. The subgroups the code ignores: those whose actions move the code by at most ``invariance_tol`` of
   its spread on the finest partition, kept only where the check also finds no direction still
   encoding them (the invariance criteria of :mod:`symgroup.check.sbd`). A code that every
   subgroup leaves in place disentangles nothing.
2. The partitions of the other k subgroups, finest first: every partition into m parts is checked
   before any into m − 1, so the first level where some partition passes holds the finest ones
   (of those, the one with the least leakage between its parts). There are Bell(k) partitions
   (1, 2, 5, 15, 52, 203 for k = 1…6); up to ``exhaustive`` subgroups all are tried where needed.
   Beyond, the search is greedy: from the finest partition it merges the two parts the check finds
   most entangled (subspaces that share directions; else the largest leakage and interaction between
   them) until the check passes or one part is left.

The code is encoded once (a world of at most ``max_states`` states); a larger world is encoded
again for each partition tried, on the same seeded sample of base states.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from envs.validation import check_laws
from symgroup.check.checker import check
from symgroup.check.encoding import Encoder, encode_states
from symgroup.check.report import CheckReport
from symgroup.check.sbd import Tolerances
from symgroup.numbers import check_integer

if TYPE_CHECKING:
    from envs import SymmetryEnv

Parts = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Attempt:
    """One decomposition tried: its parts, the subgroups declared ignored, the SBD verdict and why it failed."""

    parts: Parts
    ignored: tuple[str, ...]
    passed: bool
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        parts = [list(p) for p in self.parts]
        return {"parts": parts, "ignored": list(self.ignored), "passed": self.passed, "reasons": list(self.reasons)}

    def __str__(self) -> str:
        why = f"  {self.reasons[0]}" if self.reasons else ""
        more = f" (+{len(self.reasons) - 1} more)" if len(self.reasons) > 1 else ""
        return f"{'PASS' if self.passed else 'FAIL'}  {describe(self.parts, self.ignored)}{why}{more}"


@dataclass
class FoundDecomposition:
    """What :func:`find_decomposition` found: ``parts`` (None where no partition passes), the subgroups
    the code ``ignores``, the ``report`` of the check under the found decomposition, and what was
    ``tried``, in order, by which ``search``."""

    env: str
    parts: Parts | None
    ignored: tuple[str, ...]
    report: CheckReport | None
    tried: list[Attempt] = field(default_factory=list)
    search: str = ""
    reason: str = ""  # why nothing was found, where nothing was

    @property
    def found(self) -> bool:
        return self.parts is not None

    @property
    def linear_passed(self) -> bool:
        """LSBD under the found decomposition."""
        return self.report is not None and self.report.linear_passed

    @property
    def decomposition(self) -> dict[str, tuple[str, ...]]:
        """The found parts as :func:`symgroup.check.check`'s ``decomposition`` (a part named by its
        subgroups joined with "+")."""
        return {"+".join(part): part for part in self.parts or ()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "parts": None if self.parts is None else [list(p) for p in self.parts],
            "ignored": list(self.ignored),
            "sbd": self.found,
            "lsbd": self.linear_passed,
            "lsbd_reasons": [] if self.report is None else self.report.linear_reasons,
            "reason": self.reason,
            "search": self.search,
            "tried": [a.to_dict() for a in self.tried],
        }

    def __str__(self) -> str:
        if self.parts is None:
            head = f"{self.env}: no decomposition of its subgroups under which the code is SBD ({self.reason})"
        else:
            lsbd = "pass" if self.linear_passed else "fail"
            head = f"{self.env}: the code is SBD under {describe(self.parts, self.ignored)} (LSBD {lsbd})"
        lines = [head]
        if self.report is not None and not self.report.linear_passed:
            lines += [f"  LSBD: {r}" for r in self.report.linear_reasons]
        lines.append(f"searched {self.search}; tried {len(self.tried)}:")
        lines += [f"  {a}" for a in self.tried]
        return "\n".join(lines)


def describe(parts: Parts, ignored: Sequence[str] = ()) -> str:
    """``x+y | colour`` (and ``, style ignored``)."""
    text = " | ".join("+".join(p) for p in parts) if parts else "no part"
    return text + (f", {', '.join(ignored)} ignored" if ignored else "")


def find_decomposition(
    encoder: Encoder,
    env: SymmetryEnv | str,
    *,
    exhaustive: int = 6,
    max_states: int = 4096,
    seed: int = 0,
    batch_size: int = 256,
    validate: bool = True,
    **tolerances: Any,
) -> FoundDecomposition:
    """The finest partition of ``env``'s subgroups into parts, and the subgroups the code ignores,
    under which ``encoder``'s code is SBD (see the module docstring for the search). ``encoder`` is
    anything :func:`symgroup.check.check` takes; ``exhaustive``: the most subgroups whose partitions
    are all tried (beyond, a greedy merge); other keywords override :class:`Tolerances`.

    >>> import numpy as np, envs
    >>> world = envs.make("gridworld", n=4, hues=3, image_size=16)
    >>> s = world.states()
    >>> position = np.eye(16)[4 * s[:, 0] + s[:, 1]]  # (x, y) as one block, colour not encoded
    >>> found = find_decomposition(position, world)
    >>> found.parts, found.ignored, found.linear_passed
    ((('x', 'y'),), ('colour',), True)
    """
    if isinstance(env, str):
        import envs

        env = envs.make(env)
    check_integer(exhaustive, "exhaustive", 1)
    check_integer(max_states, "max_states", 1)
    tol = Tolerances.of(tolerances)
    if validate:
        check_laws(env, seed=seed)
    codes = encode_states(encoder, env, env.states(), batch_size) if env.n_states <= max_states else encoder
    search = _Search(env, codes, dict(max_states=max_states, seed=seed, batch_size=batch_size, **tol.to_dict()))
    factors = tuple(env.factor_names)
    report = search.judge(tuple((f,) for f in factors), ())
    still = tuple(f for f in factors if report.sbd.subspaces[f].variance_share ** 0.5 <= tol.invariance_tol)
    if len(still) == len(factors):
        return search.nothing((), "no search", "the code moves with none of its subgroups (collapsed)")
    ignored: tuple[str, ...] = ()
    if still:
        report = search.judge(tuple((f,) for f in factors if f not in still), still)
        ignored = tuple(f for f in still if report.sbd.invariances[f].passed)
    kept = tuple(f for f in factors if f not in ignored)
    if len(kept) <= exhaustive:
        how = f"exhaustively, finest first, among the {bell(len(kept))} partitions of {', '.join(kept)}"
        for level in levels(kept):
            if passing := [parts for parts in level if search.judge(parts, ignored).passed]:
                best = min(passing, key=lambda parts: _leakage(search.judge(parts, ignored)))
                return search.found(best, ignored, how)
        return search.nothing(ignored, how, "not even one part of them all passes")
    how = f"greedily from the finest partition of {', '.join(kept)}, merging the most entangled parts"
    parts = tuple((f,) for f in kept)
    while not (report := search.judge(parts, ignored)).passed and len(parts) > 1:
        parts = _merge_most_entangled(parts, report)
    if report.passed:
        return search.found(parts, ignored, how)
    return search.nothing(ignored, how, "not even one part of them all passes")


class _Search:
    """The checks of one search: each decomposition checked once, in the order tried."""

    def __init__(self, env: SymmetryEnv, codes: Encoder, options: dict[str, Any]) -> None:
        self.env, self.codes, self.options = env, codes, options
        self.reports: dict[tuple[Parts, tuple[str, ...]], CheckReport] = {}
        self.tried: list[Attempt] = []

    def judge(self, parts: Parts, ignored: tuple[str, ...]) -> CheckReport:
        if (parts, ignored) not in self.reports:
            merged = {"+".join(p): p for p in parts if len(p) > 1}
            report = check(
                self.codes, self.env, decomposition=merged, invariant=ignored, validate=False, **self.options
            )
            self.reports[parts, ignored] = report
            self.tried.append(Attempt(parts, ignored, report.passed, tuple(report.reasons)))
        return self.reports[parts, ignored]

    def found(self, parts: Parts, ignored: tuple[str, ...], how: str) -> FoundDecomposition:
        return FoundDecomposition(self.env.name, parts, ignored, self.reports[parts, ignored], self.tried, how)

    def nothing(self, ignored: tuple[str, ...], how: str, reason: str) -> FoundDecomposition:
        return FoundDecomposition(self.env.name, None, ignored, None, self.tried, how, reason)


def _leakage(report: CheckReport) -> float:
    """The largest leakage between the report's parts."""
    return max((v for s in report.sbd.subspaces.values() for v in s.leakage.values()), default=0.0)


def _merge_most_entangled(parts: Parts, report: CheckReport) -> Parts:
    """``parts`` with the two merged that the check finds most entangled: subspaces that share
    directions first, then the largest leakage between them (either way) plus the excess of each
    one's interaction with the other (:class:`~symgroup.check.sbd.Interaction`); the first two where
    the check measured none. Parts keep the order of the subgroups."""
    names = ["+".join(p) for p in parts]
    subspaces = report.sbd.subspaces

    def entanglement(pair: tuple[int, int]) -> tuple[bool, float]:
        (a, b), score = (subspaces[names[k]] for k in pair), 0.0
        for one, other in ((a, b), (b, a)):
            score += one.leakage.get(other.name, 0.0)
            if one.interaction is not None and one.interaction.other == other.name:
                score += max(one.interaction.excess, 0.0)
        return b.name in a.shares_with, score

    i, j = max(itertools.combinations(range(len(parts)), 2), key=entanglement)
    order = [f for p in parts for f in p]
    merged = tuple(sorted(parts[i] + parts[j], key=order.index))
    return tuple(merged if k == i else p for k, p in enumerate(parts) if k != j)


def levels(items: Sequence[str]) -> Iterator[list[Parts]]:
    """The set partitions of ``items``, grouped by their number of parts, most parts first; each
    part keeps the items' order, and parts are ordered by their first item."""
    by_size: dict[int, list[Parts]] = {}
    for partition in _partitions(list(items)):
        by_size.setdefault(len(partition), []).append(partition)
    for size in sorted(by_size, reverse=True):
        yield by_size[size]


def _partitions(items: list[str]) -> Iterator[Parts]:
    if not items:
        yield ()
        return
    first, rest = items[0], items[1:]
    for partition in _partitions(rest):
        yield ((first,), *partition)
        for k in range(len(partition)):
            yield ((first, *partition[k]), *partition[:k], *partition[k + 1 :])


def bell(n: int) -> int:
    """The number of set partitions of n items (1, 1, 2, 5, 15, 52, 203, …)."""
    row = [1]
    for _ in range(n):
        nxt = [row[-1]]
        for value in row:
            nxt.append(nxt[-1] + value)
        row = nxt
    return row[0]
