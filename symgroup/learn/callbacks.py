"""Training callbacks: the trainer calls each after every step as ``callback(step, learner, env)``; one
that returns True stops training there (the step is checkpointed first, as on Ctrl-C).

>>> stop = until_pass(check_every=25)  # train(config, out, callbacks=[stop])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from symgroup.errors import InvalidOptionError
from symgroup.numbers import is_integer

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.learn.learner import Learner

Callback = Callable[[int, "Learner", "SymmetryEnv"], bool]


class until_pass:
    """Stop at the first multiple of ``check_every`` steps whose encoder passes the check: SBD, and
    LSBD too with ``linear``, with the learner's declared invariance (as ``symgroup check RUN``). The
    world is the trainer's, rendered once, so each check costs one encoder pass over it."""

    def __init__(self, check_every: int = 25, linear: bool = True) -> None:
        if not is_integer(check_every) or check_every < 1:
            raise InvalidOptionError(f"check_every must be a positive integer, got {check_every!r}", check_every)
        self.check_every, self.linear = check_every, linear

    def passes(self, learner: Learner, env: SymmetryEnv) -> bool:
        from symgroup.check import check

        report = check(learner, env, invariant=tuple(learner.invariant), validate=False)
        return report.passed and (report.linear_passed or not self.linear)

    def __call__(self, step: int, learner: Learner, env: SymmetryEnv) -> bool:
        return step % self.check_every == 0 and self.passes(learner, env)
