"""A pytest plugin (registered by entry point): fixtures for the built-in environments.

``make_env`` builds any registered environment (``make_env("gridworld", n=4)``); ``env_<name>`` is a
session-wide instance of each built-in at its defaults, e.g. ``env_gridworld`` or ``env_square``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(scope="session")
def make_env() -> Callable[..., Any]:
    import envs

    return envs.make


def _env_fixture(name: str) -> Callable[..., Any]:
    @pytest.fixture(scope="session", name=f"env_{name}")
    def fixture(make_env: Callable[..., Any]) -> Any:
        return make_env(name)

    fixture.__doc__ = f"The built-in {name!r} environment at its defaults."
    return fixture


for _name in ("gridworld", "square", "arrow", "flatland", "multi_object", "dihedral_glyph", "walled_gridworld"):
    globals()[f"env_{_name}"] = _env_fixture(_name)
