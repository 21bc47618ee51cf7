"""Oracle tests of the classic metrics: identity-like codes ≈ 1, zeros ≈ 0, duplicates break MIG."""

import numpy as np
import pytest

import envs
from symgroup.check.classic import METRICS, metrics
from symgroup.errors import EncoderError, InvalidOptionError

ENV = envs.make("gridworld", n=6, hues=4, image_size=24)
FACTORS = ENV.states()
FAST = {"num_train": 2000, "num_test": 1000, "num_eval": 1000, "num_variance": 2000}


def score(codes, names=None, **options):
    return metrics(codes, FACTORS, names, seed=0, **{**FAST, **options})


def test_identity_codes_score_about_one():
    result = score(FACTORS.astype(float))
    for key in (
        "mig",
        "dci_disentanglement",
        "dci_completeness",
        "dci_informativeness_test",
        "factor_vae_score",
        "beta_vae_score",
        "modularity",
        "explicitness_test",
        "irs",
        "independence",
    ):
        assert result[key] > 0.95, (key, result[key])
    assert result["sap"] > 0.15  # one-vs-rest LinearSVC on one latent cannot separate 6 classes well


def test_zero_codes_score_about_zero():
    result = score(np.zeros((len(FACTORS), 3)))
    for key in (
        "mig",
        "dci_disentanglement",
        "dci_completeness",
        "sap",
        "factor_vae_score",
        "modularity",
        "irs",
        "independence",
    ):
        assert result[key] == pytest.approx(0.0, abs=0.02), (key, result[key])
    assert result["beta_vae_score"] == pytest.approx(1 / 3, abs=0.05)  # chance: three factors
    assert result["explicitness_test"] == pytest.approx(0.5, abs=0.02)  # chance ROC-AUC


def test_duplicating_every_latent_drives_mig_to_zero():
    identity = FACTORS.astype(float)
    assert score(np.concatenate([identity, identity], axis=1), ("mig",))["mig"] == pytest.approx(0, abs=0.02)
    assert score(np.concatenate([identity, identity[:, :1]], axis=1), ("mig",))["mig"] == pytest.approx(2 / 3, abs=0.03)


def test_a_perfect_lsbd_code_gets_a_low_mig():
    a = 2 * np.pi * FACTORS / np.array(ENV.factor_sizes)
    circles = np.concatenate([np.cos(a), np.sin(a)], axis=1)
    result = score(circles, ("mig", "sap", "independence"))
    identity = score(FACTORS.astype(float), ("mig", "sap"))
    assert result["mig"] < 0.3 < 0.95 < identity["mig"]
    assert result["sap"] < identity["sap"]
    assert result["independence"] > 0.95  # but its per-factor subspaces are orthogonal


def test_a_random_code_is_not_disentangled():
    result = score(np.random.default_rng(0).normal(size=(len(FACTORS), 3)), ("mig", "factor_vae_score", "irs"))
    assert result["mig"] < 0.1 and result["factor_vae_score"] < 0.7 and result["irs"] < 0.6


def test_metrics_are_deterministic_for_a_seed():
    codes = np.random.default_rng(1).normal(size=(len(FACTORS), 4))
    assert score(codes, ("beta_vae_score", "factor_vae_score")) == score(codes, ("beta_vae_score", "factor_vae_score"))


def test_bad_input():
    with pytest.raises(EncoderError, match="NaN"):
        metrics(np.full((4, 2), np.nan), FACTORS[:4])
    with pytest.raises(EncoderError, match="codes"):
        metrics(np.zeros((3, 2)), FACTORS[:4])
    with pytest.raises(InvalidOptionError, match="unknown metrics"):
        metrics(np.zeros((4, 2)), FACTORS[:4], ("mig", "magic"))
    assert set(METRICS) == {
        "mig",
        "dci",
        "dci_fast",
        "sap",
        "factor_vae_score",
        "beta_vae_score",
        "modularity_explicitness",
        "irs",
        "independence",
    }


def test_on_a_world_smaller_than_the_sample_the_test_rows_are_states_training_never_saw():
    from symgroup.check.classic import _Sampler, held_out

    codes, factors = np.zeros((512, 2)), np.zeros((512, 3), dtype=int)
    train, test = _Sampler(codes, factors, np.random.default_rng(0)).split(10000, 5000)
    assert len(train) == 10000 and len(test) == 5000 and held_out(512) == 170
    assert not set(train.tolist()) & set(test.tolist()) and len(set(test.tolist())) == 170
    big = _Sampler(np.zeros((20000, 2)), np.zeros((20000, 3), dtype=int), np.random.default_rng(0))
    train, test = big.split(10000, 5000)  # disentanglement_lib's protocol: both from every row
    assert held_out(20000) == 0 and set(train.tolist()) & set(test.tolist())
