"""A gymnasium.Env view of a symmetry environment (optional extra ``gym``).

Discrete actions are the environment's :attr:`~envs.SymmetryEnv.moves` (each subgroup's generators
and their inverses); the observation is the image, ``info["state"]`` the true state. There is no
reward: the world exists to be explored, as in Caselles-Dupré et al. 2019 (arXiv 1904.00243).

>>> import envs
>>> from envs.gym import SymmetryGymEnv
>>> world = SymmetryGymEnv(envs.make("gridworld", n=4, hues=2, image_size=16), max_steps=5)
>>> observation, info = world.reset(seed=0)
>>> observation.shape, int(world.action_space.n)  # ±x, ±y and the colour flip (C2: its own inverse)
((3, 16, 16), 5)
>>> _, reward, terminated, truncated, info = world.step(0)
>>> reward, terminated, truncated
(0.0, False, False)
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium
import numpy as np

from envs.base import SymmetryEnv


class SymmetryGymEnv(gymnasium.Env):
    """Random start state on reset; each step applies one move; truncated after ``max_steps``."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"]}

    def __init__(self, env: SymmetryEnv, max_steps: int = 100) -> None:
        self.env, self.max_steps = env, max_steps
        self.action_space = gymnasium.spaces.Discrete(len(env.moves))
        self.observation_space = gymnasium.spaces.Box(0.0, 1.0, env.observation_shape, np.float32)
        self.render_mode = "rgb_array"
        self._state = env.states()[0]
        self._steps = 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self._state = self.env.sample_states(1, self.np_random)[0]
        self._steps = 0
        return self._observe(), self._info()

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        if not self.action_space.contains(action):
            raise ValueError(f"action {action!r} is not in {self.action_space}")
        self._state = self.env.act(self.env.moves[int(action)], self._state[None])[0]
        self._steps += 1
        return self._observe(), 0.0, False, self._steps >= self.max_steps, self._info()

    def render(self) -> np.ndarray:
        """The current image as (H, W, 3) uint8."""
        image = self._observe()
        image = np.repeat(image, 3, axis=0) if image.shape[0] == 1 else image[:3]
        return np.rint(image.transpose(1, 2, 0) * 255).astype(np.uint8)

    def _observe(self) -> np.ndarray:
        return self.env.render(self._state[None])[0]

    def _info(self) -> dict[str, Any]:
        return {"state": self._state.copy()}
