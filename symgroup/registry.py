"""Classes by name, for the worlds and the learners alike: the built-in ones, those registered at run
time, and those that installed packages declare as entry points (loaded on the first lookup)::

    [project.entry-points."symgroup.worlds"]
    clock = "my_package.worlds:Clock"
    [project.entry-points."symgroup.learners"]
    my_learner = "my_package.learners:MyLearner"

>>> from symgroup.errors import InvalidOptionError
>>> shapes = Registry("shape", object, "symgroup.shapes", InvalidOptionError)
>>> _ = shapes.register("circle", type("Circle", (), {}))
>>> sorted(shapes), shapes["circle"].name
(['circle'], 'circle')
>>> shapes["square"]
Traceback (most recent call last):
...
symgroup.errors.InvalidOptionError: no shape 'square'; the registered ones are circle
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from symgroup.errors import InvalidOptionError, SymgroupError

T = TypeVar("T", bound=type)


class Registry(Mapping[str, T], Generic[T]):
    """Subclasses of ``base`` by name (a read-only mapping; :meth:`register` adds one); the packages'
    entry points in ``group`` join on the first lookup; an unknown name is ``error``."""

    def __init__(self, kind: str, base: type, group: str, error: type[SymgroupError]) -> None:
        self.kind, self.base, self.group, self.error = kind, base, group, error
        self._classes: dict[str, T] = {}
        self._plugins_loaded = False

    def register(self, name: str, cls: T) -> T:
        """Add ``cls`` under ``name`` (its ``name`` attribute is set to it); a name taken by another
        class, or a class that is no ``base``, is :class:`~symgroup.errors.InvalidOptionError`."""
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise InvalidOptionError(f"a {self.kind} must be a {self.base.__name__} subclass, got {cls!r}", cls)
        if not isinstance(name, str) or not name:
            raise InvalidOptionError(f"a {self.kind} is registered under a name, got {name!r} for {cls!r}", cls)
        if self._classes.get(name, cls) is not cls:
            raise InvalidOptionError(f"a {self.kind} named {name!r} is already registered", name)
        cls.name = name
        self._classes[name] = cls
        return cls

    def _load_plugins(self) -> None:
        if not self._plugins_loaded:
            self._plugins_loaded = True
            for entry in entry_points(group=self.group):
                self.register(entry.name, entry.load())

    def __getitem__(self, name: str) -> T:
        self._load_plugins()
        if name not in self._classes:
            raise self.error(f"no {self.kind} {name!r}; the registered ones are {', '.join(sorted(self))}", name)
        return self._classes[name]

    def __contains__(self, name: object) -> bool:
        self._load_plugins()
        return name in self._classes

    def __iter__(self) -> Iterator[str]:
        self._load_plugins()
        return iter(self._classes)

    def __len__(self) -> int:
        self._load_plugins()
        return len(self._classes)
