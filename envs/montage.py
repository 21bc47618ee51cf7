"""Pictures of an environment: the orbit of each generator from one state, as one image.

>>> import envs
>>> picture = orbit_montage(envs.make("gridworld", n=4, hues=3, image_size=16), max_columns=4)
>>> picture.shape  # 3 generators × 4 orbit steps of 16×16 images with 2-pixel gaps
(56, 74, 3)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import numpy as np

from envs.base import SymmetryEnv
from symgroup.errors import InvalidOptionError
from symgroup.numbers import is_integer
from symgroup.paths import check_writable


def orbit_montage(env: SymmetryEnv, state: np.ndarray | None = None, max_columns: int = 16, gap: int = 2) -> np.ndarray:
    """Row i shows s_iᵏ·state for k = 0, 1, … (up to ``max_columns``), s_i the i-th generator of G.
    Returns an RGB float image (H, W, 3) in [0, 1] on a grey background."""
    if not is_integer(max_columns) or max_columns < 1:
        raise InvalidOptionError(f"max_columns must be a positive integer, got {max_columns!r}", max_columns)
    start = env.states()[:1] if state is None else env.check_states(np.asarray(state).reshape(1, -1))
    rows = []
    for s in env.group.generators:
        orbit = [start]
        for _ in range(min(s.order, max_columns) - 1):
            orbit.append(env.act(s, orbit[-1]))
        rows.append(env.render(np.concatenate(orbit)))
    return image_grid(rows, gap)


def image_grid(rows: list[np.ndarray], gap: int = 2) -> np.ndarray:
    """Rows of image batches (n, C, H, W) laid out as one RGB image (H, W, 3) on a grey background;
    one-channel images are shown in grey."""
    c, h, w = rows[0].shape[1:]
    columns = max(len(r) for r in rows)
    out = np.full((len(rows) * (h + gap) + gap, columns * (w + gap) + gap, 3), 0.5, dtype=np.float32)
    for i, images in enumerate(rows):
        for j, image in enumerate(images):
            pixels = np.repeat(image, 3, axis=0) if c == 1 else image[:3]
            top, left = gap + i * (h + gap), gap + j * (w + gap)
            out[top : top + h, left : left + w] = pixels.transpose(1, 2, 0)
    return out


def save_png(image: np.ndarray, path: str | Path) -> Path:
    """Write an (H, W, 3) float image in [0, 1] as PNG (parent folders are created): ``path`` must end
    in .png and be writable as a file (:class:`~symgroup.errors.InvalidOptionError` otherwise)."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise InvalidOptionError(f"{path} must be a .png file to write a PNG image", str(path))
    check_writable(path, "file", "the image")
    path.parent.mkdir(parents=True, exist_ok=True)
    matplotlib.image.imsave(path, np.clip(image, 0, 1))
    return path
