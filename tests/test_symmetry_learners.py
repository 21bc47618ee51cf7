"""The symmetry-based learners: their latent actions (rotation blocks, Givens products), the
transformation terms, each method's objective, and an end-to-end run that passes the check."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import envs
from symgroup import Cyclic, DirectProduct
from symgroup.check import check
from symgroup.cli import main
from symgroup.errors import InvalidOptionError
from symgroup.learn.config import TrainConfig
from symgroup.learn.latent_actions import (
    givens_product,
    move_matrices,
    path_transforms,
    scale_free_transformation_loss,
    subgroup_elements,
    subgroup_representation,
    transformation_loss,
)
from symgroup.learn.registry import build_learner
from symgroup.learn.run import Run
from symgroup.learn.samplers import Paths
from symgroup.learn.trainer import train

TINY = {"n": 4, "hues": 2, "image_size": 16}
GRID = envs.make("gridworld", **TINY)


def tiny(learner, params=None, **changes):
    base = {
        "env": "gridworld",
        "env_options": TINY,
        "learner": learner,
        "steps": 3,
        "params": {"latent": 6, "batch_size": 8, **(params or {})},
    }
    return TrainConfig(**{**base, **changes})


def build(config, env=GRID):
    learner = build_learner(config, env)[1]
    learner.rng = torch.Generator().manual_seed(0)
    return learner


def matrices(env, moves):
    """ρ_i of every move, per subgroup, with the learners' representations."""
    return move_matrices(env, moves, [subgroup_representation(env, n, "test") for n in env.factor_names])


def summed(term, codes, transforms):
    """A transformation term summed over the subgroups' blocks: codes (B, M, K, d), transforms per block."""
    return sum(term(codes[:, :, k], transforms[k]) for k in range(codes.shape[2]))


def exact_code(env, states, frequency=1):
    """(cos, sin)(2π·frequency·v_k/n_k) per subgroup k: the ideal LSBD code, (..., K, 2)."""
    angles = 2 * math.pi * frequency * states / np.array(env.factor_sizes)
    return torch.from_numpy(np.stack([np.cos(angles), np.sin(angles)], axis=-1))


def path_batch(env, n=64, length=3, seed=0, moves=None):
    """Random paths of ``moves`` (default the world's): states (n, L + 1, K), move indices (n, L) and
    each subgroup's ρ(t_l) from the start, (n, L + 1, d, d) per subgroup."""
    moves = env.moves if moves is None else moves
    drawn = Paths(env, n, length, moves).draw(np.random.default_rng(seed), n)
    taken = torch.from_numpy(drawn["moves"])
    return drawn["states"], taken, [path_transforms(m, taken) for m in matrices(env, moves)]


# --- latent actions ------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["gridworld", "dihedral_glyph"]).flatmap(
        lambda name: st.tuples(st.just(name), st.lists(st.integers(0, 63), min_size=1, max_size=12))
    )
)
def test_block_matrices_are_a_representation_of_the_product(case):
    """ρ_i(g_1 ⋯ g_r) = ρ_i(g_1)⋯ρ_i(g_r) per subgroup, for paths of any subgroup elements (D4 too)."""
    name, word = case
    env = GRID if name == "gridworld" else envs.make("dihedral_glyph", image_size=32)
    moves = subgroup_elements(env)
    word = [m % len(moves) for m in word]
    product = env.group.identity
    for m in word:
        product = moves[m] @ product
    for k, block in enumerate(matrices(env, moves)):
        transforms = path_transforms(block, torch.tensor([word]))[0, -1]
        rho = subgroup_representation(env, env.factor_names[k], "test")
        assert np.allclose(transforms.numpy(), rho(env.group.project(env.factor_names[k], product)), atol=1e-9)


