"""Learners for worlds with a domain (ADDA, UFDN, StarGAN, DiscoGAN), InfoGAN and InfoGAN-CR: each loss
term against an independent numpy formula on a fixed batch, the domain sampler, the translators' action on
images, and seeded runs that show the direction of each learner's claim."""

import copy

import numpy as np
import pytest
import torch

import envs
from symgroup.check import check, check_action
from symgroup.errors import InvalidOptionError
from symgroup.learn import TrainConfig, train
from symgroup.learn.infogan import cr_generator, cr_trunk
from symgroup.learn.registry import build_learner
from symgroup.learn.samplers import Domains
from symgroup.learn.translators import clip
from symgroup.present.traverse import describe, traversal_grid

TINY = {"n": 4, "hues": 2, "image_size": 16}  # 96 states (styles 3), 3×16×16 images
FROZEN = 1e-12  # a learning rate that leaves the modules as they were: terms logged after an update match


def made(name, styles=3, **params):
    options = {**TINY, "styles": styles}
    config = TrainConfig(
        env="styled_gridworld",
        env_options=options,
        learner=name,
        params={"architecture": "mlp", "batch_size": 8, "latent": 4, **params},
    )
    env = envs.make("styled_gridworld", **options)
    torch.manual_seed(0)
    learner = build_learner(config, env)[1]
    return learner, learner.sampler(env, 0).sample(np.random.default_rng(0)), env


def numpy(t):
    return t.detach().double().numpy()


def bce(logits, real):
    """−mean log σ(l) (real) or −mean log(1 − σ(l))."""
    v = numpy(logits)
    return float(np.mean(np.log1p(np.exp(-v if real else v))))


def cross_entropy(logits, labels):
    v, y = numpy(logits), labels.numpy()
    top = v.max(axis=1, keepdims=True)
    log_softmax = v - top - np.log(np.exp(v - top).sum(axis=1, keepdims=True))
    return float(-np.mean(log_softmax[np.arange(len(y)), y])), log_softmax


def bce_sum(logits, x):
    v, t = numpy(logits), numpy(x)
    return float(np.sum(np.maximum(v, 0) - v * t + np.log1p(np.exp(-np.abs(v)))) / len(v))


def copy_of(generator):
    twin = torch.Generator()
    twin.set_state(generator.get_state())
    return twin


def test_adda_classifies_the_source_then_adapts_the_target_against_a_critic():
    adda, batch, _ = made("adda", source_steps=1, source_lr=FROZEN, lr=FROZEN)
    labels = batch["source_states"][:, adda.label_column]
    with torch.no_grad():
        expected, _ = cross_entropy(adda.classifier(adda.source(batch["source"])[0]), labels)
    assert adda.training_step(batch, 0)["classification"] == pytest.approx(expected, rel=1e-5)
    assert not adda.adapting
    with torch.no_grad():  # the first adaptation step starts M_t from M_s
        on_source, on_target = (
            adda.critic(adda.source(batch["source"])[0]),
            adda.critic(adda.source(batch["target"])[0]),
        )
    terms = adda.training_step(batch, 1)
    pairs = zip(adda.source.parameters(), adda.target.parameters(), strict=True)
    assert adda.adapting and all(torch.allclose(a, b, atol=1e-9) for a, b in pairs)
    assert terms["critic"] == pytest.approx(bce(on_source, True) + bce(on_target, False), rel=1e-5)
    assert terms["mapping"] == pytest.approx(bce(on_target, True), rel=1e-5)


def test_ufdn_terms_and_the_inverted_domain_code():
    ufdn, batch, _ = made("ufdn", lr=FROZEN, kl=0.5, adversary=2.0)
    x, domain = batch["x"], batch["states"][:, 3]
    noise = torch.randn(len(x), 4, generator=copy_of(ufdn.rng))
    with torch.no_grad():
        mean, log_variance = ufdn.encoder(x)
        z = mean + torch.exp(0.5 * log_variance) * noise
        critic, log_softmax = cross_entropy(ufdn.critic(z), domain)
        inverted = (1 - np.eye(3)[domain.numpy()]) / 2  # (1 − onehot(d))/(K − 1)
        confusion = float(-np.mean((inverted * log_softmax).sum(axis=1)))
        recon = bce_sum(ufdn.decoder(torch.cat([z, torch.eye(3)[domain]], dim=1)), x)
        m, v = numpy(mean), numpy(log_variance)
        kl = float(np.mean(0.5 * (m**2 + np.exp(v) - v - 1).sum(axis=1)))
        head, _ = cross_entropy(ufdn.domain_head(x)[0], domain)
    terms = ufdn.training_step(batch, 0)
    for name, value in (
        ("critic", critic),
        ("confusion", confusion),
        ("recon", recon),
        ("kl", kl),
        ("domain_head", head),
    ):
        assert terms[name] == pytest.approx(value, rel=1e-5), name
    assert terms["loss"] == pytest.approx(recon + 0.5 * kl + 2.0 * confusion, rel=1e-5)


