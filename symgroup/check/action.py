"""``check_action(action, env)``: does a learned map of images implement the world's group action?

A translator T(x, g) — StarGAN's G(x, c), DiscoGAN's G_AB, a decoder of a latent action
decode(ρ(g)·encode(x)) — is an action of the world's group G when T(render(s), g) ≈ render(g·s).
A finite world is enumerable, so the check asks exactly where each output lands: the state whose
image is nearest (in pixels). For every state s and every generator g of the chosen subgroups:

- ``pixel_error``: E‖T(x_s, g) − x_(g·s)‖² / E‖x_(g·s) − x̄‖², relative to the images' spread;
- ``hit``: the share of outputs that land on g·s; ``kept``: the share whose other parts (the
  components of the factors g does not move) are those of s;
- laws, as shares of states where they hold: ``identity`` T(x, e) lands on s, ``inverse`` T(T(x, g),
  g⁻¹) lands on s, and ``composition`` T(T(x, g), h) lands on (hg)·s for every other generator h;
- ``lands_on``: the element k with k·s = landing state for most states, with its share. When every
  generator g lands consistently on φ(g) ≠ g for an order-preserving bijection φ of the generators,
  the report names φ: an automorphism (x and y swapped, a turn the wrong way) — a diagnosis, not noise.

It passes when every share is ≥ ``share`` (0.95 by default). Pixel errors are reported, not judged: a
faithful translator with pixel noise lands on the right states all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from symgroup.capabilities import Acting, Trained
from symgroup.errors import EncoderError, FactorNameError, InvalidOptionError

if TYPE_CHECKING:
    from envs import SymmetryEnv
    from symgroup.group import GroupElement

#: A translator: (images, elements) ↦ the translated images.
Action = Callable[[np.ndarray, Sequence[Any]], Any]


@dataclass
class GeneratorAction:
    """The figures of one generator g."""

    generator: str
    subgroup: str
    pixel_error: float
    hit: float
    kept: float
    inverse: float
    composition: dict[str, float] = field(default_factory=dict)  # other generator h → share
    lands_on: str = ""  # the element it lands on for most states
    lands_share: float = 0.0


@dataclass
class ActionReport:
    """Everything :func:`check_action` found; ``passed`` and ``reasons`` as :class:`CheckReport`'s."""

    env: str
    subgroups: tuple[str, ...]
    states: int
    share: float
    identity: float  # share of states where T(x, e) lands on s
    identity_error: float  # relative pixel error of T(x, e) against x
    generators: list[GeneratorAction]
    automorphism: dict[str, str] | None  # g → φ(g) when the outputs land consistently on φ(g)·s, φ ≠ id

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.automorphism:
            mapping = ", ".join(f"{g} ↦ {h}" for g, h in self.automorphism.items() if g != h)
            out.append(f"acts through an automorphism of the group, not as the identity on it: {mapping}")
        if self.identity < self.share:
            out.append(f"the identity moves images: only {self.identity:.0%} of T(x, e) land on x")
        for g in self.generators:
            if g.hit < self.share:
                out.append(f"{g.generator}: {g.hit:.0%} of outputs land on g·s (most land on {g.lands_on} · s)")
            if g.kept < self.share:
                out.append(f"{g.generator}: changes other subgroups' components in {1 - g.kept:.0%} of states")
            if g.inverse < self.share:
                out.append(f"{g.generator}: g then g⁻¹ returns to s in only {g.inverse:.0%} of states")
            for h, value in g.composition.items():
                if value < self.share:
                    out.append(f"{g.generator} then {h}: lands on (hg)·s in only {value:.0%} of states")
        return out

    @property
    def passed(self) -> bool:
        return not self.reasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "subgroups": list(self.subgroups),
            "states": self.states,
            "passed": self.passed,
            "identity": self.identity,
            "identity_error": self.identity_error,
            "automorphism": self.automorphism,
            "generators": [vars(g) for g in self.generators],
            "reasons": self.reasons,
        }

    def __str__(self) -> str:
        lines = [
            f"{self.env}: learned action on {', '.join(self.subgroups)}, {self.states} states: "
            f"{'PASS' if self.passed else 'FAIL'}",
            f"identity: {self.identity:.0%} land on s (pixel error {self.identity_error:.3g})",
            "",
            f"{'generator':<28} {'pixel err':>9} {'hit':>5} {'kept':>5} {'g⁻¹':>5}  lands on",
        ]
        for g in self.generators:
            lines.append(
                f"{g.generator:<28} {g.pixel_error:>9.3g} {g.hit:>5.0%} {g.kept:>5.0%} {g.inverse:>5.0%}  "
                f"{g.lands_on} ({g.lands_share:.0%})"
            )
        if self.reasons:
            lines += ["", "reasons:"] + [f"- {r}" for r in self.reasons]
        return "\n".join(lines)


