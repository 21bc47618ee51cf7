"""Studies: sweeps as data, hash-named run directories, resumable execution on every executor."""

import dataclasses
import importlib.util
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import load_in_chromium, needs_browser
from hypothesis import given, settings
from hypothesis import strategies as st

import envs
from envs.square import Square
from symgroup.cli import main
from symgroup.errors import InvalidOptionError, RunsFailedError
from symgroup.learn.symmetry import LSBDVAE
from symgroup.present.study_page import write_study_report
from symgroup.study import Cell, Evaluation, Study, Sweep, gather, run_study
from symgroup.study.results import markdown
from symgroup.study.summary import agreement, learner_share, rank_correlation, time_to_pass

BASE = {
    "env": "square",
    "steps": 600,
    "env_options": {"size": 16, "side": 4},
    "params": {"architecture": "mlp", "latent": 4, "lr": 1e-3, "batch_size": 16},
}
SWEEP = [{"learner": "lsbd_vae", "seed": [0, 1]}, {"learner": "beta_vae", "seed": 0, "steps": 100}]
SPEC = {"base": BASE, "evaluation": {"until_pass": 50, "metrics": ["mig"]}, "sweep": SWEEP}
TOML = """
[base]
env = "square"
steps = 600
env_options = { size = 16, side = 4 }
params = { architecture = "mlp", latent = 4, lr = 1e-3, batch_size = 16 }

[evaluation]
until_pass = 50
metrics = ["mig"]

[[sweep]]
learner = "lsbd_vae"
seed = [0, 1]

[[sweep]]
learner = "beta_vae"
seed = 0
steps = 100
"""


def verdicts(rows):
    """What a run's result must reproduce: everything but wall times."""
    return [{k: v for k, v in r.items() if not k.endswith("_s")} for r in rows]


values = st.lists(st.integers(0, 5), min_size=1, max_size=3, unique=True)


@given(st.dictionaries(st.sampled_from(["seed", "latent", "beta"]), values, min_size=1), st.integers(1, 3))
@settings(max_examples=40, deadline=None)
def test_a_sweep_is_the_product_of_its_axes_with_the_zip_taken_together(axes, n_zipped):
    lrs, steps = [10.0**-i for i in range(n_zipped)], [100 * (i + 1) for i in range(n_zipped)]
    sweep = Sweep(axes, {"lr": lrs, "steps": steps})
    combos = sweep.settings()
    assert len(combos) == n_zipped * math.prod(len(v) for v in axes.values())
    assert len({json.dumps(c, sort_keys=True) for c in combos}) == len(combos)
    assert all(dict(zip(lrs, steps, strict=True))[c["lr"]] == c["steps"] for c in combos)
    study = Study(sweeps=(sweep,))
    again = Study.from_dict(json.loads(json.dumps(study.to_dict())))
    assert [c.key for c in again.cells()] == [c.key for c in study.cells()]
    assert len({c.key for c in study.cells()}) == len(combos)


def test_toml_and_json_give_the_same_cells_and_keys_ignore_the_metrics(tmp_path):
    (tmp_path / "s.toml").write_text(TOML)
    (tmp_path / "s.json").write_text(json.dumps(SPEC))
    toml, plain = Study.from_file(tmp_path / "s.toml"), Study.from_file(tmp_path / "s.json")
    assert [c.to_dict() for c in toml.cells()] == [c.to_dict() for c in plain.cells()]
    assert [(c.config.learner, c.config.seed, c.config.steps) for c in toml.cells()] == [
        ("lsbd_vae", 0, 600),
        ("lsbd_vae", 1, 600),
        ("beta_vae", 0, 100),
    ]
    cell = toml.cells()[0]
    assert Cell(cell.config, Evaluation(until_pass=50)).key == cell.key  # metrics do not retrain
    assert Cell(cell.config, Evaluation(until_pass=25)).key != cell.key
    assert Cell.from_dict(cell.to_dict()) == cell


