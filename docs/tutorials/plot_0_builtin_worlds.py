"""
The built-in worlds
===================

Each built-in world at its defaults: its group, and the orbit of each generator from one state
(a row per generator, as ``symgroup render`` draws it). The rows are the group's own action: a
world's images are rendered from its states, never loaded.
"""

import matplotlib.pyplot as plt

import envs
from envs.montage import orbit_montage

for name in envs.names():
    world = envs.make(name)
    montage = orbit_montage(world, max_columns=12)
    fig, ax = plt.subplots(figsize=(8, 8 * montage.shape[0] / montage.shape[1]))
    ax.imshow(montage)
    ax.set_title(f"{name}: {world.group}", fontsize=9, loc="left")
    ax.set_axis_off()
    print(f"{name:<18} {world.n_states:>5} states  {world.group}")