def check_action(
    action: Action | torch.nn.Module | Any,
    env: SymmetryEnv | str | None = None,
    subgroups: Sequence[str] | None = None,
    *,
    max_states: int = 4096,
    seed: int = 0,
    batch_size: int = 256,
    share: float = 0.95,
) -> ActionReport:
    """Judge ``action(observations, elements) → observations`` as an action of ``env``'s group on its
    images, for the generators of ``subgroups`` (default: those the action's learner ``acts_by`` — a
    translator's domain — else every factor). ``action`` may be a callable,
    a torch module called the same way, or a run whose learner has a latent action (``env`` then
    defaults to the run's). Worlds above ``max_states`` states are checked on a seeded sample."""
    action, env = _resolve(action, env)
    if subgroups is None:
        owner = getattr(action, "__self__", None)  # a bound method: its learner
        subgroups = owner.acts_by if isinstance(owner, Acting) else env.factor_names
    names = tuple(subgroups)
    for name in names:
        if name not in env.factor_names:
            raise FactorNameError(f"{env.name} has no subgroup {name!r}; its subgroups are {env.factor_names}", name)
    if not 0 < share <= 1:
        raise InvalidOptionError(f"share must be in (0, 1], got {share!r}", share)
    states = env.states() if env.n_states <= max_states else env.sample_states(max_states, seed)
    table = Landing(env, batch_size)
    apply = applier(action, env, batch_size)
    x = env.render(states)
    identity_out = apply(x, env.group.identity)
    identity = float(np.mean(table.nearest(identity_out) == env.index(states)))
    gens = [(n, env.group.embed(n, s)) for n in names for s in env.factors[n].group.generators]
    outputs = {g: apply(x, g) for _, g in gens}
    landed = {g: table.nearest(out) for g, out in outputs.items()}
    figures = [_generator(env, states, x, n, g, outputs, landed, apply, table, gens) for n, g in gens]
    return ActionReport(
        env.name,
        names,
        len(states),
        share,
        identity,
        _relative_error(identity_out, x),
        figures,
        _automorphism(figures, gens, share),
    )


def _generator(env, states, x, name, g, outputs, landed, apply, table, gens) -> GeneratorAction:
    target = env.act(g, states)
    target_rows = env.index(target)
    landing_states = env.states()[landed[g]]
    others = [i for i, n in enumerate(env.factor_names) if n != name]
    kept = float(np.mean((landing_states[:, others] == states[:, others]).all(axis=1))) if others else 1.0
    back = table.nearest(apply(outputs[g], ~g))
    composition = {}
    for _, h in gens:
        if h != g:
            twice = table.nearest(apply(outputs[g], h))
            composition[str(h)] = float(np.mean(twice == env.index(env.act(h @ g, states))))
    lands_on, lands_share = _most_common_element(env, states, landing_states)
    return GeneratorAction(
        str(g),
        name,
        _relative_error(outputs[g], env.render(target)),
        float(np.mean(landed[g] == target_rows)),
        kept,
        float(np.mean(back == env.index(states))),
        composition,
        str(lands_on),
        lands_share,
    )


def _most_common_element(env: SymmetryEnv, states: np.ndarray, landing: np.ndarray) -> tuple[GroupElement, float]:
    """The element k of G with k·s = landing state for the most states s, and that share."""
    per_factor = []
    for i, (name, factor) in enumerate(env.factors.items()):
        matches = [
            (k, env.act(env.group.embed(name, k), states)[:, i] == landing[:, i]) for k in factor.group.elements()
        ]
        per_factor.append(max(matches, key=lambda kv: kv[1].mean()))
    best = env.group.identity
    mask = np.ones(len(states), dtype=bool)
    for (name, _), (k, match) in zip(env.factors.items(), per_factor, strict=True):
        best = best @ env.group.embed(name, k)
        mask &= match
    return best, float(mask.mean())


