"""Options, values and files are validated before any work, with typed errors that name the problem."""

import json
import shlex

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

import envs
from envs.dataset import load_npz, save_npz
from symgroup.check import check
from symgroup.cli import main
from symgroup.errors import DatasetError, EncoderError, InvalidOptionError
from symgroup.learn.run import Run

ENV = envs.make("gridworld", n=4, hues=2, image_size=16)
A = 2 * np.pi * ENV.states() / np.array(ENV.factor_sizes)
CIRCLES = np.concatenate([np.cos(A), np.sin(A)], axis=1)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("lr=nan", "beta_vae's parameter lr must be a finite number > 0"),
        ("lr=abc", "beta_vae's parameter lr must be a finite number > 0"),
        ("lr=-1e-3", "beta_vae's parameter lr must be a finite number > 0"),
        ("seed=1.5", "seed must be an integer ≥ 0"),
        ("seed=-1", "seed must be an integer ≥ 0"),
        ("device=banana", "device must be"),
        ("beta=abc", "parameter beta must be a finite number ≥ 0"),
        ("beta=-1", "parameter beta must be a finite number ≥ 0"),
        ("beta=inf", "parameter beta must be a finite number ≥ 0"),
        ("batch_size=0", "batch_size must be an integer ≥ 1"),
        ("steps=True", "steps must be an integer ≥ 1"),
    ],
)
def test_bad_training_settings_fail_before_any_work(setting, message, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--steps", "1", "--out", str(out), "--set", setting]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()  # no broken run directory left behind


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_states": 0}, "max_states must be an integer ≥ 1"),
        ({"max_states": -5}, "max_states must be an integer ≥ 1"),
        ({"max_states": True}, "max_states must be an integer ≥ 1"),
        ({"batch_size": 0}, "batch_size must be an integer ≥ 1"),
        ({"seed": 1.5}, "seed must be an integer ≥ 0"),
        ({"share_tol": 2.0}, "share_tol must be a finite number in"),
    ],
)
def test_bad_check_options(options, message):
    with pytest.raises(InvalidOptionError, match=message):
        check(CIRCLES, ENV, **options)


@pytest.mark.parametrize("form", [torch.from_numpy, lambda a: a.tolist(), lambda a: a.astype(np.float32)])
def test_a_code_table_in_any_array_form_and_an_env_by_name(form):
    assert check(form(CIRCLES), ENV).passed
    assert (
        check(np.concatenate([np.cos(2 * np.pi * envs.make("gridworld").states() / 8)] * 2, 1), "gridworld").sampled
        is False
    )


def test_nan_is_counted_over_the_whole_world():
    codes = CIRCLES.copy()
    codes[[3, 17, 30]] = np.nan  # in different batches of 8
    with pytest.raises(EncoderError, match=f"NaN or inf for 3 of {ENV.n_states} states, e.g. state"):
        check(codes, ENV)
    row_of = {image.tobytes(): i for i, image in enumerate(ENV.render(ENV.states()))}
    with pytest.raises(EncoderError, match=f"NaN or inf for 3 of {ENV.n_states} states"):
        check(lambda x: codes[[row_of[image.tobytes()] for image in x]], ENV, batch_size=8)


