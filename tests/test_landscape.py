"""Every closed form of the Landscape page against finite differences or the numerical iteration."""

import warnings

import numpy as np
import pytest

import agdcore as agd
from agdcore import landscape as L
from agdcore.initializers import ward_kolda

RNG = np.random.default_rng(7)
POINTS = [(0.3, 1.7, 1.0), (-1.2, 0.4, 2.0), (2.5, 0.1, 0.5), *[tuple(RNG.normal(size=2)) + (1.3,) for _ in range(5)]]


@pytest.mark.parametrize("x,y,a", POINTS)
def test_gradient_and_hessian_match_central_differences(x, y, a):
    h = 1e-5
    fd_grad = [
        (L.loss(x + h, y, a) - L.loss(x - h, y, a)) / (2 * h),
        (L.loss(x, y + h, a) - L.loss(x, y - h, a)) / (2 * h),
    ]
    np.testing.assert_allclose(L.gradient(x, y, a), fd_grad, rtol=1e-7, atol=1e-9)
    fd_hess = np.column_stack(
        [
            (L.gradient(x + h, y, a) - L.gradient(x - h, y, a)) / (2 * h),
            (L.gradient(x, y + h, a) - L.gradient(x, y - h, a)) / (2 * h),
        ]
    )
    np.testing.assert_allclose(L.hessian(x, y, a), fd_hess, rtol=1e-7, atol=1e-8)
    lam = np.linalg.eigvalsh(L.hessian(x, y, a))[-1]
    assert L.curvature(x, y, a) == pytest.approx(lam, rel=1e-12)


@pytest.mark.parametrize("a", [0.5, 1.0, 3.0])
def test_valley_curvature_is_x2_plus_a2_over_x2_and_flat_along_the_valley(a):
    xs = np.array([0.2, 0.7, np.sqrt(a), 1.9, 4.0])
    for x in xs:
        ev = np.linalg.eigvalsh(L.hessian(x, a / x, a))
        assert ev[0] == pytest.approx(0.0, abs=1e-12)  # flat along the valley
        assert ev[1] == pytest.approx(x * x + a * a / (x * x), rel=1e-12)
        assert L.curvature(x, a / x, a) == pytest.approx(L.valley_curvature(x, a), rel=1e-12)
    grid = np.linspace(0.05, 5, 20001) * np.sqrt(a)
    lam = L.valley_curvature(grid, a)
    assert lam.min() == pytest.approx(2 * a, rel=1e-6) and grid[lam.argmin()] == pytest.approx(np.sqrt(a), rel=1e-3)


@pytest.mark.parametrize("method,algorithm", [("agd", "agd"), ("gd", "gd")])
def test_closed_form_step_equals_one_step_of_the_generic_solver(method, algorithm):
    a, eta = 2.0, 0.13
    step = L.agd_step if method == "agd" else L.gd_step
    p = agd.Problem.from_array(np.array([[a]]))
    for x0, y0 in [(0.4, 0.9), (3.0, 0.02), (-0.5, 0.3)]:
        r = agd.solve(p, algorithm=algorithm, init=(np.array([[x0]]), np.array([[y0]])), width=1, step=eta, max_iter=1)
        x1, y1 = step(x0, y0, a, eta)
        assert r.X[0, 0] == pytest.approx(x1, rel=1e-13) and r.Y[0, 0] == pytest.approx(y1, rel=1e-13)
        path = L.iterate(method, [x0], [y0], a, eta, steps=1)  # the page's iteration, m = n = 1
        assert path.x[1, 0] == pytest.approx(x1, rel=1e-14) and path.y[1, 0] == pytest.approx(y1, rel=1e-14)


def test_agd_residual_factor_is_exact_and_its_linearization_is_one_minus_eta_lambda_plus_eta2a2():
    a, eta = 1.5, 0.2
    x, y = 0.8, 0.3
    r = a - x * y
    x1, y1 = L.agd_step(x, y, a, eta)
    assert a - x1 * y1 == pytest.approx((1 - eta * x1**2) * (1 - eta * y**2) * r, rel=1e-12)
    # the Jacobian of the AGD map at a valley point has eigenvalues 1 (along the valley) and μ
    for xv in (0.6, np.sqrt(a), 2.2):
        yv, h = a / xv, 1e-6
        J = np.column_stack(
            [
                (np.array(L.agd_step(xv + h, yv, a, eta)) - L.agd_step(xv - h, yv, a, eta)) / (2 * h),
                (np.array(L.agd_step(xv, yv + h, a, eta)) - L.agd_step(xv, yv - h, a, eta)) / (2 * h),
            ]
        )
        mu = L.agd_factor(xv, yv, eta)
        assert mu == pytest.approx(1 - eta * L.valley_curvature(xv, a) + eta**2 * a**2, rel=1e-12)
        np.testing.assert_allclose(np.sort(np.linalg.eigvals(J).real), np.sort([1.0, mu]), atol=1e-7)


