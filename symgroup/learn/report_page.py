"""One self-contained HTML page about trained runs: the verdict table side by side, then for each
world the orbit of each generator, and for each run its verdict with reasons, training curves,
latent traversals, sensitivity heatmap, leakage matrix and each subgroup's orbit in its subspace.
Every image is an inlined PNG, so the page is one file with no requests."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from envs.montage import orbit_montage
from symgroup.check import CheckReport, check
from symgroup.check.plots import check_figures
from symgroup.learn.run import Run
from symgroup.learn.traverse import can_draw, describe, traversal_grid
from symgroup.page import document, figure, image, number, table, verdict

METRICS = ("mig", "dci")


def check_run(run: Run, metrics: Sequence[str] = METRICS) -> CheckReport:
    """The check of a run's encoder on its own world, with the classic metrics named."""
    return check(run.encoder, run.env, metrics=tuple(metrics))


def summary(run: Run, report: CheckReport) -> dict[str, str]:
    """One run's column of the comparison: verdicts, D_LSBD, MIG, DCI, and for each subgroup its own
    SBD verdict, its D_LSBD term and its leakage (the largest share of its subspace's motion caused
    by another subgroup)."""
    row = {
        "learner": run.config.learner,
        "env": run.env.name,
        "steps": str(run.step),
        "SBD (Higgins)": verdict(report.passed),
        "LSBD (linear)": verdict(report.linear_passed),
        "D_LSBD": number(report.d_lsbd.value),
        "MIG": number(report.metrics.get("mig")),
        "DCI disentanglement": number(report.metrics.get("dci_disentanglement")),
    }
    for name, sub in report.sbd.subspaces.items():
        row[f"subgroup {name}"] = verdict(sub.passed)
    for name in report.sbd.subspaces:
        row[f"D_LSBD of {name}"] = number(report.d_lsbd.scores.get(name))
    for name, sub in report.sbd.subspaces.items():
        row[f"leakage into {name}"] = number(max(sub.leakage.values(), default=float("nan")))
    for name, sub in report.sbd.subspaces.items():
        row[f"noise of {name}"] = number(sub.noise) if sub.dimension else "-"
    for name, invariance in report.sbd.invariances.items():
        row[f"invariant {name}"] = verdict(invariance.passed)
        row[f"movement by {name}"] = number(invariance.movement)
    if report.undecidable:
        row["undecidable"] = f"only the noise criterion fails (basis margin {number(report.sbd.basis_margin)})"
    return row


def comparison_table(columns: Sequence[dict[str, str]]) -> list[list[str]]:
    """Rows of [quantity, value per run], the quantities in first-seen order (text or HTML)."""
    keys = list(dict.fromkeys(k for column in columns for k in column))
    return [[key, *(column.get(key, "-") for column in columns)] for key in keys]


def html_report(runs: Sequence[Run], reports: Sequence[CheckReport] | None = None,
                title: str = "symgroup report") -> str:  # fmt: skip
    """The page as a string; ``reports`` are the runs' checks (computed with MIG and DCI if absent)."""
    reports = [check_run(run) for run in runs] if reports is None else list(reports)
    columns = [summary(run, report) for run, report in zip(runs, reports, strict=True)]
    parts = [
        "<h2>Verdicts</h2>",
        table(comparison_table(columns), [f"run {i + 1}" for i in range(len(runs))], table_id="verdicts"),
        "<p>SBD: every subgroup moves only its own latent subspace (Higgins et al. 2018). LSBD: and acts there "
        "linearly, block-diagonally. D_LSBD (Tonnaer et al. 2022): 0 for a linear disentangled code.</p>",
    ]
    for env in {run.env.name: run.env for run in runs}.values():
        parts += [f"<section><h2>World: {html.escape(env.name)}, G = {html.escape(str(env.group))}</h2>",
                  "<p>The orbit of each generator from one state (a row per generator).</p>",
                  image(orbit_montage(env), f"orbits of the generators of {env.name}"), "</section>"]  # fmt: skip
    parts += [_run_section(i + 1, run, report) for i, (run, report) in enumerate(zip(runs, reports, strict=True))]
    return document(title, parts)


def write_report(runs: Sequence[Run], out: str | Path, reports: Sequence[CheckReport] | None = None) -> Path:
    """Write :func:`html_report` to ``out`` (parent folders created)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_report(runs, reports), encoding="utf-8")
    return out


def _run_section(number: int, run: Run, report: CheckReport) -> str:
    overall = verdict(report.passed and report.linear_passed)
    figures = check_figures(report)
    return "\n".join([
        f"<section id='run-{number}'><h2>Run {number}: {html.escape(run.config.learner)} on {html.escape(run.env.name)}"
        f" <span class='{overall.lower()}'>{overall}</span></h2>",
        f"<p><code>{html.escape(str(run.directory))}</code>, step {run.step}, seed {run.config.seed}, "
        f"parameters {html.escape(str(run.config.params))}</p>",
        f"<h3>Check: verdict, each subgroup, reasons</h3><pre>{html.escape(str(report))}</pre>",
        "<h3>Training curves</h3>", figure(_training_curves(run), "training curves"),
        "<h3>Latent traversals</h3>", f"<p>{html.escape(describe(run))}</p>",
        image(traversal_grid(run), "latent traversals") if can_draw(run) else "",
        "<h3>Sensitivity and leakage</h3>", figure(figures["sensitivity"], "sensitivity heatmap"),
        figure(figures["leakage"], "leakage matrix"),
        "<h3>Each subgroup's orbits in its subspace</h3>", figure(figures["orbits"], "subgroup orbits"),
        "</section>",
    ])  # fmt: skip


def _training_curves(run: Run) -> Figure:
    log = run.log()
    keys = [k for k in dict.fromkeys(k for entry in log for k in entry) if k not in ("step", "images_per_s")]
    figure = Figure(figsize=(3.2 * max(len(keys), 1), 2.8), layout="constrained")
    for k, key in enumerate(keys):
        axes = figure.add_subplot(1, len(keys), k + 1)
        steps = [e["step"] for e in log if key in e]
        values = np.array([e[key] for e in log if key in e], dtype=float)
        axes.plot(steps, values)
        axes.set_yscale("log" if np.all(values > 0) else "linear")
        axes.set_title(key, fontsize=9)
        axes.set_xlabel("step")
    return figure