def test_stargan_critic_and_generator_terms():
    star, batch, _ = made("stargan", lr=FROZEN, classification=0.7, reconstruction=3.0, spectral=False)
    x, domain = batch["x"], batch["states"][:, 3]
    target = torch.randint(3, domain.shape, generator=copy_of(star.rng))
    with torch.no_grad():
        fake = star.translator(x, torch.eye(3)[target])
        real_out, fake_out = star.critic(x), star.critic(fake)
        cycle = float(np.mean(np.abs(numpy(x) - numpy(star.translator(fake, torch.eye(3)[domain])))))
    terms = star.training_step(batch, 0)
    critic = bce(real_out[:, 0], True) + bce(fake_out[:, 0], False) + 0.7 * cross_entropy(real_out[:, 1:], domain)[0]
    assert terms["critic"] == pytest.approx(critic, rel=1e-5)
    assert terms["adversarial"] == pytest.approx(bce(fake_out[:, 0], True), rel=1e-5)
    assert terms["classification"] == pytest.approx(cross_entropy(fake_out[:, 1:], target)[0], rel=1e-5)
    assert terms["cycle"] == pytest.approx(cycle, rel=1e-5)


def test_stargan_wasserstein_critic_with_gradient_penalty_and_generator_every_kth_step():
    """The paper's WGAN-GP objective: the critic's terms against the formula (the penalty's gradient by
    forward differences along each image's own gradient direction), and G stepping only every
    ``critic_steps``-th step."""
    star, batch, _ = made(
        "stargan",
        lr=1e-3,
        classification=0.7,
        gradient_penalty=3.0,
        adversarial="wgan_gp",
        critic_steps=2,
        spectral=False,
    )
    x, domain = batch["x"], batch["states"][:, 3]
    twin = copy_of(star.rng)
    target = torch.randint(3, domain.shape, generator=twin)
    alpha = torch.rand(len(x), 1, 1, 1, generator=twin)
    before = [p.detach().clone() for p in star.translator.parameters()]
    critic = copy.deepcopy(star.critic).double()
    with torch.no_grad():
        fake = star.translator(x, torch.eye(3)[target]).double()
    between = alpha.double() * x.double() + (1 - alpha.double()) * fake
    norms = []
    for image in between:  # ‖∇D(x̂)‖ = the derivative of D along its own gradient's direction
        image = image[None].requires_grad_(True)
        direction = torch.autograd.grad(critic(image)[0, 0], image)[0]
        direction = direction / direction.norm()
        with torch.no_grad():
            h = 1e-6
            norms.append(float(critic(image + h * direction)[0, 0] - critic(image - h * direction)[0, 0]) / (2 * h))
    with torch.no_grad():
        real_out, fake_out = critic(x.double()), critic(fake)
    expected = (
        float(fake_out[:, 0].mean() - real_out[:, 0].mean())
        + 3.0 * float(np.mean((np.array(norms) - 1) ** 2))
        + 0.7 * cross_entropy(real_out[:, 1:], domain)[0]
    )
    terms = star.training_step(batch, 0)
    assert terms == {"loss": pytest.approx(expected, rel=1e-4), "critic": pytest.approx(expected, rel=1e-4)}
    assert all(torch.equal(a, b) for a, b in zip(before, star.translator.parameters(), strict=True))  # G waits
    terms = star.training_step(batch, 1)
    assert set(terms) == {"loss", "critic", "adversarial", "classification", "cycle"}
    assert not all(torch.equal(a, b) for a, b in zip(before, star.translator.parameters(), strict=True))


