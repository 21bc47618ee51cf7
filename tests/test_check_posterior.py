"""Encoders with a posterior: each part's movement of the mean against the posterior's spread, the
active latents, a collapsed posterior flagged, and the sampled representation judged on request."""

import json

import numpy as np
import pytest
import torch

import envs
from symgroup.check import check
from symgroup.check.encoding import Posterior
from symgroup.errors import InvalidOptionError
from symgroup.learn.registry import LEARNERS

WORLD = envs.make("gridworld", n=5, hues=4, image_size=20)


class CircleVAE(torch.nn.Module):
    """A perfect circle code per factor, read off the state, with a posterior of standard deviation
    ``sd`` on every latent (the images carry the state: the world renders it)."""

    def __init__(self, sd: float) -> None:
        super().__init__()
        self.sd = sd
        self.codes = torch.from_numpy(
            np.concatenate([np.cos(a := 2 * np.pi * WORLD.states() / np.array(WORLD.factor_sizes)), np.sin(a)], 1)
        )
        self.images = torch.from_numpy(WORLD.render(WORLD.states())).flatten(1)

    def _rows(self, x):
        return torch.cdist(torch.as_tensor(x).flatten(1).double(), self.images.double()).argmin(dim=1)

    def forward(self, x):
        return self.codes[self._rows(x)]

    def posterior(self, x):
        mean = self.forward(x)
        return mean, torch.full_like(mean, self.sd**2)


def test_a_posterior_much_wider_than_the_code_is_flagged_as_collapsed():
    clean = check(CircleVAE(0.01), WORLD)
    assert clean.passed and clean.linear_passed and not clean.posterior.collapsed
    assert min(clean.posterior.movement.values()) > 10 and clean.posterior.active == list(range(6))
    buried = check(CircleVAE(1000.0), WORLD)
    assert buried.passed  # the verdicts judge the mean, which is perfect; the spread is flagged beside them
    assert buried.posterior.collapsed and buried.posterior.active == []
    for name, movement in buried.posterior.movement.items():
        assert movement == pytest.approx(1 / 1000, rel=0.05)  # a unit circle: RMS radius 1 in sd 1000
        assert any(f.startswith(f"{name}: buried in the posterior's spread") for f in buried.posterior.flags)
    assert "COLLAPSED" in str(buried) and "buried in the posterior's spread" in str(buried)
    data = json.loads(json.dumps(buried.to_dict()))
    assert data["posterior"]["collapsed"] is True and data["posterior"]["active"] == []
    assert data["subgroups"]["x"]["posterior_movement"] == pytest.approx(1e-3, rel=0.05)


def test_the_sampled_representation_is_a_seeded_draw_of_the_posterior():
    narrow = check(CircleVAE(1e-4), WORLD, representation="sample")
    assert narrow.passed and narrow.posterior.representation == "sample"
    wide = check(CircleVAE(0.5), WORLD, representation="sample", seed=3)
    assert not wide.passed  # the samples are noisier than the split allows
    again = check(CircleVAE(0.5), WORLD, representation="sample", seed=3)
    assert wide.to_dict() == again.to_dict()
    with pytest.raises(InvalidOptionError, match="posterior"):
        check(np.zeros((WORLD.n_states, 2)), WORLD, representation="sample")
    with pytest.raises(InvalidOptionError, match="'mean' or 'sample'"):
        check(CircleVAE(1.0), WORLD, representation="median")


@pytest.mark.parametrize("learner", ["beta_vae", "factor_vae", "forward_vae", "lsbd_vae"])
def test_the_vae_family_and_the_symmetry_vaes_give_their_posterior(learner):
    cls = LEARNERS[learner]
    instance = cls(WORLD, cls.defaults(WORLD))
    assert isinstance(instance, Posterior)
    mean, variance = instance.posterior(torch.from_numpy(WORLD.render(WORLD.states()[:3])))
    assert mean.shape == variance.shape == (3, instance.config.latent) and (variance > 0).all()
    torch.testing.assert_close(mean, instance.encode(torch.from_numpy(WORLD.render(WORLD.states()[:3]))))


def test_a_deterministic_autoencoder_has_no_posterior():
    cls = LEARNERS["quessard"]
    assert not isinstance(cls(WORLD, cls.defaults(WORLD)), Posterior)
    assert check(CircleVAE(0.01).forward, WORLD).posterior is None  # a plain function: no posterior


def test_the_check_leaves_a_learner_in_the_mode_it_found_it():
    cls = LEARNERS["beta_vae"]
    learner = cls(WORLD, cls.defaults(WORLD))
    for mode in (False, True):
        learner.train(mode)
        check(learner, WORLD, validate=False)
        assert learner.training is mode and all(m.training is mode for m in learner.modules())
