"""`symgroup demo` and `symgroup report`: the side-by-side comparison, the self-contained HTML page,
and the page in a real headless browser."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import load_in_chromium, needs_browser

import envs
from envs.square import Square
from symgroup.cli import main
from symgroup.learn import TrainConfig, train
from symgroup.learn.run import Run
from symgroup.present.run_page import write_report
from symgroup.present.study_page import write_study_report
from symgroup.present.traverse import traversal_grid
from symgroup.study import Study, run_study

TINY = ["--set", "env.n=4", "--set", "env.hues=4", "--set", "env.image_size=16"]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--steps", "30", *TINY]) == 0
    return out


@pytest.mark.slow
def test_demo_trains_both_learners_compares_them_and_writes_a_report(demo_dir, capsys):
    runs = [Run.load(demo_dir / m) for m in ("beta_vae", "lsbd_vae")]
    assert [r.step for r in runs] == [30, 30]
    assert runs[0].config.params["latent"] == 10 and runs[1].config.params["latent"] == 6  # a circle per subgroup
    assert main(["demo", "--out", str(demo_dir), "--steps", "40", *TINY]) == 0  # resumes, does not restart
    table = capsys.readouterr().out
    assert [Run.load(demo_dir / m).step for m in ("beta_vae", "lsbd_vae")] == [40, 40]
    assert re.search(r"^learner\s+beta_vae\s+lsbd_vae$", table, re.M)
    for quantity in (
        "SBD (split + injective)",
        "equivariant split",
        "injective",
        "LSBD (SBD + linear)",
        "D_LSBD",
        "MIG",
        "DCI disentanglement",
        "leakage into colour",
    ):
        assert re.search(rf"^{re.escape(quantity)}\s+\S+\s+\S+$", table, re.M), quantity
    assert (demo_dir / "report.html").stat().st_size > 0


@pytest.mark.slow
def test_report_is_one_self_contained_page(demo_dir, tmp_path):
    out = tmp_path / "page" / "report.html"
    assert main(["report", str(demo_dir / "beta_vae"), str(demo_dir / "lsbd_vae"), "--out", str(out)]) == 0
    page = out.read_text()
    sources = re.findall(r"src='([^']*)'", page)
    assert len(sources) == 1 + 2 * 6  # the world's orbits; per run: curves, traversals, reconstructions, heatmap,
    # leakage, orbits
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"(src|href)=['\"](https?:|//)", page)  # nothing fetched from elsewhere
    assert page.count("<section id='run-") == 2 and "id='verdicts'" in page
    assert page.count("The decomposition its code disentangles") == 2 and "decomposition found" in page
    assert main(["report", str(tmp_path / "nowhere"), "--out", str(out)]) == 2


def test_a_latent_action_is_traversed_along_each_subgroups_elements(demo_dir):
    """A row per subgroup, a column per element (C4: 4): row i, column k decodes ρ(g_i^k)·z."""
    run = Run.load(demo_dir / "lsbd_vae")
    grid = traversal_grid(run)
    assert grid.shape == (3 * 18 + 2, 4 * 18 + 2, 3)
    x = torch.from_numpy(run.env.render(run.env.states()[:1]))
    with torch.no_grad():
        identity = run.learner.decode(run.learner.encode(x))[0].numpy().transpose(1, 2, 0)
        turned = run.learner.act(x, [run.env.group.embed("y", run.env.factors["y"].group.element(2))])
    np.testing.assert_allclose(grid[2:18, 2:18], identity, atol=1e-5)  # the identity decodes the code itself
    np.testing.assert_allclose(grid[20:36, 38:54], turned[0].numpy().transpose(1, 2, 0), atol=1e-5)


def test_a_vaes_traversals_sweep_each_latent_across_its_codes(demo_dir):
    run = Run.load(demo_dir / "beta_vae")
    assert traversal_grid(run, steps=5).shape == (10 * 18 + 2, 5 * 18 + 2, 3)  # a row per latent


@pytest.mark.slow
@needs_browser
def test_report_loads_in_headless_chromium_without_console_errors(demo_dir, tmp_path):
    page = load_in_chromium(demo_dir / "report.html", "verdicts", tmp_path / "report.png")
    assert page.errors == [] and page.shown and page.images_loaded
    assert "SBD (split + injective)" in page.text and "lsbd_vae" in page.text
    assert re.search(r"(PASS|FAIL) (PASS|FAIL)", page.text)
    assert page.screenshot.shape[1] == 1200 and page.screenshot.std() > 0.05  # the page, drawn: not a blank window
    assert page.width <= 1200  # long reasons wrap, wide tables scroll in their box: the page never overflows


def test_the_command_line_shows_a_vaes_posterior_and_judges_its_sample_on_request(demo_dir, tmp_path, capsys):
    """The flag reaches the text, the JSON and the page from one computation (collapse itself is
    tested on hand-built posteriors in test_check_posterior.py)."""
    run = demo_dir / "beta_vae"
    assert main(["check", str(run), "--json", str(tmp_path / "mean.json")]) in (0, 1)
    text = capsys.readouterr().out
    posterior = json.loads((tmp_path / "mean.json").read_text())["posterior"]
    assert posterior["representation"] == "mean" and len(posterior["activity"]) == 10
    assert re.search(rf"posterior \(mean judged\): {len(posterior['active'])} of 10 latents active", text)
    assert ("COLLAPSED" in text) == posterior["collapsed"]
    assert main(["check", str(run), "--sampled", "--json", str(tmp_path / "sample.json")]) in (0, 1)
    assert json.loads((tmp_path / "sample.json").read_text())["posterior"]["representation"] == "sample"
    page = (demo_dir / "report.html").read_text()
    assert re.search(r"<td>posterior</td><td>(COLLAPSED|\d+/10 latents active)</td>", page)
    codes = tmp_path / "codes.npy"
    np.save(codes, np.zeros((64, 2)))
    assert main(["check", str(codes), "--sampled", *TINY]) == 2  # a code table has no posterior
    assert "posterior" in capsys.readouterr().err


HOSTILE = "<img src=x onerror=document.documentElement.dataset.ran=1>"  # markup that runs script if not escaped
SHOWN = "return [document.documentElement.dataset.ran || null, document.body.innerText.includes(arguments[0])]"


@pytest.mark.slow
@needs_browser
def test_report_pages_show_hostile_names_as_text_and_run_nothing(tmp_path):
    """Someone else's runs: a run directory, a world name and a config value that hold markup. Both pages show
    them as text, and the markup runs nothing in a real browser."""
    world = f"square{HOSTILE}"
    envs.register(world)(type("HostileSquare", (Square,), {}))
    base = {"env": world, "env_options": {"size": 16, "side": 4}, "steps": 2}
    params = {"architecture": "mlp", "latent": 2, "batch_size": 8}
    config = TrainConfig(**base, learner="beta_vae", params=params)
    run = train(config, tmp_path / f"run {HOSTILE}", progress=False)
    probe = SHOWN.replace("arguments[0]", json.dumps(HOSTILE))
    page = load_in_chromium(write_report([run], tmp_path / "run.html"), "verdicts", tmp_path / "run.png", probe=probe)
    assert page.probed == [None, True] and page.errors == []
    study = Study.from_dict({"base": {**base, "params": params}, "sweep": [{"learner": "beta_vae"}]})
    run_study(study, tmp_path / "study", executor="serial", progress=False)
    report = write_study_report(tmp_path / "study", tmp_path / "study.html")
    page = load_in_chromium(report, "pass-rates", tmp_path / "study.png", probe=probe)
    assert page.probed == [None, True] and page.errors == []


def test_the_report_judges_a_learned_action_only_for_a_learner_that_acts(demo_dir):
    """LSBD-VAE declares ``Acting``: its section judges act(x, g) with check_action; β-VAE's has none."""
    page = (demo_dir / "report.html").read_text()
    assert page.count("Learned action of") == 1
    section = page.split("Learned action of lsbd_vae on x, y, colour")[1].split("</pre>")[0]
    assert "hit" in section and "(x=1, y=0, colour=0)" in section