def test_a_translators_clip_blocks_only_the_gradient_that_pushes_a_pixel_further_out():
    """clip is clamp(v, 0, 1) forward; backward, a pixel below 0 (or above 1) gets the gradient that
    would bring it back and no other — torch.clamp's zero gradient there would leave it dead."""
    v = torch.tensor([-0.5, -0.5, 0.3, 0.3, 1.5, 1.5], requires_grad=True)
    out = clip(v)
    assert torch.equal(out, v.detach().clamp(0, 1))
    grad = torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])  # dL/dv: a descent step moves v by −grad
    (v_grad,) = torch.autograd.grad(out, v, grad)
    assert v_grad.tolist() == [0.0, -1.0, 1.0, -1.0, 1.0, 0.0]


def test_a_spectrally_normalised_critic_is_lipschitz_in_each_layer():
    """Each layer's weight (a convolution's reshaped to a matrix) has largest singular value 1 once the
    power iteration has run, so D_cls cannot swing on a small change of its input."""
    star, batch, _ = made("stargan", architecture="conv", latent=4)
    plain = made("stargan", architecture="conv", latent=4, spectral=False)[0]
    with torch.no_grad():
        for _ in range(50):
            star.critic(batch["x"])  # each training-mode forward runs one power iteration
        layers = [m for m in star.critic.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
        norms = [float(torch.linalg.matrix_norm(m.weight.flatten(1), ord=2)) for m in layers]
    assert len(layers) == 6 and norms == pytest.approx([1.0] * 6, abs=1e-2)
    assert not any(hasattr(m, "parametrizations") for m in plain.critic.modules())


def test_discogan_critics_generators_and_cycle():
    disco, batch, _ = made("discogan", styles=2, lr=FROZEN, reconstruction=0.3, spectral=False)
    a, b = batch["source"], batch["target"]
    with torch.no_grad():
        ab, ba = disco.ab(a), disco.ba(b)
        critics = (
            bce(disco.critic_a(a), True)
            + bce(disco.critic_a(ba), False)
            + bce(disco.critic_b(b), True)
            + bce(disco.critic_b(ab), False)
        )
        adversarial = bce(disco.critic_b(ab), True) + bce(disco.critic_a(ba), True)
        cycle = float(np.mean((numpy(disco.ba(ab)) - numpy(a)) ** 2) + np.mean((numpy(disco.ab(ba)) - numpy(b)) ** 2))
    terms = disco.training_step(batch, 0)
    assert terms["critics"] == pytest.approx(critics, rel=1e-5)
    assert terms["adversarial"] == pytest.approx(adversarial, rel=1e-5)
    assert terms["cycle"] == pytest.approx(cycle, rel=1e-5)
    assert terms["loss"] == pytest.approx(critics + adversarial + 0.3 * cycle, rel=1e-5)


def test_domain_batches_keep_the_training_distribution_of_each_domain():
    env = envs.make("styled_gridworld", **TINY, correlation=1.0)
    drawn = Domains(env, 200, "style").draw(np.random.default_rng(0), 200)
    source, target = drawn["source_states"], drawn["target_states"]
    assert (source[:, 3] == 0).all() and (target[:, 3] != 0).all() and len(source) == len(target) == 200
    assert (source[:, 3] == source[:, 2] % 3).all() and (target[:, 3] == target[:, 2] % 3).all()  # still tied
    assert set(target[:, 3]) == {1}  # hues 2: colour mod 3 is never 2


def test_a_translator_acts_through_its_domain_classifier():
    star, _, env = made("stargan")
    states = env.states()[:6]
    x = torch.from_numpy(env.render(states))
    seen = {}
    star.translate = lambda images, source, target: seen.update(source=source, target=target) or images
    star.classify_domain = lambda images: torch.eye(3)[torch.from_numpy(states[:, 3])] * 5
    star.act(x, [env.group.embed("style", 2)] * len(x))
    assert seen["source"].tolist() == states[:, 3].tolist()
    assert seen["target"].tolist() == ((states[:, 3] + 2) % 3).tolist()
    with pytest.raises(InvalidOptionError, match="acts by its domain 'style' only"):
        star.act(x, [env.group.embed("x", 1)] * len(x))


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("discogan", {}, "translates between two domains"),
        ("adda", {"label": "style"}, "adda's label must be"),
        ("ufdn", {"domain": "shape"}, "domain must be a cyclic subgroup"),
    ],
)
def test_domain_learners_refuse_what_they_cannot_learn(name, params, message):
    with pytest.raises(InvalidOptionError, match=message):
        made(name, **params)


def movement(learner, env):
    report = check(learner.eval(), env, invariant=("style",), validate=False)
    return report.sbd.invariances["style"].movement


