"""A learner's claims (symgroup.check.claims): oracle learners built by hand — a perfect translator, an exact
classifier, codes that ignore or keep chosen subgroups — must hold every claim they make, and their broken twins
(the identity translator, a constant classifier, a code that keeps what it should drop) must not; every built-in
learner declares claims on real subgroups that judge end to end; the command line, the report page and a study
carry them."""

import json

import numpy as np
import pytest
import torch

import envs
from symgroup.check.action import Landing
from symgroup.check.claims import (
    ActsAs,
    Classifies,
    CodesMove,
    Evidence,
    Identifies,
    Ignores,
    OwnCodes,
    Splits,
    judge,
)
from symgroup.errors import InvalidOptionError
from symgroup.learn import TrainConfig, train
from symgroup.learn.registry import LEARNERS, build_learner
from symgroup.learn.symmetry import SymmetryLearner
from symgroup.learn.vaes import VAE

WORLD = envs.make("styled_gridworld", n=3, hues=2, styles=2, image_size=16)  # 36 states, 8-pixel objects


def circles(states: np.ndarray, env, keep) -> np.ndarray:
    """(cos, sin) of each kept subgroup's angle: a code disentangled in those, blind to the rest."""
    columns = [env.factor_names.index(n) for n in keep]
    angles = 2 * np.pi * states[:, columns] / np.array(env.factor_sizes)[columns]
    return np.concatenate([np.cos(angles), np.sin(angles)], axis=1)


class Oracle(torch.nn.Module):
    """A hand-built learner: it reads each image's state exactly (the nearest image of the world), codes
    the ``keep`` subgroups as circles, classifies ``label`` and acts on images by ``act_as`` (the true action,
    or the identity when ``act_as`` is None); ``mix`` changes the code's basis, ``tangle`` turns x's circle by
    x + y (an interaction: x has no subspace of its own)."""

    def __init__(self, env, keep, label="style", act_as=True, mix=None, tangle=False):
        super().__init__()
        self.env, self.keep, self.label, self.act_as, self.mix, self.tangle = env, keep, label, act_as, mix, tangle
        self.images = torch.from_numpy(env.render(env.states())).flatten(1)
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # a module with a parameter: the check reads its device

    def states_of(self, x: torch.Tensor) -> np.ndarray:
        return self.env.states()[torch.cdist(x.flatten(1).float(), self.images).argmin(dim=1).numpy()]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states = self.states_of(x)
        if self.tangle:
            states = states + np.eye(states.shape[1], dtype=int)[0] * states[:, 1:2]
        code = circles(states, self.env, self.keep)
        return torch.from_numpy(code if self.mix is None else code @ self.mix)

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        labels = self.states_of(x)[:, self.env.factor_names.index(self.label)]
        return torch.nn.functional.one_hot(torch.from_numpy(labels), self.env.factor_sizes[-1]).float()

    def act(self, x: torch.Tensor, elements) -> torch.Tensor:
        if not self.act_as:
            return x
        states = self.states_of(x)
        moved = np.stack([self.env.act(g, s[None])[0] for g, s in zip(elements, states, strict=True)])
        return torch.from_numpy(self.env.render(moved))


def verdict(claim, learner, env=WORLD):
    return claim.judge(Evidence(learner, env))


def test_a_perfect_translator_holds_its_action_and_the_identity_does_not():
    claim = ActsAs("style", "oracle", {"hit": 0.9, "kept": 0.95, "inverse": 0.85, "moved": 0.8})
    perfect = verdict(claim, Oracle(WORLD, WORLD.factor_names))
    assert perfect.passed and {r.figure: r.measured for r in perfect.requirements} == {
        "hit": 1.0,
        "kept": 1.0,
        "inverse": 1.0,
        "moved": pytest.approx(1.0),
    }
    assert perfect.figures == {"identity": 1.0}
    still = verdict(claim, Oracle(WORLD, WORLD.factor_names, act_as=False))
    assert not still.passed
    measured = {r.figure: r.measured for r in still.requirements}
    assert measured["hit"] == 0 and measured["moved"] == pytest.approx(0) and measured["kept"] == 1
    assert "hit 0 (≥ 0.9 needed)" in still.reasons


def test_an_exact_classifier_holds_and_a_constant_one_scores_its_base_rate():
    exact = Oracle(WORLD, WORLD.factor_names)
    target = lambda states: states[:, 3] != 0  # noqa: E731 — the second style's states
    claim = Classifies(
        "style",
        exact.classify,
        0.95,
        "oracle",
        "the target domains",
        target,
        ("constant accuracy", lambda x: torch.ones(len(x), 2) * torch.tensor([1.0, 0.0])),
    )
    judged = verdict(claim, exact)
    assert judged.passed and judged.requirements[0].measured == 1.0
    assert judged.figures == {"constant accuracy": 0.0}  # every target state has style 1; the constant says 0
    constant = Classifies("style", lambda x: torch.ones(len(x), 2) * torch.tensor([1.0, 0.0]), 0.95, "oracle")
    assert verdict(constant, exact).requirements[0].measured == pytest.approx(0.5)


