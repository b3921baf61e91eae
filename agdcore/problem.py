"""The factorization problem: a target matrix ``A`` and the facts about it that theory needs.

``f(X, Y) = ½‖A − X Yᵀ‖_F²`` with ``A`` of shape (m, n), ``X`` of shape (m, d), ``Y`` of shape (n, d).

The problem protocol
--------------------
The loop, the flow, the trials and the initializers read a problem only through these members, so
a new kind of problem (matrix completion, sensing) is one class that provides them:

``kind``
    A short name (``"dense"`` here); registry entries list the kinds they support.
``shape``, ``rank``, ``sigma1``, ``sigma_r``, ``kappa``, ``norm2``
    Sizes and scale: ``sigma1`` sets default steps, ``norm2`` normalises the error
    e = ‖A − XYᵀ‖²/‖A‖².
``floor(width)``
    The smallest reachable e for factor width d (Eckart–Young here).
``sq_error(X, Y)``
    The exact (unnormalised) squared residual at one iterate, accurate to round-off.
``step_context(step, options, state)``
    The step rules' view of the problem (:class:`agdcore._dense.StepContext` here): ``grads``,
    ``grad_x`` and ``alternate`` on batched factors, plus ``step``, ``options``, ``state``.
``apply(Phi)``, ``top_svd(k)``
    What initializers need: the data times a matrix (AΦ) and the top-k singular triplets.
``is_exactly_low_rank``, ``in_column_span(X)``, ``description``, ``summary()``
    Facts the theory checks read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._dense import StepContext, block_rows, exact_sq_residual
from ._synthetic import SPECTRA, ScaleFacts, draw_basis, make_spectrum, synthetic_spectrum  # noqa: F401  (public names)
from ._validation import check_float, check_int, check_memory

_FULL_SVD_LIMIT = 4_000_000  # m*n up to which the whole spectrum is computed with a dense SVD


@dataclass(frozen=True, eq=False)
class Problem(ScaleFacts):
    """A target matrix with its SVD facts, computed once and cached.

    Parameters
    ----------
    A : ndarray of shape (m, n)
        Finite real matrix; stored as a read-only C-contiguous float64 copy.
    rank : int
        The rank ``r`` the theory speaks of (the true rank for synthetic problems; the numerical
        rank, capped at 50, when built with :meth:`from_array` and not given).
    known_singular_values, known_basis : optional
        Exact spectrum (full length ``min(m, n)``) and top-``r`` left singular vectors when the
        construction knows them (synthetic, noise-free problems), so no SVD is needed.
    """

    A: np.ndarray
    rank: int
    known_singular_values: np.ndarray | None = field(default=None, repr=False)
    known_basis: np.ndarray | None = field(default=None, repr=False)
    description: str = ""

    def __post_init__(self) -> None:
        A = self.A
        if not isinstance(A, np.ndarray):
            A = np.asarray(A)
        if A.dtype == object or not (np.issubdtype(A.dtype, np.number) or A.dtype == bool):
            raise ValueError(f"A must be a real numeric array, got dtype {A.dtype}.")
        if np.iscomplexobj(A):
            raise ValueError("A must be real, got a complex array.")
        if A.ndim != 2:
            raise ValueError(f"A must be a 2-D array, got {A.ndim}-D with shape {A.shape}.")
        if A.size == 0:
            raise ValueError(f"A must be non-empty, got shape {A.shape}.")
        A = np.ascontiguousarray(A, dtype=np.float64)
        if not np.all(np.isfinite(A)):
            raise ValueError("A must be finite: it contains NaN or Inf entries.")
        if not np.any(A):
            raise ValueError("A must not be the zero matrix (the relative error is undefined).")
        if A is self.A:
            A = A.copy()
        A.flags.writeable = False
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "rank", check_int(self.rank, "rank", 1, min(A.shape)))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_array(cls, A, rank: int | None = None, *, memory_budget: float | None = None) -> Problem:
        """Wrap any finite 2-D real array; ``rank`` defaults to its numerical rank (at most 50)."""
        arr = np.asarray(A)
        if arr.ndim == 2:
            check_memory(8.0 * 2 * arr.size, f"A matrix of shape {arr.shape}", memory_budget)
        p = cls(arr, 1)
        if rank is None:
            rank = max(1, min(p.numerical_rank, 50))
        return cls(p.A, rank, description=f"user matrix {p.A.shape[0]}x{p.A.shape[1]}")

    # ------------------------------------------------------------------ protocol (see module docstring)
    kind = "dense"

    @property
    def shape(self) -> tuple[int, int]:
        return self.A.shape

    def sq_error(self, X: np.ndarray, Y: np.ndarray) -> float:
        """‖A − X Yᵀ‖_F², exactly, in row blocks (no m×n temporary)."""
        return exact_sq_residual(self.A, X, Y)

    def step_context(self, step: float, options: dict, state: dict | None = None) -> StepContext:
        """The step rules' view: Gram-form products, one fused row-block pass for large A."""
        A = self.A  # the fused pass reads A row-blockwise, so A.T (a view) needs no copy
        return StepContext(A, A.T, self.norm2, step, options, dict(state or {}), block_rows(A))

    def apply(self, Phi: np.ndarray) -> np.ndarray:
        """A Φ (what a sketching or Ward–Kolda initializer multiplies)."""
        return self.A @ Phi

    def top_svd(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(U_k, s_k, V_kᵀ), descending: dense SVD for moderate A, else scipy's svds."""
        m, n = self.A.shape
        if m * n <= _FULL_SVD_LIMIT or k >= min(m, n) - 1:
            U, s, Vt = np.linalg.svd(self.A, full_matrices=False)
            return U[:, :k], s[:k], Vt[:k]
        from scipy.sparse.linalg import svds

        U, s, Vt = svds(self.A, k=k, random_state=0)
        order = np.argsort(s)[::-1]
        return U[:, order], s[order], Vt[order]

    # ------------------------------------------------------------------ SVD facts

    @cached_property
    def norm2(self) -> float:
        """‖A‖_F²."""
        return float(np.vdot(self.A, self.A))

    @cached_property
    def singular_values(self) -> np.ndarray:
        """Singular values of A, descending: all of them when m·n is moderate, else the top ones."""
        if self.known_singular_values is not None:
            return np.asarray(self.known_singular_values, dtype=float)
        m, n = self.A.shape
        if m * n <= _FULL_SVD_LIMIT:
            return np.linalg.svd(self.A, compute_uv=False)
        from scipy.sparse.linalg import svds

        k = min(min(m, n) - 1, max(2 * self.rank, 60))
        s = svds(self.A, k=k, return_singular_vectors=False, random_state=0)
        return np.sort(s)[::-1]

    @cached_property
    def numerical_rank(self) -> int:
        s = self.singular_values
        tol = s[0] * max(self.A.shape) * np.finfo(float).eps
        return int(np.sum(s > tol))

    @property
    def is_exactly_low_rank(self) -> bool:
        """True when A has (numerically) exactly ``rank`` nonzero singular values."""
        s = self.singular_values
        if self.rank >= len(s):
            return self.rank == min(self.A.shape) and len(s) == min(self.A.shape)
        return bool(s[self.rank] <= 1e-10 * s[0])

    def floor(self, width: int) -> float:
        """Eckart–Young floor for width d: min over rank-d B of ‖A − B‖²/‖A‖² = Σ_{i>d} σ_i²/‖A‖_F²."""
        s = self.singular_values
        if width >= min(self.A.shape):
            return 0.0
        if width > len(s):
            raise ValueError(f"width {width} exceeds the {len(s)} singular values computed for this large A.")
        tail = self.norm2 - float(np.sum(s[:width] ** 2))
        if self.known_singular_values is not None:
            tail = float(np.sum(s[width:] ** 2))
        return max(tail, 0.0) / self.norm2

    @cached_property
    def column_basis(self) -> np.ndarray:
        """Orthonormal basis (m, r) of the span of the top-r left singular vectors of A."""
        if self.known_basis is not None:
            return self.known_basis
        m, n = self.A.shape
        if m * n <= _FULL_SVD_LIMIT:
            U, _, _ = np.linalg.svd(self.A, full_matrices=False)
            return np.ascontiguousarray(U[:, : self.rank])
        from scipy.sparse.linalg import svds

        U, s, _ = svds(self.A, k=self.rank, random_state=0)
        return np.ascontiguousarray(U[:, np.argsort(s)[::-1]])

    def in_column_span(self, X: np.ndarray, rtol: float = 1e-8) -> bool:
        """Whether the columns of X lie in col(A) (only meaningful for exactly low-rank A)."""
        U = self.column_basis
        nx = np.linalg.norm(X)
        if nx == 0:
            return True
        return bool(np.linalg.norm(X - U @ (U.T @ X)) <= rtol * nx)

    # ------------------------------------------------------------------ objective (reference form)
    def error(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Squared relative error e = ‖A − X Yᵀ‖_F² / ‖A‖_F², computed exactly in row blocks."""
        return exact_sq_residual(self.A, X, Y) / self.norm2

    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """f(X, Y) = ½‖A − X Yᵀ‖_F²."""
        return 0.5 * exact_sq_residual(self.A, X, Y)

    def gradient(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(∇_X f, ∇_Y f) = ((X Yᵀ − A) Y, (X Yᵀ − A)ᵀ X)."""
        R = X @ Y.T - self.A
        return R @ Y, R.T @ X

    def summary(self) -> dict:
        return {
            "m": self.A.shape[0],
            "n": self.A.shape[1],
            "rank": self.rank,
            "sigma1": self.sigma1,
            "sigma_r": self.sigma_r,
            "kappa": self.kappa,
            "exactly_low_rank": self.is_exactly_low_rank,
            "description": self.description,
        }


def make_problem(
    m: int = 100,
    n: int = 100,
    rank: int = 5,
    kappa: float = 10.0,
    spectrum: str = "geometric",
    noise: float = 0.0,
    seed=0,
    *,
    sigma1: float = 1.0,
    singular_values=None,
    memory_budget: float | None = None,
) -> Problem:
    """Synthetic ``A = U diag(σ) Vᵀ (+ N)`` with random orthonormal U (m×r), V (n×r).

    Parameters
    ----------
    m, n : int
        Size of A (each at least 1).
    rank : int
        True rank r, ``1 <= r <= min(m, n)``.
    kappa : float
        Condition number σ₁/σ_r >= 1 of the clean part.
    spectrum : {"geometric", "linear"}
        Spacing of σ₁ ≥ … ≥ σ_r = σ₁/κ.
    noise : float
        ‖N‖_F / ‖A_clean‖_F for an added iid Gaussian N (0 gives an exactly rank-r A).
    seed : int or Generator
        Seed of the problem's own random stream.
    sigma1 : float
        Largest singular value of the clean part.
    singular_values : sequence of float, optional
        Explicit σ (overrides rank, kappa, spectrum, sigma1).
    """
    m = check_int(m, "m", 1)
    n = check_int(n, "n", 1)
    check_memory(8.0 * (m * n + (m + n) * min(m, n, 64)), f"A {m}x{n} problem", memory_budget)
    if singular_values is not None:
        s = np.sort(np.asarray(singular_values, dtype=float).ravel())[::-1]
        if s.size == 0 or not np.all(np.isfinite(s)) or s[-1] <= 0:
            raise ValueError("singular_values must be a non-empty list of positive finite numbers.")
        rank = s.size
        if rank > min(m, n):
            raise ValueError(f"singular_values has {rank} entries; at most min(m, n) = {min(m, n)} allowed.")
    else:
        rank, s = synthetic_spectrum(m, n, rank, kappa, spectrum, sigma1)
    noise = check_float(noise, "noise", 0.0, 10.0)
    U, V, rng = draw_basis(m, n, rank, seed)
    A = (U * s) @ V.T
    desc = (
        f"{m}x{n}, rank {rank}, kappa {s[0] / s[-1]:.4g}, {spectrum if singular_values is None else 'custom'} spectrum"
    )
    if noise > 0:
        N = rng.standard_normal((m, n))
        A += N * (noise * np.linalg.norm(s) / np.linalg.norm(N))
        return Problem(A, rank, description=desc + f", noise {noise:g}")
    full = np.zeros(min(m, n))
    full[:rank] = s
    return Problem(A, rank, known_singular_values=full, known_basis=np.ascontiguousarray(U), description=desc)