def trained(name, tmp_path, steps, styles=3, **params):
    options = {**TINY, "styles": styles}
    params = {"architecture": "mlp", "batch_size": 32, **params}
    config = TrainConfig(
        env="styled_gridworld",
        env_options=options,
        learner=name,
        steps=steps,
        seed=0,
        checkpoint_every=steps,
        params=params,
    )
    env = envs.make("styled_gridworld", **options)
    torch.manual_seed(0)
    return build_learner(config, env)[1], train(config, tmp_path / name, progress=False), env


@pytest.mark.seeded
@pytest.mark.slow
def test_adda_target_code_moves_less_with_the_style_and_keeps_the_label(tmp_path):
    """Measured over seeds 0–4 on AVX-512, AVX2 (the same figures) and the generic kernels
    (ATEN_CPU_CAPABILITY=default): the style moves the adapted code 0.45–0.52 as much as the untrained one's
    (asserted < 0.7), and the label is read right in every state (asserted > 0.95)."""
    untrained, run, env = trained("adda", tmp_path, 400, latent=6, source_steps=200)
    assert movement(run.learner, env) < 0.7 * movement(untrained, env)
    with torch.no_grad():
        guessed = run.learner.classify(torch.from_numpy(env.render(env.states()))).argmax(dim=1).numpy()
    assert np.mean(guessed == env.states()[:, run.learner.label_column]) > 0.95  # every domain, target included


@pytest.mark.seeded
@pytest.mark.slow
def test_ufdn_code_moves_less_with_the_style_and_its_decoder_acts_by_it(tmp_path):
    """Measured over seeds 0–4 on AVX-512, AVX2 (the same figures) and the generic kernels: the style moves the
    code 0.31–0.35 as much as the untrained one's (asserted < 0.5); swapping the domain code lands on g·s in
    0.31–0.41 of states against the untrained 0.01 (asserted > 5×)."""
    untrained, run, env = trained("ufdn", tmp_path, 400, latent=6, lr=1e-3)
    assert movement(run.learner, env) < 0.5 * movement(untrained, env)
    hits = [g.hit for g in check_action(run.learner.act, env).generators]
    assert min(hits) > 5 * max(g.hit for g in check_action(untrained.act, env).generators)


@pytest.mark.seeded
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "styles", "steps", "hit", "kept"), [("stargan", 3, 800, 0.3, 0.9), ("discogan", 2, 600, 0.8, 0.8)]
)
def test_a_trained_translator_moves_the_style_and_keeps_the_rest(name, styles, steps, hit, kept, tmp_path):
    """Each generator's hit (the share of states it lands on g·s) and kept (the other factors kept), the
    smallest over generators, measured over seeds 0–4 on the machine's own (AVX-512) and the generic kernels
    (ATEN_CPU_CAPABILITY=default): StarGAN's hit 0.5–0.83 and kept 1.0 on both, DiscoGAN's (spectrally
    normalised critics, its default) hit = kept 0.98–1.0 natively and 0.97–1.0 generic (0.64–0.95 without
    them); untrained, both hit 0. Asserted: ``hit``, ``kept``. This tiny recipe (an MLP, 800 steps) does not
    reach StarGAN's own claim; benchmarks/controls.toml does."""
    untrained, run, env = trained(name, tmp_path, steps, styles)
    before, after = check_action(untrained.act, env), check_action(run)  # a run: its learner's domain
    assert after.subgroups == ("style",) and max(g.hit for g in before.generators) < 0.05
    assert min(g.hit for g in after.generators) > hit and min(g.kept for g in after.generators) > kept


def test_a_translator_is_drawn_acting_by_its_domain(tmp_path):
    run = trained("stargan", tmp_path, 2)[1]
    grid = traversal_grid(run)
    assert grid.shape == (16 + 2 * 2, 3 * 16 + 4 * 2, 3)  # one row: the 3 styles, 2-pixel gaps around each
    assert "(style)" in describe(run)


def infogan(**params):
    config = TrainConfig(
        env="gridworld", env_options=TINY, learner="infogan", params={"architecture": "mlp", "batch_size": 8, **params}
    )
    env = envs.make("gridworld", **TINY)
    torch.manual_seed(0)
    return build_learner(config, env)[1], env