def test_a_code_blind_to_style_ignores_it_and_identifies_the_rest_as_a_block():
    content = ("x", "y", "colour")
    rotation = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 6)))[0]  # entangled within the block
    blind = Oracle(WORLD, content, mix=rotation)
    for code_claim in (Ignores(("style",), "oracle"), Identifies(content, "oracle", ("style",))):
        assert verdict(code_claim, blind).passed, verdict(code_claim, blind)
    seeing = Oracle(WORLD, WORLD.factor_names)
    ignores = verdict(Ignores(("style",), "oracle"), seeing)
    assert not ignores.passed and ignores.requirements[0].measured > 0.3
    collapsed = Oracle(WORLD, ("style",))  # keeps only what it should drop: no content
    assert not verdict(Identifies(content, "oracle", ("style",)), collapsed).passed


def test_splits_and_own_codes_count_the_subgroups_with_a_subspace_of_their_own():
    perfect = verdict(Splits("oracle", linear=True), Oracle(WORLD, WORLD.factor_names))
    assert perfect.passed and perfect.figures["D_LSBD"] == pytest.approx(0, abs=1e-9)
    entangled = Oracle(WORLD, WORLD.factor_names, tangle=True)  # x's circle turns with x + y
    own = verdict(OwnCodes(3, "oracle"), entangled)
    assert own.requirements[0].measured == 2 and not own.passed  # colour and style only
    assert verdict(OwnCodes(2, "oracle"), entangled).passed
    assert not verdict(Splits("oracle"), entangled).passed


def generator_traversals(env, codes_to_factors, drawing=lambda images: images):
    """A hand-built generator's traversals: code i sets the factors ``codes_to_factors[i]`` (all to its
    value), the rest of each state drawn at random, its image passed through ``drawing``;
    (values, n, C, H, W) per code."""

    def traversals(n, seed):
        rng = np.random.default_rng(seed)
        out = []
        for columns in codes_to_factors:
            base = env.sample_states(n, rng)
            sizes = [env.factor_sizes[c] for c in columns]
            rows = []
            for value in range(max(sizes) if sizes else 3):
                states = base.copy()
                for c, size in zip(columns, sizes, strict=True):
                    states[:, c] = value % size
                rows.append(drawing(env.render(states)))
            out.append(np.stack(rows))
        return out

    return traversals


def test_codes_move_counts_the_subgroups_a_code_of_the_generator_moves_alone():
    """Each code moving one factor: every factor owned. A code that moves x and y together owns none of
    them; a code that moves nothing (a collapsed generator) owns nothing."""
    perfect = verdict(CodesMove(4, generator_traversals(WORLD, [[0], [1], [2], [3]]), "oracle"), Oracle(WORLD, ()))
    assert perfect.passed and perfect.requirements[0].measured == 4
    assert perfect.figures == {
        "code 0 moves x alone": 1.0,
        "code 1 moves y alone": 1.0,
        "code 2 moves colour alone": 1.0,
        "code 3 moves style alone": 1.0,
        "images that draw a state": 1.0,
    }
    tangled = verdict(CodesMove(2, generator_traversals(WORLD, [[0, 1], [2], []]), "oracle"), Oracle(WORLD, ()))
    assert tangled.requirements[0].measured == 1 and not tangled.passed  # colour only
    assert tangled.figures["code 0 moves x alone"] < 0.2  # only where y happened to start at the same value


def test_codes_move_counts_only_images_that_draw_a_state():
    """A nearest state is found for any image: a generator whose images carry noise of twice the energy
    that drawing allows (half the spread of the world's images: 14.6 here; σ 0.2 on 768 pixels gives
    31) moves nothing, though each image's nearest state follows its code; with noise of an eighth of
    it (σ 0.05) it still moves every subgroup alone."""
    rng = np.random.default_rng(0)
    codes = [[0], [1], [2], [3]]
    noisy = generator_traversals(WORLD, codes, lambda images: images + 0.2 * rng.standard_normal(images.shape))
    assert every_nearest_follows_the_code(noisy)
    far = verdict(CodesMove(1, noisy, "oracle"), Oracle(WORLD, ()))
    assert far.requirements[0].measured == 0 and far.figures["images that draw a state"] == 0.0
    near = generator_traversals(WORLD, codes, lambda images: images + 0.05 * rng.standard_normal(images.shape))
    assert verdict(CodesMove(4, near, "oracle"), Oracle(WORLD, ())).passed


