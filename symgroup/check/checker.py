"""``check(encoder, env)``: is a representation disentangled with respect to the env's subgroups?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from symgroup.check.encoding import Encoder
from symgroup.check.lsbd import d_lsbd, fit_generators
from symgroup.check.report import CheckReport
from symgroup.check.sbd import Tolerances, check_sbd
from symgroup.check.world import encode_world

if TYPE_CHECKING:
    from envs import SymmetryEnv


def check(
    encoder: Encoder,
    env: SymmetryEnv,
    *,
    max_states: int = 4096,
    seed: int = 0,
    batch_size: int = 256,
    metrics: bool | tuple[str, ...] = False,
    **tolerances: Any,
) -> CheckReport:
    """Check ``encoder`` against ``env``'s decomposition: SBD (Higgins et al. 2018), LSBD, D_LSBD.

    ``encoder``: a callable on float32 image batches (n, C, H, W) → codes (n, d), a torch module, or
    an array of codes for ``env.states()``. Worlds with more than ``max_states`` states are checked on
    the subgroup orbits of a seeded sample. ``metrics``: True for every classic metric, or a tuple of
    names (see :func:`symgroup.check.metrics`). Other keywords override :class:`Tolerances`.
    """
    tol = Tolerances(**tolerances)
    world = encode_world(encoder, env, max_states=max_states, seed=seed, batch_size=batch_size)
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
        d_lsbd=d_lsbd(world),
    )
    if metrics:
        from symgroup.check.metrics import metrics as classic

        names = None if metrics is True else tuple(metrics)
        report.metrics = classic(world.codes, world.states, names=names, seed=seed)
    return report