def written(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.npy", "does not exist"),
        (lambda d: d / "missing_run", "does not exist"),
        (lambda d: written(d / "empty.npy", ""), "not a numeric .npy/.npz array"),
        (lambda d: written(d / "text.npy", "hello"), "not a numeric .npy/.npz array"),
        (lambda d: written(d / "codes.txt", "1 2"), "must be a run directory or a .npy"),
    ],
)
def test_bad_code_files_name_the_problem_and_never_advise_unsafe_loading(make, message, tmp_path, capsys):
    assert main(["check", str(make(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert message in err and "pickle" not in err


def test_outputs_are_validated_before_the_check_runs(tmp_path, capsys):
    np.save(tmp_path / "codes.npy", CIRCLES)
    env_flags = ["--set", "env.n=4", "--set", "env.hues=2", "--set", "env.image_size=16"]
    (tmp_path / "folder").mkdir()
    assert main(["check", str(tmp_path / "codes.npy"), *env_flags, "--json", str(tmp_path / "folder")]) == 2
    assert "must be a file to write, but it is a folder" in capsys.readouterr().err
    (tmp_path / "a_file").write_text("x")
    assert main(["check", str(tmp_path / "codes.npy"), *env_flags, "--plots", str(tmp_path / "a_file")]) == 2
    assert "must be a folder to write, but it is a file" in capsys.readouterr().err


def _network(dtype=torch.float32, device=None):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 16 * 16, 6)).to(dtype=dtype, device=device)


def test_common_torch_mistakes():
    assert not check(_network(torch.float64), ENV).passed  # a float64 module is fed float64 images
    with pytest.raises(EncoderError, match="meta device"):
        check(_network(device="meta"), ENV)
    wrong_size = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(10, 6))
    with pytest.raises(EncoderError, match=r"the encoder raised RuntimeError.*batch of 32 states") as caught:
        check(wrong_size, ENV)
    assert isinstance(caught.value.__cause__, RuntimeError)
    network = _network()
    report = check(lambda x: network(torch.from_numpy(x)), ENV)  # returns a tensor that requires grad
    assert report.code_size == 6


@pytest.mark.parametrize("size", [10**6, 8192])
def test_observations_beyond_the_memory_budget_are_refused_before_allocating(size):
    with pytest.raises(InvalidOptionError, match="the budget is 64 MiB"):
        envs.make("gridworld", image_size=size)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["render", "--env", "gridworld", "--out", "o.png", "--columns", "0"], "--columns: must be at least 1, got 0"),
        (
            ["render", "--env", "gridworld", "--out", "o.png", "--columns", "-3"],
            "--columns: must be at least 1, got -3",
        ),
        (
            ["render", "--env", "gridworld", "--out", "o.png", "--state", "a,b,c"],
            "expected comma-separated whole numbers",
        ),
        (["render", "--env", "gridworld", "--out", "o.txt"], "o.txt must be a .png file"),
        (
            ["render", "--env", "gridworld", "--out", "folder.png"],
            "folder.png must be a file to write, but it is a folder",
        ),
        (["validate", "--env", "gridworld", "--max-states", "-1"], "--max-states: must be at least 1, got -1"),
        (["validate", "--env", "gridworld", "--max-states", "0"], "--max-states: must be at least 1, got 0"),
        (["train", "--out", "run", "--steps", "x"], "--steps: expected a whole number, got 'x'"),
        (["train", "--out", "run", "--set", "params=1"], "params is set one entry at a time"),
        (["train", "--out", "run", "--set", "env_options=1"], "env_options is set one entry at a time"),
        (["train", "--out", "missing", "--resume"], "nothing to resume: missing is not a run directory"),
        (["study", "run", "study.toml", "--workers", "0"], "--workers: must be at least 1, got 0"),
        (["validate", "--env", "gridworld", "--seed", "-1"], "--seed: must be at least 0, got -1"),
        (
            ["validate", "--set", "n=4"],
            "validate takes world options only, as --set env.KEY=VALUE (e.g. env.n=4), got n",
        ),
        (["demo", "--set", "lr=1e-3"], "demo takes world options only, as --set env.KEY=VALUE"),
        (["report", "nowhere", "--out", "folder.png"], "the page folder.png must be a file to write"),
        (["study", "report", "nowhere", "--out", "folder.png"], "the page folder.png must be a file to write"),
    ],
)
def test_bad_command_line_arguments_exit_2_with_a_message(arguments, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.png").mkdir()
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "run").exists() and not (tmp_path / "missing").exists()


def test_settings_take_true_and_false_as_booleans(tmp_path):
    out = tmp_path / "run"
    command = shlex.split("train --env styled_gridworld --learner discogan --steps 1 --set spectral=FALSE")
    command += ["--out", str(out), *shlex.split("--set env.n=4 --set env.image_size=16 --set env.styles=2")]
    assert main(command) == 0
    assert Run.load(out).config.params["spectral"] is False


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"num_trian": 100}, "no metric takes option 'num_trian'"),
        ({"num_train": 0}, "num_train must be a positive integer"),
        ({"bins": 2.5}, "bins must be a positive integer"),
    ],
)
def test_metric_options_are_checked(options, message):
    from symgroup.check.classic import metrics

    with pytest.raises(InvalidOptionError, match=message):
        metrics(CIRCLES, ENV.states(), ("mig",), **options)


