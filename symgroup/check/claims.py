"""A learner's claims: what its paper says it learns, declared by the learner, judged on a trained one.

Each learner names its paper's claim as :class:`Claim` objects (``learner.claims(env)``), and
:func:`judge` measures every one on the trained learner in its world, on every state (or the orbits
of a seeded sample above ``max_states``):

- :class:`Ignores` — the code does not move with some subgroups (an augmentation, a domain): each
  one's movement, √(E‖variation‖² / E‖z − z̄‖²), is at most the check's ``invariance_tol``;
- :class:`Identifies` — some subgroups, merged into one part, pass SBD (content identified as a
  block, von Kügelgen et al. 2021), the code ignoring what the claim names;
- :class:`Splits` — every subgroup its own part passes SBD (Higgins et al. 2018), and LSBD with
  ``linear``; :class:`OwnCodes` — at least k subgroups get a subspace of their own;
- :class:`CodesMove` — a generator's codes, each changed with the rest fixed, move one subgroup
  alone (each image landed on its nearest rendered state, and counted only where it draws that
  state): at least k subgroups are so moved;
- :class:`ActsAs` — a translator implements a subgroup's action on images
  (:func:`~symgroup.check.check_action`: identity, hit, kept, inverse, the smallest over
  generators) and makes the change ("moved": the median over states of ⟨T(x, g) − x, x(g·s) − x⟩ /
  ‖x(g·s) − x‖², the smallest over the subgroup's values at the source: 1 all of it, 0 none);
- :class:`RecoversPartition` — a learner not told the structure found the partition of the world's
  moves by subgroup (:func:`~symgroup.check.partition.check_partition` of ``learner.discovered(env)``);
- :class:`InfersActions` — a learner never told the moves infers which one made each pair of
  images (``learner.accuracy(env)``: the share of seeded transitions whose inferred action stands
  for their true move);
- :class:`Classifies` — a classifier tells a subgroup's value (accuracy over the states it is
  claimed on, with a baseline's accuracy beside).

A :class:`Verdict` lists each requirement with the figure measured and its bar, and passes when all
hold; figures that are reported but not judged (a baseline) are kept beside. A learner's bars are
what a run in its paper's own setting should clear (BENCHMARKS.md, "Positive controls").

>>> verdict = Verdict("it acts on images as style", "a translator's claim",
...                   (Requirement("hit", 0.62, 0.9), Requirement("kept", 0.97, 0.95)), {"identity": 1.0})
>>> verdict.passed, verdict.reasons
(False, ['hit 0.62 (≥ 0.9 needed)'])
>>> print(verdict)
FAIL  it acts on images as style — a translator's claim
      ✗ hit 0.62 (≥ 0.9 needed)
      ✓ kept 0.97 (≥ 0.95 needed)
        identity 1
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import torch

from symgroup.check.action import ActionReport, Landing, applier, check_action
from symgroup.check.checker import check
from symgroup.check.partition import check_partition
from symgroup.check.report import CheckReport
from symgroup.check.sbd import Tolerances

if TYPE_CHECKING:
    from envs import SymmetryEnv

Code = Literal["code", "projection"]  # the learner's code, or a contrastive learner's projection z = g(h)


@dataclass(frozen=True)
class Requirement:
    """One figure a claim needs: ``measured`` against ``bound`` (≥ when ``at_least``, else ≤), or a
    verdict (``bound`` None: it must hold)."""

    figure: str
    measured: float | bool
    bound: float | None = None
    at_least: bool = True

    @property
    def holds(self) -> bool:
        if self.bound is None:
            return bool(self.measured)
        return self.measured >= self.bound if self.at_least else self.measured <= self.bound

    def __str__(self) -> str:
        if self.bound is None:
            return f"{self.figure}: {'yes' if self.measured else 'no'}"
        return f"{self.figure} {self.measured:.3g} ({'≥' if self.at_least else '≤'} {self.bound:g} needed)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "measured": self.measured,
            "bound": self.bound,
            "at_least": self.at_least,
            "holds": self.holds,
        }


@dataclass(frozen=True)
class Verdict:
    """A claim judged: its requirements (all must hold) and figures measured beside."""

    claim: str
    statement: str
    requirements: tuple[Requirement, ...]
    figures: dict[str, float | bool] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(r.holds for r in self.requirements)

    @property
    def reasons(self) -> list[str]:
        return [str(r) for r in self.requirements if not r.holds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "statement": self.statement,
            "passed": self.passed,
            "requirements": [r.to_dict() for r in self.requirements],
            "figures": self.figures,
        }

    def __str__(self) -> str:
        lines = [f"{'PASS' if self.passed else 'FAIL'}  {self.claim} — {self.statement}"]
        lines += [f"      {'✓' if r.holds else '✗'} {r}" for r in self.requirements]
        lines += [f"        {name} {_shown(value)}" for name, value in self.figures.items()]
        return "\n".join(lines)


def _shown(value: float | bool) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else f"{value:.3g}"


class Evidence:
    """What the claims of one trained learner are judged on, each check measured once."""

    def __init__(self, learner: torch.nn.Module, env: SymmetryEnv, max_states: int = 4096, seed: int = 0) -> None:
        self.learner, self.env, self.max_states, self.seed = learner, env, max_states, seed
        self.states = env.states() if env.n_states <= max_states else env.sample_states(max_states, seed)
        self.tolerances = Tolerances()
        self.reports: dict[tuple, CheckReport] = {}  # (code, invariant, merged) → the check
        self._actions: dict[str, ActionReport] = {}

    def report(self, code: Code = "code", invariant: tuple[str, ...] = (), merged: tuple[str, ...] = ()) -> CheckReport:
        """The check of the learner's ``code`` ignoring ``invariant``, with the ``merged`` subgroups one part."""
        key = (code, invariant, merged)
        if key not in self.reports:
            encoder = self.learner if code == "code" else self.learner.projection
            decomposition = {"+".join(merged): merged} if merged else None
            self.reports[key] = check(
                encoder,
                self.env,
                invariant=invariant,
                decomposition=decomposition,
                max_states=self.max_states,
                seed=self.seed,
                validate=False,
            )
        return self.reports[key]

    def action(self, subgroup: str) -> ActionReport:
        """:func:`~symgroup.check.check_action` of the learner's ``act`` on ``subgroup``."""
        if subgroup not in self._actions:
            self._actions[subgroup] = check_action(
                self.learner.act, self.env, (subgroup,), max_states=self.max_states, seed=self.seed
            )
        return self._actions[subgroup]