def test_infogan_codes_one_per_subgroup_and_its_information_term():
    gan, _ = infogan()
    draws = gan.draw_codes(6, torch.device("cpu"))
    codes = gan.code_vector(draws)
    assert gan.sizes == [4, 4, 2] and codes.shape == (6, 10) and (codes.sum(dim=1) == 3).all()  # one-hot each
    q = torch.randn(6, 10, dtype=torch.float64)
    expected = sum(cross_entropy(part, d)[0] for part, d in zip(q.split([4, 4, 2], dim=1), draws, strict=True))
    assert float(gan.information_loss(q, codes, draws)) == pytest.approx(expected, rel=1e-9)
    circles, _ = infogan(codes="circle")
    draws = circles.draw_codes(6, torch.device("cpu"))
    codes = circles.code_vector(draws)
    assert codes.shape == (6, 6) and torch.allclose(codes[:, 0], draws[0].cos())
    q = torch.randn(6, 6)
    expected = float(np.mean(0.5 * ((numpy(q) - numpy(codes)) ** 2).sum(axis=1)))
    assert float(circles.information_loss(q, codes, draws)) == pytest.approx(expected, rel=1e-5)
    encoded = gan.encode(torch.zeros(2, 3, 16, 16))
    assert encoded.shape == (2, 10) and torch.allclose(encoded[:, :4].sum(dim=1), torch.ones(2))  # Q's softmaxes
    numbers, _ = infogan(codes="uniform")
    draws = numbers.draw_codes(1000, torch.device("cpu"))
    codes = numbers.code_vector(draws)
    assert codes.shape == (1000, 3) and torch.equal(codes[:, 1], draws[1])
    assert codes.min() >= -1 and codes.max() <= 1 and abs(float(codes.mean())) < 0.05  # U(−1, 1)
    q = torch.randn(1000, 3)
    expected = float(np.mean(0.5 * ((numpy(q) - numpy(codes)) ** 2).sum(axis=1)))
    assert float(numbers.information_loss(q, codes, draws)) == pytest.approx(expected, rel=1e-5)
    assert numbers.encode(torch.zeros(2, 3, 16, 16)).shape == (2, 3)  # Q's predicted numbers
    alone, _ = infogan(codes="uniform", noise=0)  # the codes are G's only input
    assert alone.decode(codes[:4]).shape == (4, 3, 16, 16)


def test_infogan_uniform_codes_traverse_the_middles_of_equal_bins():
    """A uniform code's k-th of N values is the middle of the k-th of N equal bins of (−1, 1)."""
    gan, _ = infogan(codes="uniform")
    values = gan.value(torch.arange(4), 4)
    assert torch.allclose(values, torch.tensor([-0.75, -0.25, 0.25, 0.75]))


@pytest.mark.parametrize("codes", ["categorical", "circle", "uniform"])
def test_infogan_traverses_each_code_over_its_values_with_the_rest_fixed(codes):
    """code_traversals: per code, (values, n, C, H, W) images, the same for the same seed; changing the
    code changes G's images."""
    gan, _ = infogan(codes=codes)
    traversals = gan.code_traversals(5, seed=3)
    assert [t.shape for t in traversals] == [(4, 5, 3, 16, 16), (4, 5, 3, 16, 16), (2, 5, 3, 16, 16)]
    assert all(np.array_equal(a, b) for a, b in zip(traversals, gan.code_traversals(5, seed=3), strict=True))
    assert not np.array_equal(traversals[0][0], traversals[0][1])  # the code moves G's images


