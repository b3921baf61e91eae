"""Numerical checks of derivations in docs/theory.md that no other test covers (issue 12)."""

import numpy as np
import pytest

import agdcore as agd


@pytest.fixture(scope="module")
def problem():
    return agd.make_problem(30, 25, 3, 4.0, seed=0)


def test_residual_recursion_is_exact(problem):
    """docs/theory.md#residual-recursion: R₁ = (I − ηX₁X₁ᵀ) R₀ (I − ηY₀Y₀ᵀ) for any start."""
    A = problem.A
    rng = np.random.default_rng(1)
    X0, Y0 = rng.standard_normal((30, 5)), rng.standard_normal((25, 5))
    eta = 0.01
    r = agd.solve(problem, "agd", (X0, Y0), width=5, step=eta, max_iter=1, tol=0, theory=False)
    X1, Y1 = r.X, r.Y
    lhs = A - X1 @ Y1.T
    rhs = (np.eye(30) - eta * X1 @ X1.T) @ (A - X0 @ Y0.T) @ (np.eye(25) - eta * Y0 @ Y0.T)
    np.testing.assert_allclose(lhs, rhs, atol=1e-12 * np.abs(A).max() * 100)


def test_gd_balancedness_drift_identity(problem):
    """docs/theory.md#balancedness: one GD step moves XᵀX − YᵀY by η²(YᵀRᵀRY − XᵀRRᵀX)."""
    A = problem.A
    rng = np.random.default_rng(2)
    X, Y = 0.3 * rng.standard_normal((30, 4)), 0.3 * rng.standard_normal((25, 4))
    eta = 0.05
    r = agd.solve(problem, "gd", (X, Y), width=4, step=eta, max_iter=1, tol=0, theory=False)
    R = A - X @ Y.T
    drift = (r.X.T @ r.X - r.Y.T @ r.Y) - (X.T @ X - Y.T @ Y)
    np.testing.assert_allclose(drift, eta**2 * (Y.T @ R.T @ R @ Y - X.T @ R @ R.T @ X), atol=1e-12)


def test_scaled_init_does_not_depend_on_the_step(problem):
    """docs/theory.md#wk-init: √η X₀ = AΦ₁/(Cσ₁) whatever η, and √η Y₀ is proportional to ησ₁."""
    init = agd.INITIALIZERS["ward-kolda"].fn
    out = {eta: init(problem, 6, eta, np.random.default_rng(3)) for eta in (1e-4, 1e-2)}
    (Xa, Ya), (Xb, Yb) = out[1e-4], out[1e-2]
    np.testing.assert_allclose(np.sqrt(1e-4) * Xa, np.sqrt(1e-2) * Xb, rtol=1e-12)
    np.testing.assert_allclose(np.sqrt(1e-2) * Yb, 100 * np.sqrt(1e-4) * Ya, rtol=1e-12)


def test_step_scales_like_one_over_sigma1():
    """docs/theory.md#step-range: on cA with step η/c the run is the same (iterates × √c), so e_t is too."""
    p = agd.make_problem(30, 25, 3, 4.0, seed=0)
    c = 37.0
    q = agd.Problem.from_array(c * p.A)
    a = agd.solve(p, width=5, max_iter=200, tol=0, seed=4, theory=False)
    b = agd.solve(q, width=5, step=a.config["step"] / c, max_iter=200, tol=0, seed=4, theory=False)
    np.testing.assert_allclose(b.error, a.error, rtol=1e-8, atol=1e-13)  # the error value carries round-off ~1e-15
    np.testing.assert_allclose(b.X, np.sqrt(c) * a.X, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("m,n,r", [(7, 5, 2), (6, 6, 3), (9, 4, 1)])
def test_rank_r_matrices_have_r_m_plus_n_minus_r_degrees_of_freedom(m, n, r):
    """docs/theory.md#completion-sensing: the differential (H, K) ↦ HYᵀ + XKᵀ has rank r(m + n − r)."""
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((m, r)), rng.standard_normal((n, r))
    cols = []
    for i in range(m * r):
        H = np.zeros(m * r)
        H[i] = 1
        cols.append((H.reshape(m, r) @ Y.T).ravel())
    for j in range(n * r):
        K = np.zeros(n * r)
        K[j] = 1
        cols.append((X @ K.reshape(n, r).T).ravel())
    assert np.linalg.matrix_rank(np.array(cols).T) == r * (m + n - r)
