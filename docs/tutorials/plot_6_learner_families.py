"""
The learner families side by side
=================================

One learner of each family on one small world, each with the shared trainer and judged by the
same check: β-VAE (the VAE family: still images), LSBD-VAE (a symmetry learner: it is also told
each move), SimCLR (contrastive: its views differ by the colour subgroup, which it should ignore)
and InfoGAN-CR (adversarial: a code per subgroup for its generator). ``symgroup learners`` lists
them all. The runs here are short (a few hundred steps); ``BENCHMARKS.md`` has each learner's
figures over many seeds.
"""

import tempfile
from pathlib import Path

from symgroup.check import check
from symgroup.learn import TrainConfig, train
from symgroup.learn.registry import LEARNERS, family

out = Path(tempfile.mkdtemp())
world = {"n": 4, "hues": 4, "image_size": 16}
rows = []
for learner, steps in [("beta_vae", 300), ("lsbd_vae", 300), ("simclr", 300), ("infogan_cr", 200)]:
    params = {"architecture": "mlp"}
    config = TrainConfig(env="gridworld", env_options=world, learner=learner, steps=steps, params=params)
    run = train(config, out / learner, progress=False)
    report = check(run.encoder, run.env, invariant=run.learner.invariant)  # what it declares it ignores
    rows.append((learner, family(LEARNERS[learner]), steps, report.passed, report.linear_passed))

print(f"{'learner':<12} {'family':<38} {'steps':>5}  SBD    LSBD")
for learner, kind, steps, sbd, lsbd in rows:
    print(f"{learner:<12} {kind:<38} {steps:>5}  {sbd!s:<6} {lsbd}")
