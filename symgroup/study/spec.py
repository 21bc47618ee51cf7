"""A study as data: a base configuration, sweeps over it, and how each run is judged.

A sweep is disentanglement_lib's pattern: the product of its axes, with the ``zip`` values taken
together (the i-th of each), and a study the union of its sweeps. Keys are those of
:meth:`TrainConfig.with_settings <symgroup.learn.config.TrainConfig.with_settings>` — a field
(``learner``, ``seed``, ``steps``), ``env.<option>`` or a learner parameter — and nested
``env_options`` / ``params`` tables are read as those. In TOML (or the same keys in JSON)::

    [base]
    env = "gridworld"
    steps = 1500
    env_options = { image_size = 32 }

    [evaluation]
    until_pass = 100          # check every 100 steps, stop at the first pass
    metrics = ["mig"]
    metric_options = { num_train = 2000 }   # symgroup.check.metrics' options
    claims = true             # judge what each learner's paper claims (symgroup.check.claims)

    [[sweep]]
    learner = ["beta_vae", "lsbd_vae"]
    seed = [0, 1, 2]
    zip = { lr = [1e-3, 3e-4], batch_size = [64, 32] }

Each cell is one configuration and its evaluation; its run directory is named by the hash of both,
so the same cell always lands in the same directory, in any study that contains it.

>>> study = Study.from_dict({"base": {"env": "square", "steps": 10},
...                         "sweep": [{"learner": ["beta_vae", "lsbd_vae"], "seed": [0, 1]}]})
>>> [(c.config.learner, c.config.seed) for c in study.cells()]
[('beta_vae', 0), ('beta_vae', 1), ('lsbd_vae', 0), ('lsbd_vae', 1)]
>>> study.cells()[0].key == Study.from_dict(study.to_dict()).cells()[0].key
True
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from symgroup.check.classic import check_metric_options
from symgroup.config import Count, TypedConfig
from symgroup.errors import InvalidOptionError
from symgroup.learn.config import TrainConfig

MAX_RUNS = 100_000  # counted before any cell is made: a sweep of 10⁹ is refused at once
NESTED = {"env_options": "env.", "params": ""}  # tables whose keys are settings with this prefix


@dataclass(frozen=True)
class Sweep:
    """The product of ``axes`` (key → values), each combination with the ``zipped`` values taken together."""

    axes: dict[str, list[Any]] = field(default_factory=dict)
    zipped: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, values in {**self.axes, **self.zipped}.items():
            if not isinstance(values, list) or not values:
                raise InvalidOptionError(f"sweep axis {key!r} must be a non-empty list of values, got {values!r}", key)
        lengths = {key: len(values) for key, values in self.zipped.items()}
        if len(set(lengths.values())) > 1:
            raise InvalidOptionError(f"zipped values must have one length each, got {lengths}", lengths)

    @property
    def size(self) -> int:
        """How many combinations: the product of the axes' lengths, times the zipped values' length."""
        zipped = len(next(iter(self.zipped.values()))) if self.zipped else 1
        return math.prod(len(values) for values in self.axes.values()) * zipped

    def settings(self) -> list[dict[str, Any]]:
        """Every combination, in order (the last axis varying fastest, the zipped values last)."""
        zipped = [dict(zip(self.zipped, values, strict=True)) for values in zip(*self.zipped.values(), strict=True)]
        return [
            dict(zip(self.axes, values, strict=True)) | extra
            for values in itertools.product(*self.axes.values())
            for extra in zipped or [{}]
        ]


@dataclass(frozen=True)
class Evaluation(TypedConfig):
    """How each run is judged: trained until it passes the check (every ``until_pass`` steps; SBD,
    and LSBD too with ``linear``) or its steps are spent, then checked with the learner's declared
    invariance — SBD, LSBD, D_LSBD and the classic ``metrics`` named (:func:`symgroup.check.metrics`,
    with its ``metric_options``) — and, with ``claims``, on what its learner's paper claims
    (:func:`symgroup.check.claims.judge`)."""

    noun = "evaluation option"

    until_pass: Count | None = None
    linear: bool = True
    metrics: tuple[str, ...] = ()
    metric_options: dict[str, Any] = field(default_factory=dict)
    claims: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        check_metric_options(self.metrics, self.metric_options)  # before any run trains


@dataclass(frozen=True)
class Cell:
    """One run of a study: its configuration and evaluation; ``key`` names its directory."""

    config: TrainConfig
    evaluation: Evaluation

    @property
    def key(self) -> str:
        """The first 12 hex digits of the SHA-256 of what its training depends on (canonical JSON):
        the configuration and the stopping rule — not the metrics, which a later study may change
        without retraining."""
        trained = {
            "config": self.config.to_dict(),
            "until_pass": self.evaluation.until_pass,
            "linear": self.evaluation.linear,
        }
        text = json.dumps(trained, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def to_dict(self) -> dict[str, Any]:
        """The cell as JSON-native data (lists, not tuples: it compares equal to what is read back)."""
        return {"config": self.config.to_dict(), "evaluation": self.evaluation.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        return cls(TrainConfig.of(data["config"]), Evaluation.of(data["evaluation"]))


@dataclass(frozen=True)
class Study:
    """A base configuration, the sweeps over it (their union) and the evaluation of every run."""

    base: TrainConfig = field(default_factory=TrainConfig)
    sweeps: tuple[Sweep, ...] = (Sweep(),)
    evaluation: Evaluation = Evaluation()

    def __post_init__(self) -> None:
        if (runs := sum(sweep.size for sweep in self.sweeps)) > MAX_RUNS:
            raise InvalidOptionError(f"the sweeps make {runs:,} runs; a study holds at most {MAX_RUNS:,}", runs)

    def cells(self) -> list[Cell]:
        """Every cell once, in sweep order (a cell two sweeps share is kept at its first place)."""
        cells = [Cell(self.base.with_settings(s), self.evaluation) for sweep in self.sweeps for s in sweep.settings()]
        return list({cell.key: cell for cell in reversed(cells)}.values())[::-1]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Study:
        unknown = set(data) - {"base", "sweep", "evaluation"}
        if unknown:
            raise InvalidOptionError(f"unknown study keys {sorted(unknown)}; known: base, sweep, evaluation", unknown)
        base = TrainConfig().with_settings(_settings(data.get("base", {}), "base"))
        sweeps = tuple(_sweep(table, i) for i, table in enumerate(data.get("sweep", [{}])))
        return cls(base, sweeps, Evaluation.of(data.get("evaluation", {})))

    @classmethod
    def from_file(cls, path: str | Path) -> Study:
        """A study from a ``.toml`` or ``.json`` file."""
        path = Path(path)
        if not path.is_file():
            raise InvalidOptionError(f"study file {path} does not exist", path)
        if path.suffix not in (".toml", ".json"):
            raise InvalidOptionError(f"a study file is .toml or .json, got {path}", path)
        try:
            data = tomllib.loads(path.read_text()) if path.suffix == ".toml" else json.loads(path.read_text())
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
            raise InvalidOptionError(f"cannot read the study {path}: {error}", path) from error
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        base = self.base.to_dict()
        return {
            "base": base,
            "sweep": [{**s.axes, "zip": s.zipped} for s in self.sweeps],
            "evaluation": self.evaluation.to_dict(),
        }


def _settings(table: dict[str, Any], where: str) -> dict[str, Any]:
    """A table's keys as settings: ``env_options`` / ``params`` tables flattened to their keys."""
    if not isinstance(table, dict):
        raise InvalidOptionError(f"{where} must be a table of settings, got {table!r}", table)
    out = {}
    for key, value in table.items():
        if key in NESTED and isinstance(value, dict):
            out |= {NESTED[key] + k: v for k, v in value.items()}
        else:
            out[key] = value
    return out


def _sweep(table: dict[str, Any], index: int) -> Sweep:
    table = dict(table)
    zipped = _settings(table.pop("zip", {}), f"sweep {index}'s zip")
    axes = _settings(table, f"sweep {index}")
    axes = {key: value if isinstance(value, list) else [value] for key, value in axes.items()}
    return Sweep(axes, zipped)