def test_each_subgroup_acts_faithfully_and_orthogonally():
    glyph = envs.make("dihedral_glyph", image_size=32)
    for env in (GRID, envs.make("square", size=16, side=4), glyph):
        moves = subgroup_elements(env)
        for k, block in enumerate(matrices(env, moves)):
            owned = [
                m
                for m, g in enumerate(moves)
                if env.group.project(env.factor_names[k], g) != env.factors[env.factor_names[k]].group.identity
            ]
            for m in owned:  # ρ(g) orthogonal, of the order of g: faithful
                a = block[m].numpy()
                assert np.allclose(a @ a.T, np.eye(len(a)), atol=1e-9)
                powers = [np.linalg.matrix_power(a, j) for j in range(1, moves[m].order + 1)]
                assert np.allclose(powers[-1], np.eye(len(a))) and not any(
                    np.allclose(q, np.eye(len(a))) for q in powers[:-1]
                )
    assert subgroup_representation(glyph, "pose", "test").dim == 2
    strange = envs.CustomEnv(
        {"t": DirectProduct({"a": Cyclic(2), "b": Cyclic(2)})},
        lambda states: np.zeros((len(states), 1, 1, 4), np.float32),
        (1, 1, 4),
    )
    with pytest.raises(InvalidOptionError, match=r"lsbd_vae needs a faithful orthogonal representation.*Factor"):
        subgroup_representation(strange, "t", "lsbd_vae")


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.floats(-10, 10), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2)
        )
    )
)
def test_givens_products_are_special_orthogonal(case):
    n, angles = case
    q = givens_product(torch.tensor(angles, dtype=torch.float64), n)
    assert torch.allclose(q @ q.T, torch.eye(n, dtype=torch.float64), atol=1e-9)
    assert torch.linalg.det(q).item() == pytest.approx(1.0)


def test_a_single_givens_angle_rotates_one_plane():
    angles = torch.zeros(6, dtype=torch.float64)
    angles[4] = 0.7  # planes (0,1) (0,2) (0,3) (1,2) (1,3) (2,3): the fifth is (1, 3)
    q = givens_product(angles, 4)
    expected = torch.eye(4, dtype=torch.float64)
    expected[1, 1] = expected[3, 3] = math.cos(0.7)
    expected[1, 3], expected[3, 1] = -math.sin(0.7), math.sin(0.7)
    assert torch.allclose(q, expected)
    with pytest.raises(InvalidOptionError, match="SO\\(4\\) takes 6 Givens angles, got 5"):
        givens_product(torch.zeros(5), 4)


# --- transformation terms ------------------------------------------------------------------------
@pytest.mark.parametrize("term", [transformation_loss, scale_free_transformation_loss])
def test_transformation_terms_are_zero_exactly_on_an_equivariant_code(term):
    states, _, offsets = path_batch(GRID)
    assert summed(term, exact_code(GRID, states), offsets).item() == pytest.approx(0.0, abs=1e-12)
    assert summed(term, exact_code(GRID, states, frequency=3), offsets).item() > 0.1  # another representation
    constant = torch.ones_like(exact_code(GRID, states)) / math.sqrt(2)
    assert summed(term, constant + 0.01 * exact_code(GRID, states, 2), offsets).item() > 0.1  # (nearly) collapsed


def test_the_scale_free_term_ignores_scale_and_centring_matters():
    states, _, offsets = path_batch(GRID)
    code = exact_code(GRID, states, frequency=3)
    base = summed(scale_free_transformation_loss, code, offsets).item()
    assert summed(scale_free_transformation_loss, 1e-3 * code, offsets).item() == pytest.approx(base)
    shifted = exact_code(GRID, states) + torch.tensor([0.5, 0.0], dtype=torch.float64)
    assert summed(scale_free_transformation_loss, shifted, offsets).item() > 0.1  # an offset circle is not equivariant