def test_cells_two_sweeps_share_run_once():
    study = Study.from_dict({"base": BASE, "sweep": [{"seed": [0, 1]}, {"seed": [1, 2]}]})
    assert [c.config.seed for c in study.cells()] == [0, 1, 2]


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"sweeps": []}, "unknown study keys"),
        ({"sweep": [{"seed": []}]}, "must be a non-empty list"),
        ({"sweep": [{"zip": {"seed": [0, 1], "lr": [1e-3]}}]}, "one length each"),
        ({"evaluation": {"until_pass": 0}}, "until_pass must be an integer ≥ 1"),
        ({"evaluation": {"every": 5}}, "known: until_pass, linear, metrics"),
        ({"base": {"steps": 0}}, "steps must be an integer ≥ 1"),
        (
            {"sweep": [{"seed": list(range(1000)), "beta": list(range(1000)), "lr": list(range(1, 1001))}]},
            "the sweeps make 1,000,000,000 runs; a study holds at most 100,000",
        ),
    ],
)
def test_a_bad_study_is_refused_naming_what_is_wrong(spec, match):
    with pytest.raises(InvalidOptionError, match=match):
        Study.from_dict(spec)


def test_a_study_file_must_exist_parse_and_be_toml_or_json(tmp_path):
    (tmp_path / "s.yaml").write_text("base: {}")
    (tmp_path / "bad.toml").write_text("[base\n")
    for path, match in (
        (tmp_path / "none.toml", "does not exist"),
        (tmp_path / "s.yaml", ".toml or .json"),
        (tmp_path / "bad.toml", "cannot read the study"),
    ):
        with pytest.raises(InvalidOptionError, match=match):
            Study.from_file(path)


def test_every_cell_is_validated_before_anything_runs(tmp_path):
    study = Study.from_dict({"base": BASE, "sweep": [{"learner": ["lsbd_vae", "beta_vae"], "gamma": 5.0}]})
    with pytest.raises(InvalidOptionError, match=r"beta_vae on square, seed 0\) is invalid: .*gamma"):
        run_study(study, tmp_path / "out", executor="serial", progress=False)
    assert not (tmp_path / "out" / "runs").exists()
    with pytest.raises(InvalidOptionError, match="unknown executor 'threads'"):
        run_study(study, tmp_path / "out", executor="threads")


@pytest.fixture(scope="module")
def serial_study(tmp_path_factory):
    """The study run serially once (lsbd_vae passes within 100 steps; beta_vae never does). LSBD-VAE with this
    base passed at step 50 or 100 over seeds 0–4 on AVX-512, AVX2 (the same figures) and the generic
    kernels."""
    out = tmp_path_factory.mktemp("serial")
    return out, run_study(Study.from_dict(SPEC), out, executor="serial", progress=False)


@pytest.mark.seeded
def test_a_study_trains_checks_and_tabulates_every_cell(serial_study):
    out, rows = serial_study
    lsbd, beta = rows[:2], rows[2]
    for row in lsbd:
        assert row["sbd"] and row["lsbd"] and row["passed_at"] == row["step"] and row["step"] % 50 == 0
        assert row["images_to_pass"] == row["step"] * 16 * 8  # batch_size paths of LSBD-VAE's 7 moves
        assert 0 < row["time_to_pass_s"] == row["train_s"]
    assert beta["step"] == 100 and beta["passed_at"] is beta["images_to_pass"] is beta["time_to_pass_s"] is None
    assert all(set(r["metrics"]) == {"mig"} for r in rows)
    assert {p.name for p in (out / "runs").iterdir()} == {c.key for c in Study.from_dict(SPEC).cells()}
    assert verdicts(gather(out)) == verdicts(sorted(rows, key=lambda r: (r["learner"], r["seed"])))
    lines = (out / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["key"] for line in lines] == [r["key"] for r in gather(out)]
    header, *table = (out / "results.csv").read_text().splitlines()
    assert header.startswith("key,learner,env,seed,step,sbd,lsbd,d_lsbd,passed_at,images_to_pass,time_to_pass_s")
    assert "metric.mig" in header and "config.steps" in header and "config.gamma" in header  # what varies
    assert "config.lr" not in header and len(table) == 3
    (a, b), (i, j) = (sorted(r[k] for r in lsbd) for k in ("step", "images_to_pass"))
    passing = markdown(rows).split("| train s to pass |")[1]  # the table of runs trained until they pass
    figures = f"{(a + b) / 2:,.0f} [{a}, {b}] | {(i + j) / 2:,.0f} [{i:,}, {j:,}]"
    assert f"| lsbd_vae | square(side=4, size=16) | 2/2 | {figures} |" in passing
    assert "| beta_vae | square(side=4, size=16) | 0/1 | — | — | — |" in passing


