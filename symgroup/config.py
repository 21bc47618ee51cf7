"""Typed configurations: dataclasses whose fields are checked against their annotations when made.

Subclass :class:`TypedConfig` as a dataclass and annotate each field: ``int``, ``float``, ``str``,
``bool``, ``None``, a ``Literal``, a union of them, ``dict[str, ...]`` (names to values),
``tuple[str, ...]``, or a number bounded with :class:`Bound` (``Count``, ``Natural``, ``NonNegative``,
``Positive``, ``Fraction``). A value that does not fit is an :class:`~symgroup.errors.InvalidOptionError` naming the
field; an int is accepted where a float is wanted, a list where a tuple is. Learners' configs, the
training configuration, the checker's tolerances, a study's evaluation and the training callbacks
are all made this way.

>>> from dataclasses import dataclass
>>> @dataclass
... class Recipe(TypedConfig):
...     steps: Count = 10
...     rate: Fraction = 0.5
>>> Recipe(rate=1).rate
1.0
>>> Recipe(steps=0)
Traceback (most recent call last):
...
symgroup.errors.InvalidOptionError: steps must be an integer ≥ 1, got 0
>>> Recipe.of({"stpes": 3})
Traceback (most recent call last):
...
symgroup.errors.InvalidOptionError: no field is called stpes; known: steps, rate
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from symgroup.errors import InvalidOptionError
from symgroup.numbers import is_integer, is_number


@dataclass(frozen=True)
class Bound:
    """A number field's range: value ≥ low (> low when ``strict``), and ≤ ``high`` when given."""

    low: float
    strict: bool = False
    high: float | None = None

    def holds(self, value: float) -> bool:
        above = value > self.low if self.strict else value >= self.low
        return above and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.high is not None:
            return f"in {'(' if self.strict else '['}{self.low:g}, {self.high:g}]"
        return f"{'>' if self.strict else '≥'} {self.low:g}"


Count = Annotated[int, Bound(1)]
Natural = Annotated[int, Bound(0)]
NonNegative = Annotated[float, Bound(0)]
Positive = Annotated[float, Bound(0, strict=True)]
Fraction = Annotated[float, Bound(0, strict=True, high=1)]


class TypedConfig:
    """The base of typed configurations (see the module docstring); subclasses are dataclasses."""

    #: What a field is called in messages ("no tolerance is called ...").
    noun: typing.ClassVar[str] = "field"

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self), include_extras=True)
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, checked(f.name, getattr(self, f.name), hints[f.name]))

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Self:
        """The config with ``values`` by field name over the defaults; an unknown name is refused."""
        known = [f.name for f in dataclasses.fields(cls)]
        if unknown := sorted(set(values) - set(known)):
            raise InvalidOptionError(
                f"no {cls.noun} is called {', '.join(unknown)}; known: {', '.join(known)}", unknown
            )
        return cls(**values)


def checked(name: str, value: Any, hint: Any) -> Any:
    """``value`` if it fits ``hint`` (an int becomes a float where a float is wanted, a list a tuple
    where a tuple is), else :class:`~symgroup.errors.InvalidOptionError` naming ``name``."""
    union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
    kinds = [_bounded(k) for k in (typing.get_args(hint) if union else (hint,))]
    for kind, bound in kinds:
        if (fitted := _fit(value, kind, bound)) is not _MISFIT:
            return fitted
    raise InvalidOptionError(f"{name} must {' or '.join(_describe(*k) for k in kinds)}, got {value!r}", name)


_MISFIT = object()


def _fit(value: Any, kind: Any, bound: Bound | None) -> Any:
    origin = typing.get_origin(kind)
    if kind is Any:
        return value
    if kind is type(None):
        return None if value is None else _MISFIT
    if origin is Literal:
        return value if value in typing.get_args(kind) else _MISFIT
    if kind is int:
        return int(value) if is_integer(value) and (bound is None or bound.holds(value)) else _MISFIT
    if kind is float:
        return float(value) if is_number(value) and (bound is None or bound.holds(value)) else _MISFIT
    if kind in (str, bool):
        return value if isinstance(value, kind) else _MISFIT
    if origin is dict:
        ok = isinstance(value, Mapping) and all(isinstance(k, str) for k in value)
        return dict(value) if ok else _MISFIT
    if origin is tuple:
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        return tuple(value) if ok else _MISFIT
    raise TypeError(f"a TypedConfig field cannot be annotated {kind!r}")


def _bounded(hint: Any) -> tuple[Any, Bound | None]:
    """(type, bound) of ``Annotated[type, bound]``; (type, None) of a plain type."""
    if typing.get_origin(hint) is Annotated:
        return typing.get_args(hint)[0], typing.get_args(hint)[1]
    return hint, None


def _describe(kind: Any, bound: Bound | None) -> str:
    origin = typing.get_origin(kind)
    if origin is Literal:
        return "be one of " + ", ".join(repr(v) for v in typing.get_args(kind))
    if origin is dict:
        return "map names to values"
    if origin is tuple:
        return "be a list of names"
    noun = {int: "an integer", float: "a finite number", str: "a string", bool: "true or false", type(None): "None"}
    return f"be {noun[kind]} {bound}" if bound is not None else f"be {noun[kind]}"