def test_paths_of_subgroup_elements_reach_the_states_their_moves_say():
    elements = subgroup_elements(GRID)
    assert len(elements) == sum(n - 1 for n in GRID.factor_sizes)
    assert all(
        sum(GRID.group.project(n, g) != GRID.factors[n].group.identity for n in GRID.factor_names) == 1
        for g in elements
    )
    states, moves, offsets = path_batch(GRID, n=32, length=4, moves=elements)
    for t in range(4):
        for b in range(32):
            assert (GRID.act(elements[moves[b, t]], states[b, t][None])[0] == states[b, t + 1]).all()
    assert summed(scale_free_transformation_loss, exact_code(GRID, states), offsets).item() == pytest.approx(
        0, abs=1e-12
    )


def test_large_steps_tell_a_doubly_wound_circle_from_the_right_one():
    """On C64, a code at frequency 2 is off by 2π/64 a generator step, but by anything a step of a
    random element: the term over elements penalises it about a hundred times more."""
    env = envs.make("square", size=64, side=4)
    terms = []
    for moves in (env.moves, subgroup_elements(env)):
        states, _, offsets = path_batch(env, length=7, moves=moves)
        terms.append(summed(scale_free_transformation_loss, exact_code(env, states, frequency=2), offsets).item())
    assert terms[1] > 50 * terms[0]


# --- the methods ---------------------------------------------------------------------------------
def test_forward_vae_action_blocks_and_forward_term():
    model = build(tiny("forward_vae", params={"forward": "paper"})).double()
    a = model.action_matrices().detach().numpy()
    assert a.shape == (len(subgroup_elements(GRID)), 6, 6)
    for m, g in enumerate(model.moves):  # a rotation of order |g| on the owner's block, the identity elsewhere
        owner = model.owners[m]
        block = a[m, 2 * owner : 2 * owner + 2, 2 * owner : 2 * owner + 2]
        assert np.allclose(np.linalg.matrix_power(block, g.order), np.eye(2))
        assert not any(np.allclose(np.linalg.matrix_power(block, k), np.eye(2)) for k in range(1, g.order))
        rest = np.delete(np.delete(a[m], [2 * owner, 2 * owner + 1], 0), [2 * owner, 2 * owner + 1], 1)
        assert np.allclose(rest, np.eye(4))
    x = torch.from_numpy(GRID.render(GRID.states()[:8])).double()
    moves = torch.zeros(8, 1, dtype=torch.long)
    following = torch.from_numpy(GRID.render(GRID.act(model.moves[0], GRID.states()[:8]))).double()[:, None]
    terms = model.path_loss(torch.cat([x[:, None], following], dim=1), moves, 0)
    with torch.no_grad():
        mean, target = model.encoder(x)[0].numpy(), model.encoder(following[:, 0])[0].numpy()
    expected = np.mean(((mean @ a[0].T - target) ** 2).sum(axis=1))
    assert terms["forward"].item() == pytest.approx(expected, rel=1e-9)
    assert terms["loss"].item() == pytest.approx(terms["recon"].item() + terms["kl"].item() + 1000 * expected, rel=1e-9)
    model.config.forward = "scale_free"  # the same error, each dim relative to the variance of the means
    spread = np.concatenate([mean, target]).var(axis=0)
    relative = model.path_loss(torch.cat([x[:, None], following], dim=1), moves, 0)["forward"].item()
    assert relative == pytest.approx(np.mean(((mean @ a[0].T - target) ** 2 / spread).sum(axis=1)), rel=1e-9)
    with pytest.raises(InvalidOptionError, match="forward must be one of"):
        build(tiny("forward_vae", params={"forward": "magic"}))


def test_forward_vae_learnt_blocks_start_at_the_identity_and_train(tmp_path):
    run = train(tiny("forward_vae", params={"blocks": "learnt"}), tmp_path / "run", progress=False)
    assert run.learner.blocks.requires_grad
    assert not torch.allclose(run.learner.blocks, torch.eye(2).expand_as(run.learner.blocks))  # they moved
    with pytest.raises(InvalidOptionError, match="blocks must be one of"):
        train(tiny("forward_vae", params={"blocks": "magic"}), tmp_path / "bad", progress=False)


