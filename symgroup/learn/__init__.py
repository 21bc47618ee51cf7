"""Learning representations: methods, the trainer, run directories and training callbacks.

>>> from symgroup.learn import METHODS, Run, TrainConfig, train, until_pass
>>> "lsbd_vae" in METHODS
True
"""

from symgroup.learn.callbacks import until_pass
from symgroup.learn.config import TrainConfig
from symgroup.learn.registry import METHODS
from symgroup.learn.run import Run
from symgroup.learn.trainer import train

__all__ = ["METHODS", "Run", "TrainConfig", "train", "until_pass"]
