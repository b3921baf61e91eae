"""Matrix sensing: b = 𝒜(M★) + noise with a Gaussian operator of p measurements.

𝒜(M)_i = ⟨A_i, M⟩ with the entries of A_i iid N(0, 1/p), so E‖𝒜(M)‖² = ‖M‖² (weight w = 1 in
:mod:`agdcore._observed`); objective ½‖𝒜(XYᵀ) − b‖². The operator is stored as one (p, m·n) array
(row i = vec(A_i), row-major), so its memory, 8·p·m·n bytes, is checked against the memory budget
before anything is allocated. An iteration forms XYᵀ (m×n), applies 𝒜 (one pass over the operator)
and 𝒜* (another): GD reads the operator twice, AGD four times (two residuals, two adjoints). Trials
stacked on a batch axis share each pass.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ._dense import _T
from ._observed import DenseTruth, FactoredTruth, ObservedContext, ObservedProblem, noise_scaled
from ._synthetic import draw_basis, synthetic_spectrum
from ._validation import check_float, check_int, memory_budget
from .observe import default_measurements
from .problem import Problem

__all__ = ["SensingProblem", "make_sensing", "sensing_from_matrix"]


class SensingContext(ObservedContext):
    """𝒜(XYᵀ) = Op·vec(XYᵀ); 𝒜*(r) = reshape(Opᵀ r): one pass over Op each (shared by the trials)."""

    _last = (None, None)

    def residual(self, X, Y, memo):
        p = self.problem
        M = (X @ _T(Y)).reshape(X.shape[0], -1)
        return M @ p.op.T - p.b

    def _back(self, r):
        if self._last[0] is not r:  # ∇_X and ∇_Y at one point share 𝒜*(r): one pass, not two
            self._last = (r, (r @ self.problem.op).reshape(r.shape[0], *self.problem.shape))
        return self._last[1]

    def adj_y(self, r, Y):
        return self._back(r) @ Y

    def adj_x(self, r, X):
        return _T(self._back(r)) @ X


class SensingProblem(ObservedProblem):
    """Measurements ``b`` of an unknown matrix through the operator ``op`` (p, m·n), and the truth."""

    kind = "sensing"

    def __init__(self, shape, rank, op, b, *, truth, description, noise=0.0, truth_facts=None):
        super().__init__(shape, rank, truth, description, noise, truth_facts)
        self.op, self.b = op, np.ascontiguousarray(b, dtype=float)
        self.measurements = int(op.shape[0])
        self.norm2 = float(np.vdot(self.b, self.b))

    def step_context(self, step: float, options: dict, state: dict | None = None) -> SensingContext:
        return SensingContext(self, step, options, state)

    @cached_property
    def backprojection(self) -> np.ndarray:
        """𝒜*(b) (m×n, dense)."""
        return (self.b @ self.op).reshape(self.shape)

    def work_bytes(self, width: int) -> float:
        m, n = self.shape
        return 8.0 * 3 * m * n

    @property
    def observed_text(self) -> str:
        m, n = self.shape
        return f"only p = {self.measurements} Gaussian measurements of the {m}x{n} matrix are observed (matrix sensing)"

    def observation(self) -> dict:
        return {"observe": "sensing", "measurements": self.measurements, "observation_noise": self.noise}


def check_sensing_memory(measurements: int, m: int, n: int, budget: float | None = None) -> None:
    """Refuse, before allocating, an operator of 8·p·m·n bytes over the budget; name the largest p."""
    limit = memory_budget(budget)
    nbytes = 8.0 * measurements * m * n + 8.0 * 4 * m * n
    if nbytes > limit:
        largest = max(0, int((limit - 8.0 * 4 * m * n) // (8.0 * m * n)))
        raise ValueError(
            f"measurements = {measurements} of a {m}x{n} matrix (m = {m}, n = {n}) need a {measurements}x{m * n} "
            f"Gaussian operator, 8·p·m·n = {nbytes / 1e9:.3g} GB, over the memory budget of {limit / 1e9:.3g} GB; "
            f"the largest measurements that fits is {largest} (or raise memory_budget / AGDCORE_MEMORY_BUDGET)."
        )


def _operator(rng, p: int, mn: int) -> np.ndarray:
    op = rng.standard_normal((p, mn))
    op *= 1.0 / np.sqrt(p)
    return op


def _measure(op, M, noise, rng):
    b = op @ M.ravel()
    return b + noise_scaled(rng, b, noise) if noise > 0 else b


def make_sensing(
    m: int = 30,
    n: int = 30,
    rank: int = 2,
    kappa: float = 5.0,
    measurements: int | None = None,
    noise: float = 0.0,
    seed=0,
    *,
    spectrum: str = "geometric",
    sigma1: float = 1.0,
    memory_budget: float | None = None,
) -> SensingProblem:
    """Synthetic sensing of M★ = U diag(σ) Vᵀ (as :func:`agdcore.make_problem` draws it for the same
    seed) with ``measurements`` = p ≥ 1 Gaussian measurements (default 4·r(m + n − r), four times
    the degrees of freedom) and noise ‖ξ‖ = noise·‖𝒜(M★)‖.
    """
    m, n = check_int(m, "m", 1), check_int(n, "n", 1)
    rank, s = synthetic_spectrum(m, n, rank, kappa, spectrum, sigma1)
    noise = check_float(noise, "noise", 0.0, 10.0)
    p = default_measurements(m, n, rank) if measurements is None else check_int(measurements, "measurements", 1)
    check_sensing_memory(p, m, n, memory_budget)
    U, V, rng = draw_basis(m, n, rank, seed)
    op = _operator(rng, p, m * n)
    b = _measure(op, (U * s) @ V.T, noise, rng)
    dof = rank * (m + n - rank)
    desc = (
        f"sensing of {m}x{n}, rank {rank}, kappa {s[0] / s[-1]:.4g}, {spectrum} spectrum: {p} Gaussian "
        f"measurements ({p / dof:.3g}× the r(m+n−r) = {dof} degrees of freedom)"
        + (f", noise {noise:g}" if noise else "")
    )
    facts = {"sigma1": float(s[0]), "sigma_r": float(s[-1]), "kappa": float(s[0] / s[-1])}
    return SensingProblem(
        (m, n), rank, op, b, truth=FactoredTruth(U, s, V), description=desc, noise=noise, truth_facts=facts
    )


def sensing_from_matrix(
    A, measurements: int, *, noise: float = 0.0, seed=0, rank: int | None = None, memory_budget: float | None = None
) -> SensingProblem:
    """Gaussian measurements of a given matrix; the recovery error is ‖XYᵀ − A‖²/‖A‖²."""
    base = Problem.from_array(A, rank, memory_budget=memory_budget)
    m, n = base.shape
    p = check_int(measurements, "measurements", 1)
    noise = check_float(noise, "noise", 0.0, 10.0)
    check_sensing_memory(p, m, n, memory_budget)
    rng = np.random.default_rng(seed)
    op = _operator(rng, p, m * n)
    desc = f"sensing of user matrix {m}x{n}: {p} Gaussian measurements" + (f", noise {noise:g}" if noise else "")
    return SensingProblem(
        (m, n), base.rank, op, _measure(op, base.A, noise, rng), truth=DenseTruth(base.A), description=desc, noise=noise
    )
