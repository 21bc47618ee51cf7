"""The check's figures and the run page's words: plots that add up, colours one per element, every
term explained."""

import re

import numpy as np
from test_check import circles, entangled

import envs
from symgroup.check import check
from symgroup.present.plots import check_figures
from symgroup.present.run_page import GLOSSARY, summary

WORLD = envs.make("gridworld", n=6, hues=5, image_size=24)


def test_each_orbit_plot_gives_every_element_its_own_colour_around_the_cycle():
    figure = check_figures(check(circles(WORLD), WORLD))["orbits"]
    for axes, n in zip(figure.axes[::2], WORLD.factor_sizes, strict=True):  # each plot, then its colour bar
        scatter = axes.collections[0]
        assert set(scatter.get_array().tolist()) == set(range(n))
        colours = {tuple(np.round(scatter.to_rgba(k), 6)) for k in range(n)}  # what the colour map draws
        assert len(colours) == n  # element 0 and element n − 1 differ on the cyclic map


def test_the_sensitivity_heatmap_splits_each_axis_among_the_subgroups():
    for codes in (circles(WORLD), entangled(WORLD)):
        shares = check_figures(check(codes, WORLD))["sensitivity"].axes[0].images[0].get_array()
        np.testing.assert_allclose(np.asarray(shares).sum(axis=0), 1.0)


def test_every_term_of_the_text_report_and_the_comparison_table_is_in_the_glossary():
    report = check(entangled(WORLD), WORLD, metrics=("mig", "dci"))
    header = next(line for line in str(report).splitlines() if line.startswith("subgroup"))
    terms = " ".join(GLOSSARY)
    for word in header.split()[1:]:  # dim, variance, max leak from, min dist, …
        assert word in terms, word
    for label in (
        "SBD (split and injective)",
        "equivariant split",
        "injective",
        "LSBD (SBD and linear)",
        "D_LSBD",
        "axis alignment",
    ):
        assert label.split(" (")[0] in terms, label

    class Run:  # what summary() reads of a run
        config = type("Config", (), {"learner": "hand-built"})()
        env, step = WORLD, 0

    for key in summary(Run(), report):
        stem = re.sub(r" (of|into|by) .*$|^subgroup .*$", "", key)
        assert not stem or stem in terms or stem in ("learner", "env", "steps"), key