def _subject(code: Code) -> str:
    return "its code" if code == "code" else "its projection"


class Claim(ABC):
    """A claim of a learner's paper about what it learns; :meth:`judge` measures it."""

    name: str
    statement: str

    @abstractmethod
    def judge(self, evidence: Evidence) -> Verdict:
        """The verdict on the trained learner of ``evidence``."""


@dataclass(frozen=True)
class Ignores(Claim):
    """The code (or the projection) does not move with ``subgroups``."""

    subgroups: tuple[str, ...]
    statement: str
    code: Code = "code"

    @property
    def name(self) -> str:
        return f"{_subject(self.code)} ignores {', '.join(self.subgroups)}"

    def judge(self, evidence: Evidence) -> Verdict:
        report = evidence.report(self.code, invariant=tuple(self.subgroups))
        bound = evidence.tolerances.invariance_tol
        needs = tuple(
            Requirement(f"movement by {n}", report.sbd.invariances[n].movement, bound, at_least=False)
            for n in self.subgroups
        )
        return Verdict(self.name, self.statement, needs)


@dataclass(frozen=True)
class Identifies(Claim):
    """The ``subgroups`` merged into one part pass SBD (the code ignoring ``ignoring``)."""

    subgroups: tuple[str, ...]
    statement: str
    ignoring: tuple[str, ...] = ()
    code: Code = "code"

    @property
    def name(self) -> str:
        return f"{_subject(self.code)} identifies {'+'.join(self.subgroups)} as a block"

    def judge(self, evidence: Evidence) -> Verdict:
        report = evidence.report(self.code, invariant=tuple(self.ignoring), merged=tuple(self.subgroups))
        block = report.sbd.subspaces["+".join(self.subgroups)]
        return Verdict(
            self.name,
            self.statement,
            (Requirement("the block passes SBD", block.passed),),
            {"block variance share": block.variance_share},
        )


@dataclass(frozen=True)
class Splits(Claim):
    """Every subgroup its own part passes SBD, and LSBD when ``linear`` (the code ignoring ``ignoring``)."""

    statement: str
    linear: bool = False
    ignoring: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return "its code is LSBD" if self.linear else "its code is SBD"

    def judge(self, evidence: Evidence) -> Verdict:
        report = evidence.report(invariant=tuple(self.ignoring))
        needs = [Requirement("SBD", report.passed)]
        if self.linear:
            needs.append(Requirement("LSBD", report.linear_passed))
        figures: dict[str, float | bool] = {f"{n} passes": s.passed for n, s in report.sbd.subspaces.items()}
        if report.d_lsbd.value is not None:
            figures["D_LSBD"] = report.d_lsbd.value
        return Verdict(self.name, self.statement, tuple(needs), figures)


