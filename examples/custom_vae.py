"""A β-VAE variant in one file, from the kit in ``symgroup.learn``: β-VAE with free bits.

loss = recon + β Σ_j max(λ, KL_j), KL_j the batch mean of KL(N(μ_j, σ_j²) ‖ N(0, 1)) (Higgins et al.
2017; free bits λ per dimension: Kingma et al. 2016, arXiv 1606.04934). It decodes, so traversals
and reconstructions are drawn for it.

Run: ``python examples/custom_vae.py [OUT] [STEPS]``: trains on a small gridworld; then judge the
run as any other, e.g. ``symgroup.check.check(run.encoder, run.env)``.
"""

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

import envs
from symgroup import learn


@dataclass
class FreeBitsConfig(learn.LearnerConfig):
    beta: learn.NonNegative = 4.0
    free_bits: learn.NonNegative = 0.1


@learn.register
class FreeBitsVAE(learn.Learner):
    name, Config = "free_bits_vae", FreeBitsConfig

    def __init__(self, env: envs.SymmetryEnv, config: FreeBitsConfig) -> None:
        super().__init__(env, config)
        self.encoder, self.decoder = learn.build(config.architecture, env.observation_shape, config.latent)

    def encode(self, observations: torch.Tensor) -> torch.Tensor:
        return self.encoder(observations)[0]

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decoder(codes))

    def training_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, float]:
        mean, log_variance = self.encoder(batch["x"])
        z = learn.reparameterise(mean, log_variance, self.rng)
        recon = learn.bernoulli_reconstruction(self.decoder(z), batch["x"])
        kl = 0.5 * (mean**2 + log_variance.exp() - log_variance - 1).mean(dim=0)  # per dimension
        loss = recon + self.config.beta * kl.clamp_min(self.config.free_bits).sum()
        learn.minimise(self.optimisers()["learner"], loss)
        return learn.floats({"loss": loss, "recon": recon, "kl": kl.sum()})


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    world = {"n": 4, "hues": 4, "image_size": 16}
    config = learn.TrainConfig(env="gridworld", env_options=world, learner="free_bits_vae", steps=steps)
    run = learn.train(config, out / "free_bits_vae", progress=False)
    print(f"{run.learner.name}: {run.step} steps, loss {run.log()[-1]['loss']:.1f}, saved in {run.directory}")
