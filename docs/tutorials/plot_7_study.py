"""
A study of many runs
====================

A study is a base configuration, sweeps over it, and how each run is judged. ``run_study`` trains and
checks every run into its own folder, named by the hash of its settings, so running it again skips
finished runs and resumes the others. On the command line, ``symgroup study run FILE.toml`` does the
same from a file, on local processes (``--executor process --workers N``) or on a Ray cluster
(``--executor ray --address ADDRESS``). ``examples/seed_study.py``: β-VAE against LSBD-VAE over
seeds on Tonnaer et al.'s square:

.. literalinclude:: ../../../examples/seed_study.py
   :pyobject: study
"""

import tempfile
from pathlib import Path

import seed_study

rows = seed_study.study(Path(tempfile.mkdtemp()), steps=300, seeds=2)
print(seed_study.table(rows))

# %%
# On a Ray cluster
# ----------------
# The same study as Ray tasks, one CPU each. With no ``address``, Ray starts a local cluster of
# ``workers`` CPUs (as here); on a real one, pass its address (``ray://HEAD:10001`` or ``auto`` on a
# node of it) and put the study folder on storage every node shares. The runs are seeded, so the
# verdicts are those of the local processes above.

on_ray = seed_study.study(Path(tempfile.mkdtemp()), steps=300, seeds=2, executor="ray", workers=2)
print(seed_study.table(on_ray))
assert [(r["sbd"], r["lsbd"]) for r in on_ray] == [(r["sbd"], r["lsbd"]) for r in rows]
