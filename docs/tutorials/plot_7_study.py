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
