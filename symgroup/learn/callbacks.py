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


def until_pass(check_every: int = 25, linear: bool = True) -> Callback:
    """Stop at the first multiple of ``check_every`` steps whose encoder passes the check: SBD, and
    LSBD too with ``linear``. The world is the trainer's, rendered once, so each check costs one
    encoder pass over it."""
    if not is_integer(check_every) or check_every < 1:
        raise InvalidOptionError(f"check_every must be a positive integer, got {check_every!r}", check_every)
    from symgroup.check import check

    def callback(step: int, learner: Learner, env: SymmetryEnv) -> bool:
        if step % check_every:
            return False
        report = check(learner, env, validate=False)
        return report.passed and (report.linear_passed or not linear)

    return callback
