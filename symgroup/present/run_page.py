"""One self-contained HTML page about trained runs: the verdict table side by side, then for each
world the orbit of each generator, and for each run its verdict with reasons, the decomposition its
code disentangles (:func:`~symgroup.check.find_decomposition`), its learner's claims judged, the
learned action judged (a learner that acts on images: :class:`~symgroup.capabilities.Acting`), the
structure a :class:`~symgroup.capabilities.Discovering` learner found,
training curves, latent traversals, sensitivity heatmap, leakage matrix and each subgroup's orbit in
its subspace.
Every image is an inlined PNG, so the page is one file with no requests."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from envs.montage import orbit_montage
from symgroup.capabilities import Acting, Discovering
from symgroup.check import CheckReport, FoundDecomposition, check, check_action, find_decomposition
from symgroup.check.claims import Verdict, judge
from symgroup.check.discovery import describe as parts_text
from symgroup.check.partition import check_partition
from symgroup.learn.run import Run
from symgroup.paths import check_writable
from symgroup.present.page import document, figure, image, number, table, verdict
from symgroup.present.plots import check_figures
from symgroup.present.traverse import can_draw, describe, reconstructions, traversal_grid

METRICS = ("mig", "dci")


def check_run(run: Run, metrics: Sequence[str] = METRICS) -> CheckReport:
    """The check of a run's encoder on its own world, with the classic metrics named."""
    return check(run.encoder, run.env, metrics=tuple(metrics))


def summary(
    run: Run, report: CheckReport, claims: Sequence[Verdict] = (), found: FoundDecomposition | None = None
) -> dict[str, str]:
    """One run's column of the comparison: the verdicts (SBD, its split and injectivity, LSBD),
    D_LSBD, MIG, DCI, the decomposition ``found`` under which the code is SBD, for each subgroup its
    own verdict, its D_LSBD term, its leakage (the largest share of its subspace's motion caused by
    another subgroup) and its noise, the posterior's state for a learner with one, and the verdict
    on each of its learner's ``claims``."""
    row = {
        "learner": run.config.learner,
        "env": run.env.name,
        "steps": str(run.step),
        "SBD (split + injective)": verdict(report.passed),
        "equivariant split": verdict(report.split_passed),
        "injective": verdict(report.injective),
        "LSBD (SBD + linear)": verdict(report.linear_passed),
        "D_LSBD": number(report.d_lsbd.value),
        "MIG": number(report.metrics.get("mig")),
        "DCI disentanglement": number(report.metrics.get("dci_disentanglement")),
    }
    if found is not None:
        row["decomposition found"] = parts_text(found.parts, found.ignored) if found.found else "none"
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
    if (posterior := report.posterior) is not None:
        active = f"{len(posterior.active)}/{len(posterior.activity)} latents active"
        row["posterior"] = "COLLAPSED" if posterior.collapsed else active
    if report.undecidable:
        row["undecidable"] = f"only the noise criterion fails (basis margin {number(report.sbd.basis_margin)})"
    for claim in claims:
        row[f"claim: {claim.claim}"] = verdict(claim.passed)
    return row


def comparison_table(columns: Sequence[dict[str, str]]) -> list[list[str]]:
    """Rows of [quantity, value per run], the quantities in first-seen order (text or HTML)."""
    keys = list(dict.fromkeys(k for column in columns for k in column))
    return [[key, *(column.get(key, "-") for column in columns)] for key in keys]


def html_report(
    runs: Sequence[Run], reports: Sequence[CheckReport] | None = None, title: str = "symgroup report"
) -> str:
    """The page as a string; ``reports`` are the runs' checks (computed with MIG and DCI if absent)."""
    reports = [check_run(run) for run in runs] if reports is None else list(reports)
    claims = [judge(run.learner, run.env) for run in runs]
    found = [find_decomposition(run.encoder, run.env) for run in runs]
    judged = list(zip(runs, reports, claims, found, strict=True))
    columns = [summary(*one) for one in judged]
    parts = [
        "<h2>Verdicts</h2>",
        table(comparison_table(columns), [f"run {i + 1}" for i in range(len(runs))], table_id="verdicts"),
        "<p>Every term on this page is explained in the <a href='#glossary'>glossary</a> at its end.</p>",
    ]
    for env in {run.env.name: run.env for run in runs}.values():
        parts += [
            f"<section><h2>World: {html.escape(env.name)}, G = {html.escape(str(env.group))}</h2>",
            "<p>The orbit of each generator from one state (a row per generator).</p>",
            image(orbit_montage(env), f"orbits of the generators of {env.name}"),
            "</section>",
        ]
    parts += [_run_section(i + 1, *one) for i, one in enumerate(judged)]
    return document(title, [*parts, glossary()])


