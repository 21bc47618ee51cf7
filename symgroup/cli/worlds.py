"""``symgroup groups``, ``envs``, ``render`` and ``validate``: the algebra and the worlds."""

from __future__ import annotations

import argparse

import numpy as np

import envs
from envs.montage import orbit_montage, save_png
from symgroup import Cyclic, Dihedral, DirectProduct, Group, PermutationGroup, Symmetric, TableGroup
from symgroup.cli.arguments import add_world, at_least, state, world
from symgroup.errors import NotAnActionError, NotInjectiveError, RenderError


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


def groups(_: argparse.Namespace) -> int:
    rows = [(spelling, str(g.order), ", ".join(map(str, g.generators))) for spelling, g in builtin_groups().items()]
    widths = [max(len(r[i]) for r in [("group", "order", "generators"), *rows]) for i in range(2)]
    for spelling, order, generators in [("group", "order", "generators"), *rows]:
        print(f"{spelling:<{widths[0]}}  {order:>{widths[1]}}  {generators}")
    return 0


def list_worlds(_: argparse.Namespace) -> int:
    print(f"{'env':<18} {'states':>7}  {'observation':<12} group")
    for name in envs.names():
        env = envs.make(name)
        shape = "×".join(map(str, env.observation_shape))
        print(f"{name:<18} {env.n_states:>7}  {shape:<12} {env.group}")
    return 0


def render(args: argparse.Namespace) -> int:
    env = world(args)
    path = save_png(orbit_montage(env, args.state, args.columns), args.out)
    print(f"wrote {path}: the orbit of each generator of {env.group} from one state")
    return 0


def validate(args: argparse.Namespace) -> int:
    env = world(args)
    try:
        report = env.validate(max_states=args.max_states, seed=args.seed)
    except (NotAnActionError, RenderError, NotInjectiveError) as error:
        print(f"INVALID {type(error).__name__}: {error}")
        return 1
    print(
        f"valid: {env.name} — action laws on {report['states_checked']} of {report['of_states']} states and "
        f"{report['elements_checked']} of {report['of_elements']} elements, own components, rendering, injectivity"
    )
    return 0


def add(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("groups", help="list the built-in groups with their orders and generators").set_defaults(
        run=groups
    )
    commands.add_parser("envs", help="list the built-in environments with their groups").set_defaults(run=list_worlds)
    drawn = commands.add_parser("render", help="draw the orbit of each generator from one state as a PNG")
    add_world(drawn)
    drawn.add_argument("--out", required=True, help="the PNG file to write")
    drawn.add_argument("--state", type=state, help="the start state as comma-separated components (default: all zeros)")
    drawn.add_argument("--columns", type=at_least(1), default=16, help="orbit steps per generator (default 16)")
    drawn.set_defaults(run=render)
    checked = commands.add_parser("validate", help="check an environment's action laws and rendering")
    add_world(checked)
    checked.add_argument("--max-states", type=at_least(1), default=4096, help="sample above this many states")
    checked.add_argument("--seed", type=at_least(0), default=0)
    checked.set_defaults(run=validate)