def _growth(method, x, a, eta, kick=1e-7, steps=30):
    """Per-step factor of |a − xy| from a small kick off the valley point (x, a/x)."""
    path = L.iterate(method, [x], [a / x + kick], a, eta, steps=steps)
    res = np.abs(path.residual())
    return (res[-1] / res[0]) ** (1 / (len(res) - 1)), path


@pytest.mark.parametrize("x", [1.6, 2.5])
def test_gd_threshold_two_over_lambda(x):
    a = 1.0
    lam = L.valley_curvature(x, a)
    below, above = 0.98 * L.gd_step_limit(lam), 1.02 * L.gd_step_limit(lam)
    g_below, _ = _growth("gd", x, a, below)
    g_above, _ = _growth("gd", x, a, above)
    assert g_below == pytest.approx(abs(1 - below * lam), rel=1e-3) and g_below < 1
    assert g_above == pytest.approx(abs(1 - above * lam), rel=1e-3) and g_above > 1
    # below: converges next to the point it started at; above: oscillates away from it
    near = L.iterate("gd", [x], [a / x + 1e-7], a, below)
    assert near.status == "converged" and abs(near.x[-1, 0] - x) < 1e-5
    far = L.iterate("gd", [x], [a / x + 1e-7], a, above)
    res = far.residual()[:40]
    assert np.all(res[1:] * res[:-1] < 0)  # it oscillates across the valley
    assert far.status == "diverged" or L.curvature(far.x[-1, 0], far.y[-1, 0], a) < 2 / above


@pytest.mark.parametrize("x", [0.5, 3.0])
def test_agd_threshold_two_over_eta_plus_eta_a2(x):
    a = 1.0
    lam = L.valley_curvature(x, a)
    eta_c = L.agd_step_limit(lam, a)  # the step where λ equals AGD's limit 2/η + ηa²
    assert L.agd_curvature_limits(eta_c, a)[1] == pytest.approx(lam, rel=1e-12)
    assert eta_c >= L.gd_step_limit(lam) and L.agd_step_limit(2.5 * a, a) == np.inf  # λ < 2√2·a: never unstable
    for eta, stable in ((0.98 * eta_c, True), (1.02 * eta_c, False)):
        g, _ = _growth("agd", x, a, eta)
        assert g == pytest.approx(abs(L.agd_factor(x, a / x, eta)), rel=1e-3)
        assert (g < 1) == stable


def test_gd_from_steps_above_one_over_a_never_converges_but_agd_does():
    a, eta = 1.0, 1.05  # 2/η < 2a: no valley point is stable for GD, while AGD's window is (ηa², 2/η + ηa²)
    gd = L.iterate("gd", [0.05], [0.05], a, eta, steps=2000)
    assert gd.status == "oscillating"
    agdp = L.iterate("agd", [0.05], [0.05], a, eta, steps=2000)
    lo, hi = L.agd_curvature_limits(eta, a)
    lam_end = L.curvature(agdp.x[-1, 0], agdp.y[-1, 0], a)
    assert agdp.status == "converged" and lo < lam_end < hi


def test_gradient_flow_conserves_x2_minus_y2_and_lands_where_the_formula_says():
    a = 1.0
    for x0, y0 in [(0.05, 0.05), (1.25, 0.04), (3.0, 0.01), (0.1, 0.4)]:
        path = L.flow_path([x0], [y0], a, eta=0.01, steps=5000)
        x, y = path.x[:, 0], path.y[:, 0]
        np.testing.assert_allclose(x**2 - y**2, x0**2 - y0**2, atol=1e-8)
        assert path.status == "converged"
        xs, ys, lam = L.flow_landing(x0, y0, a)
        assert x[-1] == pytest.approx(xs, rel=1e-7) and y[-1] == pytest.approx(ys, rel=1e-7)
        assert L.curvature(x[-1], y[-1], a) == pytest.approx(lam, rel=1e-7)
        assert lam == pytest.approx(np.hypot(x0**2 - y0**2, 2 * a))


