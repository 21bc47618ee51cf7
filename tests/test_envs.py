"""Every built-in environment: action laws, indexing, rendering, validation, export and adapters."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import envs
from envs.dataset import GroundTruthData, load_npz, save_npz
from symgroup.errors import InvalidOptionError, NotAnActionError
from symgroup.strategies import env_elements, env_states, env_transitions

LAWFUL = [name for name in envs.names() if name != "walled_gridworld"]
SMALL = {  # small options, so that property tests stay fast; the defaults are validated below
    "gridworld": {"n": 5, "hues": 3, "image_size": 20},
    "walled_gridworld": {"n": 5, "hues": 3, "image_size": 20},
    "square": {"size": 16, "side": 5},
    "arrow": {"rotations": 12, "hues": 5, "image_size": 24},
    "flatland": {"n": 6, "image_size": 24},
    "multi_object": {"n": 3, "hues": 2, "image_size": 48},
    "dihedral_glyph": {"n": 3, "image_size": 30},
    "styled_gridworld": {"n": 4, "hues": 3, "image_size": 24},
}
_made: dict[str, envs.SymmetryEnv] = {}


def small(name: str) -> envs.SymmetryEnv:
    if name not in _made:
        _made[name] = envs.make(name, **SMALL[name])
    return _made[name]


@pytest.mark.parametrize("name", LAWFUL)
@given(data=st.data())
@settings(max_examples=25)
def test_action_laws_on_random_states_and_elements(name, data):
    env = small(name)
    states = data.draw(env_states(env))
    g, h = data.draw(env_elements(env)), data.draw(env_elements(env))
    assert (env.act(env.group.identity, states) == states).all()
    assert (env.act(g @ h, states) == env.act(g, env.act(h, states))).all()
    assert (env.act(~g, env.act(g, states)) == states).all()


@pytest.mark.parametrize("name", envs.names())
@given(data=st.data())
@settings(max_examples=25)
def test_index_round_trips_and_subgroups_move_their_own_component(name, data):
    env = small(name)
    states = data.draw(env_states(env))
    assert (env.states()[env.index(states)] == states).all()
    assert (env.index(env.states()) == np.arange(env.n_states)).all()
    factor = data.draw(st.sampled_from(env.factor_names))
    g = env.group.embed(factor, data.draw(st.sampled_from(env.factors[factor].group.elements())))
    moved = env.act(g, states)
    others = [i for i, n in enumerate(env.factor_names) if n != factor]
    assert (moved[:, others] == states[:, others]).all()


@pytest.mark.parametrize("name", envs.names())
@given(data=st.data())
@settings(max_examples=15)
def test_transitions_follow_the_moves(name, data):
    env = small(name)
    states, ids, following = data.draw(env_transitions(env))
    for s, i, t in zip(states, ids, following, strict=True):
        assert (env.act(env.moves[i], s[None])[0] == t).all()


@pytest.mark.parametrize("name", LAWFUL)
def test_small_worlds_validate(name):
    report = small(name).validate()
    assert report["states_checked"] == small(name).n_states


@pytest.mark.slow
@pytest.mark.parametrize("name", LAWFUL)
def test_default_worlds_validate_including_injective_rendering(name):
    env = envs.make(name)
    report = env.validate()
    assert report["states_checked"] == env.n_states  # every state, so injectivity is proved, not sampled
    images = env.render(env.states()[:5])
    assert images.dtype == np.float32 and images.shape == (5, *env.observation_shape)
    assert images.min() >= 0 and images.max() <= 1


def test_walled_gridworld_is_rejected_with_the_states_that_break_the_law():
    env = envs.make("walled_gridworld")
    with pytest.raises(NotAnActionError, match="is not a group action") as error:
        env.validate()
    g, h, state = error.value.counterexample
    assert (env.act(g @ h, state[None]) != env.act(g, env.act(h, state[None]))).any()


def test_gridworld_defaults_and_wrap_around():
    env = envs.make("gridworld")
    assert env.factor_sizes == (8, 8, 8) and env.n_states == 512 and env.observation_shape == (3, 64, 64)
    right = env.group.embed("x", 1)
    assert env.act(right, [[7, 3, 2]]).tolist() == [[0, 3, 2]]
    images = env.render([[7, 3, 2], [0, 3, 2]])
    lit = [np.flatnonzero(image.sum(axis=(0, 1))) for image in images]
    assert lit[0].min() >= 56 and lit[1].max() < 8  # the last column wraps to the first
    assert envs.make("gridworld", n=6, hues=5, image_size=32).observation_shape == (3, 32, 32)


def test_square_moves_one_pixel_and_wraps():
    env = envs.make("square")
    a, b = env.render([[63, 0], [0, 0]])
    assert a.sum() == b.sum() == 16 * 16
    assert a[0, 0, 63] == 1 and a[0, 0, 15] == 0 and a[0, 0, 14] == 1 and b[0, 0, 15] == 1


def test_flatland_in_a_box_keeps_the_ball_whole_and_jumps_from_the_last_cell_to_the_first():
    """torus=False: the ball spans the image from edge to edge (first and last cells touch the
    borders), never wraps, and the group still acts on the cells (the last cell's move lands on the
    first, across the image); a ball too big for the box is refused."""
    box = envs.make("flatland", n=8, image_size=32, radius=8, torus=False)
    images = box.render(box.states())
    assert np.allclose(images.sum(axis=(1, 2, 3)), np.pi * 4**2 * 1.65, rtol=0.01)  # a whole disc of radius 4 px
    last, first = box.render([[7, 0], [0, 0]])[:, 0]
    assert last[:, 31].any() and not last[:, :24].any() and first[:, 0].any() and not first[:, 8:].any()
    assert box.act(box.group.embed("x", 1), [[7, 0]]).tolist() == [[0, 0]]
    assert box.validate()["states_checked"] == box.n_states
    wrapped = envs.make("flatland", n=8, image_size=32, radius=8).render([[7, 0]])[0, 0]
    assert wrapped[:, 0].any()  # on the torus the same ball wraps to the first column
    with pytest.raises(InvalidOptionError, match="too few"):
        envs.make("flatland", n=8, image_size=16, radius=30, torus=False)


def test_styled_gridworld_draws_each_style_and_cycles_them():
    env = envs.make("styled_gridworld")
    assert env.factor_names == ("x", "y", "colour", "style") and env.n_states == 8 * 8 * 8 * 3
    filled, outlined, hatched = env.render([[1, 2, 0, 0], [1, 2, 0, 1], [1, 2, 0, 2]])[:, 0]  # hue 0 is red
    assert filled.sum() == 36 and outlined.sum() == 20 and hatched.sum() == 12  # a 6×6 object in an 8-pixel cell
    assert (outlined <= filled).all() and (hatched <= filled).all() and filled[16:24, 8:16].sum() == 36
    assert env.act(env.group.embed("style", 1), [[1, 2, 0, 2]]).tolist() == [[1, 2, 0, 0]]
    two = envs.make("styled_gridworld", styles=2, image_size=32)
    assert two.factors["style"].group.order == 2 and two.observation_shape == (3, 32, 32)
    assert two.validate()["states_checked"] == two.n_states  # distinct images at 32×32: 4-pixel objects


def test_correlation_changes_the_training_distribution_only():
    env = envs.make("styled_gridworld", correlation=0.8)
    drawn = env.training_states(20_000, rng=0)
    tied = np.mean(drawn[:, 3] == drawn[:, 2] % 3)
    assert abs(tied - (0.8 + 0.2 / 3)) < 0.01  # tied, or untied and equal by chance
    uniform = env.sample_states(20_000, rng=0)
    assert abs(np.mean(uniform[:, 3] == uniform[:, 2] % 3) - 1 / 3) < 0.01
    assert len(env.states()) == env.n_states  # the checker's states are every state all the same
    plain = envs.make("styled_gridworld")
    assert np.array_equal(plain.training_states(50, rng=4), plain.sample_states(50, rng=4))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"styles": 4}, "styles must be 2 or 3"),
        ({"correlation": 1.5}, "correlation must be a finite number in"),
        ({"n": 8, "image_size": 16}, "too small to draw styles"),
    ],
)
def test_styled_gridworld_refuses_bad_options(options, message):
    with pytest.raises(InvalidOptionError, match=message):
        envs.make("styled_gridworld", **options)


def test_random_walks_are_paths_of_moves():
    env = small("gridworld")
    walks = env.random_walks(4, 6, rng=1, observations=True)
    assert walks.states.shape == (4, 7, 3) and walks.observations.shape == (4, 7, *env.observation_shape)
    for t in range(6):
        assert (env.act_moves(walks.move_ids[:, t], walks.states[:, t]) == walks.states[:, t + 1]).all()


def test_transitions_are_seeded_and_carry_observations():
    env = small("square")
    a, b = env.transitions(32, rng=3, observations=True), env.transitions(32, rng=3)
    assert (a.states == b.states).all() and (a.move_ids == b.move_ids).all()
    assert np.array_equal(a.next_observations, env.render(a.next_states))
    assert [str(m) for m in a.actions] == [str(env.moves[i]) for i in a.move_ids]


@pytest.mark.parametrize("name", ["gridworld", "dihedral_glyph"])
def test_export_reloads_identically(name, tmp_path):
    env = small(name)
    data = load_npz(save_npz(env, tmp_path / "data.npz"))
    assert np.array_equal(data.observations, env.render(env.states()))
    assert np.array_equal(data.factors, env.states())
    every_option = {**type(env).Options().to_dict(), **SMALL[name]}  # the options given, and the defaults
    assert data.description["env"] == name and data.description["options"] == every_option
    assert [f["name"] for f in data.description["factors"]] == list(env.factor_names)


def test_ground_truth_data_interface():
    env = small("gridworld")
    data = GroundTruthData(env)
    assert data.num_factors == 3 and data.factors_num_values == [5, 5, 3]
    assert data.observation_shape == [20, 20, 3]
    factors = data.sample_factors(10, np.random.RandomState(0))
    assert factors.shape == (10, 3) and (factors < np.array([5, 5, 3])).all()
    observations = data.sample_observations_from_factors(factors, np.random.RandomState(0))
    assert np.array_equal(observations, env.render(factors).transpose(0, 2, 3, 1))
    f, o = data.sample(4, 7)
    assert f.shape == (4, 3) and o.shape == (4, 20, 20, 3)


def test_gym_adapter_steps_through_moves():
    gym_env = pytest.importorskip("envs.gym").SymmetryGymEnv(small("gridworld"), max_steps=3)
    observation, info = gym_env.reset(seed=5)
    assert gym_env.observation_space.contains(observation)
    start = info["state"]
    for step in range(3):
        observation, reward, terminated, truncated, info = gym_env.step(0)
        assert truncated == (step == 2) and not terminated and reward == 0.0
    assert (
        info["state"]
        == small("gridworld").act(gym_env.env.moves[0] @ gym_env.env.moves[0] @ gym_env.env.moves[0], start[None])[0]
    ).all()
    assert np.array_equal(observation, small("gridworld").render(info["state"][None])[0])
    assert gym_env.render().dtype == np.uint8