def test_running_a_study_again_skips_finished_runs_and_rechecks_for_new_metrics(serial_study, tmp_path):
    out, rows = serial_study
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/checkpoint/model.safetensors")}
    again = run_study(Study.from_dict(SPEC), out, executor="serial", progress=False)
    assert again == rows
    more = Study.from_dict({**SPEC, "evaluation": {"until_pass": 50, "metrics": ["mig", "sap"]}})
    rechecked = run_study(more, out, executor="serial", progress=False)
    for before, after in zip(verdicts(rows), verdicts(rechecked), strict=True):
        assert after == before | {
            "metrics": {"mig": before["metrics"]["mig"], "sap": after["metrics"]["sap"]},
            "evaluation": more.evaluation.to_dict(),
        }
    assert {p: p.stat().st_mtime_ns for p in out.glob("runs/*/checkpoint/model.safetensors")} == stamps


def test_a_damaged_results_file_is_checked_again_not_a_crash(serial_study, tmp_path):
    """A results.json cut short (a crash while it was copied) or holding something else is no finished run: the
    study checks that run again from its checkpoint, without training it."""
    rows = serial_study[1]
    out = shutil.copytree(serial_study[0], tmp_path / "copy")
    truncated, garbage, _ = (out / "runs" / r["key"] / "results.json" for r in rows)
    truncated.write_text(truncated.read_text()[:40])
    garbage.write_text("[1, 2]")
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/checkpoint/model.safetensors")}
    assert len(gather(out)) == 1  # the table counts only the intact one
    again = run_study(Study.from_dict(SPEC), out, executor="serial", progress=False)
    assert verdicts(again) == verdicts(rows)
    assert {p: p.stat().st_mtime_ns for p in out.glob("runs/*/checkpoint/model.safetensors")} == stamps


def test_a_run_trained_before_a_learners_default_changed_is_refused_naming_the_change(
    serial_study, tmp_path, monkeypatch
):
    """A cell names only the parameters it sets, so a default changed since its run was trained leaves
    its key alone: the study must not take that run's results as the new default's."""
    out = shutil.copytree(serial_study[0], tmp_path / "copy")
    before = LSBDVAE.defaults
    monkeypatch.setattr(LSBDVAE, "defaults", classmethod(lambda cls, env: dataclasses.replace(before(env), gamma=10.0)))
    with pytest.raises(RunsFailedError, match=r"2 of 3 runs failed .*params.gamma: 1000.0 in the run, 10.0 now"):
        run_study(Study.from_dict(SPEC), out, executor="serial", progress=False)
    monkeypatch.undo()
    assert verdicts(run_study(Study.from_dict(SPEC), out, executor="serial", progress=False)) == verdicts(
        serial_study[1]
    )


@pytest.mark.slow
def test_the_process_pool_gives_the_serial_results(serial_study, tmp_path):
    _, rows = serial_study
    assert verdicts(run_study(Study.from_dict(SPEC), tmp_path, executor="process", workers=2, progress=False)) == (
        verdicts(rows)
    )


def test_a_failing_run_loses_only_itself_and_is_retried(tmp_path):
    blowing_up = {"learner": "lsbd_vae", "zip": {"seed": [0, 1], "lr": [1e-3, 1e9]}}
    spec = {"base": {**BASE, "steps": 20}, "sweep": [blowing_up]}
    with pytest.raises(RunsFailedError, match=r"1 of 2 runs failed .*NonFiniteLossError"):
        run_study(Study.from_dict(spec), tmp_path, executor="serial", progress=False)
    good, bad = (tmp_path / "runs" / c.key for c in Study.from_dict(spec).cells())
    assert (good / "results.json").exists() and not (good / "error.json").exists()
    assert "NonFiniteLossError" in json.loads((bad / "error.json").read_text())["error"]
    assert [r["key"] for r in gather(tmp_path)] == [good.name]


