"""Output paths, checked before the work that writes them: a folder where a file is meant (or the
other way round) and a place that cannot be written are typed errors up front, not after a long run."""

from __future__ import annotations

import os
from pathlib import Path

from symgroup.errors import InvalidOptionError


def check_writable(path: str | Path, kind: str, what: str = "") -> None:
    """:class:`~symgroup.errors.InvalidOptionError` unless ``path`` can be written as a ``kind`` ("file" or "folder");
    ``what`` names it in the message (e.g. "the run directory")."""
    target, name = Path(path), f"{what} {path}".strip()
    if target.exists() and target.is_dir() != (kind == "folder"):
        found = "a folder" if target.is_dir() else "a file"
        raise InvalidOptionError(f"{name} must be a {kind} to write, but it is {found}", path)
    parent = next((p for p in [target, *target.parents] if p.exists()), Path("."))
    if not os.access(parent, os.W_OK | (os.X_OK if parent.is_dir() else 0)):
        raise InvalidOptionError(f"cannot write {name}: {parent} is not writable", path)
