"""Cayley and Schreier graphs as networkx multi-digraphs with generator labels.

The Schreier graph of an action has a node per state (a tuple) and an edge x → s·x for every
generator s, keyed and labelled by ``str(s)``. The Cayley graph of G is the Schreier graph of G acting
on itself by left multiplication: an edge g → s @ g per element g and generator s. Both are
:class:`networkx.MultiDiGraph` objects (a subclass of ``DiGraph``), so two generators with the same
effect, and self-loops, are kept.

>>> from symgroup import Cyclic, DirectProduct
>>> G = DirectProduct(x=Cyclic(3), y=Cyclic(2))
>>> graph = cayley_graph(G)
>>> graph.number_of_nodes(), graph.number_of_edges()
(6, 12)
>>> sorted({label for _, _, label in graph.edges(data="label")})
['(x=0, y=1)', '(x=1, y=0)']
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from symgroup.action import GroupAction
from symgroup.group import Group, GroupElement


def cayley_graph(group: Group, generators: Sequence[GroupElement] | None = None) -> nx.MultiDiGraph:
    """Nodes: the elements of G. Edges: g → s @ g for each generator s, labelled ``str(s)``."""
    generators = group.generators if generators is None else generators
    graph = nx.MultiDiGraph(name=f"Cayley graph of {group}")
    graph.add_nodes_from(group.elements())
    for s in generators:
        group._check_same(s)
        graph.add_edges_from((g, s @ g, str(s), {"label": str(s), "generator": s}) for g in group.elements())
    return graph


def schreier_graph(action: GroupAction, generators: Sequence[GroupElement] | None = None) -> nx.MultiDiGraph:
    """Nodes: the states (as tuples). Edges: x → s·x for each generator s, labelled ``str(s)``."""
    generators = action.group.generators if generators is None else generators
    graph = nx.MultiDiGraph(name=f"Schreier graph of {action.group}")
    nodes = [tuple(x) for x in action.states().tolist()]
    graph.add_nodes_from(nodes)
    for s in generators:
        image = action.permutation(s)
        graph.add_edges_from(
            (nodes[i], nodes[j], str(s), {"label": str(s), "generator": s}) for i, j in enumerate(image.tolist())
        )
    return graph
