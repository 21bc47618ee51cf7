"""The command line and the examples, run as a user runs them."""

import subprocess
import sys
from pathlib import Path

import symgroup
from symgroup.cli import builtin_groups, main

ROOT = Path(__file__).resolve().parents[1]
SYMGROUP = str(Path(sys.executable).with_name("symgroup"))  # the console script of this environment


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False, timeout=300)


def test_help_and_version():
    result = run(SYMGROUP, "--help")
    assert result.returncode == 0 and "groups" in result.stdout
    result = run(SYMGROUP, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"symgroup {symgroup.__version__}"


def test_groups_lists_each_built_in_with_order_and_generators(capsys):
    assert main(["groups"]) == 0
    out = capsys.readouterr().out
    for spelling, group in builtin_groups().items():
        line = next(line for line in out.splitlines() if line.startswith(spelling))
        assert f" {group.order} " in line
        assert all(str(g) in line for g in group.generators)


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_gridworld_group_example_runs():
    result = run(sys.executable, "examples/gridworld_group.py", "4")
    assert result.returncode == 0, result.stderr
    assert "is the direct product of x × y × colour" in result.stdout
    assert "Cayley graph: 64 nodes, 192 edges" in result.stdout
    assert "homomorphism (exact" in result.stdout