def test_infogan_cr_pairs_share_one_code_and_its_classifier_names_which():
    """InfoGAN-CR's regulariser: a pair G(z, c), G(z, c') shares code i (c'_i = c_i, the other codes
    drawn afresh, the noise shared), H sees both images as channels of one input, and G's term is
    α·CE(H(pair), i); before ``contrastive_from`` there is no term and H is not trained (it starts
    fresh then)."""
    config = TrainConfig(
        env="gridworld",
        env_options=TINY,
        learner="infogan_cr",
        params={
            "architecture": "mlp",
            "batch_size": 8,
            "contrast_lr": FROZEN,
            "lr": FROZEN,
            "critic_lr": FROZEN,
            "contrastive": 0.3,
        },
    )
    torch.manual_seed(0)
    cr = build_learner(config, envs.make("gridworld", **TINY))[1]
    twin = copy_of(cr.rng)
    shared = torch.randint(3, (8,), generator=twin)
    first = [torch.randint(size, (8,), generator=twin) for size in cr.sizes]
    second = [torch.randint(size, (8,), generator=twin) for size in cr.sizes]
    noise = torch.randn(8, cr.config.noise, generator=twin)
    second = [torch.where(shared == k, a, b) for k, (a, b) in enumerate(zip(first, second, strict=True))]
    for k in range(3):
        assert torch.equal(first[k][shared == k], second[k][shared == k])
    with torch.no_grad():
        pair = torch.cat([cr.generate(noise, cr.code_vector(d)) for d in (first, second)], dim=1)
        expected = cross_entropy(cr.contrast(pair), shared)[0]
    term, logged = cr.regulariser(8, 0, torch.device("cpu"))
    assert pair.shape[1] == 6 and logged["contrast"].item() == pytest.approx(expected, rel=1e-5)
    assert term.item() == pytest.approx(0.3 * expected, rel=1e-4)
    later = build_learner(
        TrainConfig(
            env="gridworld",
            env_options=TINY,
            learner="infogan_cr",
            params={"architecture": "mlp", "contrastive_from": 5},
        ),
        envs.make("gridworld", **TINY),
    )[1]
    term, logged = later.regulariser(8, 4, torch.device("cpu"))  # before contrastive_from: no term
    assert float(term) == 0 and logged == {}
    h = [p.detach().clone() for p in later.contrast.parameters()]
    later.training_step(later.sampler(envs.make("gridworld", **TINY), 0).sample(np.random.default_rng(0)), 4)
    assert all(torch.equal(a, b) for a, b in zip(h, later.contrast.parameters(), strict=True))  # nor is H trained
    assert later.optimisers()["contrast"].state == {}


@pytest.mark.parametrize("side", [16, 32, 64])
def test_infogan_cr_networks_are_its_papers_sized_to_the_world(side):
    """cr_generator: 4×4 → side by up-convolutions (four at 64×64, as the official dSprites network);
    cr_trunk: 128 features, every layer spectrally normalised; a side that is no power of 2 is refused."""
    generator, trunk = cr_generator(7, (3, side, side)), cr_trunk((6, side, side))
    assert generator(torch.zeros(2, 7)).shape == (2, 3, side, side)
    assert sum(isinstance(m, torch.nn.ConvTranspose2d) for m in generator.modules()) == int(np.log2(side // 4))
    assert trunk(torch.zeros(2, 6, side, side)).shape == (2, 128)
    weighted = [m for m in trunk.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert len(weighted) == 5 and all(torch.nn.utils.parametrize.is_parametrized(m) for m in weighted)
    with pytest.raises(InvalidOptionError, match="power of 2"):
        cr_generator(7, (3, 48, 48))


def test_infogan_cr_takes_two_generator_steps_a_critic_step():
    config = TrainConfig(env="gridworld", env_options=TINY, learner="infogan_cr", params={"batch_size": 8})
    env = envs.make("gridworld", **TINY)
    cr = build_learner(config, env)[1]
    assert cr.config.generator_steps == 2 and cr.config.information == 0.05  # the paper's
    batch = cr.sampler(env, 0).sample(np.random.default_rng(0))
    cr.training_step(batch, 0)
    steps = {name: {int(s["step"]) for s in opt.state.values()} for name, opt in cr.optimisers().items()}
    assert steps == {"generator": {2}, "critic": {1}, "contrast": {2}}  # H steps with each G step


@pytest.mark.seeded
@pytest.mark.slow
def test_infogan_recovers_its_codes_from_its_own_images(tmp_path):
    """InfoGAN's claim on its own generator: Q recovers the codes G was given, so the information term (the
    negative log-likelihood of the codes under Q) falls. Measured over seeds 0–4, 3,000 steps: the mean of
    its last ten logged values is 0.12–0.50 of its first on AVX-512 and AVX2 kernels and 0.29–0.51 on the
    generic ones (ATEN_CPU_CAPABILITY=default); asserted ≤ 0.75. Whether Q's code tells the *world's*
    factors apart is not a claim this recipe meets: its MIG beat an untrained Q's by 2× in 3 of those 5
    seeds natively and fell below it on the generic kernels (seed 0: 0.013 against 0.046), so no test
    asserts it."""
    config = TrainConfig(
        env="gridworld",
        env_options=TINY,
        learner="infogan",
        steps=3000,
        seed=0,
        log_every=50,
        checkpoint_every=3000,
        params={"architecture": "mlp", "batch_size": 32, "information": 2.0},
    )
    information = [entry["information"] for entry in train(config, tmp_path / "infogan", progress=False).log()]
    assert np.mean(information[-10:]) <= 0.75 * information[0]
