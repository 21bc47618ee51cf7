"""The checker: is a representation disentangled with respect to a world's symmetry subgroups?

>>> import numpy as np, envs
>>> from symgroup.check import check
>>> env = envs.make("gridworld", n=5, hues=4, image_size=20)
>>> angles = 2 * np.pi * env.states() / np.array(env.factor_sizes)
>>> circles = np.concatenate([np.cos(angles), np.sin(angles)], axis=1)  # (cos, sin) of each factor
>>> report = check(circles, env)
>>> report.passed, report.linear_passed, round(report.d_lsbd.value, 6)
(True, True, 0.0)
>>> lines = np.concatenate([angles, np.zeros_like(angles)], axis=1)  # one coordinate per factor
>>> report = check(lines, env)
>>> report.passed, report.linear_passed
(True, False)
"""

from symgroup.check.action import ActionReport, check_action
from symgroup.check.checker import check
from symgroup.check.classic import array_metrics, metrics
from symgroup.check.discovery import FoundDecomposition, find_decomposition
from symgroup.check.report import CheckReport
from symgroup.check.sbd import Tolerances

__all__ = [
    "ActionReport",
    "CheckReport",
    "FoundDecomposition",
    "Tolerances",
    "array_metrics",
    "check",
    "check_action",
    "find_decomposition",
    "metrics",
]