def _automorphism(figures: list[GeneratorAction], gens: list, share: float) -> dict[str, str] | None:
    """φ on the generators when every one lands consistently (≥ share) on an element of its order,
    φ is a bijection of the generators and not the identity."""
    images = {}
    by_name = {str(g): g for _, g in gens}
    for f in figures:
        if (
            f.lands_share < share
            or f.lands_on not in by_name
            or by_name[f.lands_on].order != by_name[f.generator].order
        ):
            return None
        images[f.generator] = f.lands_on
    if len(set(images.values())) != len(images) or all(k == v for k, v in images.items()):
        return None
    return images


class Landing:
    """The nearest rendered state of each output image, by squared pixel distance, in batches."""

    def __init__(self, env: SymmetryEnv, batch_size: int) -> None:
        self.batch_size = batch_size
        self.images = env.render(env.states()).reshape(env.n_states, -1)
        self.norms = (self.images.astype(np.float64) ** 2).sum(axis=1)
        self.spread = float(((self.images - self.images.mean(axis=0)) ** 2).sum(axis=1).mean())  # E‖x_s − x̄‖²

    def nearest(self, outputs: np.ndarray) -> np.ndarray:
        return self.land(outputs)[0]

    def land(self, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each output image's nearest state s, and whether the image *draws* it: ‖x − x_s‖² <
        ½ E‖x_s − x̄‖², an error below half the spread of the world's images (a quarter of the mean
        squared distance between two states' images). A nearest state is found for any image; the
        second says whether it is a state's image at all (with pixel noise of less energy than that
        bound, it still is)."""
        nearest, closest = [], []
        for d in self._squared_distances(outputs):
            nearest.append(d.argmin(axis=1))
            closest.append(d.min(axis=1))
        return np.concatenate(nearest), np.concatenate(closest) < self.spread / 2

    def _squared_distances(self, outputs: np.ndarray) -> Iterator[np.ndarray]:
        """‖x − x_s‖² of the output images to every state's image, (batch, states) per batch."""
        flat = outputs.reshape(len(outputs), -1).astype(np.float32)
        for start in range(0, len(flat), self.batch_size):
            part = flat[start : start + self.batch_size]
            yield np.maximum((part**2).sum(axis=1)[:, None] + self.norms[None, :] - 2 * part @ self.images.T, 0)


def _relative_error(outputs: np.ndarray, targets: np.ndarray) -> float:
    flat_t = targets.reshape(len(targets), -1).astype(np.float64)
    flat_o = outputs.reshape(len(outputs), -1).astype(np.float64)
    spread = ((flat_t - flat_t.mean(axis=0)) ** 2).sum()
    return float(((flat_o - flat_t) ** 2).sum() / max(spread, 1e-300))


def _resolve(action: Any, env: SymmetryEnv | str | None) -> tuple[Any, SymmetryEnv]:
    """The callable and the world: a run gives its learner's ``act`` and its world."""
    if isinstance(action, Trained):
        if not isinstance(action.learner, Acting):
            raise InvalidOptionError(f"{action} has no learned action: its learner cannot map images by g", action)
        env = env if env is not None else action.env
        action = action.learner.act
    if env is None:
        raise InvalidOptionError("check_action needs the world: pass env", None)
    if isinstance(env, str):
        import envs

        env = envs.make(env)
    if not callable(action):
        raise InvalidOptionError(f"an action must be callable(observations, elements), got {type(action).__name__}")
    return action, env


def applier(action: Any, env: SymmetryEnv, batch_size: int) -> Callable[[np.ndarray, Any], np.ndarray]:
    """Apply ``action`` with one element to a batch of images, in batches (on the device of the
    action's module), as float32 numpy images."""
    module = action if isinstance(action, torch.nn.Module) else getattr(action, "__self__", None)
    device = next(module.parameters(), torch.empty(0)).device if isinstance(module, torch.nn.Module) else None
    shape = (*env.observation_shape,)

    def apply(images: np.ndarray, g: Any) -> np.ndarray:
        parts = []
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size]
            if device is not None:
                with torch.no_grad():
                    out = action(torch.from_numpy(batch).to(device), [g] * len(batch))
            else:
                out = action(batch, [g] * len(batch))
            if isinstance(out, torch.Tensor):
                out = out.detach().to("cpu", torch.float64).numpy()
            out = np.asarray(out, dtype=np.float64)
            if out.shape != (len(batch), *shape):
                raise EncoderError(f"the action returned images of shape {out.shape}, not {(len(batch), *shape)}")
            if not np.isfinite(out).all():
                raise EncoderError(f"the action returned NaN or inf images for {g}")
            parts.append(out)
        return np.concatenate(parts).astype(np.float32)

    return apply
