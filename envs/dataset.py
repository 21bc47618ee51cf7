"""Export an environment as a data set, and the ground-truth-data interface of disentanglement_lib.

``save_npz`` writes every state's observation, its factor values and a JSON description of the group
to one ``.npz`` file, which ``load_npz`` reads back identically (no pickles). ``GroundTruthData``
offers an environment through the interface disentanglement_lib's metrics and disent's data sets
use: ``num_factors``, ``factors_num_values``, ``observation_shape`` (H, W, C), ``sample_factors``,
``sample_observations_from_factors`` (channels last), ``sample`` and ``sample_observations``.

>>> import envs, tempfile, pathlib
>>> env = envs.make("gridworld", n=4, hues=3, image_size=16)
>>> path = save_npz(env, pathlib.Path(tempfile.mkdtemp()) / "grid.npz")
>>> data = load_npz(path)
>>> data.observations.shape, data.factors.shape, data.description["factors"][2]["group"]
((48, 3, 16, 16), (48, 3), 'C3')
>>> GroundTruthData(env).sample_observations_from_factors([[1, 2, 0]], 0).shape
(1, 16, 16, 3)
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from envs.base import SymmetryEnv
from symgroup.errors import DatasetError
from symgroup.paths import check_writable

FORMAT = "symgroup-dataset-1"


@dataclass(frozen=True)
class Dataset:
    """Observations (n, C, H, W) float32, factor values (n, n_factors) int64, and the description."""

    observations: np.ndarray
    factors: np.ndarray
    description: dict[str, Any]


def save_npz(env: SymmetryEnv, path: str | Path, states: np.ndarray | None = None) -> Path:
    """Write ``states`` (default: every state, in order) with their observations to ``path``.

    The file is written to a temporary name and renamed, so a crash never leaves half a file.
    """
    path = Path(path)
    check_writable(path, "file", "the data set")
    states = env.states() if states is None else env.check_states(states)
    description = json.dumps({"format": FORMAT, **env.describe()})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        np.savez_compressed(handle, observations=env.render(states), factors=states, description=np.array(description))
    partial.replace(path)
    return path


def load_npz(path: str | Path) -> Dataset:
    """Read a file written by :func:`save_npz`; :class:`~symgroup.errors.DatasetError` names what is missing or
    wrong."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            missing = {"observations", "factors", "description"} - set(data.files)
            if missing:
                raise DatasetError(f"{path} is not a symgroup data set: missing {sorted(missing)}", path)
            description = json.loads(str(data["description"]))
            observations, factors = data["observations"], data["factors"]
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DatasetError(f"cannot read {path}: {error}", path) from error
    if not isinstance(description, dict):
        raise DatasetError(f"{path}: its description is {description!r:.100}, not a JSON object", path)
    if description.get("format") != FORMAT:
        raise DatasetError(f"{path} has format {description.get('format')!r}, expected {FORMAT!r}", path)
    if len(observations) != len(factors):
        raise DatasetError(f"{path}: {len(observations)} observations but {len(factors)} factor rows", path)
    return Dataset(observations, factors, description)


class GroundTruthData:
    """An environment as disentanglement_lib's ``GroundTruthData`` (observations channels last)."""

    def __init__(self, env: SymmetryEnv) -> None:
        self.env = env

    @property
    def num_factors(self) -> int:
        return len(self.env.factor_sizes)

    @property
    def factors_num_values(self) -> list[int]:
        return list(self.env.factor_sizes)

    @property
    def factor_names(self) -> list[str]:
        return list(self.env.factor_names)

    @property
    def observation_shape(self) -> list[int]:
        c, h, w = self.env.observation_shape
        return [h, w, c]

    def sample_factors(self, num: int, random_state: np.random.RandomState | np.random.Generator | int) -> np.ndarray:
        """(num, num_factors) factor values drawn uniformly."""
        rng = _generator(random_state)
        return np.stack([rng.integers(0, size, size=num) for size in self.env.factor_sizes], axis=1)

    def sample_observations_from_factors(self, factors: np.ndarray, random_state: Any = None) -> np.ndarray:
        """Observations (num, H, W, C) of the given factor values (the world is deterministic)."""
        return self.env.render(np.asarray(factors)).transpose(0, 2, 3, 1)

    def sample(self, num: int, random_state: Any) -> tuple[np.ndarray, np.ndarray]:
        factors = self.sample_factors(num, random_state)
        return factors, self.sample_observations_from_factors(factors)

    def sample_observations(self, num: int, random_state: Any) -> np.ndarray:
        return self.sample(num, random_state)[1]


def _generator(random_state: np.random.RandomState | np.random.Generator | int | None) -> np.random.Generator:
    """disentanglement_lib passes np.random.RandomState; accept it, a Generator or a seed."""
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31))
    return np.random.default_rng(random_state)