def test_one_gd_step_shrinks_the_imbalance_by_one_minus_eta2_r2():
    a, eta = 1.0, 0.4
    for x, y in [(3.0, 0.01), (0.5, 1.7), (1.2, -0.3)]:
        x1, y1 = L.gd_step(x, y, a, eta)
        assert x1**2 - y1**2 == pytest.approx(L.gd_imbalance_factor(x, y, a, eta) * (x**2 - y**2), rel=1e-12)


def test_divergence_is_reported_not_raised():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in ("gd", "agd"):
            p = L.iterate(method, [3.0], [0.01], 1.0, 1.5, steps=500)
            assert p.status == "diverged" and p.diverged_at is not None and p.diverged_at < 10
            assert np.all(np.isfinite(p.x)) and np.all(np.isfinite(p.curvature()))
            assert len(p.t) == p.diverged_at  # the finite iterates before it left, no NaN
        p = L.iterate("gd", [1e150], [1e150], 1.0, 1.0, steps=5)  # overflows at once
        assert p.status == "diverged" and p.diverged_at == 1


def test_ward_kolda_scalar_start_is_agdcores_initializer_at_the_rms_draw_and_large_only_relative_to_y0():
    class Ones:  # the root-mean-square draw φ₁ = φ₂ = 1
        def standard_normal(self, shape):
            return np.ones(shape)

    for a, eta in [(1.0, 0.01), (1.0, 0.3), (4.0, 0.05)]:
        X0, Y0 = ward_kolda(agd.Problem.from_array(np.array([[a]])), 1, eta, Ones(), C=L.C_WK, D=L.D_WK)
        x0, y0 = L.wk_scalar_start(a, eta)
        assert (X0[0, 0], Y0[0, 0]) == pytest.approx((x0, y0), rel=1e-14)
        assert eta * x0**2 == pytest.approx(1 / L.C_WK**2)  # the same for every step
        assert x0 / y0 == pytest.approx(1 / (eta * a * L.C_WK * L.D_WK))
        assert L.starts(a, eta)["ward-kolda"][0][0] == pytest.approx(x0)
    assert L.wk_scalar_start(1.0, 0.3)[0] < 1.0  # not large in absolute terms at η = 0.3: below √a


def test_vector_form_loss_hessian_and_iteration():
    a, m, n, eta = 1.3, 4, 3, 0.2
    rng = np.random.default_rng(3)
    A = L.target(a, m, n)
    x, y = rng.normal(size=m), rng.normal(size=n)
    f = 0.5 * np.linalg.norm(A - np.outer(x, y)) ** 2
    assert L.vector_loss(x, y, a) == pytest.approx(f, rel=1e-12)
    assert L.loss(np.linalg.norm(x), np.linalg.norm(y), a) <= f  # the scalar map at the norms is a lower bound
    e = np.eye(m)[0] * 0.7, np.eye(n)[0] * 1.1
    assert L.vector_loss(*e, a) == pytest.approx(L.loss(0.7, 1.1, a), rel=1e-12)  # equal when aligned
    h, z = 1e-5, np.concatenate([x, y])

    def grad(z):
        R = A - np.outer(z[:m], z[m:])
        return np.concatenate([-R @ z[m:], -R.T @ z[:m]])

    fd = np.column_stack([(grad(z + h * ei) - grad(z - h * ei)) / (2 * h) for ei in np.eye(m + n)])
    np.testing.assert_allclose(L.vector_hessian(x, y, a), fd, atol=1e-7)
    xs, ys = 1.7 * np.eye(m)[0], (a / 1.7) * np.eye(n)[0]  # a minimizer: λ_max = ‖x‖² + ‖y‖²
    assert np.linalg.eigvalsh(L.vector_hessian(xs, ys, a))[-1] == pytest.approx(L.valley_curvature(1.7, a))
    for method in ("gd", "agd"):  # the page's iteration against the naive update with A formed
        path = L.iterate(method, x, y, a, eta, steps=3)
        X, Y = x.copy(), y.copy()
        for k in range(1, 4):
            X1 = X + eta * (A - np.outer(X, Y)) @ Y
            Xs = X1 if method == "agd" else X
            Y = Y + eta * (A - np.outer(Xs, Y)).T @ Xs
            X = X1
            np.testing.assert_allclose(path.x[k], X, rtol=1e-12)
            np.testing.assert_allclose(path.y[k], Y, rtol=1e-12)


