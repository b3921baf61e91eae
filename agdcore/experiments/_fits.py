"""Fits drawn over the Paper page's runs, each labelled as fitted: the shape of the paper's rate and the κ slope.

The paper's iteration count is T(ε) = C·factor·κ²·log(1/ε) with a constant C our copy of the paper lost
(docs/theory.md#paper-headline). Only its *shape* can be drawn, with a constant fitted to a run and said so.
"""

from __future__ import annotations

import numpy as np


def rate_shape_constant(e0: float, iterations: float, kappa: float, level: float) -> float:
    """ĉ such that T(ε) = ĉ·κ²·log(e₀/ε) passes through the run's own (iterations, level) point.

    The line e(t) = e₀·exp(−t/(ĉκ²)) then starts at the run's e₀ and meets the run where it reaches ``level``.
    """
    if not (e0 > level > 0 and iterations > 0 and kappa >= 1):
        raise ValueError(
            f"rate shape needs e₀ > level > 0, iterations > 0, κ ≥ 1; got {e0}, {level}, {iterations}, {kappa}"
        )
    return float(iterations / (kappa**2 * np.log(e0 / level)))


def rate_shape_line(e0: float, c_hat: float, kappa: float, t) -> np.ndarray:
    """e₀·exp(−t/(ĉκ²)): the paper's κ²·log(1/ε) shape as an error curve."""
    return e0 * np.exp(-np.asarray(t, dtype=float) / (c_hat * kappa**2))


def loglog_slope(x, y) -> tuple[float, float]:
    """Least-squares slope and intercept of log y against log x (natural logs): y ≈ exp(b)·x^s."""
    lx, ly = np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float))
    if lx.size < 2 or not (np.all(np.isfinite(lx)) and np.all(np.isfinite(ly))):
        raise ValueError("a log-log slope needs at least two positive, finite points")
    s, b = np.polyfit(lx, ly, 1)
    return float(s), float(b)