def kill_a_worker_mid_run(tmp_path, executor, died):
    """Kill (SIGKILL) the worker of a study's first run once it has a checkpoint: that run alone fails
    (``died`` in the reason), and the next invocation resumes it to the results of a study never killed."""
    spec = {"base": {**BASE, "steps": 400, "checkpoint_every": 20}, "sweep": [{"learner": "lsbd_vae", "seed": [0, 1]}]}
    study = Study.from_dict(spec)
    victim = tmp_path / "runs" / study.cells()[0].key
    errors = []

    def run():
        try:
            run_study(study, tmp_path, executor=executor, workers=2, progress=False)
        except RunsFailedError as error:
            errors.append(str(error))

    thread = threading.Thread(target=run)
    thread.start()
    while not (victim / "checkpoint").exists():
        time.sleep(0.05)
    os.kill(int((victim / ".lock").read_text().split()[1]), signal.SIGKILL)  # "pid N on HOST"
    thread.join()
    assert len(errors) == 1 and "1 of 2 runs failed" in errors[0] and died in errors[0]
    assert [r["key"] for r in gather(tmp_path)] == [study.cells()[1].key]
    rows = run_study(study, tmp_path, executor=executor, workers=2, progress=False)
    assert [r["step"] for r in rows] == [400, 400]
    fresh = run_study(study, tmp_path / "fresh", executor="process", workers=2, progress=False)
    assert verdicts(rows) == verdicts(fresh)  # resumed exactly


@pytest.mark.slow
def test_a_killed_worker_loses_only_its_run_which_the_next_invocation_resumes(tmp_path):
    kill_a_worker_mid_run(tmp_path, "process", "worker died (exit code -9)")


@pytest.mark.slow
def test_ctrl_c_stops_the_study_cleanly_and_running_it_again_continues(tmp_path):
    spec = {"base": {**BASE, "steps": 1000, "checkpoint_every": 20}, "sweep": [{"learner": "lsbd_vae", "seed": [0, 1]}]}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    command = [
        sys.executable,
        "-m",
        "symgroup.cli",
        "study",
        "run",
        str(tmp_path / "s.json"),
        "--out",
        str(tmp_path / "o"),
    ]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    while len(list((tmp_path / "o").glob("runs/*/checkpoint"))) < 2:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 130 and "interrupted" in stderr
    steps = [json.loads((p / "state.json").read_text())["step"] for p in (tmp_path / "o").glob("runs/*/checkpoint")]
    assert len(steps) == 2 and all(0 < s < 1000 for s in steps)
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert [r["step"] for r in gather(tmp_path / "o")] == [1000, 1000]


