"""What every synthetic problem kind shares: the spectrum σ₁ … σ_r, the draw of the bases U, V from a
seed (so make_problem, make_completion and make_sensing give the same M★ for the same seed), and
the scale facts σ₁, σ_r, κ read from a problem's singular values."""

from __future__ import annotations

import numpy as np

from ._validation import check_choice, check_float, check_int

SPECTRA = ("geometric", "linear")


class ScaleFacts:
    """σ₁, σ_r and κ read from ``singular_values`` and ``rank``: the scale facts every problem kind
    offers the step defaults and the theory (for observed data, those of the back-projection)."""

    @property
    def sigma1(self) -> float:
        return float(self.singular_values[0])

    @property
    def sigma_r(self) -> float:
        return float(self.singular_values[self.rank - 1])

    @property
    def kappa(self) -> float:
        """κ = σ₁/σ_r for the problem's rank r."""
        sr = self.sigma_r
        return float(self.sigma1 / sr) if sr > 0 else float("inf")


def make_spectrum(rank: int, kappa: float, kind: str = "geometric", sigma1: float = 1.0) -> np.ndarray:
    """Singular values from σ₁ down to σ₁/κ, geometrically or linearly spaced."""
    check_choice(kind, "spectrum", SPECTRA)
    if kind == "geometric":
        return np.geomspace(sigma1, sigma1 / kappa, rank)
    return np.linspace(sigma1, sigma1 / kappa, rank)


def synthetic_spectrum(m: int, n: int, rank, kappa, spectrum: str, sigma1) -> tuple[int, np.ndarray]:
    """(r, σ) of a synthetic M★, every argument checked: the one validation make_problem,
    make_completion and make_sensing share."""
    rank = check_int(rank, "rank", 1, min(m, n))
    kappa = check_float(kappa, "kappa", 1.0)
    sigma1 = check_float(sigma1, "sigma1", 0.0, lo_open=True)
    return rank, make_spectrum(rank, kappa, spectrum, sigma1)


def draw_basis(m: int, n: int, rank: int, seed):
    """(U, V, rng): the orthonormal bases of a synthetic M★ drawn from ``seed``; ``rng`` continues the
    stream (the noise, Ω or the sensing operator come next), so the same seed gives the same M★."""
    rng = np.random.default_rng(seed)  # a Generator passes through
    U, _ = np.linalg.qr(rng.standard_normal((m, rank)))
    V, _ = np.linalg.qr(rng.standard_normal((n, rank)))
    return U, V, rng