def test_lsbd_vae_codes_lie_on_circles_and_its_term_uses_the_paths():
    model = build(tiny("lsbd_vae", {"latent": 8})).double()
    states, moves, offsets = path_batch(GRID, n=4, moves=model.moves)
    frames = torch.from_numpy(GRID.render(states.reshape(-1, 3))).double().unflatten(0, states.shape[:2])
    with torch.no_grad():
        code = model.encoder(frames.flatten(0, 1))[0]
        raw = model.encoder.base(frames.flatten(0, 1))[0]
    assert torch.allclose(code[:, :6].unflatten(1, (3, 2)).norm(dim=2), torch.ones(16, 3, dtype=torch.float64))
    assert torch.equal(code[:, 6:], raw[:, 6:])  # the dims after the circles are an ordinary Gaussian latent
    terms = model.path_loss(frames, moves, 0)
    expected = summed(scale_free_transformation_loss, raw[:, :6].unflatten(1, (3, 2)).unflatten(0, (4, 4)), offsets)
    assert terms["transformation"].item() == pytest.approx(expected.item(), rel=1e-6)  # float32 angles
    circle_kl = 3 * math.log(2 * math.pi)  # the uniform prior's log-volume, less the posterior entropies
    assert terms["kl"].item() > circle_kl - 0.5 * 3 * (math.log(2 * math.pi) + 1 - 5)


def test_lsbd_vae_supervision_budget(tmp_path):
    delta_vae = build(tiny("lsbd_vae", params={"labelled": 0}))
    assert delta_vae.path_length == 0  # no paths: the unsupervised Δ-VAE
    run = train(tiny("lsbd_vae", params={"labelled": 0}), tmp_path / "delta", progress=False)
    assert "transformation" not in run.log()[-1]
    model = build(tiny("lsbd_vae", params={"labelled": 5}))
    drawn = model.sampler(GRID, seed=0).draw(np.random.default_rng(1), 200)
    starts, moves = drawn["states"][:, 0], drawn["moves"]
    assert len({(*s, *m) for s, m in zip(starts.tolist(), moves.tolist(), strict=True)}) <= 5
    assert build(tiny("lsbd_vae", params={"moves": "elements"})).moves == subgroup_elements(GRID)
    for bad in ({"labelled": -1}, {"transformation": "magic"}, {"path_length": -2}, {"moves": "any"}):
        with pytest.raises(InvalidOptionError):
            build(tiny("lsbd_vae", params=bad))
    with pytest.raises(InvalidOptionError, match="latent ≥ 6"):
        build(tiny("lsbd_vae", {"latent": 4}))


def test_quessard_rolls_one_code_forward_through_orthogonal_actions():
    model = build(tiny("quessard")).double()
    actions = model.action_matrices().detach()
    assert torch.allclose(actions @ actions.transpose(1, 2), torch.eye(6, dtype=torch.float64).expand_as(actions))
    bound = math.pi / 6
    assert model.thetas.abs().max().item() < bound
    states, moves, _ = path_batch(GRID, n=4, length=5)
    frames = torch.from_numpy(GRID.render(states.reshape(-1, 3))).double().unflatten(0, states.shape[:2])
    terms = model.path_loss(frames, moves, 0)
    with torch.no_grad():
        z = model.encoder(frames[:, 0])[0]
        assert torch.allclose(z.norm(dim=1), torch.ones(4, dtype=torch.float64))
        recon = 0.0
        for t in range(6):
            logits = model.decoder(z)
            recon += torch.nn.functional.binary_cross_entropy_with_logits(logits, frames[:, t], reduction="sum")
            if t < 5:
                z = torch.einsum("bij,bj->bi", actions[moves[:, t]], z)
        squares = model.thetas**2
        one_plane = (squares.sum(1) - squares.max(1).values).mean()
    assert terms["recon"].item() == pytest.approx(recon.item() / 24, rel=1e-9)
    assert terms["loss"].item() == pytest.approx(recon.item() / 24 + 1e-2 * one_plane.item(), rel=1e-9)