@dataclass(frozen=True)
class OwnCodes(Claim):
    """At least ``at_least`` subgroups get a subspace of their own (their part passes SBD's split and
    injectivity), the code ignoring ``ignoring``."""

    at_least: int
    statement: str
    ignoring: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"at least {self.at_least} subgroups get a code of their own"

    def judge(self, evidence: Evidence) -> Verdict:
        subspaces = evidence.report(invariant=tuple(self.ignoring)).sbd.subspaces
        own = {n: s.passed for n, s in subspaces.items()}
        need = Requirement("subgroups with a code of their own", sum(own.values()), self.at_least)
        return Verdict(self.name, self.statement, (need,), own)


@dataclass(frozen=True)
class CodesMove(Claim):
    """At least ``at_least`` subgroups are each moved alone by one of a generator's codes.
    ``traversals(n, seed)`` gives, per code, images (values, n, C, H, W): n random settings of the
    other codes and the noise, the code set to each of its values. Each image lands on its nearest
    rendered state, and *draws* it when its squared error from that state's image is below half the
    spread of the world's images (``symgroup.check.action.Landing.land``); in a setting whose
    images all draw their states, the code moves subgroup f alone when f is the only subgroup whose
    landed value varies (a generator whose images are no state's moves nothing: a nearest state is
    found for any image). A code takes the subgroup it moves alone most often, and *owns* it when it
    does so in at least ``share`` of the settings."""

    at_least: int
    traversals: Callable[[int, int], list[np.ndarray]]
    statement: str
    settings: int = 64
    share: float = 0.8

    @property
    def name(self) -> str:
        return f"at least {self.at_least} subgroups are each moved alone by a code of its generator"

    def judge(self, evidence: Evidence) -> Verdict:
        env, landing, every = evidence.env, Landing(evidence.env, 256), evidence.env.states()
        owned, figures, drawn = set(), {}, []
        for i, images in enumerate(self.traversals(self.settings, evidence.seed)):
            nearest, draws = landing.land(images.reshape(-1, *images.shape[2:]))
            landed = every[nearest].reshape(*images.shape[:2], -1)
            drawn.append(draws.reshape(images.shape[:2]))
            varies = (landed != landed[:1]).any(axis=0)  # (settings, subgroups): which landed values change
            alone = (varies.sum(axis=1) == 1) & drawn[-1].all(axis=0)
            counts = varies[alone].sum(axis=0)
            best = int(np.argmax(counts))
            figures[f"code {i} moves {env.factor_names[best]} alone"] = float(counts[best] / len(varies))
            if counts[best] >= self.share * len(varies):
                owned.add(env.factor_names[best])
        figures["images that draw a state"] = float(np.mean([d.mean() for d in drawn]))
        need = Requirement("subgroups moved alone by a code", len(owned), self.at_least)
        return Verdict(self.name, self.statement, (need,), figures)


@dataclass(frozen=True)
class RecoversPartition(Claim):
    """The parts of the world's moves the learner found (``learner.discovered(env)``, a
    :class:`~symgroup.capabilities.Discovering` learner) are the moves of each subgroup."""

    statement: str

    @property
    def name(self) -> str:
        return "its partition of the moves is the world's subgroups"

    def judge(self, evidence: Evidence) -> Verdict:
        parts = evidence.learner.discovered(evidence.env)
        if parts is None:
            return Verdict(self.name, self.statement, (Requirement("a partition found", False),))
        report = check_partition(parts, evidence.env)
        figures = {"adjusted Rand index": report.adjusted_rand, "parts": float(len(report.parts))}
        return Verdict(
            self.name, self.statement, (Requirement("the partition by subgroup", report.recovered),), figures
        )


@dataclass(frozen=True)
class InfersActions(Claim):
    """The action the learner infers for a pair of images (s, g·s) stands for the true move g on at
    least ``bound`` of the pairs (``learner.accuracy(env)``)."""

    statement: str
    bound: float

    @property
    def name(self) -> str:
        return "it infers the move between two images"

    def judge(self, evidence: Evidence) -> Verdict:
        accuracy = evidence.learner.accuracy(evidence.env)
        return Verdict(self.name, self.statement, (Requirement("inferred = true move", accuracy, self.bound),))


ACTION_FIGURES = ("identity", "hit", "kept", "inverse", "moved")


