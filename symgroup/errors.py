"""Typed errors raised by symgroup's validators.

Every error derives from :class:`SymgroupError`, and every message names what is wrong: for a broken
law it carries the elements or states that break it (the counterexample), also as the attribute
``counterexample``.
"""

from __future__ import annotations

from typing import Any


class SymgroupError(Exception):
    """Base class of every error symgroup raises on bad input."""

    def __init__(self, message: str, counterexample: Any = None) -> None:
        super().__init__(message)
        self.counterexample = counterexample


class NotAGroupError(SymgroupError):
    """A set with a binary operation breaks a group axiom (closure, associativity, identity, inverse)."""


class NotAssociativeError(NotAGroupError):
    """(a·b)·c ≠ a·(b·c) for the triple in ``counterexample``."""


class NoIdentityError(NotAGroupError):
    """No element e with e·a = a·e = a for every a."""


class NoInverseError(NotAGroupError):
    """An element has no inverse; ``counterexample`` is that element."""


class NotClosedError(NotAGroupError):
    """A product falls outside the set; ``counterexample`` is the pair."""


class InvalidElementError(SymgroupError):
    """A value that is not an element of the group it is given to."""


class FactorNameError(SymgroupError):
    """An unknown, duplicated or mismatched name of a direct-product factor."""


class NotADirectProductError(SymgroupError):
    """Named subgroups whose internal direct product is not the whole group."""


class InvalidStateError(SymgroupError):
    """A state that is not in the state set, or a state array of the wrong shape or type."""


class NotAnActionError(SymgroupError):
    """A map G × X → X that breaks e·s = s, (gh)·s = g·(h·s), or leaves the state set."""


class InvalidRepresentationError(SymgroupError):
    """Matrices that cannot form a representation: wrong shapes, non-finite, missing or mixed groups."""


class NotAHomomorphismError(SymgroupError):
    """Matrices with ρ(ab) ≠ ρ(a)ρ(b) (or ρ(e) ≠ I) for the elements in ``counterexample``."""


class NotOrthogonalError(SymgroupError):
    """A representation matrix with ρ(g)ᵀρ(g) ≠ I."""


class EntangledActionError(NotAnActionError):
    """A subgroup's action changes a state component other than its own."""


class RenderError(SymgroupError):
    """A renderer returned the wrong shape, dtype or range, non-finite values, or differs between calls."""


class NotInjectiveError(SymgroupError):
    """Two distinct states render to the same image; ``counterexample`` holds both states."""


class UnknownEnvironmentError(SymgroupError):
    """No environment is registered under that name."""


class InvalidOptionError(SymgroupError):
    """An environment or command option with a value it cannot take."""


class DatasetError(SymgroupError):
    """A dataset file that is missing fields, corrupt, or not written by symgroup."""


class EncoderError(SymgroupError):
    """An encoder (or code table) that returns NaN/inf, the wrong batch size, or codes that are not (n, d)."""


class CheckpointError(SymgroupError):
    """A run directory or checkpoint that is missing, corrupt, or not written by symgroup."""


class RunLockedError(CheckpointError):
    """Another process is training into the same run directory."""


class NonFiniteLossError(SymgroupError):
    """Training produced a NaN or infinite loss; the last good checkpoint is kept."""


class RunsFailedError(SymgroupError):
    """Some runs of a study failed (each says why in its ``error.json``); running the study again retries them."""
