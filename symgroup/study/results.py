"""A study's table, gathered from its run directories: ``results.jsonl`` (one run a line, as each
run wrote it) and ``results.csv`` (flat columns for spreadsheets: the run's verdicts and figures,
``metric.<name>`` per classic metric, and ``config.<field>`` for every setting that differs across runs);
and in Markdown, per learner and world (``symgroup study table``)."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path
from typing import Any

from symgroup.errors import InvalidOptionError
from symgroup.study.cell_run import RESULTS, read_results
from symgroup.study.summary import claims, groups

COLUMNS = (
    "key",
    "learner",
    "env",
    "seed",
    "step",
    "sbd",
    "lsbd",
    "d_lsbd",
    "passed_at",
    "images_to_pass",
    "time_to_pass_s",
    "train_s",
    "check_s",
)


def gather(out: str | Path) -> list[dict[str, Any]]:
    """Every finished run's results under ``out/runs``, ordered by learner, world, seed and key."""
    rows = [r for path in Path(out).glob(f"runs/*/{RESULTS}") if (r := read_results(path.parent)) is not None]
    return sorted(rows, key=lambda r: (r["learner"], r["env"], r["seed"], r["key"]))


def finished_rows(out: str | Path) -> list[dict[str, Any]]:
    """:func:`gather`, or :class:`~symgroup.errors.InvalidOptionError` when ``out`` holds no finished run."""
    rows = gather(out)
    if not rows:
        raise InvalidOptionError(f"{out} holds no finished runs (run a study into it first)", out)
    return rows


def write_tables(rows: list[dict[str, Any]], out: str | Path) -> tuple[Path, Path]:
    """``results.jsonl`` and ``results.csv`` of ``rows`` in ``out``; their paths."""
    out = Path(out)
    lines, table = out / "results.jsonl", out / "results.csv"
    lines.write_text("".join(json.dumps(row) + "\n" for row in rows))
    flat = [flat_config(row["config"]) for row in rows]
    varying = [k for k in varying_settings(rows) if k not in COLUMNS]
    metrics = sorted({name for row in rows for name in row["metrics"]})
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, *(f"metric.{m}" for m in metrics), *(f"config.{k}" for k in varying)])
        for row, config in zip(rows, flat, strict=True):
            writer.writerow(
                [
                    *(row.get(c) for c in COLUMNS),
                    *(row["metrics"].get(m) for m in metrics),
                    *(config.get(k) for k in varying),
                ]
            )
    return lines, table


def varying_settings(rows: list[dict[str, Any]]) -> list[str]:
    """The settings (``with_settings`` keys) whose values differ across the runs, sorted."""
    flat = [flat_config(row["config"]) for row in rows]
    return sorted(k for k in {k for f in flat for k in f} if len({json.dumps(f.get(k)) for f in flat}) > 1)


def swept_settings(rows: list[dict[str, Any]]) -> list[str]:
    """What a study varied besides the learner and the seed, sorted: the world's and the training's
    settings that differ across the runs, and the learner parameters that differ among one learner's
    runs (parameters that differ only between learners, as their defaults do, are the learners' own)."""
    by_learner: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_learner.setdefault(row["config"]["learner"], []).append(row)
    params = {k for row in rows for k in row["config"]["params"]}
    keys = {k for k in varying_settings(rows) if k not in params}
    keys |= {k for runs in by_learner.values() for k in varying_settings(runs)}
    return sorted(keys - {"learner", "seed"})


def flat_config(config: dict[str, Any]) -> dict[str, Any]:
    """A saved config's settings as ``with_settings`` keys (``env.<option>``, learner parameters bare)."""
    top = {k: v for k, v in config.items() if k not in ("env_options", "params")}
    return top | {f"env.{k}": v for k, v in config["env_options"].items()} | config["params"]


def markdown(rows: list[dict[str, Any]]) -> str:
    """The study's tables in Markdown: per learner × world its pass rates, D_LSBD, each classic metric's
    median and the median training seconds; for runs trained ``until_pass``, when they passed
    (:func:`passing`); then each learner's claims (:func:`symgroup.study.summary.claims`)."""
    metrics = sorted({name for row in rows for name in row["metrics"]})
    lines = [
        _markdown_row(
            [
                "learner",
                "world",
                "runs",
                "SBD",
                "LSBD",
                "D_LSBD median [min, max]",
                *(f"{m} median" for m in metrics),
                "train s median",
            ]
        )
    ]
    lines.append("|---" * (7 + len(metrics)) + "|")
    for (learner, world), runs in groups(rows).items():
        d = [r["d_lsbd"] for r in runs if r["d_lsbd"] is not None]
        spread = f"{statistics.median(d):.3f} [{min(d):.3f}, {max(d):.3f}]" if d else "undefined"
        medians = [_median([r["metrics"].get(m) for r in runs]) for m in metrics]
        lines.append(
            _markdown_row(
                [
                    learner,
                    world,
                    str(len(runs)),
                    f"{sum(r['sbd'] for r in runs)}/{len(runs)}",
                    f"{sum(r['lsbd'] for r in runs)}/{len(runs)}",
                    spread,
                    *medians,
                    f"{statistics.median(r['train_s'] for r in runs):.0f}",
                ]
            )
        )
    if table := passing(rows):
        lines += ["", *table]
    if judged := claims(rows):
        lines += [
            "",
            _markdown_row(["learner", "world", "claim", "held", "figures: median [min, max] (bar)"]),
            "|---" * 5 + "|",
            *map(_markdown_row, judged),
        ]
    return "\n".join(lines)


def passing(rows: list[dict[str, Any]]) -> list[str]:
    """Per learner × world trained ``until_pass``: how many runs passed, and of those the step they
    passed at, the images their learner had drawn by then and the training seconds it took, each
    as median [min, max]; no lines when no run was."""
    lines = []
    for (learner, world), runs in groups(rows).items():
        if not any(r["evaluation"].get("until_pass") for r in runs):
            continue
        passed = [r for r in runs if r["passed_at"] is not None]
        figures = [_spread([r.get(k) for r in passed]) for k in ("passed_at", "images_to_pass", "time_to_pass_s")]
        lines.append(_markdown_row([learner, world, f"{len(passed)}/{len(runs)}", *figures]))
    header = ["learner", "world", "passed", "at step", "images to pass", "train s to pass"]
    return [_markdown_row(header), "|---" * 6 + "|", *lines] if lines else []


def _spread(values: list[float | None]) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "—"
    return f"{statistics.median(present):,.0f} [{min(present):,.0f}, {max(present):,.0f}]"


def _median(values: list[float | None]) -> str:
    present = [v for v in values if v is not None]
    return f"{statistics.median(present):.3f}" if present else "—"


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