def test_run_all_rejects_bad_input_by_name():
    with pytest.raises(ValueError, match="a must be"):
        L.run_all(-1.0, 0.1, ["gd"], ["balanced"])
    with pytest.raises(ValueError, match="step η"):
        L.run_all(1.0, float("nan"), ["gd"], ["balanced"])


def test_one_gd_step_maps_the_residual_exactly():
    a, eta = 1.0, 0.3
    for x, y in [(3.0, 0.01), (0.5, 1.7), (1.2, -0.3)]:
        r = a - x * y
        x1, y1 = L.gd_step(x, y, a, eta)
        assert a - x1 * y1 == pytest.approx(r * (1 - eta * (x * x + y * y) - eta**2 * x * y * r), rel=1e-12)


def test_starts_land_where_the_flow_formula_says_for_small_steps():
    a, eta = 1.0, 0.01
    st = L.starts(a, eta)
    for key in ("balanced", "ward-kolda", "unbalanced"):
        x0, y0 = st[key][0][0], st[key][1][0]
        lam_flow = L.flow_landing(x0, y0, a)[2]
        for method in ("gd", "agd"):
            p = L.iterate(method, [x0], [y0], a, eta, steps=5000)
            assert p.status == "converged"
            assert p.curvature()[-1] == pytest.approx(lam_flow, rel=0.02), (key, method)
    assert L.flow_landing(*L.wk_scalar_start(a, eta), a)[2] == pytest.approx(2.537, abs=1e-3)
    assert L.flow_landing(3.0, 0.01, a)[2] == pytest.approx(np.sqrt(85), rel=1e-4)  # ≈ 9.2a
    for e in (0.05, 0.3, 0.9):  # Ward–Kolda: ηλ∞ ≈ √(1/C⁴ + 4η²a²) < 2, whatever the step (ηa < 1)
        x0, y0 = L.wk_scalar_start(a, e)
        lam = L.flow_landing(x0, y0, a)[2]
        assert e * lam == pytest.approx(np.sqrt(L.C_WK**-4 + 4 * e * e * a * a), rel=1e-2) and e * lam < 2
    # the fixed unbalanced start above η ≈ 0.22/a: GD is thrown to a flatter point (η = 0.3) or diverges (η = 0.5)
    thrown = L.iterate("gd", [3.0], [0.01], a, 0.3)
    assert thrown.status == "converged" and thrown.curvature()[-1] < 2 / 0.3 < np.sqrt(85)
    assert L.iterate("gd", [3.0], [0.01], a, 0.5).status == "diverged"


def test_ward_kolda_x0_is_smaller_than_y0_at_the_default_step_of_the_worked_example():
    """docs/theory.md#landscape-starts: "large X₀, small Y₀" holds only for small steps; at the paper's
    default step it is the fixed scale ησ₁²(X₀) ≈ σ₁²(VᵀΦ₁)/C² and the column span that set X₀ apart."""
    p = agd.make_problem(m=100, n=100, rank=5, kappa=10.0, spectrum="linear", seed=0, sigma1=10.0)
    eta = 9 / (4 * 8 * 0.5 * p.sigma1)  # the default step, ησ₁ = 9/16
    ratios, scales = [], []
    for seed in range(5):
        X0, Y0 = ward_kolda(p, 10, eta, np.random.default_rng(seed))
        ratios.append(np.linalg.norm(X0, 2) / np.linalg.norm(Y0, 2))
        scales.append(eta * np.linalg.norm(X0, 2) ** 2)
    assert max(ratios) < 0.7 and min(ratios) > 0.3  # measured 0.39–0.63 over seeds 0–4: X₀ is the smaller
    assert max(scales) < 4 / 64  # σ₁(VᵀΦ₁)² < 4: a small, step-independent scale
    x0, y0 = L.wk_scalar_start(1.0, 0.5)
    assert x0 < y0 and L.wk_scalar_start(1.0, 0.25)[0] > L.wk_scalar_start(1.0, 0.25)[1]  # the switch at ηa = 9/32
