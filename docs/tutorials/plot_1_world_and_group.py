"""
A world and its group
=====================

A world is a set of states with a finite group acting on them, rendered into images. Its group is
data: a direct product of named subgroups, whose elements compose with ``@`` and invert with ``~``.
"""

import matplotlib.pyplot as plt

import envs

world = envs.make("gridworld", n=4, hues=4, image_size=32)
print(world)
print("group:", world.group, "of order", world.group.order)
print("moves:", world.moves)

# %%
# Elements compose and invert; acting by a product is acting twice.
g, h = world.moves[0], world.moves[2]
states = world.states()[:3]
assert (world.act(g @ h, states) == world.act(g, world.act(h, states))).all()
print("g =", g, " ~g =", ~g, " g @ ~g =", g @ ~g)

# %%
# Every action law is checked on every state and element (a broken law raises, with a
# counterexample):
print(world.validate())

# %%
# Each move's orbit from one state, rendered: x, y and colour each cycle with period 4.
state = world.states()[:1]
fig, rows = plt.subplots(3, 4, figsize=(6, 4.5))
for row, move in zip(rows, world.moves[::2], strict=True):
    current = state
    for ax in row:
        ax.imshow(world.render(current)[0].transpose(1, 2, 0))
        ax.set_axis_off()
        current = world.act(move, current)
    row[0].set_title(str(move), fontsize=8, loc="left")
plt.tight_layout()
