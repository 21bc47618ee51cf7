"""
The demo, its traversals and its report page
============================================

``symgroup demo`` trains β-VAE and LSBD-VAE on one world, checks both, prints the comparison and
writes one self-contained HTML page about them. Here on a small grid world (4 cells, 4 hues,
16×16) for 600 steps each; the page it wrote is `the demo's report page <../../demo-report.html>`_.

How to read the page: its first table gives each run's verdicts (SBD, its two halves, LSBD and
D_LSBD) beside MIG and DCI; then, per run, the reasons for each failed verdict, each naming what it
measured; training curves; latent traversals; reconstructions; the sensitivity heatmap (how far each
subgroup's moves shift each latent); the leakage matrix (how much of subgroup j's motion lands in
subgroup i's subspace); each subgroup's orbits drawn in its own subspace; and a glossary of every
term.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from symgroup.demo import demo
from symgroup.present.traverse import describe, traversal_grid

out = Path(tempfile.mkdtemp())
runs, reports = demo(out, "gridworld", {"n": 4, "hues": 4, "image_size": 16}, steps=600, progress=False)
if len(sys.argv) > 1:  # the site's build passes the folder it publishes at its root
    Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
    shutil.copy(out / "report.html", Path(sys.argv[1]) / "demo-report.html")

# %%
# Latent traversals: for LSBD-VAE, its learnt latent action applied to one state's code, a row per
# subgroup; for β-VAE, one latent at a time, largest variance first.
for run in runs:
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.imshow(traversal_grid(run))
    ax.set_title(describe(run), fontsize=8, loc="left", wrap=True)
    ax.set_axis_off()