def write_report(runs: Sequence[Run], out: str | Path, reports: Sequence[CheckReport] | None = None) -> Path:
    """Write :func:`html_report` to ``out`` (parent folders created)."""
    out = Path(out)
    check_writable(out, "file", "the page")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_report(runs, reports), encoding="utf-8")
    return out


def _structure(run: Run) -> str:
    """What a :class:`~symgroup.capabilities.Discovering` learner found, judged against the world."""
    moves = run.learner.discovered(run.env)
    return "it has not partitioned its moves yet" if moves is None else str(check_partition(moves, run.env))


def _run_section(
    number: int, run: Run, report: CheckReport, claims: Sequence[Verdict], found: FoundDecomposition
) -> str:
    figures = check_figures(report)
    headline = " · ".join(
        f"{label} <span class='{verdict(ok).lower()}'>{verdict(ok)}</span>"
        for label, ok in (("SBD", report.passed), ("LSBD", report.linear_passed))
    )
    pictures = reconstructions(run)
    action = check_action(run) if isinstance(run.learner, Acting) else None
    structure = _structure(run) if isinstance(run.learner, Discovering) else None
    return "\n".join(
        [
            f"<section id='run-{number}'><h2>Run {number}: {html.escape(run.config.learner)} on "
            f"{html.escape(run.env.name)} — {headline}</h2>",
            f"<p><code>{html.escape(str(run.directory))}</code>, step {run.step}, seed {run.config.seed}, "
            f"parameters {html.escape(str(run.config.params))}</p>",
            f"<h3>Check: verdict, each subgroup, reasons</h3><pre>{html.escape(str(report))}</pre>",
            f"<h3>The decomposition its code disentangles</h3><pre>{html.escape(str(found))}</pre>",
            *(
                [
                    f"<h3>Claims of {html.escape(run.config.learner)}</h3>",
                    f"<pre>{html.escape(chr(10).join(map(str, claims)))}</pre>",
                ]
                if claims
                else []
            ),
            *(
                [
                    f"<h3>The structure {html.escape(run.config.learner)} discovered</h3>",
                    f"<pre>{html.escape(structure)}</pre>",
                ]
                if structure is not None
                else []
            ),
            *(
                [
                    f"<h3>Learned action of {html.escape(run.config.learner)} on {', '.join(run.learner.acts_by)}</h3>",
                    f"<pre>{html.escape(str(action))}</pre>",
                ]
                if action is not None
                else []
            ),
            "<h3>Training curves</h3>",
            figure(_training_curves(run), "training curves"),
            "<h3>Latent traversals</h3>",
            f"<p>{html.escape(describe(run))}</p>",
            image(traversal_grid(run), "latent traversals") if can_draw(run) else "",
            *(
                [
                    "<h3>Reconstructions</h3>",
                    "<p>Top: states spread over the world; bottom: decode(encode(x)).</p>",
                    image(pictures, "reconstructions"),
                ]
                if pictures is not None
                else []
            ),
            "<h3>Sensitivity and leakage</h3>",
            figure(figures["sensitivity"], "sensitivity heatmap"),
            figure(figures["leakage"], "leakage matrix"),
            "<h3>Each subgroup's orbits in its subspace</h3>",
            figure(figures["orbits"], "subgroup orbits"),
            "</section>",
        ]
    )


