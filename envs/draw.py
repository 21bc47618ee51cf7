"""Drawing primitives for the built-in worlds: colours, boxes, discs and polygons on a pixel grid,
vectorised over a batch and anti-aliased where shapes are not pixel-aligned."""

from __future__ import annotations

import colorsys
from typing import Annotated

import numpy as np

from symgroup.config import Bound
from symgroup.errors import InvalidOptionError


def hue_colours(k: int) -> np.ndarray:
    """k fully saturated colours evenly spaced on the hue circle, float32 (k, 3): hue j = j/k."""
    return np.array([colorsys.hsv_to_rgb(j / k, 1.0, 1.0) for j in range(k)], dtype=np.float32)


def cell_masks(n: int, size: int, margin: int = 0) -> np.ndarray:
    """(n, size) 0/1 masks: cell i covers pixels [⌊i·size/n⌋ + margin, ⌊(i+1)·size/n⌋ − margin)."""
    edges = (np.arange(n + 1) * size) // n
    pixels = np.arange(size)
    return ((pixels >= edges[:-1, None] + margin) & (pixels < edges[1:, None] - margin)).astype(np.float32)


def wrapped_run_masks(size: int, length: int) -> np.ndarray:
    """(size, size) masks: row i covers pixels i, i+1, …, i+length−1 modulo size (a torus)."""
    pixels = np.arange(size)
    return (((pixels[None, :] - pixels[:, None]) % size) < length).astype(np.float32)


#: A cyclic factor's size as a world option: at least 2 (a C1 factor would not move).
Cells = Annotated[int, Bound(2)]


def check_grid(n: int, image_size: int) -> None:
    """Raise :class:`~symgroup.errors.InvalidOptionError` unless n cells of at least 2 pixels fit in image_size."""
    if image_size < 2 * n:
        raise InvalidOptionError(f"image_size {image_size!r} is too small for {n} cells of at least 2 pixels", n)


def disc_alpha(centres: np.ndarray, radius: float, size: int, torus: bool = True) -> np.ndarray:
    """(n, size, size) anti-aliased discs: coverage ≈ clip(radius + ½ − distance, 0, 1), distance
    measured with wrap-around on a torus (or without); ``centres`` (n, 2) as (x, y) in pixels."""
    pixels = np.arange(size, dtype=np.float32) + 0.5
    dx = np.abs(pixels[None, :] - centres[:, :1])
    dy = np.abs(pixels[None, :] - centres[:, 1:])
    if torus:
        dx, dy = np.minimum(dx, size - dx), np.minimum(dy, size - dy)
    distance = np.sqrt(dy[:, :, None] ** 2 + dx[:, None, :] ** 2)
    return np.clip(radius + 0.5 - distance, 0.0, 1.0).astype(np.float32)


def polygon_alpha(vertices: np.ndarray, angles: np.ndarray, size: int, supersample: int = 4) -> np.ndarray:
    """(len(angles), size, size) coverage of a polygon rotated about the image centre.

    ``vertices`` (k, 2) are in units of the image half-width, y up; each angle turns the polygon
    counter-clockwise. Coverage is the fraction of supersample² sub-pixel points inside (even-odd
    rule), which anti-aliases the edges.
    """
    offsets = (np.arange(size * supersample) + 0.5) / (size * supersample) * 2 - 1
    x, y = np.meshgrid(offsets, -offsets)
    out = np.empty((len(angles), size, size), dtype=np.float32)
    for i, angle in enumerate(angles):
        c, s = np.cos(-angle), np.sin(-angle)  # rotate the points back instead of the polygon forward
        inside = _inside(vertices, c * x - s * y, s * x + c * y)
        out[i] = inside.reshape(size, supersample, size, supersample).mean(axis=(1, 3))
    return out


def _inside(vertices: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    inside = np.zeros(x.shape, dtype=bool)
    for (x0, y0), (x1, y1) in zip(vertices, np.roll(vertices, -1, axis=0), strict=True):
        crosses = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (x < at)
    return inside
