"""The command line and the examples, run as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import envs
import symgroup
from symgroup.cli import builtin_groups, main

ROOT = Path(__file__).resolve().parents[1]
SYMGROUP = str(Path(sys.executable).with_name("symgroup"))  # the console script of this environment


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False, timeout=300)


def test_help_and_version():
    result = run(SYMGROUP, "--help")
    assert result.returncode == 0 and "groups" in result.stdout
    result = run(SYMGROUP, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"symgroup {symgroup.__version__}"


def test_groups_lists_each_built_in_with_order_and_generators(capsys):
    assert main(["groups"]) == 0
    out = capsys.readouterr().out
    for spelling, group in builtin_groups().items():
        line = next(line for line in out.splitlines() if line.startswith(spelling))
        assert f" {group.order} " in line
        assert all(str(g) in line for g in group.generators)


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out


def test_gridworld_group_example_runs():
    result = run(sys.executable, "examples/gridworld_group.py", "4")
    assert result.returncode == 0, result.stderr
    assert "is the direct product of x × y × colour" in result.stdout
    assert "Cayley graph: 64 nodes, 192 edges" in result.stdout
    assert "homomorphism (exact" in result.stdout


def test_envs_lists_every_builtin_with_its_group(capsys):
    assert main(["envs"]) == 0
    out = capsys.readouterr().out
    assert "gridworld" in out and "DirectProduct(x=C8, y=C8, colour=C8)" in out and "4096" in out


def test_learners_lists_every_learner_with_its_family(capsys):
    from symgroup.learn.registry import LEARNERS

    assert main(["learners"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + len(LEARNERS)
    assert any(line.split()[:2] == ["beta_vae", "VAE"] for line in lines)
    assert any(line.startswith("symmetry_discovery") and "discovers the subgroups" in line for line in lines)


def test_render_writes_a_png_of_generator_orbits(tmp_path):
    import matplotlib.image

    out = tmp_path / "grid.png"
    assert (
        main(["render", "--env", "gridworld", "--set", "env.n=4", "--set", "env.image_size=16", "--out", str(out)]) == 0
    )
    picture = matplotlib.image.imread(out)
    assert picture.shape[:2] == (3 * 18 + 2, 8 * 18 + 2)  # 3 generators; C8 hue orbit is the longest row


def test_validate_exit_codes(capsys):
    assert main(["validate", "--env", "gridworld", "--set", "env.n=4", "--set", "env.image_size=16"]) == 0
    assert "valid: gridworld" in capsys.readouterr().out
    assert main(["validate", "--env", "walled_gridworld"]) == 1
    assert "INVALID NotAnActionError" in capsys.readouterr().out
    assert main(["validate", "--env", "nowhere"]) == 2
    assert "UnknownEnvironmentError" in capsys.readouterr().err
    assert main(["validate", "--env", "gridworld", "--set", "env.n"]) == 2


def test_clock_example_defines_validates_and_exports(tmp_path):
    result = run(sys.executable, "examples/clock.py", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "DirectProduct(hour=C12, hue=C6), 72 states" in result.stdout
    assert "3 hours on from (11, 2): [[2, 2]]" in result.stdout
    assert (tmp_path / "clock.png").exists() and (tmp_path / "clock.npz").exists()


def test_check_command_exit_codes_json_and_plots(tmp_path, capsys):
    import numpy as np

    env = envs.make("gridworld", n=6, hues=4, image_size=24)  # even sizes: frequency 2 is not injective
    a = 2 * np.pi * env.states() / np.array(env.factor_sizes)
    np.save(tmp_path / "circles.npy", np.concatenate([np.cos(a), np.sin(a)], axis=1))
    np.savez(tmp_path / "lines.npz", codes=env.states().astype(float))
    np.save(tmp_path / "freq2.npy", np.concatenate([np.cos(2 * a), np.sin(2 * a)], axis=1))
    options = ["--env", "gridworld", "--set", "env.n=6", "--set", "env.hues=4", "--set", "env.image_size=24"]
    out = tmp_path / "report.json"
    assert main(["check", str(tmp_path / "circles.npy"), *options, "--json", str(out), "--plots", str(tmp_path)]) == 0
    report = json.loads(out.read_text())
    assert report["sbd"]["passed"] and report["lsbd"]["passed"] and report["d_lsbd"]["value"] < 1e-9
    assert all((tmp_path / name).stat().st_size > 0 for name in ("sensitivity.png", "leakage.png", "orbits.png"))
    assert main(["check", str(tmp_path / "lines.npz"), *options]) == 0
    assert main(["check", str(tmp_path / "lines.npz"), *options, "--linear"]) == 1
    assert main(["check", str(tmp_path / "freq2.npy"), *options]) == 1
    assert "not injective" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "lines.npz"), "--env", "square"]) == 2
    assert main(["check", str(tmp_path / "missing.npy")]) == 2
    command = [sys.executable, "-m", "symgroup.cli", "check", str(tmp_path / "freq2.npy"), *options]
    reader_gone = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader_gone.stdout.close()  # as `| head` does once it has its lines: the report meets a closed pipe
    assert reader_gone.wait(timeout=120) == 141 and b"Traceback" not in reader_gone.stderr.read()


@pytest.mark.slow
def test_custom_env_example_defines_validates_trains_and_passes_the_check(tmp_path):
    result = run(sys.executable, "examples/custom_env.py", str(tmp_path), "300")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DirectProduct(column=C12, row=C12), 144 states" in result.stdout
    assert "'states_checked': 144" in result.stdout
    assert "SBD (split and injective): PASS" in result.stdout and "LSBD (SBD and linear): PASS" in result.stdout
    assert (tmp_path / "lsbd_vae" / "config.json").exists()


@pytest.mark.slow
def test_custom_learner_example_is_one_file_that_trains_and_passes_the_check(tmp_path):
    result = run(sys.executable, "examples/custom_learner.py", str(tmp_path), "300")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SBD (split and injective): PASS" in result.stdout and "LSBD (SBD and linear): PASS" in result.stdout
    assert (tmp_path / "circle_regression" / "config.json").exists()


@pytest.mark.slow
def test_an_s3_world_is_learnt_through_its_standard_representation(tmp_path):
    result = run(sys.executable, "examples/shuffled_stripes.py", str(tmp_path), "0", "1000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DirectProduct(order=S3, x=C4, y=C4), 96 states" in result.stdout
    assert "SBD (split and injective): PASS" in result.stdout and "LSBD (SBD and linear): PASS" in result.stdout


@pytest.mark.slow
def test_seed_study_example_tabulates_each_learner_over_its_seeds(tmp_path):
    result = run(sys.executable, "examples/seed_study.py", str(tmp_path), "300", "2")
    assert result.returncode == 0, result.stderr
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines()[2:]}
    assert set(rows) == {"beta_vae", "lsbd_vae"}
    assert "| 2/2 | 2/2 |" in rows["lsbd_vae"]  # the symmetry learner passes in every seed
    assert len(list(tmp_path.glob("runs/*/results.json"))) == 4 and (tmp_path / "results.csv").exists()


METRONOME = '''
from dataclasses import dataclass

import numpy as np
import envs
from symgroup import Cyclic


class Metronome(envs.SymmetryEnv):
    """A bar at one of 6 angles (C6) in one of 2 colours (C2), drawn as lit pixels of a 2×12 image."""

    @dataclass(frozen=True)
    class Options(envs.WorldOptions):
        width: int = 12

    def __init__(self, options: Options = Options()) -> None:
        super().__init__({"angle": Cyclic(6), "colour": Cyclic(2)}, (1, 2, options.width), options)

    def draw(self, states):
        out = np.zeros((len(states), 1, 2, self.observation_shape[2]), np.float32)
        out[np.arange(len(states)), 0, states[:, 1], states[:, 0]] = 1.0
        return out
'''


@pytest.mark.slow
def test_a_world_in_the_users_own_file_works_in_every_command(tmp_path):
    """``file.py:Name`` names an unregistered world in every command; a run records it in config.json,
    so check, report, traverse and a study reload it."""
    (tmp_path / "metronome.py").write_text(METRONOME)
    world = "metronome.py:Metronome"

    def cli(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([SYMGROUP, *args], capture_output=True, text=True, cwd=tmp_path, timeout=300)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    assert cli("render", "--env", world, "--out", "m.png").returncode == 0 and (tmp_path / "m.png").exists()
    assert "valid: metronome.py:Metronome" in cli("validate", "--env", world, "--set", "env.width=8").stdout
    trained = cli(
        "train", "--env", world, "--learner", "lsbd_vae", "--steps", "2", "--out", "run", "--set", "architecture=mlp"
    )
    assert trained.returncode == 0, trained.stderr
    assert json.loads((tmp_path / "run" / "config.json").read_text())["config"]["env"] == world
    assert cli("check", "run").returncode in (0, 1)
    assert cli("report", "run", "--out", "r.html").returncode == 0
    assert cli("traverse", "run", "--out", "t.png").returncode == 0
    (tmp_path / "s.toml").write_text(
        f'[base]\nenv = "{world}"\nlearner = "beta_vae"\nsteps = 2\nparams = {{ architecture = "mlp" }}\n'
    )
    assert cli("study", "run", "s.toml", "--out", "study", "--workers", "1").returncode == 0
    missing = cli("render", "--env", "nowhere.py:World", "--out", "m.png")
    assert missing.returncode == 2 and "cannot load nowhere.py" in missing.stderr
