"""Learning representations, and the kit a learner file needs: the protocol and its config bounds,
the capabilities it may declare, samplers, architectures, the shared loss terms and the GANs' parts,
the families' bases, the trainer, run directories and training callbacks.

>>> from symgroup.learn import LEARNERS, Learner, Run, TrainConfig, train, until_pass
>>> "lsbd_vae" in LEARNERS and issubclass(LEARNERS["lsbd_vae"], Learner)
True
"""

from symgroup.capabilities import Acting, Discovering, Generative, Projected
from symgroup.config import Count, Fraction, Natural, NonNegative, Positive
from symgroup.learn.adversarial import adam, binary_cross_entropy, critic, critic_loss, spectrally_normalised
from symgroup.learn.architectures import build, default_architecture
from symgroup.learn.callbacks import Callback, until_pass
from symgroup.learn.config import TrainConfig
from symgroup.learn.learner import Architecture, Learner, LearnerConfig, floats, minimise
from symgroup.learn.losses import bernoulli_reconstruction, kl_divergence, reparameterise
from symgroup.learn.registry import LEARNERS, register
from symgroup.learn.run import Run
from symgroup.learn.samplers import Balanced, Domains, Images, Paths, Sampler, Views
from symgroup.learn.trainer import train
from symgroup.learn.vaes import VAE, Autoencoder

__all__ = [
    "LEARNERS",
    "VAE",
    "Acting",
    "Architecture",
    "Autoencoder",
    "Balanced",
    "Callback",
    "Count",
    "Discovering",
    "Domains",
    "Fraction",
    "Generative",
    "Images",
    "Learner",
    "LearnerConfig",
    "Natural",
    "NonNegative",
    "Paths",
    "Positive",
    "Projected",
    "Run",
    "Sampler",
    "TrainConfig",
    "Views",
    "adam",
    "bernoulli_reconstruction",
    "binary_cross_entropy",
    "build",
    "critic",
    "critic_loss",
    "default_architecture",
    "floats",
    "kl_divergence",
    "minimise",
    "register",
    "reparameterise",
    "spectrally_normalised",
    "train",
    "until_pass",
]
