"""The environment registry: ``envs.make(name, **options)`` builds a registered environment: a
built-in one, one registered with :func:`register`, or one an installed package declares as an
entry point in the group ``symgroup.worlds`` (loaded on first use)::

    [project.entry-points."symgroup.worlds"]
    clock = "my_package.worlds:Clock"

A world of the user's own is named by where it is defined, ``path/to/file.py:Name`` or
``package.module:Name``: that name works wherever a registered one does (every command's ``--env``,
a run's ``config.json``, a study), so a run of such a world is checked and reported as any other.

>>> import envs
>>> "gridworld" in envs.names()
True
>>> envs.make("gridworld", n=6, hues=5, image_size=32)
GridWorld(n=6, hues=5, image_size=32, moves='subgroups'): DirectProduct(x=C6, y=C6, colour=C5), 180 states
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from envs.base import SymmetryEnv
from symgroup.errors import InvalidOptionError, UnknownEnvironmentError
from symgroup.registry import Registry

#: Every world by name (a read-only mapping; :func:`register` adds one).
WORLDS: Registry[type[SymmetryEnv]] = Registry("environment", SymmetryEnv, "symgroup.worlds", UnknownEnvironmentError)

E = TypeVar("E", bound=type[SymmetryEnv])


def register(name: str) -> Callable[[E], E]:
    """Class decorator: register a :class:`SymmetryEnv` subclass under ``name``."""
    return lambda cls: WORLDS.register(name, cls)


def names() -> tuple[str, ...]:
    """The registered environment names, sorted."""
    return tuple(sorted(WORLDS))


def environment_class(name: str) -> type[SymmetryEnv]:
    """The class of a registered world, or of one named ``file.py:Name`` / ``module:Name``."""
    if ":" in name and name not in WORLDS:
        return _defined_at(name)
    try:
        return WORLDS[name]
    except UnknownEnvironmentError as error:
        raise UnknownEnvironmentError(
            f"{error} (a world of your own: path/to/file.py:ClassName or package.module:ClassName)", name
        ) from None


def _defined_at(spec: str) -> type[SymmetryEnv]:
    """The SymmetryEnv subclass ``Name`` of ``file.py:Name`` or ``module:Name``, its module loaded
    once per process (a file already imported as a module is not loaded again: its worlds would be
    registered twice); a class its file did not register is named by ``spec``."""
    where, _, attribute = spec.rpartition(":")
    module = _module(where, spec)
    cls = getattr(module, attribute, None)
    if not (isinstance(cls, type) and issubclass(cls, SymmetryEnv)):
        raise UnknownEnvironmentError(f"{spec}: {where} defines no SymmetryEnv subclass {attribute!r}", spec)
    if "name" not in vars(cls):
        cls.name = spec
    return cls


def _module(where: str, spec: str) -> ModuleType:
    try:
        if not where.endswith(".py"):
            return importlib.import_module(where)
        path = Path(where).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"no file {path}")
        key = "symgroup_world_" + hashlib.sha256(str(path).encode()).hexdigest()[:12]
        if key not in sys.modules and (imported := _imported_from(path)) is not None:
            sys.modules[key] = imported  # imported under its own name: its worlds are registered already
        if key not in sys.modules:
            loader = importlib.util.spec_from_file_location(key, path)
            module = importlib.util.module_from_spec(loader)
            sys.modules[key] = module
            try:
                loader.loader.exec_module(module)
            except BaseException:
                del sys.modules[key]
                raise
        return sys.modules[key]
    except Exception as error:  # the user's file: say which world it was loaded for
        raise UnknownEnvironmentError(f"{spec}: cannot load {where} ({type(error).__name__}: {error})", spec) from error


def _imported_from(path: Path) -> ModuleType | None:
    """The module already imported from the file ``path`` (e.g. collected by pytest, or imported by
    the user's code), if any."""
    for module in list(sys.modules.values()):
        if (file := getattr(module, "__file__", None)) and Path(file).resolve() == path:
            return module
    return None


def options(name: str) -> dict[str, Any]:
    """The options of environment ``name`` with their defaults (its ``Options``)."""
    return environment_class(name).Options().to_dict()


def make(name: str, **values: Any) -> SymmetryEnv:
    """Build environment ``name`` with its ``Options`` made of ``values``; unknown names and options,
    and values that do not fit an option's type, are typed errors naming them."""
    cls = environment_class(name)
    known = cls.Options().to_dict()
    if unknown := sorted(set(values) - set(known)):
        raise InvalidOptionError(f"{name} has no option {', '.join(unknown)}; its options are {known}", unknown)
    return cls(cls.Options.of(values)) if known else cls()
