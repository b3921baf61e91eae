"""What the partially observed problems (completion, sensing) share: the step context built from a
forward operator 𝒜 and its adjoint 𝒜*, the ground truth behind the recovery error, the scale facts.

The step rules descend f_w(X, Y) = (w/2)‖𝒜(XYᵀ) − b‖² with a weight w chosen so that E[w 𝒜*𝒜] = I
(w = 1/p for completion at rate p, w = 1 for a Gaussian sensing operator with N(0, 1/p) entries):
its minimizers are those of ½‖𝒜(XYᵀ) − b‖², and a step η means what it means on the fully observed
problem (completion at p = 1 *is* that problem). With r = 𝒜(XYᵀ) − b,

    ∇_X f_w = w 𝒜*(r) Y,   ∇_Y f_w = w 𝒜*(r)ᵀ X,   s = w‖r‖²  (the loop's ‖R‖², exact, no Gram form).

A subclass provides ``residual(X, Y, memo)`` (r on a leading batch axis), ``adj_y(r, Y)`` = 𝒜*(r)Y
and ``adj_x(r, X)`` = 𝒜*(r)ᵀX; ``memo`` is a per-step dict in which it may keep gathered factors.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ._dense import _T, exact_sq_residual
from ._synthetic import ScaleFacts

RECOVERY_TOL = 1e-3  # recovery error ≤ this counts as "recovered" (the phase diagram's threshold)
_DENSE_SVD_LIMIT = 4_000_000  # m*n up to which the back-projection's SVD is a dense one


def _sumsq(r: np.ndarray) -> np.ndarray:
    return np.einsum("...k,...k->...", r, r)


class ObservedContext:
    """The step rules' view of an observed problem: ``grads``, ``grad_x``, ``alternate`` (batched)."""

    def __init__(self, problem, step: float, options: dict, state: dict | None = None):
        self.problem, self.step, self.options, self.state = problem, step, options, dict(state or {})
        self.w = problem.weight

    # subclasses: residual(X, Y, memo) -> (B, k); adj_y(r, Y) -> (B, m, d); adj_x(r, X) -> (B, n, d)
    def grads(self, X, Y, H=None):
        """(∇_X f, ∇_Y f, s = w‖r‖², G = YᵀY, H = XᵀX) at (X, Y)."""
        H = _T(X) @ X if H is None else H
        r = self.residual(X, Y, {})
        w = self.w
        return w * self.adj_y(r, Y), w * self.adj_x(r, X), w * _sumsq(r), _T(Y) @ Y, H

    def grad_x(self, X, Y, H=None):
        """(∇_X f, s, G, H) at (X, Y)."""
        H = _T(X) @ X if H is None else H
        r = self.residual(X, Y, {})
        return self.w * self.adj_y(r, Y), self.w * _sumsq(r), _T(Y) @ Y, H

    def alternate(self, X, Y, H=None):
        """(X⁺, ∇_Y f(X⁺, Y), s at (X, Y), G, H⁺) with X⁺ = X − η ∇_X f(X, Y): two residuals."""
        H = _T(X) @ X if H is None else H
        memo: dict = {}
        r = self.residual(X, Y, memo)
        w = self.w
        Xn = X - (self.step * w) * self.adj_y(r, Y)
        rn = self.residual(Xn, Y, memo)
        Hn = _T(Xn) @ Xn
        return Xn, w * self.adj_x(rn, Xn), w * _sumsq(r), _T(Y) @ Y, Hn


# ---------------------------------------------------------------------- ground truth (recovery error)
class FactoredTruth:
    """M★ = U diag(s) Vᵀ: ‖XYᵀ − M★‖² exactly in O((m + n)(d + r)²), no m×n matrix."""

    cheap = True

    def __init__(self, U, s, V):
        self.U, self.s, self.V = U, np.asarray(s, dtype=float), V
        self.norm2 = float(np.sum(self.s**2))
        self.US = U * self.s

    def sq_dist(self, X, Y) -> float:
        # XYᵀ − M★ = P Qᵀ with P = [X, −US], Q = [Y, V] = Q₀R: ‖P Qᵀ‖ = ‖P Rᵀ‖ (no cancellation in a Gram)
        d = X.shape[1]
        R = np.linalg.qr(np.hstack([Y, self.V]), mode="r")
        D = X @ R[:, :d].T - self.US @ R[:, d:].T
        return float(np.vdot(D, D))


class DenseTruth:
    """A known dense M★ (an uploaded matrix under sensing): exact residual in row blocks."""

    cheap = False

    def __init__(self, M):
        self.M = M
        self.norm2 = float(np.vdot(M, M))

    def sq_dist(self, X, Y) -> float:
        return exact_sq_residual(self.M, X, Y)


class HeldOut:
    """The entries of a given matrix outside Ω: the recovery error is the error on them."""

    def __init__(self, rows, cols, vals):
        self.rows, self.cols, self.vals = rows, cols, vals
        self.norm2 = float(np.vdot(vals, vals))
        self.cheap = vals.size <= 200_000

    def sq_dist(self, X, Y) -> float:
        r = np.einsum("kd,kd->k", X[self.rows], Y[self.cols]) - self.vals
        return float(np.vdot(r, r))


