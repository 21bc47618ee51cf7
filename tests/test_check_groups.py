"""The linear check and D_LSBD for any finite group: non-cyclic subgroups through symgroup's representations."""

import numpy as np
import pytest

import envs
from envs import CustomEnv
from symgroup import Cyclic, Dihedral, Symmetric
from symgroup.check import check
from symgroup.errors import InvalidRepresentationError
from symgroup.representation import Representation, check_homomorphism, check_orthogonal

GLYPH = envs.make("dihedral_glyph", n=4, image_size=32)
V0 = np.array([1.0, 0.4])


def glyph_code(pose_rep):
    states = GLYPH.states()
    elements = Dihedral(4).elements()
    pose = np.stack([pose_rep(elements[p]) @ V0 for p in states[:, 0]])
    a = 2 * np.pi * states[:, 1:] / 4
    return np.concatenate([pose, np.cos(a), np.sin(a)], axis=1)


def test_the_d4_irrep_code_of_the_pose_passes_with_d_lsbd_zero():
    report = check(glyph_code(Dihedral(4).irrep(1)), GLYPH)
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)
    assert report.d_lsbd.representations["pose"] == "D4.irrep(1, 0)"
    assert "pose" in report.d_lsbd.scores and report.d_lsbd.omegas["pose"] is None


def test_a_rotated_and_oblique_d4_code_still_scores_zero():
    mixing = np.random.default_rng(1).standard_normal((6, 6))
    report = check(glyph_code(Dihedral(4).irrep(1)) @ mixing, GLYPH)
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)


def test_a_frequency_two_pose_code_is_not_faithful_and_fails():
    """r ↦ R(2·90°): the half-turn acts as the identity, so two poses share each code."""

    def frequency_two(g):
        k, f = g.value
        return (
            np.array([[np.cos(np.pi * k), -np.sin(np.pi * k)], [np.sin(np.pi * k), np.cos(np.pi * k)]])
            @ np.diag([1.0, -1.0]) ** f
        )

    report = check(glyph_code(frequency_two), GLYPH)
    assert not report.passed and not report.linear_passed
    assert any(r.startswith("pose: not injective") for r in report.reasons)


def test_a_code_that_ignores_the_group_law_scores_high():
    """Poses on a circle in element order: injective, but no representation of D4 acts on it."""
    states = GLYPH.states()
    angle = 2 * np.pi * states[:, 0] / 8
    a = 2 * np.pi * states[:, 1:] / 4
    report = check(np.concatenate([np.cos(angle)[:, None], np.sin(angle)[:, None], np.cos(a), np.sin(a)], 1), GLYPH)
    assert report.d_lsbd.scores["pose"] > 0.2
    assert not report.linear_passed


def _draw_s3(states):
    out = np.zeros((len(states), 1, 1, 11), np.float32)
    rows = np.arange(len(states))
    out[rows, 0, 0, states[:, 0]] = out[rows, 0, 0, 6 + states[:, 1]] = 1
    return out


def test_a_custom_world_with_an_s3_factor():
    s3 = Symmetric(3)
    env = CustomEnv({"perm": s3, "turn": Cyclic(5)}, _draw_s3, (1, 1, 11))
    (standard,) = s3.faithful_representations()
    assert standard.dim == 2 and check_orthogonal(standard) < 1e-12 and check_homomorphism(standard) < 1e-12
    elements, states = s3.elements(), env.states()
    perm = np.stack([standard(elements[p]) @ V0 for p in states[:, 0]])
    a = 2 * np.pi * states[:, 1] / 5
    report = check(np.concatenate([perm, np.cos(a)[:, None], np.sin(a)[:, None]], 1), env)
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)


def test_a_user_given_representation_is_used():
    rho = Dihedral(4).irrep(1)
    report = check(glyph_code(rho), GLYPH, representations={"pose": rho})
    assert report.d_lsbd.representations["pose"] == rho.name
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)


def test_a_worlds_own_representation_is_the_one_d_lsbd_and_the_learners_use():
    from symgroup.learn.latent_actions import subgroup_representation

    rho = Representation(Dihedral(4), Dihedral(4).irrep(1), "the world's pose representation")
    world = CustomEnv(
        {"pose": envs.Factor(Dihedral(4), representation=rho), "x": Cyclic(4), "y": Cyclic(4)},
        GLYPH.draw,
        GLYPH.observation_shape,
    )
    report = check(glyph_code(rho), world)
    assert report.d_lsbd.representations["pose"] == "the world's pose representation"
    assert report.d_lsbd.value == pytest.approx(0, abs=1e-9)
    assert subgroup_representation(world, "pose", "lsbd_vae") is rho


def test_a_representation_of_another_group_is_refused():
    with pytest.raises(InvalidRepresentationError, match="not of D4"):
        check(glyph_code(Dihedral(4).irrep(1)), GLYPH, representations={"pose": Dihedral(3).irrep(1)})
