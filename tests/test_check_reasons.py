"""Every reason the check gives states a fact about the code that can be checked against the code.

The oracle here recomputes each quoted figure independently, by analysis of variance on the full grid
of states (z reshaped to (n_1, …, n_k, d)): a part's variation v = z − (mean over its axis), its
additive part E[v | own component] and its joint part with another E[v | own, other's components].
"""

import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from envs import CustomEnv
from symgroup import Cyclic
from symgroup.check import check
from symgroup.check.sbd import signal_coordinates

WORLD = CustomEnv({"x": Cyclic(6), "y": Cyclic(5), "c": Cyclic(4)}, lambda s: np.zeros((len(s), 1, 1, 1)), (1, 1, 1))
NAMES = WORLD.factor_names
NUMBER = r"(-?[0-9.]+(?:e-?\d+)?)"


def cs(angle):
    return np.stack([np.cos(angle), np.sin(angle)], axis=1)


def angles(env=WORLD):
    return 2 * np.pi * env.states() / np.array(env.factor_sizes)


def grid(y, env=WORLD):
    return y.reshape(*env.factor_sizes, y.shape[1])


def energy(a):
    return float((a**2).sum(axis=-1).mean())


def anova(report, codes, name, other=None):
    """(motion share, own, joint) of part ``name`` in the report's whitened coordinates, on the grid."""
    y = grid((codes - codes.mean(axis=0)) @ report.sbd.whiten)
    k = NAMES.index(name)
    variations = {n: y - y.mean(axis=NAMES.index(n), keepdims=True) for n in NAMES}
    v = variations[name]
    keep = {k} if other is None else {k, NAMES.index(other)}
    joint = v.mean(axis=tuple(i for i in range(len(NAMES)) if i not in keep), keepdims=True)
    own = v.mean(axis=tuple(i for i in range(len(NAMES)) if i != k), keepdims=True)
    moved = energy(v)
    share = moved / sum(energy(w) for w in variations.values())
    return share, energy(np.broadcast_to(own, v.shape)) / moved, energy(np.broadcast_to(joint, v.shape)) / moved


def close(quoted, value):
    """A figure printed with two significant digits matches the recomputed one."""
    return math.isclose(float(quoted), value, rel_tol=0.06, abs_tol=0.006)


def chance(own, name, other):
    """The joint share that part ``name``'s additive part plus i.i.d. noise would give with ``other``'s
    components: own + (1 − own)·(k − 1)/(R − 1), R the orbits of ``name``, k the values of ``other``."""
    rows = WORLD.n_states // WORLD.factor_sizes[NAMES.index(name)]
    return own + (1 - own) * (WORLD.factor_sizes[NAMES.index(other)] - 1) / (rows - 1)


def verify(report, codes):
    """Check every quantitative claim in every reason against the codes; return the kinds seen."""
    kinds = set()
    centred = codes - codes.mean(axis=0)
    radius = math.sqrt(energy(centred))
    states = WORLD.states()
    for reason in report.reasons:
        clause = rf"^(\w+): .*its own components explain {NUMBER} of its motion, its and '(\w+)''s together {NUMBER}"
        if m := re.match(clause, reason):  # the interaction figures, in whichever reason quotes them
            name, own, other, joint = m.groups()
            _, expected_own, expected_joint = anova(report, codes, name, other)
            assert close(own, expected_own) and close(joint, expected_joint), reason
        if m := re.match(
            rf"(\w+): interaction with '(\w+)': its actions cause {NUMBER} of the variation, .* its own "
            rf"components explain {NUMBER} of its motion, its and '\w+''s together {NUMBER} \(noise would "
            rf"give {NUMBER}\)",
            reason,
        ):
            name, other, share, own, joint, noise = m.groups()
            expected = anova(report, codes, name, other)
            assert close(share, expected[0]) and close(own, expected[1]) and close(joint, expected[2]), reason
            expected_noise = chance(expected[1], name, other)
            assert close(noise, expected_noise), reason
            # an interaction beyond noise, on the recomputed figures (the quoted ones are rounded)
            assert expected[2] - expected_noise >= 0.5 * (1 - expected_noise) - 1e-9, reason
            kinds.add("interaction")
        elif m := re.match(rf"(\w+): collapsed: its actions move the code only by rounding error \({NUMBER}", reason):
            name, share = m.groups()
            v = grid(centred) - grid(centred).mean(axis=NAMES.index(name), keepdims=True)
            assert close(share, energy(v) / energy(centred)) and float(share) < 1e-20, reason
            kinds.add("rounding")
        elif m := re.match(r"(\w+): collapsed: .*\(shares sum " + NUMBER, reason):
            name = m.group(1)
            for other in NAMES:
                if other != name:
                    _, own, joint = anova(report, codes, name, other)
                    noise = chance(own, name, other)
                    assert joint - noise < 0.5 * (1 - noise) + 1e-9, f"{reason}: yet it interacts with {other}"
            kinds.add("collapsed")
        elif re.match(r"(\w+): entangled: no direction is moved mainly by '\w+' \(largest share ", reason):
            kinds.add("entangled")
        elif m := re.match(
            rf"(?:(\w+): )?not injective on the subspaces: (?:states )?(\[[-0-9, ]+\]) and "
            rf"(\[[-0-9, ]+\])(?:, which differ only in '(\w+)',)? are {NUMBER} × the RMS radius apart "
            rf"in the subspaces the parts own; (?:so are their codes|their codes are {NUMBER} × the "
            rf"code's RMS radius apart)",
            reason,
        ):
            _, a, b, only, inside, whole = m.groups()
            a, b = np.array(json.loads(a)), np.array(json.loads(b))
            if only:
                assert [f for f, u, w in zip(NAMES, a, b, strict=True) if u != w] == [only], reason
            rows = [int(np.flatnonzero((states == s).all(axis=1))[0]) for s in (a, b)]
            distance = float(np.linalg.norm(centred[rows[0]] - centred[rows[1]])) / radius
            assert close(whole, distance) if whole else distance < 1e-2, reason
            points = signal_coordinates(centred @ report.sbd.whiten, report.sbd.combined, report.sbd.blocks, NAMES)
            inner = float(np.linalg.norm(points[rows[0]] - points[rows[1]])) / math.sqrt(energy(points) or 1.0)
            assert close(inside, inner), reason
            kinds.add("injective")
    return kinds


