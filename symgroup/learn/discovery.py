"""Learners that discover the symmetry structure instead of being told it.

- ``symmetry_discovery`` (after Dang-Nhu, Annabi & Argentieri, ICLR 2026, arXiv 2603.11790): paths of
  moves handed out as opaque ids (:class:`~symgroup.learn.samplers.Paths` with ``relabel``: a seeded
  permutation), so the learner knows how many ids there are and nothing of the group. One rotation
  A_a = exp(S_a − S_aᵀ) ∈ SO(d) per id (a finite group's representation can always be made
  orthogonal), S_a drawn N(0, ``start``²/d), beside an autoencoder (``start`` 1, measured in
  ``benchmarks/discovery.toml``: from near the identity, 0.1, the actions of styled_gridworld's
  style were never learnt; from random rotations, 2, the flatland code passed LSBD in 3 of 10 seeds,
  against 7 of 10). Each path's first code is carried along the path by the actions,
  ẑ_t = A_(a_t) ẑ_(t−1), and every frame is reconstructed (Bernoulli) from ẑ_t plus isotropic
  Gaussian noise of ``noise`` × the codes' largest spread: the code must carry every subgroup in the
  directions the actions move, at full scale (as Quessard et al. 2020 roll their code forward).
  With it

      λ · mean_a Σ_j (A_a z_t − z_(t+1))_j² / Var z_j  /  Σ_j (z_(t+1) − z_t)_j² / Var z_j    (λ = ``forward``)

  over the pairs of each id a (codes centred by the batch's mean, each dim scaled by its variance):
  the share of each move the action misses, which ignoring a move cannot lower; and
  μ · Σ_a h_a Σ_(i<j) |S_a − S_aᵀ|_ij / #a (μ = ``sparsity``), each action's rotation spread over
  as few planes of the code's axes as it can — so actions of different subgroups, which need no
  common plane, take none. μ holds every action (h_a = 1) until ``lift_at``; from then on it
  is lifted from an action that still misses more than ``lift`` of its moves (h_a = 0: m_a, its
  share missed, a moving average over ~100 steps) until it misses less than ``tolerance``; an action
  lifted at ``lift_at`` itself starts again from a rotation drawn as at the start (μ had drawn it
  toward the identity, where an involution's forward loss has no gradient — its pairs (z, z') and
  (z', z) are equally likely — and the S3 world's transposition and 3-cycles still missed more than
  all their moves at step 4,500 in its failing seeds; drawn anew, they were learnt). Held from the
  start, each action takes a plane of its own (on gridworld, with μ withheld from each action until
  it carried its moves, x's and y's actions turned both planes and their parts' blocks were 4–5 dims
  wide: 2 of 4 seeds failed); held throughout, the actions of a non-abelian subgroup are never learnt
  (dihedral_glyph's pose ids: m_a ≈ 1 at step 5,000, every id in one part in 5 of 5 seeds; with the
  lift, the partition and the code right in 10 of 10: ``benchmarks/discovery.toml``).

  From ``discover_at`` it partitions the ids (:func:`partition_of_actions`), keeps the partition
  once its margin reaches ``confidence`` (or at ``discover_by``; a partition settled there is
  split later where its actions' partition is finer at ``confidence``), and finds each part's
  block, the directions its actions move (:func:`part_bases`, down to ``block_share`` of the
  largest; a part whose actions do not commute gets a *spare* third dim, which its actions turn
  through and the code keeps none of: a reflection of a plane is a half turn of 3 dims, and with
  the third dim in the code, dihedral_glyph's code failed LSBD in 2 of 10 seeds and the S3 world's
  in 5 of 10 — in 5 of the 7 the pose or the order moving directions outside its 2-D subspace); the
  code is carried into the basis of the blocks, is the blocks alone from then on (the
  directions outside every block dropped), and A_a acts on its part's block only, so the code's
  blocks follow the *discovered* partition, never the world's.
- ``action_estimation`` (after Painter, Hare & Prügel-Bennett, NeurIPS 2020): paths of frames alone
  (:class:`~symgroup.learn.samplers.Paths` with ``told=False``), K candidate rotations from near the
  identity acting on the code whitened within each block, each pair's action inferred as the
  candidate whose motion points most nearly along the pair's, candidates pruned by their regret,
  and the rest partitioned and confined as above (:class:`ActionEstimation`).

The partition (:func:`partition_of_actions`) follows from the group law rather than a clustering
threshold: in a direct product G_1 × … × G_k, elements of different factors commute, and their
cyclic subgroups meet only in e. So two actions are joined when their matrices do not commute, or
when A_i^p A_l^q ≈ I for some 1 ≤ p, q ≤ ``powers`` with neither A_i^p nor A_l^q ≈ I (an inverse
pair has p = q = 1); the parts are the connected components. Sizes are measured on the codes z of
the batch, centred and whitened (:func:`whitened`: each subgroup's motion counts alike),
‖M‖_z = E‖M z‖ / E‖z‖, and each figure is scaled to lie near [0, 1] whatever the actions'
sizes: the commutator as ‖A_i A_l − A_l A_i‖_z / (2 ‖A_i − I‖_z ‖A_l − I‖_z) (its bound), the
product as ‖A_i^p A_l^q − I‖_z / √(‖A_i^p − I‖_z² + ‖A_l^q − I‖_z²) (1 for actions on separate
planes); a commutator above ``tolerance`` joins, as does a product below it, and A^p ≈ I means
‖A^p − I‖_z ≤ ``tolerance`` · ‖A − I‖_z. The *margin* is how far the deciding figures lie from the
tolerance, relative to it (1 or more: far; 0: on it). An action that barely moves the code
(‖A − I‖_z below ``tolerance`` × the largest: an id whose action was not learnt) has its figures
divided by its own small motion, so noise decides them: its motion's distance from that bar enters
the margin too, and such an id leaves the margin at 0. Pairs do not show every relation: two parts
where a power of one's action undoes a product of two of the other's (:func:`_meets`), or three
parts whose actions multiply to the identity in nontrivial powers (:func:`_relation`), are no
direct product either, and are merged, the margin then 0 (the partition rests on a relation found,
not a clear separation). The learner keeps a partition's margin only as far as its actions carry
their moves: at most (``tolerance`` − m) / ``tolerance``, m the share of their moves the actions
miss (the mean of m_a, on the main directions of the coordinates they act in:
:meth:`DiscoveringAutoencoder.frame`) — gridworld's seed 4 joined x's and y's ids at a margin of
0.47 from actions that missed 45 % of their moves, and the entangled control's seed 4 two parts at
0.52 from actions that missed 61 %. Dang-Nhu et al. cluster the ids by a composition
pseudo-distance instead (complete linkage at a threshold).
"""