GLOSSARY = {
    "SBD (split + injective)": "the verdict: the equivariant split and injectivity both hold.",
    "equivariant split": "Higgins et al. 2018's definition: the latent space splits into subspaces Z_i, each "
    "moved by one subgroup G_i only and fixed by every other (the check finds the Z_i from whole orbits; any "
    "change of basis of a disentangled code is still disentangled).",
    "injective": "distinct states have distinct codes in the subspaces the parts own (the definition does not "
    "ask it, but without it a constant code would pass).",
    "LSBD (SBD + linear)": "SBD, and each subgroup acts on its subspace by a linear representation "
    "(block-diagonal): the map fitted to each generator's step is linear (residual), is a representation of its "
    "order (judged against the nearest exact one), keeps to its block and commutes with the other subgroups'.",
    "D_LSBD": "Tonnaer et al. 2022: the share of each subgroup's motion that the best linear disentangled "
    "representation (one block-diagonal ρ on the whole code, in whitened coordinates) does not explain, averaged "
    "over the subgroups; 0 for a linear disentangled code, 1 where ρ explains nothing.",
    "ω": "the frequency of the rotation R(2πω/n) that represents a cyclic subgroup C_n in D_LSBD (±1: faithful "
    "circles; 2 on C8 maps two states to one code).",
    "dim": "the dimension of the subspace Z_i found for the subgroup.",
    "variance": "the share of the code's variance that the subgroup's actions cause: E‖z − (mean over its "
    "orbit)‖² / E‖z − z̄‖².",
    "share": "of a direction: the fraction of the code's variation along it (in whitened coordinates) that the "
    "subgroup's own components explain; a direction belongs to Z_i at a share ≥ 0.75.",
    "max leak, from; leakage": "the largest leakage into the subgroup's subspace and the subgroup it comes from: "
    "how much another subgroup moves Z_i, relative to how much G_i moves it (≤ 0.05 passes).",
    "min dist": "the smallest distance between the codes of two distinct states of one of its orbits, in the "
    "subspaces the parts own, relative to the RMS radius there (≥ 0.01 passes).",
    "noise": "the variation inside Z_i that the subgroup's own components do not explain, relative to what they "
    "do (noise, or an interaction with other subgroups).",
    "noisy outside … (in the code's scaling)": "variation outside every subspace that the subgroup's components "
    "do not explain, relative to the code's additive variation, measured in the code's own coordinates: the one "
    "criterion a change of basis can change; the report gives the margin.",
    "interaction": "a subgroup whose effect on the code depends on another's components (effects that do not "
    "add): the figures compare what its own components explain with what they explain together with the "
    "other's, and with what noise would.",
    "collapsed": "the subgroup moves the code by no more than noise: neither its own components nor they "
    "together with any one other's explain its motion beyond what noise would.",
    "invariant, movement": "a subgroup declared invariant (one the code should ignore) passes when its actions "
    "move the code by at most 0.05 of the code's spread (RMS) and no direction is moved mainly by it.",
    "undecidable": "only the scale-dependent criterion (noisy outside) fails: a change of basis within the "
    "margin given could make it pass.",
    "axis alignment": "1 when every latent axis is moved by one subgroup only; disentangled codes need not be "
    "axis-aligned (MIG and SAP reward it, the Higgins definition does not).",
    "posterior": "for a learner with a posterior q(z|x): latents are active when their mean varies by more than "
    "0.01 of their posterior variance (Burda et al. 2016); a subgroup moving the mean by less than one posterior "
    "standard deviation is buried in the spread; COLLAPSED when no latent is active or every subgroup is buried.",
    "sensitivity": "the heatmap: each latent axis's orbit variation split among the subgroups (each column adds "
    "up to 1).",
    "orbits": "each subgroup's orbits drawn in the first two directions of its subspace, coloured by group "
    "element on a cyclic scale with one colour per element.",
    "learned action": "for a learner that maps images by group elements (a symmetry learner's decoded latent "
    "action, a translator on its domain): for each generator g, how often act(x, g) lands on the image of g·s "
    "(hit), keeps the other subgroups' components (kept), returns under g⁻¹ (inverse), and composes "
    "(symgroup.check.check_action).",
    "claim": "what the run's learner's paper claims it learns, judged on every state (symgroup.check.claims): "
    "a translator implements its domain's action (hit, kept, inverse, moved), a classifier tells a subgroup, the "
    "code ignores what it is trained to ignore or keeps the content as a block, the code is (L)SBD; each "
    "requirement with the figure measured and the bar it needs.",
    "decomposition found": "the finest partition of the world's subgroups into parts, and the subgroups the "
    "code ignores, under which the code passes SBD (symgroup.check.find_decomposition: finest partitions first, "
    "every one tried up to 6 subgroups); 'x+y' is one part made of x and y; none where no partition passes.",
    "structure discovered": "for a learner not told the world's structure: the parts of the world's moves it "
    "found to belong together, the subgroups each part's moves change, and the adjusted Rand index against the "
    "partition by subgroup (symgroup.check.partition.check_partition).",
    "MIG, DCI disentanglement": "the classic metrics (disentanglement_lib's definitions): they reward one latent "
    "axis per factor.",
}


def glossary() -> str:
    """Every term the run sections use, as a definition list."""
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in GLOSSARY.items())
    return f"<section id='glossary'><h2>Glossary</h2><dl>{items}</dl></section>"


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