def every_nearest_follows_the_code(traversals):
    """Whether each image of code i lands, on its nearest state, on the value code i set."""
    landing = Landing(WORLD, 256)
    for i, images in enumerate(traversals(16, 0)):
        landed = WORLD.states()[landing.nearest(images.reshape(-1, *images.shape[2:]))][:, i]
        if not (landed.reshape(images.shape[:2]) == np.arange(len(images))[:, None] % WORLD.factor_sizes[i]).all():
            return False
    return True


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_every_learner_declares_claims_on_its_world_that_judge_end_to_end(name):
    """Untrained (one step), each learner's claims name real subgroups and judge without error; the
    VAE family claims nothing the checker measures, every other family something."""
    env_options = {"n": 3, "hues": 3, "styles": 2 if name == "discogan" else 3, "image_size": 16}
    env = envs.make("styled_gridworld", **env_options)
    config = TrainConfig(env="styled_gridworld", env_options=env_options, learner=name, params={"architecture": "mlp"})
    torch.manual_seed(0)
    learner = build_learner(config, env)[1].eval()
    verdicts = judge(learner, env)
    vae_family = isinstance(learner, VAE) and not isinstance(learner, SymmetryLearner)
    assert (not verdicts) == vae_family, [v.claim for v in verdicts]
    for v in verdicts:
        assert v.statement and v.requirements and json.dumps(v.to_dict())
        for subgroup in env.factor_names:
            assert f"'{subgroup}'" not in v.claim  # names are plain, not repr'd


def test_check_claims_at_the_command_line_in_its_json_and_on_the_page(tmp_path, capsys):
    from symgroup.cli import main
    from symgroup.learn.run import Run
    from symgroup.present.run_page import html_report

    out = tmp_path / "run"
    options = {"n": 3, "hues": 2, "styles": 3, "image_size": 16}
    train(
        TrainConfig(
            env="styled_gridworld", env_options=options, learner="stargan", steps=2, params={"architecture": "mlp"}
        ),
        out,
        progress=False,
    )
    code = main(["check", str(out), "--claims", "--json", str(tmp_path / "report.json")])
    text = capsys.readouterr().out
    assert "claims of stargan:" in text and "it acts on images as style" in text and "accuracy" in text
    saved = json.loads((tmp_path / "report.json").read_text())["claims"]
    assert [c["claim"] for c in saved] == ["it acts on images as style", "it classifies style on every state"]
    assert code == (0 if all(c["passed"] for c in saved) else 1)
    page = html_report([Run.load(out)])
    assert "<h3>Claims of stargan</h3>" in page and "claim: it acts on images as style" in page
    np.save(tmp_path / "codes.npy", np.zeros((WORLD.n_states, 2)))
    assert main(["check", str(tmp_path / "codes.npy"), "--claims"]) == 2
    assert "is a table of codes, not a run directory" in capsys.readouterr().err


def test_a_study_that_asks_for_claims_tabulates_them(tmp_path, capsys):
    from symgroup.cli import main
    from symgroup.present.study_page import html_study_report
    from symgroup.study import Study, run_study

    spec = {
        "base": {
            "env": "styled_gridworld",
            "steps": 2,
            "env_options": {"n": 3, "hues": 2, "image_size": 16},
            "params": {"architecture": "mlp"},
        },
        "sweep": [{"learner": ["stargan", "beta_vae"], "seed": [0, 1]}],
        "evaluation": {"claims": True},
    }
    rows = run_study(Study.from_dict(spec), tmp_path, executor="serial", progress=False)
    stargan = [r for r in rows if r["learner"] == "stargan"]
    assert all(len(r["claims"]) == 2 for r in stargan) and all(r["claims"] == [] for r in rows if r not in stargan)
    assert main(["study", "table", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    held = sum(r["claims"][0]["passed"] for r in stargan)
    line = next(line for line in text.splitlines() if "it acts on images as style" in line)
    assert f"| {held}/2 |" in line and "hit " in line and "(≥ 0.9)" in line and "identity" in line
    assert "| beta_vae | styled_gridworld(" in text  # the pass-rate table has every learner
    assert main(["study", "table", str(tmp_path / "elsewhere")]) == 2
    assert "holds no finished runs" in capsys.readouterr().err
    assert "id='claims'" in html_study_report(rows)
    assert Study.from_dict({**spec, "evaluation": {}}).cells()[0].key == Study.from_dict(spec).cells()[0].key
    with pytest.raises(InvalidOptionError, match="claims must be true or false, got 'yes'"):
        Study.from_dict({**spec, "evaluation": {"claims": "yes"}})
