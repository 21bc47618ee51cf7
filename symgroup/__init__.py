"""symgroup: a group-theoretic symmetry sandbox for disentangled representation learning.

Finite groups with named direct-product decompositions, their actions on world states, and their
linear representations — the algebra behind Higgins et al. 2018, "Towards a Definition of
Disentangled Representations" (arXiv 1812.02230).

>>> from symgroup import Cyclic, DirectProduct, check_decomposition
>>> G = DirectProduct(x=Cyclic(8), y=Cyclic(8), colour=Cyclic(8))
>>> check_decomposition(G).is_direct_product
True
>>> rho = G.block_representation(x=Cyclic(8).rotation(1), y=Cyclic(8).rotation(1), colour=Cyclic(8).rotation(1))
>>> rho.dim, list(rho.slices)
(6, ['x', 'y', 'colour'])
"""

from importlib.metadata import PackageNotFoundError, version

from symgroup.action import GroupAction, StateGrid
from symgroup.cyclic import Cyclic
from symgroup.decomposition import DecompositionReport, check_decomposition
from symgroup.dihedral import Dihedral
from symgroup.graphs import cayley_graph, schreier_graph
from symgroup.group import Group, GroupElement, Subgroup
from symgroup.permutation import PermutationGroup, Symmetric
from symgroup.product import DirectProduct
from symgroup.representation import (
    Representation,
    check_homomorphism,
    check_orthogonal,
    direct_sum,
    homomorphism_error,
    regular,
    tensor,
    trivial,
)
from symgroup.table import TableGroup

try:
    __version__ = version("symgroup")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "Cyclic",
    "DecompositionReport",
    "Dihedral",
    "DirectProduct",
    "Group",
    "GroupAction",
    "GroupElement",
    "PermutationGroup",
    "Representation",
    "StateGrid",
    "Subgroup",
    "Symmetric",
    "TableGroup",
    "__version__",
    "cayley_graph",
    "check_decomposition",
    "check_homomorphism",
    "check_orthogonal",
    "direct_sum",
    "homomorphism_error",
    "regular",
    "schreier_graph",
    "tensor",
    "trivial",
]
