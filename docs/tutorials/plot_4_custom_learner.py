"""
A custom learner in one file
============================

A learner is a typed ``Config``, the batches it needs, one ``training_step`` that owns its
optimiser, and ``encode``, the code the checker judges; everything comes from ``symgroup.learn``.
Registered, it trains through the shared trainer (seeding, checkpoints, exact resume) and
``symgroup train --learner NAME`` like every built-in one. ``examples/custom_vae.py``, β-VAE with
free bits:

.. literalinclude:: ../../../examples/custom_vae.py
   :pyobject: FreeBitsConfig

.. literalinclude:: ../../../examples/custom_vae.py
   :pyobject: FreeBitsVAE
"""

import tempfile
from pathlib import Path

import custom_vae  # noqa: F401  (registers "free_bits_vae")

from symgroup.check import check
from symgroup.learn import TrainConfig, train

world = {"n": 4, "hues": 4, "image_size": 16}
config = TrainConfig(
    env="gridworld", env_options=world, learner="free_bits_vae", steps=300, params={"architecture": "mlp"}
)
run = train(config, Path(tempfile.mkdtemp()) / "free_bits_vae", progress=False)
print(run, "— loss at the end", round(run.log()[-1]["loss"], 1))

# %%
# Judged as any other run (300 steps is far too few for this β-VAE to disentangle anything):
print(check(run.encoder, run.env))