def test_the_issues_entangled_code_names_the_interaction_not_a_collapse():
    a = angles()
    codes = np.hstack([cs(a[:, 0] + a[:, 1]), cs(a[:, 1]), cs(a[:, 2])])
    report = check(codes, WORLD)
    assert not report.passed
    assert not any("collapsed" in r for r in report.reasons)
    assert any(r.startswith("x: interaction with 'y'") for r in report.reasons)
    assert {"interaction", "injective"} <= verify(report, codes)


def test_a_shared_plane_is_entangled_and_its_codes_are_quoted_as_they_are():
    a = angles()
    codes = np.hstack([cs(a[:, 0]) + 0.7 * cs(a[:, 1]), cs(a[:, 2])])
    report = check(codes, WORLD)
    assert not report.passed and not any("collapsed" in r for r in report.reasons)
    injective = [r for r in report.reasons if "not injective" in r]
    assert injective and all("their codes are" in r for r in injective)  # distinct codes, said so
    assert {"entangled", "injective"} <= verify(report, codes)


def test_a_bilinear_code_names_the_interaction():
    a = angles()
    codes = np.hstack([cs(a[:, 0]) * (1 + np.cos(a[:, 1]))[:, None], cs(a[:, 2])])
    report = check(codes, WORLD)
    assert any(r.startswith("y: interaction with 'x'") for r in report.reasons)
    assert "interaction" in verify(report, codes)


def test_a_factor_moved_only_by_noise_is_collapsed():
    a = angles()
    noise = 1e-3 * np.random.default_rng(0).standard_normal((WORLD.n_states, 1))
    codes = np.hstack([cs(a[:, 1]), cs(a[:, 2]), noise])
    report = check(codes, WORLD)
    assert any(r.startswith("x: collapsed") for r in report.reasons)
    assert "collapsed" in verify(report, codes)


TERMS = {
    "circle": lambda a, i, j: cs(a[:, i]),
    "sum": lambda a, i, j: cs(a[:, i] + a[:, j]),
    "bilinear": lambda a, i, j: cs(a[:, i]) * (1 + np.cos(a[:, j]))[:, None],
    "line": lambda a, i, j: a[:, i : i + 1] * np.ones((1, 2)),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(TERMS)), st.integers(0, 2), st.integers(0, 2), st.floats(0.2, 1.0)),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
    st.integers(0, 2**16),
)
@example([("bilinear", 1, 1, 1.0), ("sum", 0, 2, 1.0), ("sum", 1, 1, 1.0)], False, 0)  # c's excess 0.503: on the bar
@example([("line", 0, 0, 0.9375), ("line", 1, 0, 0.25)], True, 0)  # y additive up to rounding: nothing to interact
def test_every_quoted_figure_matches_the_code(terms, shared, seed):
    """Entangled, bilinear, shared-plane and mixed codes, under a random invertible map: each reason's
    figures are the code's."""
    a = angles()
    blocks = [weight * TERMS[kind](a, i, j if j != i else (i + 1) % 3) for kind, i, j, weight in terms]
    if shared and len(blocks) > 1:
        blocks = [blocks[0] + blocks[1], *blocks[2:]]  # two terms in one plane
    codes = np.hstack(blocks)
    codes = codes @ np.random.default_rng(seed).standard_normal((codes.shape[1], codes.shape[1]))
    verify(check(codes, WORLD), codes)


@pytest.mark.parametrize("size", [1, 2])
def test_a_constant_part_says_it_does_not_move_the_code(size):
    a = angles()
    codes = np.hstack([cs(a[:, 1]), cs(a[:, 2]), np.zeros((WORLD.n_states, size))])
    report = check(codes, WORLD)
    said = [r for r in report.reasons if r.startswith("x: collapsed: its actions")]
    assert said and ("do not move the code at all" in said[0] or "only by rounding error" in said[0])
    verify(report, codes)