def test_run_directories_that_cannot_be_written(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    assert main(["train", "--steps", "1", "--out", str(tmp_path / "a_file")]) == 2
    assert "is a file" in capsys.readouterr().err
    locked_down = tmp_path / "read_only"
    locked_down.mkdir(mode=0o500)
    if not __import__("os").access(locked_down, __import__("os").W_OK):  # root may write anywhere
        assert main(["train", "--steps", "1", "--out", str(locked_down / "run")]) == 2
        assert "not writable" in capsys.readouterr().err


def test_a_foreign_checkpoint_on_resume_is_typed_and_gives_no_unsafe_advice(tmp_path, capsys):
    import pickle

    out = tmp_path / "run"
    flags = ["--set", "env.n=4", "--set", "env.hues=2", "--set", "env.image_size=16", "--set", "architecture=mlp"]
    assert main(["train", "--steps", "2", "--out", str(out), *flags]) == 0
    (out / "checkpoint" / "training.pt").write_bytes(pickle.dumps({"generator": print}))
    assert main(["train", "--steps", "4", "--out", str(out), "--resume", *flags]) == 2
    err = capsys.readouterr().err
    assert "CheckpointError" in err and "weights_only" not in err and "holds more than tensors" in err
    (out / "checkpoint" / "state.json").write_text("{not json")
    assert main(["train", "--steps", "4", "--out", str(out), "--resume", *flags]) == 2
    assert "corrupt or not symgroup's" in capsys.readouterr().err


def test_a_world_too_large_to_render_whole_trains_on_images_drawn_on_the_fly(tmp_path):
    """32 × 32 × 977 = 1,000,448 states of 3×64×64 (49 GB of images): each batch is drawn when sampled."""
    from envs.base import RENDER_CACHE_BYTES

    settings = ["--set", "env.n=32", "--set", "env.hues=977", "--set", "batch_size=8", "--set", "lr=1e-3"]
    assert main(["train", "--steps", "3", "--out", str(tmp_path / "run"), *settings]) == 0
    env = envs.make("gridworld", n=32, hues=977)
    assert env.n_states == 1_000_448 and env._image_table is None and not env._fits_cache
    assert env.n_states * 3 * 64 * 64 * 4 > 100 * RENDER_CACHE_BYTES


def test_a_missing_run_directory_is_called_that(tmp_path):
    from symgroup.errors import CheckpointError
    from symgroup.learn.run import Run

    with pytest.raises(CheckpointError, match="does not exist"):
        Run.load(tmp_path / "nowhere")


TINY_RUN = shlex.split("--set env.n=4 --set env.hues=2 --set env.image_size=16 --set architecture=mlp --set latent=3")


def corrupt_optimiser(checkpoint):
    training = torch.load(checkpoint / "training.pt", weights_only=True)
    torch.save({k: v for k, v in training.items() if not k.startswith("optimiser")}, checkpoint / "training.pt")


def corrupt_random_state(checkpoint):
    state = json.loads((checkpoint / "state.json").read_text())
    (checkpoint / "state.json").write_text(json.dumps({**state, "numpy_state": {"garbage": 1}}))


def corrupt_weights(checkpoint):
    weights = load_file(checkpoint / "model.safetensors")
    save_file({k: v for k, v in weights.items() if k != sorted(weights)[0]}, checkpoint / "model.safetensors")


def corrupt_config(checkpoint):
    config = json.loads((checkpoint.parent / "config.json").read_text())
    config["config"]["env_options"] = "abc"
    (checkpoint.parent / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize(
    ("corrupt", "message", "checked"),
    [
        (corrupt_optimiser, "does not fit its run (KeyError: 'optimiser.learner')", True),
        (corrupt_random_state, "does not fit its run (ValueError: state must be for a PCG64 RNG)", True),
        (corrupt_weights, "does not fit its run (RuntimeError: Error(s) in loading state_dict", False),
        (corrupt_config, "is not a symgroup run configuration: env_options must map names to values", False),
    ],
)
def test_a_damaged_run_is_a_checkpoint_error_on_resume_and_on_check(corrupt, message, checked, tmp_path, capsys):
    """Every part of a run directory is validated when it is loaded: resuming it names what does not fit, and
    so does checking it where the check reads that part (it reads the weights and the config, not the
    optimiser's state or the random state)."""
    out = tmp_path / "run"
    assert main(["train", "--steps", "2", "--out", str(out), *TINY_RUN]) == 0
    corrupt(out / "checkpoint")
    capsys.readouterr()
    assert main(["train", "--steps", "4", "--out", str(out), "--resume", *TINY_RUN]) == 2
    err = capsys.readouterr().err
    assert "CheckpointError: " in err and message in err and "Traceback" not in err
    assert main(["check", str(out)]) in ((0, 1) if checked else (2,))
    assert checked or message in capsys.readouterr().err


def test_a_run_directory_brings_its_own_world(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--steps", "1", "--out", str(out), *TINY_RUN]) == 0
    assert main(["check", str(out), "--env", "square", "--set", "env.size=32"]) == 2
    assert "it brings its own world, so --env and --set do not apply" in capsys.readouterr().err


def test_a_data_set_file_is_validated_on_reading_and_writing(tmp_path):
    np.savez(
        tmp_path / "number.npz",
        observations=np.zeros((1, 3, 4, 4)),
        factors=np.zeros((1, 3), int),
        description=np.array("5"),
    )
    with pytest.raises(DatasetError, match="its description is 5, not a JSON object"):
        load_npz(tmp_path / "number.npz")
    with pytest.raises(InvalidOptionError, match="must be a file to write, but it is a folder"):
        save_npz(ENV, tmp_path)
