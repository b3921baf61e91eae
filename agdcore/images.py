"""A real photograph as a target matrix (no download at run time; see agdcore/data/README.md).

A photograph is far from low rank: its singular values decay slowly, so e_t stops at the
Eckart–Young floor Σ_{i>d} σ_i²/‖A‖² (docs/theory.md#floor), and the best rank-d image (the
truncated SVD) is the sharpest picture any width-d factorization can draw.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from .problem import Problem

IMAGES = {
    "grace_hopper": (
        "grace_hopper_112x96.npy",
        "photograph of Grace Hopper (U.S. Navy, public domain), 112×96 greyscale",
    ),
}


def load_image(name: str = "grace_hopper") -> np.ndarray:
    """The stored greyscale image as floats in [0, 1], shape (rows, columns)."""
    if name not in IMAGES:
        raise ValueError(f"image must be one of {', '.join(IMAGES)}, got {name!r}.")
    with resources.files("agdcore.data").joinpath(IMAGES[name][0]).open("rb") as fh:
        pixels = np.load(fh, allow_pickle=False)
    return pixels.astype(np.float64) / 255.0


def make_image_problem(name: str = "grace_hopper", rank: int | None = None) -> Problem:
    """The photograph as a :class:`Problem` (``rank`` defaults to the numerical rank, at most 50).

    >>> p = make_image_problem()
    >>> p.shape, p.floor(10) > 0.01
    ((112, 96), True)
    """
    A = load_image(name)
    p = Problem.from_array(A, rank=rank)
    return Problem(p.A, p.rank, description=IMAGES[name][1])


def best_rank_approximation(A: np.ndarray, d: int) -> np.ndarray:
    """The best rank-d approximation of A in Frobenius norm (Eckart–Young: the truncated SVD)."""
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)
    d = int(min(max(d, 0), len(s)))
    return (U[:, :d] * s[:d]) @ Vt[:d]
