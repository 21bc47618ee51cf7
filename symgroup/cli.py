"""The ``symgroup`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

import symgroup
from symgroup import Cyclic, Dihedral, DirectProduct, Group, PermutationGroup, Symmetric, TableGroup


def builtin_groups() -> dict[str, Group]:
    """One example of each built-in group family, by how it is constructed."""
    klein = np.array([[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]])
    return {
        "Cyclic(8)": Cyclic(8),
        "Dihedral(4)": Dihedral(4),
        "Symmetric(4)": Symmetric(4),
        "PermutationGroup([(1, 2, 3, 4, 0), (4, 3, 2, 1, 0)])": PermutationGroup(
            [(1, 2, 3, 4, 0), (4, 3, 2, 1, 0)], name="D5<S5"
        ),
        "TableGroup(<Klein four table>)": TableGroup(klein, name="V4"),
        "DirectProduct(x=Cyclic(8), y=Cyclic(8), colour=Cyclic(8))": DirectProduct(
            x=Cyclic(8), y=Cyclic(8), colour=Cyclic(8)
        ),
    }


def _groups(_: argparse.Namespace) -> int:
    rows = [(spelling, str(g.order), ", ".join(map(str, g.generators))) for spelling, g in builtin_groups().items()]
    widths = [max(len(r[i]) for r in [("group", "order", "generators"), *rows]) for i in range(2)]
    for spelling, order, generators in [("group", "order", "generators"), *rows]:
        print(f"{spelling:<{widths[0]}}  {order:>{widths[1]}}  {generators}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="symgroup",
        description="A group-theoretic symmetry sandbox for disentangled representation learning.",
    )
    top.add_argument("--version", action="version", version=f"symgroup {symgroup.__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("groups", help="list the built-in groups with their orders and generators").set_defaults(
        run=_groups
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not hasattr(args, "run"):
        parser().print_help()
        return 2
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
