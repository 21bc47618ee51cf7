"""``check(encoder, env)``: is a representation disentangled with respect to the env's subgroups?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from envs.validation import check_laws
from symgroup.check.encoding import Encoder
from symgroup.check.lsbd import d_lsbd, fit_generators
from symgroup.check.report import CheckReport
from symgroup.check.sbd import SBDResult, Tolerances, block_basis, check_sbd, find_subspaces
from symgroup.check.world import Decomposition, EncodedWorld, encode_world
from symgroup.numbers import check_integer

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.representation import Representation


def check(
    encoder: Encoder,
    env: SymmetryEnv | str,
    *,
    invariant: Sequence[str] = (),
    decomposition: Decomposition | None = None,
    representations: Mapping[str, Representation] | None = None,
    max_states: int = 4096,
    seed: int = 0,
    batch_size: int = 256,
    metrics: bool | tuple[str, ...] = False,
    metric_options: Mapping[str, float] | None = None,
    validate: bool = True,
    representation: str = "mean",
    **tolerances: Any,
) -> CheckReport:
    """Check ``encoder`` against a decomposition of ``env``'s group: SBD (Higgins et al. 2018), LSBD, D_LSBD.

    ``encoder``: a callable on float32 image batches (n, C, H, W) → codes (n, d), a torch module, or
    an array of codes for ``env.states()``. ``env``: a world or a registered world's name.
    ``decomposition`` merges factors into parts (``{"position": ("x", "y")}``; the others stay parts
    of their own); ``invariant`` names parts the code must ignore: it must not move with them and be
    disentangled (and injective) on the quotient by them. ``representations`` gives D_LSBD a part's
    faithful representation. Worlds with more than ``max_states`` states are checked on the orbits of
    a seeded sample. ``metrics``: True for every classic metric, or a tuple of names (see
    :func:`symgroup.check.metrics`, which takes ``metric_options`` such as ``num_train``). An
    encoder with a posterior (a VAE's:
    :class:`~symgroup.check.encoding.Posterior`) also has its mean measured against its spread
    (:mod:`symgroup.check.posterior`): a part that moves the mean by less than one posterior standard
    deviation is flagged beside the verdicts, which judge the mean; ``representation="sample"``
    judges a seeded sample of the posterior instead. A world whose action laws fail is refused
    (:class:`~symgroup.errors.NotAnActionError` with the counterexample) unless ``validate=False``.
    Other keywords override :class:`Tolerances`.
    """
    if isinstance(env, str):
        import envs

        env = envs.make(env)
    tol = Tolerances.of(tolerances)
    for name, value, least in (("max_states", max_states, 1), ("batch_size", batch_size, 1), ("seed", seed, 0)):
        check_integer(value, name, least)
    if validate:
        check_laws(env, seed=seed)
    encoded = encode_world(encoder, env, max_states, seed, batch_size, decomposition, invariant, representation)
    world = _normalised(encoded)
    sbd = check_sbd(world, tol)
    report = CheckReport(
        env=env.name,
        n_states=env.n_states,
        states_encoded=len(world.states),
        sampled=world.sampled,
        code_size=world.codes.shape[1],
        tolerances=tol,
        sbd=sbd,
        fits=fit_generators(world, sbd),
        d_lsbd=d_lsbd(world, block_basis(sbd.subspaces, sbd.whiten, tol), representations),
        orbit_points={name: _orbit_points(world, sbd, name) for name in world.content},
        parts=world.parts,
        posterior=world.posterior,
    )
    if world.sampled:
        report.intervals = _bootstrap(world, tol, seed, representations)
    if metrics:
        from symgroup.check.classic import metrics as classic

        names = None if metrics is True else tuple(metrics)
        report.metrics = classic(encoded.codes, encoded.states, names=names, seed=seed, **(metric_options or {}))
    return report


def _normalised(world: EncodedWorld) -> EncodedWorld:
    """The codes centred and divided by their largest entry: every scale float64 can hold, 1e-200 or
    1e200, is checked alike (squares neither underflow nor overflow)."""
    centred = world.codes - world.codes.mean(axis=0)
    scale = float(np.abs(centred).max(initial=0.0))
    return replace(world, codes=centred / scale) if scale > 0 else replace(world, codes=centred)


def _bootstrap(
    world: EncodedWorld, tol: Tolerances, seed: int, representations: Mapping | None, resamples: int = 20
) -> dict[str, tuple[float, float]]:
    """95% intervals of each part's largest leakage and of D_LSBD, resampling the base states."""
    rng = np.random.default_rng(seed)
    bases = len(next(iter(world.orbits.values())))
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(resamples):
        rows = rng.integers(0, bases, size=bases)
        resampled = replace(world, orbits={n: table[rows] for n, table in world.orbits.items()})
        subspaces, geometry, _, _ = find_subspaces(resampled, tol)
        for name, sub in subspaces.items():
            samples[f"max_leakage:{name}"].append(max(sub.leakage.values(), default=0.0))
        basis = block_basis(subspaces, geometry.whiten, tol)
        if (value := d_lsbd(resampled, basis, representations).value) is not None:
            samples["d_lsbd"].append(value)
    return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in samples.items()}


def _orbit_points(world: EncodedWorld, sbd: SBDResult, name: str) -> tuple[np.ndarray, np.ndarray]:
    """G_i's variation in the first two directions of its subspace (zeros where it has fewer), and the
    number of the group element of each point."""
    points = world.variation(name) @ sbd.whiten @ sbd.subspaces[name].basis[:, :2]
    table = world.orbits[name]
    return np.pad(points, ((0, 0), (0, 2 - points.shape[1]))), np.tile(np.arange(table.shape[1]), len(table))