from __future__ import annotations

import itertools
from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import torch

from envs import SymmetryEnv, sampling
from symgroup.check.partition import changed_subgroups
from symgroup.config import Count, Fraction, Natural, NonNegative, Positive
from symgroup.errors import InvalidOptionError
from symgroup.learn.architectures import default_architecture
from symgroup.learn.latent_actions import subgroup_elements
from symgroup.learn.learner import LearnerConfig
from symgroup.learn.losses import bernoulli_reconstruction
from symgroup.learn.samplers import Paths, Sampler
from symgroup.learn.symmetry import Moves
from symgroup.learn.vaes import Autoencoder, Terms

if TYPE_CHECKING:
    from symgroup.check.claims import Claim
    from symgroup.group import GroupElement

#: Steps between tries of the partition, from ``discover_at`` until one is kept (a try takes
#: 0.06–0.15 s on 6–8 ids in 3–4 parts).
DISCOVER_EVERY = 50

#: The share of the largest variance below which a direction of the code is *faint*: the partition
#: and the share of its moves an action misses are measured on the other, main directions.
FAINT = 1e-2

#: The least variance, as a share of their sum, that :class:`ActionEstimation` whitens a direction of
#: the code from: a fainter one is scaled as if it had this much.
WHITENING_FLOOR = 1e-4


@dataclass(frozen=True)
class Partition:
    """The parts of the actions (their numbers), and the margin of the decision."""

    parts: tuple[tuple[int, ...], ...]
    margin: float


