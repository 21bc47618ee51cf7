"""DCI's fast mode (LightGBM) against the exact one (scikit-learn's GBT) on oracle codes, per number
of factor values: the largest difference of disentanglement, completeness and test
informativeness, and the time of each, at disentanglement_lib's 10,000 / 5,000 samples.

The codes (``--factors`` factors of N values each, uniformly drawn, noise 0.02): "circle" — each
factor a (cos, sin) pair, disentangled; "line" — each factor one coordinate (value / N),
disentangled; "rotated" — the circle code in a random orthonormal basis, entangled. The circle
code of three factors of 8 values is gridworld's (C8³) oracle code.

Run: ``.venv/bin/python benchmarks/dci.py [--sizes 2 4 8 16] [--factors 3] [--samples 10000]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from symgroup.check.classic import FAST_DCI_VALUES, dci_of

KEYS = ("disentanglement", "completeness", "informativeness_test")


def code(kind: str, sizes: tuple[int, ...], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    factors = np.stack([rng.integers(0, k, n) for k in sizes], axis=1)
    angles = 2 * np.pi * factors / np.array(sizes)
    circle = np.concatenate([np.cos(angles), np.sin(angles)], axis=1)
    rotation = np.linalg.qr(np.random.default_rng(0).standard_normal((circle.shape[1],) * 2))[0]
    codes = {"circle": circle, "line": factors / np.array(sizes), "rotated": circle @ rotation}[kind]
    return codes + 0.02 * rng.standard_normal(codes.shape), factors


def compare(kind: str, sizes: tuple[int, ...], samples: int) -> dict:
    rng = np.random.default_rng(sum(sizes))
    train, test = code(kind, sizes, samples, rng), code(kind, sizes, samples // 2, rng)
    started = time.perf_counter()
    exact = dci_of(*train, *test)
    exact_s = time.perf_counter() - started
    started = time.perf_counter()
    fast = dci_of(*train, *test, fast=True)  # measured outside FAST_DCI_VALUES too, to place it
    fast_s = time.perf_counter() - started
    return {
        "exact": [exact[f"dci_{k}"] for k in KEYS],
        "fast": [fast[f"dci_fast_{k}"] for k in KEYS],
        "difference": max(abs(exact[f"dci_{k}"] - fast[f"dci_fast_{k}"]) for k in KEYS),
        "exact_s": exact_s,
        "fast_s": fast_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[2, 4, 8, 16])
    parser.add_argument("--factors", type=int, default=3)
    parser.add_argument("--samples", type=int, default=10000)
    args = parser.parse_args()
    print(f"dci_fast is allowed for factors of {', '.join(map(str, FAST_DCI_VALUES))} values\n")
    print("| code | values | exact D, C, I | fast D, C, I | largest difference | exact s | fast s | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        for kind in ("circle", "line", "rotated"):
            r = compare(kind, (size,) * args.factors, args.samples)
            exact, fast = (", ".join(f"{v:.3f}" for v in r[key]) for key in ("exact", "fast"))
            print(
                f"| {kind} | {size} | {exact} | {fast} | {r['difference']:.3f} | {r['exact_s']:.1f} | "
                f"{r['fast_s']:.2f} | {r['exact_s'] / r['fast_s']:.0f}× |",
                flush=True,
            )


if __name__ == "__main__":
    main()
