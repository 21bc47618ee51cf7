"""Figures of a check: the sensitivity heatmap (each latent axis's orbit variation split among the
subgroups, so each column adds up to 1), the leakage matrix, and each subgroup's orbits drawn in (the
first two directions of) its subspace, coloured by group element (one colour each, evenly spaced)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from symgroup.check.report import CheckReport


def check_figures(report: CheckReport) -> dict[str, Figure]:
    """``{"sensitivity": …, "leakage": …, "orbits": …}``, matplotlib figures of ``report``."""
    names = list(report.sbd.subspaces)
    latents = [f"z{j}" for j in range(report.code_size)]
    sensitivity = report.sbd.sensitivity
    shares = sensitivity / np.maximum(sensitivity.sum(axis=0, keepdims=True), 1e-300)
    return {
        "sensitivity": _heatmap(
            shares, list(report.parts), latents, "Each axis's variation, by subgroup", "latent axis"
        ),
        "leakage": _heatmap(
            leakage_matrix(report), names, names, "Leakage: row moves column's subspace", "subspace of"
        ),
        "orbits": _orbits(report),
    }


def save_plots(report: CheckReport, directory: str | Path) -> list[Path]:
    """Write ``sensitivity.png``, ``leakage.png`` and ``orbits.png`` into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, figure in check_figures(report).items():
        paths.append(directory / f"{name}.png")
        figure.savefig(paths[-1], dpi=100)
    return paths


def leakage_matrix(report: CheckReport) -> np.ndarray:
    """M[j, i]: how much subgroup j moves subgroup i's subspace (1 on the diagonal)."""
    names = list(report.sbd.subspaces)
    matrix = np.eye(len(names))
    for i, target in enumerate(names):
        for j, source in enumerate(names):
            if source != target:
                matrix[j, i] = report.sbd.subspaces[target].leakage.get(source, np.nan)
    return matrix


def _heatmap(values: np.ndarray, rows: list[str], columns: list[str], title: str, xlabel: str) -> Figure:
    figure = Figure(figsize=(max(4.0, 1.2 + 0.45 * len(columns)), 1.2 + 0.45 * len(rows)), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(values, cmap="viridis", vmin=0, vmax=max(1.0, float(np.nanmax(values))))
    axes.set_xticks(range(len(columns)), columns, rotation=90 if len(columns) > 8 else 0)
    axes.set_yticks(range(len(rows)), rows)
    axes.set_xlabel(xlabel)
    axes.set_title(title, fontsize=9)
    for (i, j), v in np.ndenumerate(values):
        if len(columns) <= 16 and np.isfinite(v):
            axes.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="w" if v < 0.5 else "k")
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def _orbits(report: CheckReport) -> Figure:
    names = list(report.orbit_points)
    figure = Figure(figsize=(3.2 * len(names), 3.4), layout="constrained")
    for k, name in enumerate(names):
        axes = figure.add_subplot(1, len(names), k + 1)
        points, labels = report.orbit_points[name]
        n = int(labels.max()) + 1  # one colour per element, evenly around the cyclic map: 0 and n − 1 differ
        scatter = axes.scatter(points[:, 0], points[:, 1], c=labels, cmap="hsv", vmin=-0.5, vmax=n - 0.5, s=6)
        sub = report.sbd.subspaces[name]
        axes.set_title(f"{name}: {sub.dimension}-D subspace, {'pass' if sub.passed else 'FAIL'}", fontsize=9)
        axes.set_aspect("equal", adjustable="datalim")
        figure.colorbar(scatter, ax=axes, shrink=0.7, label="group element")
    return figure
