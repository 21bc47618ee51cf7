"""Learning representations: the learner protocol, samplers, the trainer, run directories and
training callbacks.

>>> from symgroup.learn import LEARNERS, Learner, Run, TrainConfig, train, until_pass
>>> "lsbd_vae" in LEARNERS and issubclass(LEARNERS["lsbd_vae"], Learner)
True
"""

from symgroup.learn.callbacks import until_pass
from symgroup.learn.config import TrainConfig
from symgroup.learn.learner import Learner, LearnerConfig
from symgroup.learn.registry import LEARNERS, register
from symgroup.learn.run import Run
from symgroup.learn.trainer import train

__all__ = ["LEARNERS", "Learner", "LearnerConfig", "Run", "TrainConfig", "register", "train", "until_pass"]
