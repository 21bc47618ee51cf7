"""Symmetry environments: worlds with an explicit symmetry group, rendered into images.

>>> import envs
>>> env = envs.make("gridworld")
>>> env.factor_names, env.factor_sizes, env.observation_shape
(('x', 'y', 'colour'), (8, 8, 8), (3, 64, 64))
>>> env.render(env.states()[:2]).shape
(2, 3, 64, 64)
"""

from envs import arrow, dihedral_glyph, flatland, gridworld, multi_object, square, styled_gridworld  # noqa: F401  (register)
from envs.base import CustomEnv, Factor, SymmetryEnv, Transitions, Walks, WorldOptions
from envs.registry import make, names, options, register

__all__ = [
    "CustomEnv",
    "Factor",
    "SymmetryEnv",
    "Transitions",
    "Walks",
    "WorldOptions",
    "make",
    "names",
    "options",
    "register",
]