class ObservedProblem(ScaleFacts):
    """The protocol (see :mod:`agdcore.problem`) for data b = 𝒜(M★) + noise; subclasses add 𝒜.

    Scale facts (σ₁, σ_r, κ, which set default steps) are those of the back-projection w𝒜*(b)
    (what a user who sees only b can compute); ``truth_summary`` holds those of M★ when known.
    """

    residual_is_exact = True  # the loop's s is computed from the residual itself, not a Gram form
    weight = 1.0
    truth = None

    def __init__(self, shape, rank, truth, description, noise, truth_facts=None):
        self.shape, self.rank, self.truth = tuple(shape), int(rank), truth
        self.description, self.noise, self.truth_facts = description, float(noise), truth_facts or {}

    # ------------------------------------------------------------------ protocol
    def floor(self, width: int) -> float:
        """No Eckart–Young floor for observed data: 0 (an over-parameterized model can fit noise)."""
        return 0.0

    def sq_error(self, X, Y) -> float:
        """w‖𝒜(XYᵀ) − b‖² at one iterate (the loop's unnormalised training loss)."""
        r = self.residual(X, Y)
        return float(self.weight * np.vdot(r, r))

    def residual(self, X, Y) -> np.ndarray:
        """r = 𝒜(XYᵀ) − b at one (2-D) iterate."""
        return self.step_context(0.0, {}).residual(X[None], Y[None], {})[0]

    def apply(self, Phi: np.ndarray) -> np.ndarray:
        """w𝒜*(b) Φ: the back-projection times Φ (what Ward–Kolda's start multiplies)."""
        return np.asarray(self.backprojection @ Phi)

    def top_svd(self, k: int):
        """(U_k, s_k, V_kᵀ) of the back-projection w𝒜*(b) (the spectral start's SVD)."""
        B = self.backprojection
        m, n = self.shape
        if m * n <= _DENSE_SVD_LIMIT or k >= min(m, n) - 1:
            U, s, Vt = self._dense_svd
            return U[:, :k], s[:k], Vt[:k]
        from scipy.sparse.linalg import svds

        U, s, Vt = svds(B, k=k, random_state=0)
        order = np.argsort(s)[::-1]
        return U[:, order], s[order], Vt[order]

    @cached_property
    def _dense_svd(self):
        B = self.backprojection
        return np.linalg.svd(B.toarray() if hasattr(B, "toarray") else B, full_matrices=False)

    @cached_property
    def singular_values(self) -> np.ndarray:
        """Top singular values of the back-projection (all of them when m·n is moderate)."""
        m, n = self.shape
        k = min(m, n) if m * n <= _DENSE_SVD_LIMIT else min(min(m, n) - 2, max(2 * self.rank, 20))
        return self.top_svd(k)[1]

    @property
    def is_exactly_low_rank(self) -> bool:
        """Whether M★ is known and exactly rank r (a fact about M★; no theory here relies on it)."""
        return isinstance(self.truth, FactoredTruth) and self.noise == 0

    def in_column_span(self, X, rtol: float = 1e-8) -> bool:
        if not isinstance(self.truth, FactoredTruth):
            return False
        U, nx = self.truth.U, np.linalg.norm(X)
        return bool(nx == 0 or np.linalg.norm(X - U @ (U.T @ X)) <= rtol * nx)

    # ------------------------------------------------------------------ recovery error
    @property
    def has_recovery(self) -> bool:
        return self.truth is not None and self.truth.norm2 > 0

    @property
    def cheap_recovery(self) -> bool:
        """Whether the recovery error is cheap enough to evaluate at every iteration."""
        return self.has_recovery and self.truth.cheap

    def recovery_error(self, X, Y) -> float:
        """‖XYᵀ − M★‖²/‖M★‖² (held-out entries for a given matrix and mask); NaN if unknown."""
        if not self.has_recovery or not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
            return float("nan")
        return self.truth.sq_dist(X, Y) / self.truth.norm2

    # ------------------------------------------------------------------ reference forms (tests)
    def error(self, X, Y) -> float:
        """Relative training loss ‖𝒜(XYᵀ) − b‖² / ‖b‖²."""
        return self.sq_error(X, Y) / self.norm2

    def loss(self, X, Y) -> float:
        """The objective ½‖𝒜(XYᵀ) − b‖² (unweighted)."""
        r = self.residual(X, Y)
        return 0.5 * float(np.vdot(r, r))

    def gradient(self, X, Y):
        """(∇_X, ∇_Y) of ½‖𝒜(XYᵀ) − b‖² (the step rules use w times this)."""
        ctx = self.step_context(0.0, {})
        r = ctx.residual(X[None], Y[None], {})
        return ctx.adj_y(r, Y[None])[0], ctx.adj_x(r, X[None])[0]

    def summary(self) -> dict:
        m, n = self.shape
        return {
            "m": m,
            "n": n,
            "rank": self.rank,
            "sigma1": self.sigma1,
            "sigma_r": self.sigma_r,
            "kappa": self.kappa,
            "exactly_low_rank": self.is_exactly_low_rank,
            "description": self.description,
            **self.observation(),
            **{f"truth_{k}": v for k, v in self.truth_facts.items()},
        }

    @property
    def why_no_theory(self) -> str:
        """The one line the theory report shows for this problem."""
        return (
            f"{self.observed_text}: Ward–Kolda's guarantee (and every bound drawn with it) is for the "
            "fully observed problem, so none is drawn"
        )


def noise_scaled(rng, values: np.ndarray, noise: float) -> np.ndarray:
    """iid Gaussian noise with ‖ξ‖ = noise·‖values‖ (the make_problem convention)."""
    xi = rng.standard_normal(values.shape)
    nrm = np.linalg.norm(xi)
    return xi * (noise * np.linalg.norm(values) / nrm) if nrm > 0 else xi
