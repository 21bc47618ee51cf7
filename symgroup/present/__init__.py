"""What symgroup shows: the HTML page helpers, the checker's figures, latent traversals, the report
page of runs and the report page of a study. Nothing here trains or judges; it draws what the
learners, the checker and the studies measured.

- :mod:`symgroup.present.page`: a self-contained HTML document and its parts (tables, figures).
- :mod:`symgroup.present.plots`: the figures of a :class:`~symgroup.check.CheckReport`.
- :mod:`symgroup.present.traverse`: traversals and reconstructions of a run, as its capabilities allow.
- :mod:`symgroup.present.run_page`: one page about trained runs (``symgroup report``).
- :mod:`symgroup.present.study_page`: one page about a study (``symgroup study report``).
"""
