"""Declared invariances and coarser decompositions: the definition is relative to a decomposition the
user chooses (Higgins et al. 2018), and some subgroups a code should ignore."""

import json

import numpy as np
import pytest

import envs
from symgroup.check import check
from symgroup.cli import main
from symgroup.errors import FactorNameError, InvalidOptionError
from symgroup.testing import assert_invariant

ENV = envs.make("gridworld", n=8, hues=6, image_size=32)
A = 2 * np.pi * ENV.states() / np.array(ENV.factor_sizes)
X, Y, HUE = (np.stack([np.cos(A[:, k]), np.sin(A[:, k])], axis=1) for k in range(3))


def test_ignoring_the_hue_passes_when_declared_and_fails_otherwise():
    codes = np.concatenate([X, Y], axis=1)
    report = check(codes, ENV, invariant=("colour",))
    assert report.passed and report.linear_passed, report.reasons
    assert report.sbd.invariances["colour"].movement == pytest.approx(0, abs=1e-12)
    assert set(report.sbd.subspaces) == {"x", "y"}
    plain = check(codes, ENV)
    assert not plain.passed
    assert any(r.startswith("colour: collapsed") for r in plain.reasons)


def test_keeping_a_little_hue_fails_the_invariance_and_says_where():
    codes = np.concatenate([X, Y, 0.1 * HUE], axis=1)
    report = check(codes, ENV, invariant=("colour",))
    assert not report.passed
    hue = report.sbd.invariances["colour"]
    assert not hue.passed and 0.05 < hue.movement < 0.1 and hue.axes == [4, 5]
    assert any("colour: not invariant" in r for r in report.reasons)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["invariant"]["colour"]["passed"] is False and data["invariant"]["colour"]["axes"] == [4, 5]


def test_a_tiny_noiseless_hue_in_its_own_directions_is_still_encoded():
    """Hue kept at 1e-6 of the spread, in latents of its own and without noise, moves the code by
    little but is still decodable: a basis-free finding, so no rescaling of those latents hides it."""
    codes = np.concatenate([X, Y, 1e-6 * HUE], axis=1)
    report = check(codes, ENV, invariant=("colour",))
    hue = report.sbd.invariances["colour"]
    assert hue.movement < 0.05 and not hue.passed
    assert any("still encoded" in r for r in hue.reasons)


def test_ignoring_the_hue_but_collapsing_y_fails_for_y():
    codes = np.concatenate([X, np.zeros_like(Y)], axis=1)
    report = check(codes, ENV, invariant=("colour",))
    assert not report.passed
    verdicts = {n: s.passed for n, s in report.sbd.subspaces.items()}
    assert verdicts == {"x": True, "y": False}
    assert report.sbd.invariances["colour"].passed
    assert any("not injective" in r for r in report.sbd.reasons)  # states differing in y share a code


def test_x_and_y_in_one_block_pass_the_merged_decomposition_and_fail_the_split_one():
    position = np.stack([np.cos(A[:, 0]), np.sin(A[:, 0]), np.cos(A[:, 0] + A[:, 1]), np.sin(A[:, 0] + A[:, 1])], 1)
    codes = np.concatenate([position, HUE], axis=1)
    merged = check(codes, ENV, decomposition={"position": ("x", "y")})
    assert merged.passed and merged.linear_passed, merged.reasons
    assert merged.parts == {"position": ("x", "y"), "colour": ("colour",)}
    assert merged.sbd.subspaces["position"].dimension == 4
    split = check(codes, ENV)
    assert not split.passed
    assert not split.sbd.subspaces["y"].passed


def test_merging_and_invariance_combine():
    """SimCLR-style: position merged, hue ignored."""
    position = np.stack([np.cos(A[:, 0]), np.sin(A[:, 0]), np.cos(A[:, 0] + A[:, 1]), np.sin(A[:, 0] + A[:, 1])], 1)
    report = check(position, ENV, decomposition={"position": ("x", "y")}, invariant=("colour",))
    assert report.passed, report.reasons
    text = str(report)
    assert "position(x, y)" in text and "invariant: colour" in text


def test_assert_invariant_helper():
    assert_invariant(np.concatenate([X, Y], axis=1), ENV, ["colour"])
    with pytest.raises(AssertionError, match="not invariant to"):
        assert_invariant(np.concatenate([X, Y, HUE], axis=1), ENV, ["colour"])


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"invariant": ("hue",)}, FactorNameError, "cannot declare 'hue' invariant"),
        ({"decomposition": {"position": ("x", "z")}}, FactorNameError, "no factor 'z'"),
        ({"decomposition": {"a": ("x",), "b": ("x", "y")}}, InvalidOptionError, "more than one part"),
        ({"decomposition": {"a": ()}}, InvalidOptionError, "merges no factors"),
        ({"invariant": ("x", "y", "colour")}, InvalidOptionError, "every part is declared invariant"),
    ],
)
def test_bad_decompositions_are_typed_errors(options, error, match):
    with pytest.raises(error, match=match):
        check(np.concatenate([X, Y], axis=1), ENV, **options)


def test_the_cli_takes_invariances_and_merges(tmp_path, capsys):
    position = np.stack([np.cos(A[:, 0]), np.sin(A[:, 0]), np.cos(A[:, 0] + A[:, 1]), np.sin(A[:, 0] + A[:, 1])], 1)
    np.save(tmp_path / "codes.npy", position)
    options = [
        "--env",
        "gridworld",
        "--set",
        "env.hues=6",
        "--set",
        "env.image_size=32",
        "--json",
        str(tmp_path / "r.json"),
    ]
    assert (
        main(["check", str(tmp_path / "codes.npy"), *options, "--invariant", "colour", "--merge", "position=x,y"]) == 0
    )
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["parts"] == {"position": ["x", "y"], "colour": ["colour"]} and data["invariant"]["colour"]["passed"]
    assert main(["check", str(tmp_path / "codes.npy"), *options]) == 1
    assert main(["check", str(tmp_path / "codes.npy"), *options, "--merge", "position"]) == 2
    assert "--merge takes NAME=FACTOR" in capsys.readouterr().err
