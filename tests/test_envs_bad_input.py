"""Bad environments and bad options raise typed errors naming the states or options at fault."""

import importlib.util
import sys

import numpy as np
import pytest

import envs
from envs import CustomEnv, Factor
from symgroup import Cyclic, Dihedral
from symgroup.errors import (
    EntangledActionError,
    InvalidOptionError,
    InvalidStateError,
    NotAnActionError,
    NotInjectiveError,
    RenderError,
    UnknownEnvironmentError,
)


def dots(states: np.ndarray) -> np.ndarray:
    """A valid 1×1×(4·3) image: one lit pixel per state."""
    out = np.zeros((len(states), 1, 1, 12), np.float32)
    out[np.arange(len(states)), 0, 0, states[:, 0] * 3 + states[:, 1]] = 1.0
    return out


FACTORS = {"a": Cyclic(4), "b": Cyclic(3)}


def test_a_valid_custom_environment():
    env = CustomEnv(FACTORS, dots, (1, 1, 12))
    assert env.validate()["states_checked"] == 12


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (lambda s: dots(s)[:, :, :, :6], "float32 of shape"),
        (lambda s: dots(s).astype(np.float64), "float32 of shape"),
        (lambda s: list(dots(s)), "float32 of shape"),
        (lambda s: dots(s) * 2, r"must lie in \[0, 1\]; state \[0, 0\]"),
        (lambda s: dots(s) * np.nan, "non-finite"),
        (lambda s: dots(s) * np.float32(np.random.rand()), "not deterministic"),
    ],
)
def test_bad_renders_are_rejected(draw, message):
    with pytest.raises(RenderError, match=message):
        CustomEnv(FACTORS, draw, (1, 1, 12)).validate()


def test_a_non_injective_render_names_two_states():
    def blind_to_b(states):
        return dots(states * np.array([1, 0]))

    with pytest.raises(NotInjectiveError, match=r"states \[0, 0\] and \[0, 1\] render to the same image") as error:
        CustomEnv(FACTORS, blind_to_b, (1, 1, 12)).validate()
    a, b = error.value.counterexample
    assert a.tolist() == [0, 0] and b.tolist() == [0, 1]


def test_a_non_action_is_rejected_with_a_counterexample():
    stuck = Factor(Cyclic(4), act=lambda g, x: np.minimum(x + g.value, 3))  # clamped, not wrapped
    with pytest.raises(NotAnActionError, match="not a group action") as error:
        CustomEnv({"a": stuck, "b": Cyclic(3)}, dots, (1, 1, 12)).validate()
    g, h, state = error.value.counterexample
    assert g.group.names == h.group.names == ("a", "b") and state.shape == (2,)


def test_an_action_leaving_the_states_is_rejected():
    leaky = Factor(Cyclic(4), act=lambda g, x: x + g.value)
    with pytest.raises(NotAnActionError, match="is not a state"):
        CustomEnv({"a": leaky, "b": Cyclic(3)}, dots, (1, 1, 12)).validate()


def test_a_subgroup_that_moves_another_component_is_rejected():
    class Entangled(CustomEnv):
        """A lawful action of C3 × C3, (a, b)·(x, y) = (x + a, y + a + b), in which a drags y along."""

        def act(self, g, states):
            out = super().act(g, states)
            out[:, 1] = (out[:, 1] + self.group.project("a", g).value) % 3
            return out

    with pytest.raises(EntangledActionError, match=r"subgroup 'a' changes another component: .*\[0, 0\] = \[1, 1\]"):
        Entangled({"a": Cyclic(3), "b": Cyclic(3)}, dots, (1, 1, 12)).validate()


def test_unknown_names_and_bad_options():
    with pytest.raises(UnknownEnvironmentError, match=r"no environment 'gridwold'.*gridworld"):
        envs.make("gridwold")
    with pytest.raises(InvalidOptionError, match=r"no option size.*'n'"):
        envs.make("gridworld", size=3)
    for options in ({"n": 1}, {"n": 0}, {"n": 2.5}, {"hues": 1}, {"n": 40, "image_size": 64}):
        with pytest.raises(InvalidOptionError):
            envs.make("gridworld", **options)
    with pytest.raises(InvalidOptionError, match="too small"):
        envs.make("gridworld", n=8, image_size=8)
    with pytest.raises(InvalidOptionError):
        envs.make("square", side=64)
    with pytest.raises(InvalidOptionError, match="glyph"):
        envs.make("dihedral_glyph", n=8, image_size=32)
    with pytest.raises(InvalidOptionError, match="observation_shape"):
        CustomEnv(FACTORS, dots, (12,))
    with pytest.raises(InvalidOptionError, match="already registered"):
        envs.register("gridworld")(CustomEnv)


def test_bad_states_are_rejected_with_the_row():
    env = envs.make("dihedral_glyph")
    assert env.factor_sizes == (8, 4, 4) and env.group.factor("pose") == Dihedral(4)
    with pytest.raises(InvalidStateError, match=r"\[8, 0, 0\] is not a state"):
        env.render([[0, 0, 0], [8, 0, 0]])
    with pytest.raises(InvalidStateError, match="shape"):
        env.index([0, 0])
    with pytest.raises(InvalidStateError, match="integers"):
        env.act(env.group.identity, [[0.5, 0, 0]])


def test_a_world_file_already_imported_as_a_module_is_not_loaded_twice(tmp_path):
    """``file.py:Name`` for a file the process has imported under its own module name (as pytest's
    doctest collection imports examples/) gives the class registered then, not a second one that its
    ``@envs.register`` would refuse as already registered."""
    path = tmp_path / "lantern_world.py"
    path.write_text(
        "import envs\nfrom envs.square import Square\n\n"
        "@envs.register('lantern_world_of_the_test')\nclass Lantern(Square):\n    pass\n"
    )
    spec = importlib.util.spec_from_file_location("lantern_world", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lantern_world"] = module
    try:
        spec.loader.exec_module(module)
        env = envs.make(f"{path}:Lantern")
        assert type(env) is module.Lantern and env.name == "lantern_world_of_the_test"
    finally:
        del sys.modules["lantern_world"]
