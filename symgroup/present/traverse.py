"""Latent traversals: pictures of what a learner's code means, for learners that can draw.

- A learner with an action on images (``act``: a latent action decoded, a translator) is shown
  acting: row i applies every element of subgroup i to one state's image, in the order of
  ``group.elements()`` (a translator's rows: the subgroups it ``acts_by``, its domain).
- A learner with a decoder only is swept one latent at a time: row j decodes the code of one state
  with latent j replaced by values across the range the world's codes take on it (from the 2nd to
  the 98th percentile), rows sorted by the latent's variance over the world, largest first.
- A learner without ``decode`` or ``act`` cannot be drawn: :class:`~symgroup.errors.InvalidOptionError` says so.
"""

from __future__ import annotations

import numpy as np
import torch

from envs.montage import image_grid
from symgroup.capabilities import Acting, Generative
from symgroup.errors import InvalidOptionError
from symgroup.learn.run import Run


def can_draw(run: Run) -> bool:
    return isinstance(run.learner, Generative | Acting)


def traversal_grid(run: Run, state: np.ndarray | None = None, steps: int = 9, gap: int = 2) -> np.ndarray:
    """An (H, W, 3) image of ``state``'s code (default the first state) traversed as described above."""
    if not can_draw(run):
        raise InvalidOptionError(
            f"{run.config.learner} has no decoder: its code cannot be drawn as traversals", run.config.learner
        )
    env, learner = run.env, run.learner
    start = env.states()[:1] if state is None else env.check_states(np.asarray(state).reshape(1, -1))
    with torch.no_grad():
        x = torch.from_numpy(env.render(start))
        if isinstance(learner, Acting):
            rows = [
                learner.act(
                    x.expand(env.factors[name].group.order, -1, -1, -1),
                    [env.group.embed(name, g) for g in env.factors[name].group.elements()],
                ).numpy()
                for name in learner.acts_by
            ]
        else:
            codes = learner.encode(torch.from_numpy(env.render(env.states())))
            base = learner.encode(x)
            rows = [learner.decode(sweep).numpy() for sweep in _axis_sweeps(base, codes, steps)]
    return image_grid(rows, gap)


def reconstructions(run: Run, count: int = 8, gap: int = 2) -> np.ndarray | None:
    """An (H, W, 3) image of ``count`` states spread over the world (row 1) above decode(encode(x))
    (row 2), for a learner that decodes; None for one that does not."""
    if not isinstance(run.learner, Generative):
        return None
    states = run.env.states()[np.linspace(0, run.env.n_states - 1, min(count, run.env.n_states)).astype(int)]
    x = torch.from_numpy(run.env.render(states))
    with torch.no_grad():
        return image_grid([x.numpy(), run.learner.decode(run.learner.encode(x)).numpy()], gap)


def describe(run: Run) -> str:
    """What :func:`traversal_grid` draws for this run's learner, in a sentence."""
    if not can_draw(run):
        return f"{run.config.learner} has no decoder: its code cannot be drawn"
    if isinstance(run.learner, Acting):
        return (
            f"one row per subgroup it acts by ({', '.join(run.learner.acts_by)}): the learnt action of each of "
            "its elements on one state's image"
        )
    return "one row per latent (largest variance over the world first), swept across the range of its codes"


def _axis_sweeps(base: torch.Tensor, codes: torch.Tensor, steps: int) -> list[torch.Tensor]:
    low, high = torch.quantile(codes, 0.02, dim=0), torch.quantile(codes, 0.98, dim=0)
    out = []
    for j in torch.argsort(codes.var(dim=0), descending=True).tolist():
        sweep = base.repeat(steps, 1)
        sweep[:, j] = torch.linspace(float(low[j]), float(high[j]), steps)
        out.append(sweep)
    return out