# --- end to end ----------------------------------------------------------------------------------
@pytest.mark.seeded
def test_lsbd_vae_learns_a_representation_that_passes_the_check(tmp_path, capsys):
    """A 16×16 square on a C16 × C16 torus, 300 steps (seconds): SBD and LSBD both pass. Measured over seeds
    0–4 on AVX-512, AVX2 (the same figures) and the generic kernels (ATEN_CPU_CAPABILITY=default): 5/5 pass,
    D_LSBD ≤ 0.0002 (asserted < 0.05)."""
    out = tmp_path / "run"
    settings_ = ["env.size=16", "env.side=4", "latent=4", "lr=1e-3", "batch_size=16", "architecture=mlp"]
    flags = [flag for s in settings_ for flag in ("--set", s)]
    args = ["train", "--learner", "lsbd_vae", "--env", "square", "--steps", "300", "--out", str(out), *flags]
    assert main(args) == 0
    run = Run.load(out)
    report = check(run.encoder, run.env)
    assert report.passed and report.linear_passed, report.reasons
    assert report.d_lsbd.value < 0.05
    assert main(["check", str(out), "--linear"]) == 0


@pytest.mark.seeded
@pytest.mark.slow
@pytest.mark.parametrize("model", ["lsbd_vae", "forward_vae"])
def test_symmetry_learners_learn_the_colour_of_a_tiny_gridworld(model, tmp_path):
    """C4 × C4 × C4 hues at 16×16, seeded, with the method's defaults (a circle per subgroup, the conv encoder
    plus its linear shortcut): `symgroup train` then `symgroup check` passes, every subgroup, colour
    included, with its own circle, acted on linearly. Measured over seeds 0–4 on AVX-512 and the generic
    kernels (ATEN_CPU_CAPABILITY=default), with disentanglement_lib's decoder: 5/5 for both learners, the
    largest subgroup's D_LSBD ≤ 0.013 (asserted < 0.05)."""
    out = tmp_path / "run"
    flags = [flag for s in ("env.n=4", "env.hues=4", "env.image_size=16") for flag in ("--set", s)]
    assert main(["train", "--learner", model, "--env", "gridworld", "--steps", "400", "--out", str(out), *flags]) == 0
    assert Run.load(out).config.params["architecture"] == "conv_linear"
    report = check(Run.load(out).encoder, Run.load(out).env)
    assert report.passed and report.linear_passed, report.reasons
    assert max(report.d_lsbd.scores.values()) < 0.05
    assert main(["check", str(out), "--linear"]) == 0


@pytest.mark.seeded
@pytest.mark.slow
def test_lsbd_vae_learns_the_dihedral_pose_of_dihedral_glyph(tmp_path, capsys):
    """D4 × C4 × C4: the pose's block is acted on by D4's 2-D irrep; trained until the check passes. Measured
    over seeds 0–4 on AVX-512 and the generic kernels (ATEN_CPU_CAPABILITY=default), with
    disentanglement_lib's decoder: 5/5 pass, at steps 75–225, with the pose's D_LSBD 0.011–0.049 at the
    first passing check (asserted < 0.1: Tonnaer's whole-code form scores about twice the former one)."""
    out = tmp_path / "run"
    args = ["train", "--learner", "lsbd_vae", "--env", "dihedral_glyph", "--steps", "600", "--out", str(out)]
    assert main([*args, "--until-pass", "--check-every", "25"]) == 0
    assert "passed the check at step" in capsys.readouterr().out
    report = check(Run.load(out).encoder, "dihedral_glyph")
    assert report.passed and report.linear_passed and report.d_lsbd.scores["pose"] < 0.1