def test_symgroup_study_run_from_the_command_line(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(TOML.replace("steps = 600", "steps = 100"))
    assert main(["study", "run", str(tmp_path / "s.toml"), "--out", str(tmp_path / "o"), "--executor", "serial"]) == 0
    assert "3 runs in" in capsys.readouterr().out and (tmp_path / "o" / "results.csv").exists()
    assert main(["study", "run", str(tmp_path / "none.toml")]) == 2
    assert "study file" in capsys.readouterr().err


SHARED = """
[base]
env = "square"
steps = 1500
env_options = { size = 16, side = 4 }
params = { architecture = "mlp", latent = 4, batch_size = 16 }

[[sweep]]
learner = "beta_vae"
seed = [0, 1, 2, 3]
"""


@pytest.mark.slow
def test_two_study_invocations_on_one_folder_share_the_work(tmp_path):
    """A second `symgroup study run` on a folder another is running skips the run the other holds, waits for
    it and reports it; both end with every run's results, and no run is trained twice (each logs its steps
    once)."""
    (tmp_path / "s.toml").write_text(SHARED)
    command = [sys.executable, "-m", "symgroup.cli", "study", "run", str(tmp_path / "s.toml"), "--out"]
    command += [str(tmp_path / "o"), "--workers", "1"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while not list((tmp_path / "o").glob("runs/*/log.jsonl")):  # the first has started training its first run
        time.sleep(0.05)
    second = subprocess.run(command, capture_output=True, text=True, timeout=600)
    out_first = first.communicate(timeout=600)[0]
    assert first.returncode == 0 and second.returncode == 0, out_first + second.stdout + second.stderr
    assert "held by another worker" in second.stdout  # the run the first was training
    assert all("4 runs in" in out for out in (out_first, second.stdout))
    for log in (tmp_path / "o").glob("runs/*/log.jsonl"):
        assert [json.loads(line)["step"] for line in log.read_text().splitlines()] == list(range(10, 1501, 10))
    assert len(gather(tmp_path / "o")) == 4


class RuntimeSquare(Square):
    """A world that a test registers at run time, not when its module is imported."""


def one_run_on(env):
    return Study.from_dict({**SPEC, "base": {**BASE, "env": env, "steps": 50}, "sweep": [{"learner": "lsbd_vae"}]})


@pytest.fixture
def registry(monkeypatch):
    """The world registry, restored after the test."""
    monkeypatch.setattr(envs.registry.WORLDS, "_classes", dict(envs.registry.WORLDS._classes))


def test_a_world_registered_at_run_time_is_known_to_the_worker_processes(registry, tmp_path):
    envs.register("runtime_square")(RuntimeSquare)
    [result] = run_study(one_run_on("runtime_square"), tmp_path, executor="process", workers=1, progress=False)
    assert result["env"] == "runtime_square" and result["step"] == 50

    class LocalSquare(Square):
        """Defined in a function: pickle cannot send it to a worker process by name."""

    envs.register("local_square")(LocalSquare)
    with pytest.raises(InvalidOptionError, match="LocalSquare is not importable by name"):
        run_study(one_run_on("local_square"), tmp_path / "local", executor="process", progress=False)
    assert not list((tmp_path / "local").glob("runs/*"))  # refused before anything ran


needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="the ray executor needs the extra: pip install 'symgroup[ray]'"
)


@pytest.fixture(scope="session")
def ray_cluster():
    """A real local Ray cluster of two CPUs, shared by the test session."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow
@needs_ray
def test_ray_tasks_give_the_serial_results_and_resume(ray_cluster, serial_study, tmp_path):
    _, rows = serial_study
    assert verdicts(run_study(Study.from_dict(SPEC), tmp_path, executor="ray", progress=False)) == verdicts(rows)
    results = sorted(Path(tmp_path).glob("runs/*/results.json"))
    os.remove(results[0])  # as if its task died after training: the next invocation re-judges it
    assert verdicts(run_study(Study.from_dict(SPEC), tmp_path, executor="ray", progress=False)) == verdicts(rows)


@pytest.mark.slow
@needs_ray
def test_a_killed_ray_worker_loses_only_its_run_which_the_next_invocation_resumes(ray_cluster, tmp_path):
    kill_a_worker_mid_run(tmp_path, "ray", "its Ray task was lost")


@needs_ray
def test_a_world_defined_in_a_function_travels_to_ray_tasks_by_value(ray_cluster, registry, tmp_path):
    class LocalSquare(Square):
        """Known only to this process: Ray sends it with each task."""

    envs.register("local_square")(LocalSquare)
    [result] = run_study(one_run_on("local_square"), tmp_path, executor="ray", progress=False)
    assert result["env"] == "local_square" and result["step"] == 50


def test_training_seconds_add_up_over_resumes(tmp_path):
    from symgroup.learn import TrainConfig, train
    from symgroup.learn.run import Run

    config = TrainConfig(**{**BASE, "learner": "lsbd_vae", "steps": 40, "checkpoint_every": 10})
    first = train(config.with_settings({"steps": 20}), tmp_path, progress=False)
    second = train(config, tmp_path, resume=True, progress=False)
    assert 0 < first.train_s < second.train_s == Run.load(tmp_path).train_s


def row(learner, seed, sbd, d_lsbd, mig, time_to_pass=None, lsbd=None, env_options=None):
    """A hand-made result."""
    return {
        "key": f"{learner}{seed}",
        "learner": learner,
        "env": "square",
        "seed": seed,
        "sbd": sbd,
        "lsbd": sbd if lsbd is None else lsbd,
        "d_lsbd": d_lsbd,
        "metrics": {"mig": mig},
        "time_to_pass_s": time_to_pass,
        "evaluation": {"until_pass": 50},
        "config": {"env_options": env_options or {}, "params": {}, "learner": learner, "seed": seed},
    }


def test_a_metric_that_ranks_runs_as_d_lsbd_does_correlates_perfectly():
    rows = [row("a", i, d < 0.1, d, 1 - d) for i, d in enumerate([0.01, 0.05, 0.3, 0.6, 0.9])]
    matrix = agreement(rows)
    assert matrix["mig"]["D_LSBD"] == (pytest.approx(-1.0), 5)
    assert matrix["mig"]["SBD"] == matrix["SBD"]["mig"]
    assert matrix["mig"]["SBD"][0] == pytest.approx(0.866, abs=1e-3)  # the passing runs rank highest
    constant = [row("a", i, True, 0.1 * i, 0.5) for i in range(4)]
    assert agreement(constant)["mig"]["D_LSBD"] == (None, 4)  # undefined, not 0
    assert rank_correlation([1.0, None, 3.0, 2.0], [1.0, 2.0, None, 2.0]) == (None, 2)


def test_the_learner_share_is_one_when_the_learner_decides_and_zero_when_seeds_do():
    decided = [row(learner, s, True, d, 0.5) for learner, d in (("a", 0.1), ("b", 0.7)) for s in range(3)]
    assert learner_share(decided)["D_LSBD"] == pytest.approx(1.0)
    seeds = [row(learner, s, True, d, 0.5) for learner in ("a", "b") for s, d in enumerate((0.1, 0.5, 0.9))]
    assert learner_share(seeds)["D_LSBD"] == pytest.approx(0.0)
    mixed = [row("a", 0, True, 0.0, 0), row("a", 1, True, 2.0, 0), row("b", 0, True, 4.0, 0), row("b", 1, True, 6.0, 0)]
    assert learner_share(mixed)["D_LSBD"] == pytest.approx(16 / 20)  # between 4·2², total 4+4+... = 20
    assert learner_share(mixed)["mig"] is None  # it does not vary
    assert learner_share(decided[:3])["D_LSBD"] is None  # one learner


def test_time_to_pass_counts_runs_that_never_passed_as_slowest():
    rows = [row("a", 0, True, 0, 0, 10.0), row("a", 1, True, 0, 0, 30.0), row("a", 2, False, 1, 0)]
    assert time_to_pass(rows) == (2, 30.0)
    assert time_to_pass(rows[1:]) == (1, None)  # half never passed: the median is "never"


@pytest.mark.seeded
def test_the_study_page_tabulates_the_study(serial_study, tmp_path):
    out, _ = serial_study
    assert main(["study", "report", str(out), "--out", str(tmp_path / "page.html")]) == 0
    page = (tmp_path / "page.html").read_text()
    assert "square(side=4, size=16)" in page and "SBD 2/2 · LSBD 2/2" in page and "SBD 0/1 · LSBD 0/1" in page
    for section in ("pass-rates", "time-to-pass", "agreement", "seeds-vs-learners"):
        assert f"id='{section}'" in page
    assert page.count("<img") == 1 and "src='data:image/png;base64," in page and "http" not in page
    assert main(["study", "report", str(tmp_path / "empty")]) == 2
    # steps differ (the β-VAE cell sets 100); the LSBD-VAE's own defaults (gamma, beta, …) do not count as varied
    assert "the study varied: steps (" in page
    assert "Few runs. These rest on 3 runs" in page and "±1.00" in page  # 2/√(3 − 1), capped at 1


@pytest.mark.seeded
@pytest.mark.slow
@needs_browser
def test_the_study_page_loads_in_headless_chromium(serial_study, tmp_path):
    out, _ = serial_study
    page = load_in_chromium(write_study_report(out, tmp_path / "page.html"), "pass-rates", tmp_path / "page.png")
    assert page.errors == [] and page.shown and page.images_loaded
    assert "lsbd_vae" in page.text and "SBD 2/2 · LSBD 2/2" in page.text
    assert page.screenshot.std() > 0.05
    narrow = load_in_chromium(tmp_path / "page.html", "agreement", tmp_path / "narrow.png", width=1400)
    assert narrow.width <= 1400 and narrow.shown  # the metrics table fits: it scrolls in its box if it must


def test_the_guides_study_file_is_a_valid_study():
    import tomllib

    text = Path("docs/guide/studies.md").read_text()
    block = next(b.split("```", 1)[0] for b in text.split("```toml\n")[1:] if b.startswith("[base]"))
    cells = Study.from_dict(tomllib.loads(block)).cells()
    assert len(cells) == 2 * 10 + 3 * 3  # β-VAE: each seed with each zipped (beta, latent)
    assert [(c.config.seed, c.config.params["beta"], c.config.params["latent"]) for c in cells[-3:]] == [
        (2, 1.0, 6),
        (2, 4.0, 10),
        (2, 16.0, 10),
    ]
    from symgroup.study.runner import validate

    validate(cells)


@pytest.mark.parametrize(
    ("name", "claims"),
    [
        ("gridworld_40", False),
        ("domains", True),
        ("contrastive", True),
        ("controls", True),
        ("discovery", True),
        ("discovery_images", False),
        ("until_pass", False),
        ("codes", True),
    ],
)
def test_the_benchmarks_study_files_are_valid_studies(name, claims):
    """The studies BENCHMARKS.md runs: every cell's world and learner parameters valid, and those that
    judge learners' claims ask for them."""
    from symgroup.study.runner import validate

    study = Study.from_file(Path("benchmarks") / f"{name}.toml")
    validate(study.cells())
    assert study.evaluation.claims == claims


@pytest.mark.slow
def test_a_worker_whose_study_process_is_killed_checkpoints_and_stops(tmp_path):
    """`symgroup study run` killed with SIGKILL (no Ctrl-C reaches its workers): each worker notices within a
    second or two, checkpoints and stops, releasing its run, which the next invocation resumes."""
    (tmp_path / "s.toml").write_text(SHARED.replace("steps = 1500", "steps = 100000").replace("[0, 1, 2, 3]", "0"))
    command = [sys.executable, "-m", "symgroup.cli", "study", "run", str(tmp_path / "s.toml"), "--out"]
    study = subprocess.Popen([*command, str(tmp_path / "o"), "--workers", "1"], stdout=subprocess.DEVNULL)
    while not list((tmp_path / "o").glob("runs/*/checkpoint")):
        time.sleep(0.05)
    [run] = (tmp_path / "o" / "runs").iterdir()
    worker = int((run / ".lock").read_text().split()[1])  # "pid N on HOST"
    study.kill()
    study.wait()
    deadline = time.time() + 30
    while Path(f"/proc/{worker}").exists() and time.time() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{worker}").exists()  # the worker stopped, it did not train on as an orphan
    step = json.loads((run / "checkpoint" / "state.json").read_text())["step"]
    assert step > 0 and (run / ".lock").read_text() == ""  # checkpointed on its way out, lock released


def test_a_claims_table_summarises_a_figure_over_the_runs_that_measured_it():
    """InfoGAN's figures name the subgroups a code moved, which differ between runs: each figure is
    summarised over the runs that have it and says how many they were (no KeyError, no lost figure)."""
    from symgroup.study.summary import claims

    def row(seed, figures, measured):
        verdict = {
            "claim": "codes move one subgroup each",
            "passed": measured >= 2,
            "requirements": [{"figure": "subgroups moved alone", "measured": measured, "bound": 2, "at_least": True}],
            "figures": figures,
        }
        config = {"env_options": {}, "seed": seed}
        return {"learner": "infogan", "env": "gridworld", "config": config, "claims": [verdict]}

    rows = [row(0, {"code 0 moves x alone": 0.1}, 1), row(1, {"code 2 moves y alone": 0.3}, 2)]
    [[learner, world, claim, held, figures]] = claims(rows)
    assert (learner, world, claim, held) == ("infogan", "gridworld", "codes move one subgroup each", "1/2")
    assert figures == (
        "subgroups moved alone 1.5 [1, 2] (≥ 2); code 0 moves x alone 0.1 (in 1 of 2 runs); "
        "code 2 moves y alone 0.3 (in 1 of 2 runs)"
    )
