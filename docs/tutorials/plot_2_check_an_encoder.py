"""
Checking any encoder
====================

The checker takes anything that maps a world's images (or states) to codes: a torch module, a
function on numpy arrays, or a table of codes, one row per state in ``env.states()`` order. Here a
hand-built code puts each subgroup on a circle of its own; then the same code rotated, and a code
that entangles x and y.
"""

import numpy as np
import torch

import envs
from symgroup.check import check, find_decomposition

world = envs.make("gridworld", n=4, hues=4, image_size=16)
angles = 2 * np.pi * world.states() / 4  # (states, 3): x, y, colour
perfect = np.concatenate([np.cos(angles), np.sin(angles)], axis=1)
report = check(perfect, world)
print(report)

# %%
# A rotated basis is still disentangled (Higgins et al.'s definition asks for subspaces, not axes):
rotation, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 6)))
print("rotated: SBD", check(perfect @ rotation, world).passed)

# %%
# A code with one circle for x and one for x + y: each move of x turns both. The check fails, and
# says why; ``find_decomposition`` finds the decomposition the code does disentangle: x and y as one
# part, colour alone.
mixed = np.stack([angles[:, 0], angles[:, 0] + angles[:, 1]], axis=1)
entangled = np.concatenate([np.cos(mixed), np.sin(mixed), np.cos(angles[:, 2:]), np.sin(angles[:, 2:])], axis=1)
print(check(entangled, world).reasons[:2])
print(find_decomposition(entangled, world))

# %%
# An encoder of images works the same way: a torch module (here an untrained linear map of the
# pixels) or any function of a numpy batch of images. The check renders every state once and encodes
# the images in batches (``batch_size``, default 256).
torch.manual_seed(0)
encoder = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 16 * 16, 6))
report = check(encoder, world)
print("untrained linear map of the pixels: SBD", report.passed, "—", report.reasons[0])
