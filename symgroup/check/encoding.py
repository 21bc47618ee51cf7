"""Turning any encoder into a table of codes, one row per state, in float64.

An encoder is a callable from a float32 batch (n, C, H, W) to codes (n, d) — a numpy function or a
torch ``nn.Module`` (run in eval mode, without gradients, batched, on the module's device; when it
returns a tuple, its first entry is the code, e.g. a VAE's mean) — or an array of precomputed codes
for ``env.states()``, in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import torch

from symgroup.errors import EncoderError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from envs import SymmetryEnv

#: What the checker encodes with: a function of images (numpy in, array or tensor out), a torch
#: module, or a table of codes (one row per state).
Encoder = Callable[[np.ndarray], Any] | torch.nn.Module | np.ndarray


@runtime_checkable
class Posterior(Protocol):
    """An encoder whose code is a posterior q(z|x) (a VAE's): the check then also judges the mean
    against the posterior's spread, and can judge a sample instead of the mean."""

    def posterior(self, observations: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The posterior's mean (what the encoder returns) and per-latent variance, (n, d) each."""


def encode_posterior(
    encoder: Posterior, env: SymmetryEnv, states: np.ndarray, batch_size: int = 256
) -> tuple[np.ndarray, np.ndarray]:
    """The posterior means and variances of ``states``, float64 (n, d) each, in one pass."""
    joined = encode_states(_Joined(encoder), env, states, batch_size)
    means, variances = np.split(joined, 2, axis=1)
    if (variances < 0).any():
        raise EncoderError("the encoder's posterior has a negative variance")
    return means, variances


class _Joined(torch.nn.Module):
    """A posterior's mean and variance side by side, as one code: (n, 2d)."""

    def __init__(self, encoder: Posterior) -> None:
        super().__init__()
        self.encoder = encoder
        self.train(getattr(encoder, "training", False))  # the check restores the mode it found: the encoder's

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return torch.cat(self.encoder.posterior(observations), dim=1)


def encode_states(encoder: Encoder, env: SymmetryEnv, states: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Codes of ``states`` as float64 (n, d); :class:`~symgroup.errors.EncoderError` for NaN/inf, a wrong batch size or
    rank, or a code table that does not cover ``env.states()``. A table may be any array form (a numpy
    array, a torch tensor, nested lists); NaN is counted over every state before it is reported."""
    if isinstance(encoder, torch.Tensor):
        encoder = encoder.detach().cpu().numpy()
    if isinstance(encoder, (list, tuple)):
        encoder = np.asarray(encoder, dtype=np.float64)
    if isinstance(encoder, np.ndarray):
        table = _finite(
            _checked(encoder, env.n_states, env, env.states(), "the code table"), env.states(), "the code table"
        )
        return table[env.index(states)]
    with _evaluating(encoder) as call:
        parts = [
            _checked(_called(call, env.render(batch), batch), len(batch), env, batch, "the encoder")
            for batch in np.array_split(states, max(1, -(-len(states) // batch_size)))
        ]
    if len({p.shape[1] for p in parts}) > 1:
        raise EncoderError(f"the encoder returned codes of different sizes {sorted({p.shape[1] for p in parts})}")
    return _finite(np.concatenate(parts), states, "the encoder")


def _finite(codes: np.ndarray, states: np.ndarray, what: str) -> np.ndarray:
    bad = np.flatnonzero(~np.isfinite(codes).all(axis=1))
    if bad.size:
        raise EncoderError(
            f"{what} returned NaN or inf for {bad.size} of {len(codes)} states, e.g. state {states[bad[0]].tolist()}",
            states[bad[0]],
        )
    return codes


@contextmanager
def _evaluating(encoder: Callable) -> Iterator[Callable[[np.ndarray], Any]]:
    if not isinstance(encoder, torch.nn.Module):
        yield encoder
        return
    was_training = encoder.training
    first = next(encoder.parameters(), torch.empty(0))
    if first.device.type == "meta":
        raise EncoderError(
            "the module's parameters are on the meta device (never materialised): load its weights first"
        )
    device, dtype = first.device, first.dtype if first.is_floating_point() else torch.float32
    encoder.eval()

    def call(images: np.ndarray) -> np.ndarray:
        with torch.no_grad():  # images in the module's own dtype (a float64 module gets float64)
            out = encoder(torch.from_numpy(images).to(device, dtype))
        out = out[0] if isinstance(out, (tuple, list)) else out
        return out.detach().to("cpu", torch.float64).numpy()

    try:
        yield call
    finally:
        encoder.train(was_training)


def _called(call: Callable[[np.ndarray], Any], images: np.ndarray, states: np.ndarray) -> Any:
    """``call(images)``; a user's encoder that raises keeps its exception, chained under
    :class:`~symgroup.errors.EncoderError`."""
    try:
        return call(images)
    except Exception as error:
        first = states[0].tolist() if len(states) else []
        raise EncoderError(
            f"the encoder raised {type(error).__name__}: {error} (on a batch of {len(states)} states from {first})",
            states,
        ) from error


def _checked(codes: Any, n: int, env: SymmetryEnv, states: np.ndarray, what: str) -> np.ndarray:
    if isinstance(codes, (tuple, list)) and codes and isinstance(codes[0], torch.Tensor):
        codes = codes[0]  # (mean, log-variance): the mean is the code
    if isinstance(codes, torch.Tensor):
        codes = codes.detach().to("cpu", torch.float64)  # a tensor that requires grad, or on a GPU
    try:
        array = np.asarray(codes, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise EncoderError(f"{what} returned {type(codes).__name__}, not an array of codes: {error}") from error
    if array.ndim != 2 or array.shape[1] == 0:
        raise EncoderError(f"{what} must return codes of shape (n, d), got {array.shape}", array.shape)
    if len(array) != n:
        raise EncoderError(f"{what} gave {len(array)} codes for {n} states of {env.name}", array.shape)
    return array
