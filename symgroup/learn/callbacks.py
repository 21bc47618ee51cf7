"""Training callbacks: the trainer calls each after every step as ``callback(step, learner, env)``; one
that returns True stops training there (the step is checkpointed first, as on Ctrl-C).

>>> stop = until_pass(check_every=25)  # train(config, out, callbacks=[stop])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from symgroup.config import Count, TypedConfig

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.learn.learner import Learner

#: A callback: (step, learner, env) ↦ True to stop training after this step.
Callback = Callable[[int, "Learner", "SymmetryEnv"], bool]


@dataclass
class until_pass(TypedConfig):
    """Stop at the first multiple of ``check_every`` steps whose encoder passes the check: SBD, and
    LSBD too with ``linear``, with the learner's declared invariance (as ``symgroup check RUN``). The
    world is the trainer's, rendered once, so each check costs one encoder pass over it."""

    check_every: Count = 25
    linear: bool = True

    def passes(self, learner: Learner, env: SymmetryEnv) -> bool:
        from symgroup.check import check

        report = check(learner, env, invariant=tuple(learner.invariant), validate=False)
        return report.passed and (report.linear_passed or not self.linear)

    def __call__(self, step: int, learner: Learner, env: SymmetryEnv) -> bool:
        return step % self.check_every == 0 and self.passes(learner, env)