@dataclass(frozen=True)
class ActsAs(Claim):
    """The learner's ``act`` implements ``subgroup``'s action on images: each figure named in
    ``bounds`` (identity, hit, kept, inverse, moved; see the module docstring) at least its bound."""

    subgroup: str
    statement: str
    bounds: dict[str, float]

    @property
    def name(self) -> str:
        return f"it acts on images as {self.subgroup}"

    def judge(self, evidence: Evidence) -> Verdict:
        report = evidence.action(self.subgroup)
        gens = report.generators
        figures = {
            "identity": report.identity,
            "hit": min(g.hit for g in gens),
            "kept": min(g.kept for g in gens),
            "inverse": min(g.inverse for g in gens),
            "moved": moved(evidence, self.subgroup),
        }
        needs = tuple(Requirement(k, figures[k], bound) for k, bound in self.bounds.items())
        return Verdict(self.name, self.statement, needs, {k: v for k, v in figures.items() if k not in self.bounds})


def moved(evidence: Evidence, subgroup: str) -> float:
    """How much of ``subgroup``'s change the learner's ``act`` makes by the subgroup's first generator,
    in its worst direction: the smallest over the subgroup's values at the source of the median over
    their states of ⟨T(x, g) − x, x(g·s) − x⟩ / ‖x(g·s) − x‖² (1: all of it, 0: none)."""
    env, states = evidence.env, evidence.states
    g = env.group.embed(subgroup, env.factors[subgroup].group.generators[0])
    x = env.render(states)
    change = (env.render(env.act(g, states)) - x).reshape(len(x), -1).astype(np.float64)
    made = (applier(evidence.learner.act, env, 256)(x, g) - x).reshape(len(x), -1).astype(np.float64)
    share = (made * change).sum(axis=1) / np.maximum((change * change).sum(axis=1), 1e-300)
    value = states[:, env.factor_names.index(subgroup)]
    return float(min(np.median(share[value == v]) for v in np.unique(value)))


@dataclass(frozen=True)
class Classifies(Claim):
    """``classify`` (images → logits) tells ``subgroup``'s value: accuracy ≥ ``at_least`` over the
    states ``only`` keeps (all by default; ``population`` says which), with ``baseline``'s accuracy beside."""

    subgroup: str
    classify: Callable[[torch.Tensor], torch.Tensor]
    at_least: float
    statement: str
    population: str = "every state"
    only: Callable[[np.ndarray], np.ndarray] | None = None
    baseline: tuple[str, Callable[[torch.Tensor], torch.Tensor]] | None = None

    @property
    def name(self) -> str:
        return f"it classifies {self.subgroup} on {self.population}"

    def judge(self, evidence: Evidence) -> Verdict:
        states = evidence.states if self.only is None else evidence.states[self.only(evidence.states)]
        labels = states[:, evidence.env.factor_names.index(self.subgroup)]
        images = evidence.env.render(states)
        device = next(evidence.learner.parameters(), torch.empty(0)).device
        need = Requirement("accuracy", accuracy(self.classify, images, labels, device), self.at_least)
        if self.baseline is None:
            return Verdict(self.name, self.statement, (need,))
        baseline = accuracy(self.baseline[1], images, labels, device)
        return Verdict(self.name, self.statement, (need,), {self.baseline[0]: baseline})


def accuracy(
    classify: Callable[[torch.Tensor], torch.Tensor],
    images: np.ndarray,
    labels: np.ndarray,
    device: torch.device,
    batch_size: int = 256,
) -> float:
    """The share of ``images`` whose argmax logit (``classify`` run on ``device``) is their label."""
    with torch.no_grad():
        guesses = [
            classify(torch.from_numpy(images[i : i + batch_size]).to(device)).argmax(dim=1).cpu().numpy()
            for i in range(0, len(images), batch_size)
        ]
    return float(np.mean(np.concatenate(guesses) == labels))


def judge(
    learner: torch.nn.Module,
    env: SymmetryEnv,
    claims: Sequence[Claim] | None = None,
    max_states: int = 4096,
    seed: int = 0,
    checked: CheckReport | None = None,
) -> list[Verdict]:
    """The verdict on each of ``claims`` (default: the learner's own, ``learner.claims(env)``).
    ``checked``: the check already made of the learner's code with its declared invariance (at these
    ``max_states`` and ``seed``), reused rather than made again."""
    claims = learner.claims(env) if claims is None else claims
    evidence = Evidence(learner, env, max_states, seed)
    if checked is not None:
        evidence.reports[("code", tuple(learner.invariant), ())] = checked
    return [claim.judge(evidence) for claim in claims]
