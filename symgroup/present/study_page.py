"""One self-contained HTML page about a study, from its run directories: pass rates per learner ×
world, time to pass, the learners' claims judged, D_LSBD's distribution, how the classic metrics
agree with the Higgins verdict and with D_LSBD (rank correlations across runs), and how much of each
figure the learner explains against the seeds (:mod:`symgroup.study.summary`)."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from symgroup.paths import check_writable
from symgroup.present.page import document, figure, number, table
from symgroup.study.results import finished_rows, swept_settings
from symgroup.study.summary import Row, agreement, claims, groups, learner_share, quantities, time_to_pass, world

FEW = 10  # below this many runs, the page warns that its statistics rest on few runs


def html_study_report(rows: list[Row], title: str = "symgroup study") -> str:
    """The page of the runs ``rows`` (at least one)."""
    cells = groups(rows)
    learners, worlds = list(dict.fromkeys(k[0] for k in cells)), list(dict.fromkeys(k[1] for k in cells))
    varied = ", ".join(swept_settings(rows)) or "nothing else"
    rates = [[learner, *(_rates(cells.get((learner, w), [])) for w in worlds)] for learner in learners]
    parts = [
        f"<p>{len(rows)} runs: {_count(learners, 'learner')} on {_count(worlds, 'world')}; besides learners and "
        f"seeds, the study varied: {html.escape(varied)} (a learner parameter counts when it differs among one "
        "learner's runs, not when learners' own defaults differ).</p>",
        "<h2>Pass rates</h2>",
        "<p>SBD: every subgroup moves only its own latent subspace (the equivariant split of Higgins et al. 2018) "
        "and distinct states have distinct codes; LSBD: and each subgroup acts there linearly. Each learner's "
        "declared invariance applied.</p>",
        table(rates, worlds, "pass-rates"),
    ]
    if any(r["evaluation"]["until_pass"] for r in rows):
        parts += [
            "<h2>Time to pass</h2>",
            "<p>Training seconds until the first passing check (checks excluded), "
            "median over the runs; a run that never passed counts as slower than any that did.</p>",
            table(
                [[learner, *(_time(cells.get((learner, w), [])) for w in worlds)] for learner in learners],
                worlds,
                "time-to-pass",
            ),
        ]
    if judged := claims(rows):
        parts += [
            "<h2>Claims</h2>",
            "<p>What each learner's paper claims it learns (symgroup.check.claims), judged "
            "on every run: how many runs it held in, and each figure's median [min, max] over the runs with the "
            "bar it needs.</p>",
            table(judged, ["world", "claim", "held", "figures"], "claims"),
        ]
    parts += [
        "<h2>D_LSBD</h2>",
        "<p>Tonnaer et al. 2022: 0 for a linear disentangled code; one point a run.</p>",
        figure(_distribution(cells), "D_LSBD per learner and world"),
    ]
    parts += _agreement_section(rows)
    parts += _seeds_section(rows, worlds)
    return document(title, parts)


def write_study_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the page of the study in ``folder`` to ``out`` (default ``folder/report.html``)."""
    out = Path(out) if out is not None else Path(folder) / "report.html"
    check_writable(out, "file", "the page")
    rows = finished_rows(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_study_report(rows, f"symgroup study: {Path(folder).name}"), encoding="utf-8")
    return out


def _reliance(runs: int, chance: str) -> str:
    """What the statistics of a section rest on, marked as a warning below :data:`FEW` runs."""
    text = f"These rest on {runs} run{'' if runs == 1 else 's'}: {chance}."
    return f"<p class='warn'>Few runs. {html.escape(text)}</p>" if runs < FEW else f"<p>{html.escape(text)}</p>"


def _count(items: list[str], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _rates(rows: list[Row]) -> str:
    if not rows:
        return "-"
    return f"SBD {sum(r['sbd'] for r in rows)}/{len(rows)} · LSBD {sum(r['lsbd'] for r in rows)}/{len(rows)}"


def _time(rows: list[Row]) -> str:
    if not rows:
        return "-"
    passed, median = time_to_pass(rows)
    return f"{'never' if median is None else f'{median:.0f} s'} ({passed}/{len(rows)} passed)"


def _distribution(cells: dict[tuple[str, str], list[Row]]) -> Figure:
    chart = Figure(figsize=(max(4.0, 1.1 * len(cells)), 3.2), layout="constrained")
    axes = chart.add_subplot()
    for i, rows in enumerate(cells.values()):
        values = [r["d_lsbd"] for r in rows if r["d_lsbd"] is not None]
        axes.scatter(np.full(len(values), i) + np.linspace(-0.15, 0.15, len(values)), values, s=14)
        if values:
            axes.hlines(np.median(values), i - 0.3, i + 0.3, color="black")
    axes.set_xticks(
        range(len(cells)),
        [f"{learner}\n{w}" for learner, w in cells],
        fontsize=7,
        rotation=30,
        ha="right",
        rotation_mode="anchor",
    )
    axes.set_ylabel("D_LSBD")
    return chart


def _agreement_section(rows: list[Row]) -> list[str]:
    matrix = agreement(rows)
    names = list(matrix)
    cells = [[a, *(number(matrix[a][b][0]) for b in names)] for a in names]
    return [
        "<h2>Metrics against the verdicts</h2>",
        "<p>Spearman's rank correlation across the runs (as Locatello et al. 2019, Fig. 2): SBD and LSBD count "
        "1 for a pass; a metric that agrees with the verdict correlates positively with SBD and negatively "
        "with D_LSBD. '-': undefined (a constant quantity, or fewer than three runs).</p>",
        _reliance(
            len(rows),
            "with no association at all, a correlation as far from 0 as "
            f"±{min(1.0, 2 / max(len(rows) - 1, 1) ** 0.5):.2f} arises by chance (two standard errors, "
            "1/√(runs − 1) each)",
        ),
        table(cells, names, "agreement"),
    ]


def _seeds_section(rows: list[Row], worlds: list[str]) -> list[str]:
    shares = {w: learner_share([r for r in rows if world(r) == w]) for w in worlds}
    learners = {r["learner"] for r in rows}
    names = list(quantities(rows))
    cells = [[name, *(number(shares[w].get(name)) for w in worlds)] for name in names]
    return [
        "<h2>Seeds against learners</h2>",
        "<p>The share of each figure's variance across runs that the learner explains (η², per world): below "
        "0.5 the seeds move it more than the choice of learner (Locatello et al. 2019 §5.2 found this for "
        "every metric). '-': it does not vary, or fewer than two learners.</p>",
        _reliance(
            len(rows),
            "with no learner effect at all, η² averages "
            f"{(len(learners) - 1) / max(len(rows) - 1, 1):.2f} ((learners − 1)/(runs − 1))",
        ),
        table(cells, worlds, "seeds-vs-learners"),
    ]
