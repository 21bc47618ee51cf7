"""The environment registry: ``envs.make(name, **options)`` builds a registered environment: a
built-in one, one registered with :func:`register`, or one an installed package declares as an
entry point in the group ``symgroup.worlds`` (loaded on first use)::

    [project.entry-points."symgroup.worlds"]
    clock = "my_package.worlds:Clock"

>>> import envs
>>> "gridworld" in envs.names()
True
>>> envs.make("gridworld", n=6, hues=5, image_size=32)
GridWorld(n=6, hues=5, image_size=32): DirectProduct(x=C6, y=C6, colour=C5), 180 states
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, TypeVar

from envs.base import SymmetryEnv
from symgroup.errors import InvalidOptionError, UnknownEnvironmentError

_REGISTRY: dict[str, type[SymmetryEnv]] = {}

E = TypeVar("E", bound=type[SymmetryEnv])


def register(name: str) -> Callable[[E], E]:
    """Class decorator: register a :class:`SymmetryEnv` subclass under ``name``."""

    def decorate(cls: E) -> E:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise InvalidOptionError(f"an environment named {name!r} is already registered", name)
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


_plugins_loaded = False


def load_plugins() -> None:
    """Register the worlds that installed packages declare (once)."""
    global _plugins_loaded
    if not _plugins_loaded:
        _plugins_loaded = True
        for entry in entry_points(group="symgroup.worlds"):
            cls = entry.load()
            if not (isinstance(cls, type) and issubclass(cls, SymmetryEnv)):
                raise InvalidOptionError(f"the entry point {entry.name} = {entry.value} is not a SymmetryEnv", entry)
            register(entry.name)(cls)


def names() -> tuple[str, ...]:
    """The registered environment names, sorted."""
    load_plugins()
    return tuple(sorted(_REGISTRY))


def environment_class(name: str) -> type[SymmetryEnv]:
    load_plugins()
    if name not in _REGISTRY:
        raise UnknownEnvironmentError(f"no environment {name!r}; the registered ones are {', '.join(names())}", name)
    return _REGISTRY[name]


def options(name: str) -> dict[str, Any]:
    """The options of environment ``name`` with their defaults."""
    signature = inspect.signature(environment_class(name).__init__)
    return {p.name: p.default for p in list(signature.parameters.values())[1:]}


def make(name: str, **opts: Any) -> SymmetryEnv:
    """Build environment ``name``; unknown names and options raise typed errors that list the valid ones."""
    cls = environment_class(name)
    unknown = set(opts) - set(options(name))
    if unknown:
        raise InvalidOptionError(
            f"{name} has no option {', '.join(sorted(unknown))}; its options are {options(name)}", sorted(unknown)
        )
    return cls(**opts)
