"""
A custom world
==============

A world in a few lines: name its subgroups and their groups, declare its typed options, and draw a
batch of states. The base class derives the states, the action, the samplers, validation and
export. ``examples/clock.py`` defines a clock with an hour hand (C12) and a hue (C6):

.. literalinclude:: ../../../examples/clock.py
   :pyobject: Clock
"""

import clock  # noqa: F401  (registers the world "clock")
import matplotlib.pyplot as plt

import envs
from envs.montage import orbit_montage

world = envs.make("clock", image_size=32)
print(world)
print(world.validate())

# %%
# Group elements are built from their factors' components and act on states:
three_hours = world.group.from_factors(hour=3)
print("3 hours on from (11, 2):", world.act(three_hours, [[11, 2]]).tolist())

# %%
# The orbit of each generator, as ``symgroup render --env examples/clock.py:Clock`` draws it:
plt.imshow(orbit_montage(world))
plt.axis("off")