def relative_size(matrices: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """‖M‖_z = E‖M z‖ / E‖z‖ for each matrix of ``matrices`` (..., d, d) on ``codes`` (n, d)."""
    return torch.linalg.vector_norm(codes @ matrices.transpose(-1, -2), dim=-1).mean(dim=-1) / codes.norm(dim=1).mean()


def whitened(matrices: torch.Tensor, codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The actions and the centred codes in coordinates where the codes' covariance is the identity
    (on the main directions, not :data:`FAINT`: on a faint one, an action is fitted to noise):
    y = Wᵀ(z − z̄), A ↦ Wᵀ A P with P the map back. Every subgroup's motion then counts alike, however
    large or small the code made it."""
    centred = codes - codes.mean(dim=0)
    values, vectors = torch.linalg.eigh(centred.T @ centred / len(codes))
    keep = values > FAINT * values.max().clamp_min(1e-300)
    w, back = vectors[:, keep] / values[keep].sqrt(), vectors[:, keep] * values[keep].sqrt()
    return w.T @ matrices @ back, centred @ w


def commutators(matrices: torch.Tensor, codes: torch.Tensor, motion: torch.Tensor) -> torch.Tensor:
    """‖A_i A_l − A_l A_i‖_z / (2 ‖A_i − I‖_z ‖A_l − I‖_z) for each pair of ``matrices`` (n, d, d),
    ``motion`` their ‖A − I‖_z (n,): near 0 for actions that commute, at most 1."""
    commutator = relative_size(matrices[:, None] @ matrices[None] - matrices[None] @ matrices[:, None], codes)
    return commutator / (2 * motion[:, None] * motion[None]).clamp_min(1e-12)


def part_bases(
    matrices: torch.Tensor, codes: torch.Tensor, parts: list[list[int]], share: float, tolerance: float
) -> tuple[list[torch.Tensor], list[int]]:
    """An orthonormal basis (d, r_k) of the directions each part's actions move the centred codes,
    each outside the earlier parts' (the singular directions of {(A_a − I) z : a in the part} down to
    ``share`` of the largest). A part whose actions do not commute (a commutator above ``tolerance``)
    gets at least 3: SO(2) is abelian, and S3's transposition, a reflection of the plane its 3-cycles
    turn, is a half turn of 3 dims that moves no code out of the plane — the third dim is where its
    A_a − I acts outside the codes' directions (the top singular directions of (A_a − I) there), a
    *spare* dim: the part's actions turn through it, the code keeps none of it. Returns the bases
    and how many of each one's last columns are spare."""
    centred = codes - codes.mean(dim=0)
    eye = torch.eye(len(centred[0]), dtype=centred.dtype)
    bases, spares, taken = [], [], centred.new_zeros(len(centred[0]), 0)
    for part in parts:
        moved = torch.cat([centred @ (matrices[a] - eye).T for a in part])
        moved = moved - moved @ taken @ taken.T
        _, values, vectors = torch.linalg.svd(moved, full_matrices=False)
        rank = int((values >= share * values[0]).sum()) if values[0] > 0 else 0
        basis, spare = vectors[:rank].T, 0
        if rank < 3 and not commute(matrices[part], codes, tolerance):
            held = torch.cat([taken, basis], dim=1)
            outside = eye - held @ held.T
            turned = torch.cat([outside @ (matrices[a] - eye) @ outside for a in part])
            basis, spare = torch.cat([basis, torch.linalg.svd(turned)[2][: 3 - rank].T], dim=1), 3 - rank
        bases.append(basis)
        spares.append(spare)
        taken = torch.cat([taken, basis], dim=1)
    return bases, spares


def commute(matrices: torch.Tensor, codes: torch.Tensor, tolerance: float) -> bool:
    """Whether every commutator of the actions ``matrices`` (n, d, d) on ``codes`` is at most
    ``tolerance`` (measured as in :func:`partition_of_actions`)."""
    a, z = whitened(matrices.double(), codes.double())
    motion = relative_size(a - torch.eye(a.shape[-1], dtype=a.dtype), z)
    return float(commutators(a, z, motion).max()) <= tolerance


def partition_of_actions(matrices: torch.Tensor, codes: torch.Tensor, tolerance: float, powers: int) -> Partition:
    """The finest partition of the actions ``matrices`` (n, d, d) in which actions of different parts
    commute and have no common nontrivial power (see the module docstring), measured on ``codes``."""
    with torch.no_grad():
        a, codes = whitened(matrices.double(), codes.double())
        eye = torch.eye(a.shape[-1], dtype=a.dtype)
        power = [a]
        for _ in range(powers - 1):
            power.append(power[-1] @ a)
        stacked = torch.stack(power)  # (powers, n, d, d): A^1 … A^powers
        motion = relative_size(stacked - eye, codes)  # (powers, n): ‖A^p − I‖_z
        nontrivial = motion > tolerance * motion[:1]
        commutator = commutators(a, codes, motion[0])
        products = relative_size(stacked[:, None, :, None] @ stacked[None, :, None] - eye, codes)  # (p, q, n, n)
        apart = (motion[:, None, :, None] ** 2 + motion[None, :, None, :] ** 2).sqrt().clamp_min(1e-12)
        usable = nontrivial[:, None, :, None] & nontrivial[None, :, None, :]
        related = torch.where(usable, products / apart, torch.inf).amin(dim=(0, 1))
    n = len(a)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    margins = (motion[0] / motion[0].max().clamp_min(1e-12) - tolerance).clamp_min(0).tolist()  # learnt
    for i in range(n):
        for j in range(i + 1, n):
            sides = (tolerance - float(commutator[i, j]), float(related[i, j]) - tolerance)
            if min(sides) < 0:
                graph.add_edge(i, j)
            margins.append(abs(min(sides)))
    parts = [sorted(c) for c in nx.connected_components(graph)]
    for one, other in itertools.permutations(parts, 2):
        if len(other) > 1 and (found := _meets(stacked, motion, nontrivial, codes, one, other, tolerance)) is not None:
            graph.add_edges_from(itertools.pairwise(found))
            margins.append(0.0)
    for trio in itertools.combinations(range(len(parts)), 3):
        if (found := _relation(stacked, motion, nontrivial, codes, [parts[k] for k in trio], tolerance)) is not None:
            graph.add_edges_from(itertools.pairwise(found))
            margins.append(0.0)
    parts = sorted(tuple(sorted(c)) for c in nx.connected_components(graph))
    return Partition(tuple(parts), min(min(margins, default=tolerance) / tolerance, 1.0))


def _meets(
    stacked: torch.Tensor,
    motion: torch.Tensor,
    nontrivial: torch.Tensor,
    codes: torch.Tensor,
    part: list[int],
    other: list[int],
    tolerance: float,
) -> tuple[int, int, int] | None:
    """An action i of ``part`` and two j, k of ``other`` with A_i^p (A_j^q A_k^r) ≈ I for nontrivial
    powers, A_j^q A_k^r itself not ≈ I — the cyclic subgroup of A_i meets the subgroup of ``other``
    beyond e, which no pair shows (on C4³, (2,1,0)² = ((0,1,1) (0,1,3))⁻¹, where (0,1,1) and (0,1,3)
    share their squares) — or None."""
    eye = torch.eye(stacked.shape[-1], dtype=stacked.dtype)
    for i, (j, k) in itertools.product(part, itertools.combinations(other, 2)):
        for p, q, r in itertools.product(range(len(stacked)), repeat=3):
            if not (nontrivial[p, i] and nontrivial[q, j] and nontrivial[r, k]):
                continue
            inner = stacked[q, j] @ stacked[r, k]
            size = float(relative_size(inner - eye, codes))
            if size <= tolerance * float(max(motion[0, j], motion[0, k])):
                continue  # the two cancel: a relation within ``other``
            scale = (float(motion[p, i]) ** 2 + size**2) ** 0.5
            if float(relative_size(stacked[p, i] @ inner - eye, codes)) < tolerance * scale:
                return i, j, k
    return None


def _relation(
    stacked: torch.Tensor,
    motion: torch.Tensor,
    nontrivial: torch.Tensor,
    codes: torch.Tensor,
    parts: list[list[int]],
    tolerance: float,
) -> tuple[int, ...] | None:
    """Actions, one of each of three parts, with A_i^p A_j^q A_k^r ≈ I for nontrivial powers — a
    relation no direct product of the three parts' subgroups has (the subgroups must meet only in
    e, which pairs alone do not show: on C4³ the moves (1,1,0), (0,1,1), (1,0,1) pairwise share no
    power, but their squares multiply to e) — or None."""
    eye = torch.eye(stacked.shape[-1], dtype=stacked.dtype)
    for trio in itertools.product(*parts):
        for powers in itertools.product(range(len(stacked)), repeat=3):
            if not all(nontrivial[p, a] for p, a in zip(powers, trio, strict=True)):
                continue
            product = stacked[powers[0], trio[0]] @ stacked[powers[1], trio[1]] @ stacked[powers[2], trio[2]]
            scale = sum(float(motion[p, a]) ** 2 for p, a in zip(powers, trio, strict=True)) ** 0.5
            if float(relative_size(product - eye, codes)) < tolerance * scale:
                return trio
    return None


def slowness(paths: torch.Tensor) -> torch.Tensor:
    """tr(C_z⁻¹ C_Δ) / d of centred codes along paths (B, L + 1, d): C_z their covariance (+ 10⁻⁶ I),
    C_Δ the second moment of each step's motion z_(t+1) − z_t — slow feature analysis (Wiskott &
    Sejnowski 2002) on the pairs. It is the same for the code z and z M for every invertible M, so
    it is lowered only by what the code's directions are, never by their scale. Over codes of a
    world's states, each moved by a uniformly drawn move, its minimum is the mean of the d lowest
    nonzero eigenvalues of 2 (I − P), P the moves' transition matrix (a graph Laplacian, as in
    Laplacian eigenmaps, Belkin & Niyogi 2003), whose eigenvectors on a product of cycles C_n are
    each cycle's (cos, sin)(2π s / n) — a circle, at 2 − 2 cos(2π / n) — however little of the
    pixels the cycle changes; a line through the cycle's states moves faster along the moves
    (12 / (n + 1) in the cycle's order, above the circle's from C4 on: 2 against 1.38 on C5)."""
    codes = paths.flatten(0, 1)
    motion = (paths[:, 1:] - paths[:, :-1]).flatten(0, 1)
    eye = torch.eye(codes.shape[1], dtype=codes.dtype, device=codes.device)
    covariance = codes.T @ codes / len(codes) + 1e-6 * eye
    return torch.trace(torch.linalg.solve(covariance, motion.T @ motion / len(motion))) / codes.shape[1]


@dataclass
class DiscoveryConfig(LearnerConfig):
    """λ ``forward``; latent ``noise`` (× the codes' largest spread); the actions' ``start`` scale and
    μ ``sparsity``, lifted from ``lift_at`` on from an action that misses more than ``lift`` of
    its moves until it misses less than ``tolerance`` (module docstring); the partition of the
    actions, with ``tolerance`` and ``powers``, tried every :data:`DISCOVER_EVERY` steps from
    ``discover_at`` and kept once its margin reaches ``confidence``, or at ``discover_by`` whatever
    its margin (on styled_gridworld the colour's ids are learnt only after step 3,000, at 3,250 and
    4,250, in 2 of 10 seeds: a partition at a fixed step 3,000 put every id in one part), and each
    part's block kept down to ``block_share`` of its largest direction (:func:`part_bases`; 0.1 kept
    the faint third and fourth directions an action of flatland's cycles moved in 3 of 10 seeds,
    which its code then moved outside x's or y's plane); σ ``slowness`` (:func:`slowness`, 0: none)."""

    latent: Count = 12
    path_length: Natural = 5
    forward: NonNegative = 1.0
    noise: NonNegative = 0.1
    discover_at: Count = 3000
    lift_at: Count = 3000
    discover_by: Count = 5000
    confidence: NonNegative = 0.3
    start: NonNegative = 1.0
    sparsity: NonNegative = 1.0
    lift: NonNegative = 0.5
    tolerance: Fraction = 0.25
    powers: Count = 4
    block_share: Fraction = 0.3
    slowness: NonNegative = 0.0
    lr: Positive = 1e-3
    batch_size: Count = 16

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.discover_by < self.discover_at:
            raise InvalidOptionError(
                f"discover_by ({self.discover_by}) must be at least discover_at ({self.discover_at})", self.discover_by
            )


def code_width(env: SymmetryEnv) -> int:
    """d, the code's default width: 4 dims for each of the world's subgroups (a plane, and as much
    room again), at least 12 (the width on worlds of 2 and 3 subgroups). On multi_object (5
    subgroups) the partition was right in 2 of 10 seeds at 12 wide, 5 at 16 and 7–8 at 20: with little
    room the encoder drew object 1's colour jointly with one of its coordinates as one set of points,
    on which no matrix of the colour's ids can act (BENCHMARKS.md); styled_gridworld (4) passes at 12,
    14 and 16 alike. The width reads how many subgroups the world has, as a user sizing the code
    would; which ids belong together, and how many parts they make, is still found without it."""
    return max(12, 4 * len(env.factors))


@dataclass
class SymmetryDiscoveryConfig(DiscoveryConfig):
    """:class:`DiscoveryConfig`, ``relabel``, the seed of the ids' relabelling, and ``moves``, the
    moves the ids label: ``"generators"``, the world's own, or ``"elements"``, every element of each
    subgroup but e (on ``arrow`` the angle's ids then learnt a faithful representation in 5 of 6
    seeds, against a quarter turn for a step of C8 in 10 of 10 with the generators); the partition tried
    from step 250 (``discover_at``: it is kept only once its margin allows; on flatland the codes
    then pass at steps 600–650 in 10 of 10 seeds, against 1,100 with the tries every 250 steps from
    step 1,000; ``benchmarks/discovery_images.toml``), μ lifted from step 1,000 (``lift_at``: from
    250 or 500, gridworld's codes passed at 1,600–2,050 or 1,150–1,700 steps in 3 of 5 seeds by step
    3,000, against 1,150–1,400 in 4 of 5)."""

    discover_at: Count = 250
    lift_at: Count = 1000
    relabel: Natural = 0
    moves: Moves = "generators"


class DiscoveringAutoencoder(Autoencoder):
    """An autoencoder with one rotation A_a ∈ SO(d) per action a; from ``discover_at`` the partition of
    the actions, and a basis of the code with a block per part (the directions the part's actions
    move), in which each action is then confined to its part's block (module docstring). A subclass
    says how many actions there are (``count``), which moved each pair of frames (:meth:`actions`),
    and which of the world's moves they are (:meth:`discovered`)."""

    Config = DiscoveryConfig

    def __init__(self, env: SymmetryEnv, config: DiscoveryConfig, count: int) -> None:
        super().__init__(env, config)
        d = config.latent
        self.generators = torch.nn.Parameter(config.start / d**0.5 * torch.randn(count, d, d))
        self.register_buffer("active", torch.ones(count, dtype=torch.bool))  # actions not pruned
        self.register_buffer("part_of", torch.full((count,), -1))  # each action's part; -1: not found yet
        self.register_buffer("block_of", torch.full((d,), -1))  # each code dim's part; -1: none (yet)
        self.register_buffer("spare", torch.zeros(d, dtype=torch.bool))  # in a part's block, not in the code
        self.register_buffer("basis", torch.eye(d))  # encoder output → code: z ↦ z Q
        self.register_buffer("margin", torch.tensor(0.0))
        self.register_buffer("missed", torch.ones(count))  # each action's share of its moves missed, averaged
        self.register_buffer("lifted", torch.zeros(count, dtype=torch.bool))  # μ lifted from the action

    @classmethod
    def defaults(cls, env: SymmetryEnv) -> DiscoveryConfig:
        """The default architecture with a linear shortcut, and a code of :func:`code_width` dims."""
        return cls.Config(
            architecture=default_architecture(env.observation_shape, linear_shortcut=True), latent=code_width(env)
        )

    @property
    def partition(self) -> Partition | None:
        """The parts of the actions, once found (None before)."""
        if int(self.part_of.max()) < 0:
            return None
        labels = self.part_of.tolist()
        parts = (tuple(a for a, k in enumerate(labels) if k == part) for part in range(max(labels) + 1))
        return Partition(tuple(p for p in parts if p), float(self.margin))

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        """The code: the encoder's output z Q in the basis of the parts' blocks, the blocks only once
        they are found (before, all d coordinates)."""
        return self.coordinates(observations)[:, self.kept]

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        full = codes.new_zeros(len(codes), self.config.latent)
        full[:, self.kept] = codes
        return torch.sigmoid(self.decoder(full @ self.basis.T))

    @property
    def kept(self) -> torch.Tensor:
        """Which of the d coordinates make the code: the parts' blocks less their spare dims once found,
        else all."""
        if self.partition is None:
            return torch.ones_like(self.block_of, dtype=torch.bool)
        return (self.block_of >= 0) & ~self.spare

    def coordinates(self, observations: torch.Tensor) -> torch.Tensor:
        """z Q (n, d), the coordinates outside every block set to 0 once the blocks are found."""
        return self.encoder(observations)[0] @ self.basis * self.kept

    def action_matrices(self) -> torch.Tensor:
        """A_a = exp(S_a − S_aᵀ) ∈ SO(d) (a finite group's representation can always be made orthogonal),
        S_a confined to its part's block once the parts are found (A_a is then the identity elsewhere)."""
        s = self.generators
        if self.partition is not None:
            block = self.block_of[None] == self.part_of[:, None]
            s = s * (block[:, :, None] & block[:, None, :])
        return torch.linalg.matrix_exp(s - s.transpose(-1, -2))

    def frame(self, centred: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The coordinates y = W z the actions act in, for the centred codes ``centred`` (n, d): W, W⁻¹,
        and the projection (d, d) onto the code's main directions in y, where the share of its moves an
        action misses is measured (m_a) — here the code's own coordinates and every direction: I, I, I."""
        eye = torch.eye(centred.shape[1], dtype=centred.dtype, device=centred.device)
        return eye, eye, eye

    def acting(self, centred: torch.Tensor) -> torch.Tensor:
        """The actions in the code's own coordinates, W⁻¹ A_a W (:meth:`frame` of ``centred``)."""
        w, back, _ = self.frame(centred)
        return back @ self.action_matrices() @ w

    def due(self, step: int) -> bool:
        """Whether the partition is tried at ``step``: every :data:`DISCOVER_EVERY` steps from
        ``discover_at`` while the actions are :meth:`ready` (and at every step from ``discover_by``)
        until one is kept, and on the same grid while the one kept lies below ``confidence`` (to
        split it: :meth:`discover`)."""
        since = step - self.config.discover_at
        every = since >= 0 and since % DISCOVER_EVERY == 0
        if self.partition is None:
            return (every and self.ready()) or step >= self.config.discover_by
        return every and float(self.margin) < self.config.confidence

    def ready(self) -> bool:
        """Whether the actions are ready to be partitioned: always, for actions that are given."""
        return True

    def discover(self, codes: torch.Tensor, settle: bool) -> None:
        """Partition the (unpruned) actions on ``codes``, its margin at most how far the share of their
        moves the actions miss lies below ``tolerance``; unless that margin is below ``confidence``
        (and not ``settle``), keep it: find each part's block (:func:`part_bases`), and carry the code
        and the actions into the basis of the blocks. A partition kept below ``confidence`` (settled
        at ``discover_by``) is split once its actions' partition is finer at ``confidence``, the
        parts' blocks found again within the old: on multi_object two of ten seeds settled object 1's
        y and the colour as one part at margin 0, and both were split into the world's five (margins
        0.33 and 0.30), the partition then right in 9 of 10 (BENCHMARKS.md)."""
        matrices = self.acting(codes - codes.mean(dim=0)).detach()
        active = self.active.nonzero().flatten().tolist()
        found = partition_of_actions(matrices[active], codes, self.config.tolerance, self.config.powers)
        missed = float(self.missed[self.active].mean())
        margin = min(found.margin, max(0.0, 1 - missed / self.config.tolerance))
        parts = [[active[a] for a in part] for part in found.parts]
        kept = self.partition
        if margin < self.config.confidence and (kept is not None or not settle):
            return
        if kept is not None:
            if not all(any(set(part) <= set(old) for old in kept.parts) for part in parts):
                return  # not a split of the partition kept
            if len(parts) == len(kept.parts):
                self.margin.fill_(margin)  # the same partition, now at confidence
                return
        bases, spares = part_bases(matrices, codes, parts, self.config.block_share, self.config.tolerance)
        d = len(codes[0])
        q, r = torch.linalg.qr(torch.cat([*bases, torch.eye(d, dtype=codes.dtype)], dim=1))
        basis = (q * torch.sign(torch.diagonal(r)))[:, :d].to(self.basis)  # [B_1 | … | B_k | rest]
        block_of = torch.cat([torch.full((b.shape[1],), k) for k, b in enumerate(bases)] + [torch.full((d,), -1)])
        spare = torch.cat([torch.arange(b.shape[1]) >= b.shape[1] - n for b, n in zip(bases, spares, strict=True)])
        with torch.no_grad():
            for k, part in enumerate(parts):
                self.part_of[part] = k
            self.block_of.copy_(block_of[:d])
            self.spare.zero_()
            self.spare[: len(spare)] = spare
            self.generators.copy_(basis.T @ self.generators @ basis)
            self.basis.copy_(self.basis @ basis)
            self.margin.fill_(margin)

    def weights(self, codes: torch.Tensor) -> torch.Tensor:
        """1 / each dim's variance over ``codes``: each direction's motion counts alike; a spare dim,
        which the code keeps none of, weighs as the code's dims do on average."""
        weight = 1 / codes.var(dim=0, unbiased=False).clamp_min(1e-12)
        return torch.where(self.spare, weight[self.kept].mean(), weight)

    def shares_missed(
        self, z: torch.Tensor, following: torch.Tensor, actions: torch.Tensor, main: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Σ (A_a z − z')² / Σ (z' − z)² over the pairs (z, z') of each action a (``z``, ``following``
        (n, d), ``actions`` (n,)), each dim weighted by 1 / its variance — the share of its moves the
        action misses, which shrinking the code's motion does not lower —, the same of the misses and
        the motions projected by ``main`` (d, d), and which actions the pairs have (each (count,))."""
        weight = self.weights(torch.cat([z, following]))
        miss = torch.einsum("nij,nj->ni", self.action_matrices()[actions], z) - following
        moved = following - z
        count = len(self.generators)

        def shares(miss: torch.Tensor, moved: torch.Tensor) -> torch.Tensor:
            per_action = z.new_zeros(count).index_add(0, actions, (miss**2 * weight).sum(dim=1))
            motion = z.new_zeros(count).index_add(0, actions, (moved**2 * weight).sum(dim=1))
            return per_action / motion.clamp_min(1e-12)

        present = torch.bincount(actions, minlength=count) > 0
        return shares(miss, moved), shares(miss @ main, moved @ main), present

    def reconstruction(self, frames: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """The frames' Bernoulli reconstruction, decoded from codes (in the code's basis) plus isotropic latent noise of
        ``noise`` × the codes' largest spread: what a direction of small variance carries is lost, so
        the code must carry every subgroup at full scale, where the actions are fitted."""
        spread = codes.std(dim=0).max().detach()
        noise = torch.randn(codes.shape, generator=self.rng, device=codes.device, dtype=codes.dtype)
        return bernoulli_reconstruction(
            self.decoder((codes + self.config.noise * spread * noise) @ self.basis.T), frames
        )

    @abstractmethod
    def actions(self, batch: dict[str, torch.Tensor], paths: torch.Tensor, step: int) -> torch.Tensor:
        """The action (B, L) that moved each frame of the paths to the next (``paths``: their centred
        codes, (B, L + 1, d))."""

    def loss(self, batch: dict[str, torch.Tensor], step: int) -> Terms:
        frames = batch["frames"]
        if self.due(step):
            with torch.no_grad():
                self.discover(self.coordinates(frames.flatten(0, 1)), settle=step >= self.config.discover_by)
        codes = self.coordinates(frames.flatten(0, 1))
        mean = codes.mean(dim=0)
        centred = codes - mean
        with torch.no_grad():
            w, back, main = self.frame(centred)
        centred = centred.unflatten(0, frames.shape[:2])
        paths = centred @ w
        ids = self.actions(batch, paths, step)
        rolled = self.rolled(paths[:, 0], ids) @ back + mean
        recon = self.reconstruction(frames.flatten(0, 1), rolled.flatten(0, 1))
        shares, on_main, present = self.shares_missed(
            paths[:, :-1].flatten(0, 1), paths[:, 1:].flatten(0, 1), ids.flatten(), main
        )
        forward = shares[present].mean()
        self.hold(on_main.detach(), present, step)
        held = self.active & ~self.lifted
        skew = self.generators[held] - self.generators[held].transpose(-1, -2)
        support = skew.abs().sum() / 2 / self.active.sum()
        terms = {"recon": recon, "forward": forward, "support": support}
        loss = recon + self.config.forward * forward + self.config.sparsity * support
        if self.config.slowness:
            terms["slowness"] = slowness(centred[..., self.kept])
            loss = loss + self.config.slowness * terms["slowness"]
        return terms | {"loss": loss}

    def hold(self, shares: torch.Tensor, present: torch.Tensor, step: int) -> None:
        """Average each present action's share of its moves missed (on the main directions of
        :meth:`frame`) into m_a (over ~100 steps), and from ``lift_at`` lift μ from the actions with
        m_a above ``lift`` until it is below ``tolerance``; those lifted at ``lift_at`` itself start
        again from a random rotation (module docstring)."""
        self.missed[present] = 0.99 * self.missed[present] + 0.01 * shares[present]
        if step < self.config.lift_at:
            return
        failed = self.missed > self.config.lift
        if step == self.config.lift_at:
            with torch.no_grad():
                self.generators[failed] = self.drawn(int(failed.sum()))
        self.lifted |= failed
        self.lifted &= self.missed >= self.config.tolerance

    def drawn(self, count: int) -> torch.Tensor:
        """``count`` generators S drawn N(0, ``start``²/d)."""
        d = self.config.latent
        return self.config.start / d**0.5 * torch.randn(count, d, d, generator=self.rng, device=self.rng.device)

    def rolled(self, start: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """The first frame's (centred) code carried along each path by the actions: (B, L + 1, d)."""
        matrices, codes = self.action_matrices(), [start]
        for t in range(ids.shape[1]):
            codes.append(torch.einsum("bij,bj->bi", matrices[ids[:, t]], codes[-1]))
        return torch.stack(codes, dim=1)


class SymmetryDiscovery(DiscoveringAutoencoder):
    """Each move handed out as an opaque id (a seeded relabelling), a rotation per id (module
    docstring, after Dang-Nhu et al. 2026)."""

    name = "symmetry_discovery"
    Config = SymmetryDiscoveryConfig

    def __init__(self, env: SymmetryEnv, config: SymmetryDiscoveryConfig) -> None:
        moves = env.moves if config.moves == "generators" else subgroup_elements(env)
        if config.moves == "elements" and any(len(changed_subgroups(env, g)) > 1 for g in env.moves):
            raise InvalidOptionError(
                f"moves='elements' steps within one subgroup at a time, which would ignore {env.name}'s own "
                "moves: some change several subgroups at once",
                config.moves,
            )
        super().__init__(env, config, len(moves))
        self.moves = moves

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Paths(env, self.config.batch_size, self.config.path_length, self.moves, relabel=self.config.relabel)

    def actions(self, batch: dict[str, torch.Tensor], paths: torch.Tensor, step: int) -> torch.Tensor:
        return batch["moves"]

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """Dang-Nhu et al.'s claim: the partition of the ids is the world's, and the code is LSBD."""
        from symgroup.check.claims import RecoversPartition, Splits

        statement = "Dang-Nhu et al. 2026: the ids' partition is discovered, and a code of its blocks is LSBD"
        return RecoversPartition(statement), Splits(statement, linear=True)

    def discovered(self, env: SymmetryEnv) -> tuple[tuple[GroupElement, ...], ...] | None:
        """The parts of ``env``'s moves found to belong together (the ids translated back to the moves
        they label, for the report only); None before the partition."""
        if (found := self.partition) is None:
            return None
        move_of = np.argsort(sampling.relabelling(len(self.moves), self.config.relabel))
        return tuple(tuple(self.moves[move_of[a]] for a in part) for part in found.parts)


@dataclass
class ActionEstimationConfig(DiscoveryConfig):
    """:class:`DiscoveryConfig`; K ``candidates`` (more than the world's moves), from ``prune_at`` on
    one pruned every ``prune_every`` steps while its regret is below ``floor``; σ ``slowness``.
    Pruning starts at step 2,500, once a faint factor is in the code: on gridworld's own n = 8, 8
    hues (32×32), from step 1,000 one of the colour's candidates went by step 2,000 (regret 0.018)
    while the colour held 0.6–2.2 % of the code's variance, and the partition was right in 4 of 10
    seeds; from 2,500 (the colour 3.5–6.7 % of it, a circle), in 10 of 10 (BENCHMARKS.md)."""

    candidates: Count = 12
    start: NonNegative = 0.1
    slowness: NonNegative = 50.0
    prune_at: Count = 2500
    prune_every: Count = 100
    floor: Fraction = 0.02


class ActionEstimation(DiscoveringAutoencoder):
    """Pairs of frames, never told which move made them: K candidate rotations, each pair's action
    the candidate whose motion points most nearly along the pair's,

        a(z, z') = argmin_k c_k(z, z'),   c_k(z, z') = 1 − ⟨A_k z − z, z' − z⟩_w / (‖A_k z − z‖_w ‖z' − z‖_w)

    with ⟨u, v⟩_w = Σ_j u_j v_j / Var z_j (a hard assignment, where Painter et al. 2020 train a policy
    network by REINFORCE). The direction alone chooses, whatever the length of either motion (the
    forward term fits the length): on gridworld n = 5, 5 hues (20×20), with the slowness term below,
    chosen by the distance Σ_j (A_k z − z')_j² / Var z_j instead, every move was inferred in 1 of 6
    seeds (the colour's moves spread over 2–4 candidates mixing +1 and −1 in the others), by its
    direction in 10 of 20 runs of seeds 0–9 (BENCHMARKS.md). Candidates start near the identity
    (``start``). A candidate's *regret* is how much the cost would grow without it, the mean over
    the pairs of (the second-best cost − its cost) on the pairs it takes (a moving average over ~100
    steps): from ``prune_at`` until the partition, every ``prune_every`` steps the candidate of
    least regret is pruned while it is below ``floor`` — an unused one, or one of two that share a
    move — and the partition is tried only once none is left below it (:meth:`ready`).

    With σ = ``slowness`` the code's motion along the pairs is also made slow (:func:`slowness`):
    its optimum makes each cyclic factor a circle, however little of the pixels it changes. Without
    it, gridworld's colour (n = 5, 5 hues) was out of the code or a line through the hues — an
    injective 1-D code of a cyclic factor, on which a +1 move goes down from some hues and up from
    others, so no candidate's direction fits it (in every other variant tried, BENCHMARKS.md); with
    σ = 50 a circle in 12 of 15 runs (σ = 1: too weak beside the reconstruction, a line in 4 of 4).

    The candidates act on the code whitened within each block (:meth:`frame`; before the partition the
    whole code is one block), y = W (z − z̄) with W = C^(−1/2) of the batch's covariance, its
    eigenvalues held at least :data:`WHITENING_FLOOR` of their sum: each factor's motion counts alike in
    the choice and in the forward term. The forward term's gradient on a candidate is its miss ⊗ the
    carried code; on the code itself x's and y's large coordinates outgrew the colour's in any candidate
    the colour's pairs reached, which then moved other directions of the code into the colour's plane
    and took +1 and −1 alike (gridworld n = 5: every move inferred in 3–6 of 10 seeds; whitened, in
    10 of 10, the partition at margins 0.46–0.50; BENCHMARKS.md). The share missed m_a that bounds the
    partition's margin is measured on the main directions alone (not :data:`FAINT`): counted on all of
    them, the faint ones — six of twelve, below 0.006 of the largest variance, whitened up to the floor
    — carried 59 % of the pairs' motion and 88 % of the actions' miss, and every partition came at
    margin 0; dropped from the code instead, they took the colour with them (2 of 2 seeds). The rest are
    partitioned as :class:`SymmetryDiscovery`'s ids are."""

    name = "action_estimation"
    Config = ActionEstimationConfig

    def __init__(self, env: SymmetryEnv, config: ActionEstimationConfig) -> None:
        super().__init__(env, config, config.candidates)
        self.register_buffer("regret", torch.ones(config.candidates))

    def sampler(self, env: SymmetryEnv, seed: int) -> Sampler:
        return Paths(env, self.config.batch_size, self.config.path_length, env.moves, told=False)

    def frame(self, centred: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The code whitened within each block (before the partition the code is one block):
        W = V diag(max(λ, 10⁻⁴ Σλ))^(−1/2) Vᵀ from the block's covariance V diag(λ) Vᵀ over
        ``centred`` (n, d), 0 outside every block; the main directions those of λ ≥ :data:`FAINT`
        × the block's largest."""
        d = centred.shape[1]
        w, back, main = (centred.new_zeros(d, d) for _ in range(3))
        if self.partition is None:
            blocks = [torch.ones_like(self.kept)]
        else:
            blocks = [self.block_of == k for k in range(int(self.part_of.max()) + 1)]
        for dims in filter(torch.any, blocks):
            block = dims[:, None] & dims[None]
            values, vectors = torch.linalg.eigh(centred[:, dims].T @ centred[:, dims] / len(centred))
            strong = vectors[:, values >= FAINT * values.max()]
            values = values.clamp_min(WHITENING_FLOOR * values.sum()).clamp_min(1e-12)
            w[block] = (vectors @ torch.diag(values.rsqrt()) @ vectors.T).flatten()
            back[block] = (vectors @ torch.diag(values.sqrt()) @ vectors.T).flatten()
            main[block] = (strong @ strong.T).flatten()
        return w, back, main

    def costs(self, z: torch.Tensor, following: torch.Tensor) -> torch.Tensor:
        """c_k (n, K) of each candidate for carrying each centred code ``z`` (n, d) to ``following``:
        1 − the cosine of A_k z − z and z' − z in the weighted metric (inf for a pruned one)."""
        weight = self.weights(torch.cat([z, following])).sqrt()
        carried = torch.einsum("kij,nj->nki", self.action_matrices(), z)
        cosine = torch.nn.functional.cosine_similarity(
            (carried - z[:, None]) * weight, ((following - z) * weight)[:, None], dim=-1
        )
        return (1 - cosine).masked_fill(~self.active, torch.inf)

    def ready(self) -> bool:
        """Whether pruning is done: no candidate left with its regret below ``floor``. Tried while one
        was left, the partition took it in: on gridworld n = 5 with pruning from step 2,500, seed 1
        still had an unused candidate (regret 0.001) at step 3,000, and kept the seven candidates as one
        part at margin 0.33."""
        return bool((self.regret[self.active] >= self.config.floor).all())

    def infer(self, z: torch.Tensor, following: torch.Tensor) -> torch.Tensor:
        """The candidate (n,) whose motion points most nearly along each pair's, from the centred code
        ``z`` (n, d) to ``following``."""
        return self.costs(z, following).argmin(dim=1)

    def actions(self, batch: dict[str, torch.Tensor], paths: torch.Tensor, step: int) -> torch.Tensor:
        with torch.no_grad():
            z, following = paths[:, :-1].flatten(0, 1), paths[:, 1:].flatten(0, 1)
            costs = self.costs(z, following)
            if int(self.active.sum()) > 1:
                best, ids = costs.topk(2, dim=1, largest=False)
                gain = torch.zeros_like(self.regret).index_add(0, ids[:, 0], (best[:, 1] - best[:, 0]).to(self.regret))
                self.regret.mul_(0.99).add_(0.01 * gain / len(z))
                if (
                    self.config.prune_at <= step
                    and (step - self.config.prune_at) % self.config.prune_every == 0
                    and self.partition is None
                ):
                    least = int(self.regret.masked_fill(~self.active, torch.inf).argmin())
                    if self.regret[least] < self.config.floor:
                        self.active[least] = False
            else:
                ids = costs.argmin(dim=1, keepdim=True)
        return ids[:, 0].unflatten(0, (len(paths), -1))

    def inferred(self, env: SymmetryEnv, pairs: int = 1024, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The true move (numbers into ``env.moves``) and the inferred candidate of ``pairs`` seeded
        transitions (s, g, g·s)."""
        moves = env.transitions(pairs, seed, observations=True)
        device = self.basis.device
        with torch.no_grad():
            codes = self.coordinates(
                torch.from_numpy(np.concatenate([moves.observations, moves.next_observations])).to(device)
            )
            codes = codes - codes.mean(dim=0)
            codes = codes @ self.frame(codes)[0]
            found = self.infer(codes[:pairs], codes[pairs:])
        return moves.move_ids, found.cpu().numpy()

    def accuracy(self, env: SymmetryEnv) -> float:
        """The share of pairs whose inferred candidate stands for their true move (each candidate for
        the move it is most often inferred on)."""
        true, found = self.inferred(env)
        stands_for = {k: np.bincount(true[found == k]).argmax() for k in np.unique(found)}
        return float(np.mean([stands_for[k] == m for m, k in zip(true, found, strict=True)]))

    def claims(self, env: SymmetryEnv) -> tuple[Claim, ...]:
        """The inferred actions are the true moves, their partition the world's, the code LSBD."""
        from symgroup.check.claims import InfersActions, RecoversPartition, Splits

        statement = "Painter et al. 2020 + Dang-Nhu et al. 2026: actions inferred, their partition discovered"
        return InfersActions(statement, 0.95), RecoversPartition(statement), Splits(statement, linear=True)

    def discovered(self, env: SymmetryEnv) -> tuple[tuple[GroupElement, ...], ...] | None:
        """Each of ``env``'s moves in the part of the candidate most often inferred on it; None before
        the partition."""
        if (found := self.partition) is None:
            return None
        true, candidate = self.inferred(env)
        part_of = self.part_of.tolist()
        chosen = [part_of[np.bincount(candidate[true == m]).argmax()] for m in range(len(env.moves))]
        parts = (
            tuple(g for g, k in zip(env.moves, chosen, strict=True) if k == part) for part in range(len(found.parts))
        )
        return tuple(p for p in parts if p)
