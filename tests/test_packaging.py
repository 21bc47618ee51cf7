"""What the wheel declares: one version everywhere, the type hints marked, the license shipped."""

from __future__ import annotations

import re
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import envs
import symgroup

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_pyprojects_and_the_changelogs_newest():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert symgroup.__version__ == declared
    assert newest is not None and newest.group(1) == declared


def test_both_packages_are_typed_and_the_license_file_is_declared():
    for package in (symgroup, envs):
        assert (Path(package.__file__).parent / "py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert all((ROOT / name).is_file() for name in project["license-files"])


def test_the_api_reference_names_every_public_name():
    """docs/api.rst lists each name of the public modules' ``__all__`` (the site's build, with
    warnings as errors, then fails on any name it cannot document)."""
    import importlib

    reference = (ROOT / "docs" / "api.rst").read_text()
    listed = set(re.findall(r"^   (\w+)$", reference, re.MULTILINE))
    for module in ("symgroup", "envs", "symgroup.check", "symgroup.learn", "symgroup.study"):
        public = set(importlib.import_module(module).__all__) - {"__version__"}
        assert public <= listed, f"{module}: {sorted(public - listed)} missing from docs/api.rst"
    for module in ("symgroup.testing", "symgroup.strategies"):
        assert f".. automodule:: {module}" in reference
