"""Studies: many runs across learners, their hyperparameters, seeds and worlds, trained and judged
resumably — serially, in local processes or on a Ray cluster — and gathered into one table.

>>> from symgroup.study import Study, run_study
>>> study = Study.from_dict({"base": {"env": "square", "steps": 300},
...                         "sweep": [{"learner": ["beta_vae", "lsbd_vae"], "seed": [0, 1, 2]}]})
>>> len(study.cells())  # run_study(study, "runs/my-study") trains and checks all six
6
"""

from symgroup.study.results import gather, write_tables
from symgroup.study.runner import run_study
from symgroup.study.spec import Cell, Evaluation, Study, Sweep

__all__ = ["Cell", "Evaluation", "Study", "Sweep", "gather", "run_study", "write_tables"]
