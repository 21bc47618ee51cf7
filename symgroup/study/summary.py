"""What a study's table says, in numbers: pass rates, time to pass, how the classic metrics agree
with the Higgins verdict and with D_LSBD, and whether seeds or learners move the figures more.

Rows are the runs' results (:func:`symgroup.study.gather`); a run's world is its environment with
its options (``world(row)``). Figures of runs whose value is missing (a D_LSBD that is undefined, a
metric not computed) are left out of what uses them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.stats import spearmanr

Row = dict[str, Any]


def world(row: Row) -> str:
    """``env`` with its options, e.g. ``square(side=4, size=16)``."""
    options = row["config"]["env_options"]
    return row["env"] + (f"({', '.join(f'{k}={v}' for k, v in sorted(options.items()))})" if options else "")


def groups(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """Rows by (learner, world), in first-seen order."""
    out: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        out[row["learner"], world(row)].append(row)
    return dict(out)


def quantities(rows: list[Row]) -> dict[str, list[float | None]]:
    """Per run: "SBD" and "LSBD" (1 pass, 0 fail), "D_LSBD", and each classic metric computed."""
    names = sorted({m for row in rows for m in row["metrics"]})
    out = {
        "SBD": [float(r["sbd"]) for r in rows],
        "LSBD": [float(r["lsbd"]) for r in rows],
        "D_LSBD": [r["d_lsbd"] for r in rows],
    }
    return out | {name: [r["metrics"].get(name) for r in rows] for name in names}


def time_to_pass(rows: list[Row]) -> tuple[int, float | None]:
    """How many of ``rows`` passed, and the median training seconds to pass (runs that never passed
    count as slower than any that did: None unless more than half passed)."""
    times = sorted(r["time_to_pass_s"] for r in rows if r["time_to_pass_s"] is not None)
    padded = times + [float("inf")] * (len(rows) - len(times))
    median = statistics.median(padded) if padded else None
    return len(times), None if median in (None, float("inf")) else median


def rank_correlation(a: list[float | None], b: list[float | None]) -> tuple[float | None, int]:
    """Spearman's ρ over the runs where both are defined, and how many; None when either is constant."""
    pairs = np.array([(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None], dtype=float)
    if len(pairs) < 3 or np.ptp(pairs[:, 0]) == 0 or np.ptp(pairs[:, 1]) == 0:
        return None, len(pairs)
    return float(spearmanr(pairs[:, 0], pairs[:, 1]).statistic), len(pairs)


def agreement(rows: list[Row]) -> dict[str, dict[str, tuple[float | None, int]]]:
    """For each quantity, its rank correlation with each other quantity across the runs (as
    Locatello et al. 2019, arXiv 1811.12359, Fig. 2 do for the metrics)."""
    values = quantities(rows)
    return {a: {b: rank_correlation(values[a], values[b]) for b in values} for a in values}


def learner_share(rows: list[Row]) -> dict[str, float | None]:
    """For each quantity, the share of its variance across runs that the learner explains,
    η² = Σ_l n_l (m_l − m)² / Σ_runs (v − m)² (m_l a learner's mean, m the grand mean): near 0 when
    the seeds move a figure more than the choice of learner (Locatello et al. 2019 §5.2), near 1 when
    the learner decides it. None when it does not vary or fewer than two learners have it."""
    out = {}
    learners = [r["learner"] for r in rows]
    for name, values in quantities(rows).items():
        by = defaultdict(list)
        for learner, value in zip(learners, values, strict=True):
            if value is not None:
                by[learner].append(value)
        every = np.array([v for vs in by.values() for v in vs], dtype=float)
        total = float(np.sum((every - every.mean()) ** 2)) if len(every) else 0.0
        if len(by) < 2 or total == 0:
            out[name] = None
            continue
        between = sum(len(vs) * (np.mean(vs) - every.mean()) ** 2 for vs in by.values())
        out[name] = float(between / total)
    return out


def claims(rows: list[Row]) -> list[list[str]]:
    """Each learner × world × claim judged (runs evaluated with ``claims``): [learner, world, claim,
    held (runs where it held / runs), figures] — each requirement's figure as its median [min, max]
    over the runs with its bar (a verdict as how many runs it held in), then the figures beside. A
    figure that only some runs measured (a code that moved a subgroup in one run but not another)
    is summarised over those runs and says how many they were."""
    out = []
    for (learner, name), runs in groups(rows).items():
        judged = [r["claims"] for r in runs if r.get("claims") is not None]
        for verdicts in zip(*judged, strict=True) if judged else ():
            held = f"{sum(v['passed'] for v in verdicts)}/{len(verdicts)}"
            needs = _by_name([{r["figure"]: r for r in v["requirements"]} for v in verdicts], _requirement)
            beside = _by_name([v["figures"] for v in verdicts], _spread)
            out.append([learner, name, verdicts[0]["claim"], held, "; ".join(needs + beside)])
    return out


def _by_name(per_run: list[dict[str, Any]], summarise: Callable[[list[Any]], str]) -> list[str]:
    """ "name summary" for each name in any run (first-seen order), over the runs that have it."""
    names = list(dict.fromkeys(name for run in per_run for name in run))
    out = []
    for name in names:
        values = [run[name] for run in per_run if name in run]
        some = f" (in {len(values)} of {len(per_run)} runs)" if len(values) < len(per_run) else ""
        out.append(f"{name} {summarise(values)}{some}")
    return out


def _requirement(judged: list[dict[str, Any]]) -> str:
    """One requirement over runs: "0.94 [0.9, 0.97] (≥ 0.9)", or for a verdict "4/5"."""
    bound, values = judged[0]["bound"], [j["measured"] for j in judged]
    if bound is None:
        return _spread(values)
    return f"{_spread(values)} ({'≥' if judged[0]['at_least'] else '≤'} {bound:g})"


def _spread(values: list[float | bool]) -> str:
    """The median, and [min, max] over more than one value; for verdicts, how many runs hold."""
    if all(isinstance(v, bool) for v in values):
        return f"{sum(values)}/{len(values)}"
    median = f"{statistics.median(values):.3g}"
    return median if len(values) == 1 else f"{median} [{min(values):.3g}, {max(values):.3g}]"
