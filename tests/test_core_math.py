"""Mathematics of the core: gradients, step rules, invariants from docs/theory.md, reproducibility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import agdcore as agd
from agdcore.algorithms import ALGORITHMS, StepContext, naive_step

DISCRETE = [a for a, spec in ALGORITHMS.items() if spec.step is not None]


def _rand_factors(rng, m, n, d, scale=0.5):
    return scale * rng.standard_normal((m, d)), scale * rng.standard_normal((n, d))


def test_gradient_matches_central_differences(small_problem):
    rng = np.random.default_rng(1)
    X, Y = _rand_factors(rng, 30, 24, 4)
    dX, dY = _rand_factors(rng, 30, 24, 4, 1.0)
    gX, gY = small_problem.gradient(X, Y)
    h = 1e-6
    fd = (small_problem.loss(X + h * dX, Y + h * dY) - small_problem.loss(X - h * dX, Y - h * dY)) / (2 * h)
    assert fd == pytest.approx(np.vdot(gX, dX) + np.vdot(gY, dY), rel=1e-7)
    # and entrywise for a few coordinates
    for i, j in [(0, 0), (5, 2), (29, 3)]:
        E = np.zeros_like(X)
        E[i, j] = 1
        fd_ij = (small_problem.loss(X + h * E, Y) - small_problem.loss(X - h * E, Y)) / (2 * h)
        assert fd_ij == pytest.approx(gX[i, j], rel=1e-6, abs=1e-9)


def _ctx(problem, name, eta, rng, B=1):
    opts = dict(ALGORITHMS[name].defaults)
    if name == "scaledgd-lambda":
        opts["lam"] = 0.05
    state = {}
    if ALGORITHMS[name].make_state is not None:
        state = {k: v[None] for k, v in ALGORITHMS[name].make_state(problem.A, 4, rng).items()}
    A = problem.A
    return StepContext(A, A.T, problem.norm2, eta, opts, state), opts


@pytest.mark.parametrize("name", DISCRETE)
def test_gram_form_step_equals_naive_reference(small_problem, name):
    """The fast step (never forms R) equals the textbook update that forms R = XYᵀ − A."""
    rng = np.random.default_rng(7)
    ctx, opts = _ctx(small_problem, name, 0.05, rng)
    X, Y = _rand_factors(rng, 30, 24, 4)
    Xn, Yn, _, s, _ = ALGORITHMS[name].step(ctx, X[None], Y[None], None)
    state2d = {k: v[0] for k, v in ctx.state.items()}
    Xr, Yr = naive_step(name, small_problem.A, X, Y, 0.05, opts, state2d)
    np.testing.assert_allclose(Xn[0], Xr, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Yn[0], Yr, rtol=1e-9, atol=1e-12)
    assert s[0] == pytest.approx(np.linalg.norm(small_problem.A - X @ Y.T) ** 2, rel=1e-10)


@pytest.mark.parametrize("name", ["agd", "gd"])
def test_small_step_direction_is_minus_gradient(small_problem, name):
    """(step(η) − x)/η → −∇f as η → 0 (AGD and GD are gradient methods to first order)."""
    rng = np.random.default_rng(2)
    X, Y = _rand_factors(rng, 30, 24, 4)
    eta = 1e-7
    ctx, _ = _ctx(small_problem, name, eta, rng)
    Xn, Yn, *_ = ALGORITHMS[name].step(ctx, X[None], Y[None], None)
    gX, gY = small_problem.gradient(X, Y)
    np.testing.assert_allclose((Xn[0] - X) / eta, -gX, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose((Yn[0] - Y) / eta, -gY, rtol=1e-5, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(2, 12),
    n=st.integers(2, 12),
    d=st.integers(1, 4),
    B=st.integers(1, 4),
    name=st.sampled_from(["agd", "gd", "precgd", "fa"]),
    seed=st.integers(0, 2**16),
)
def test_batched_step_equals_per_trial_step(m, n, d, B, name, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    d = min(d, m, n)
    X, Y = rng.standard_normal((B, m, d)), rng.standard_normal((B, n, d))
    opts = dict(ALGORITHMS[name].defaults)
    state = {}
    if name == "fa":
        st_ = [ALGORITHMS["fa"].make_state(A, d, rng) for _ in range(B)]
        state = {k: np.stack([s[k] for s in st_]) for k in st_[0]}
    ctx = StepContext(A, A.T, float(np.vdot(A, A)), 0.01, opts, state)
    Xb, Yb, _, sb, _ = ALGORITHMS[name].step(ctx, X, Y, None)
    for b in range(B):
        c1 = StepContext(A, A.T, ctx.norm2, 0.01, opts, {k: v[b : b + 1] for k, v in state.items()})
        X1, Y1, _, s1, _ = ALGORITHMS[name].step(c1, X[b : b + 1], Y[b : b + 1], None)
        np.testing.assert_allclose(Xb[b], X1[0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(Yb[b], Y1[0], rtol=1e-12, atol=1e-12)
        assert sb[b] == pytest.approx(s1[0], rel=1e-12, abs=1e-12)


DESCENT = [a for a in ALGORITHMS if a != "fa"]
INITS = [i for i in agd.INITIALIZERS if i != "zeros"]


# ScaledGD from a tiny Gaussian start is not a claim of the theory: it preconditions by (YᵀY)⁺, so from a
# tiny random Y its effective step is huge whatever η (docs/theory.md#local-rates); asserted separately below.
MONOTONE = [(a, i) for a in DESCENT for i in INITS if (a, i) != ("scaledgd", "gaussian")]


@pytest.mark.parametrize("algorithm,init", MONOTONE)
def test_small_step_decreases_loss_monotonically(small_problem, algorithm, init):
    step = 0.02 if ALGORITHMS[algorithm].preconditioned else 0.02 / small_problem.sigma1
    kw = {"perturbation": 0.05} if init == "spectral" else {}
    r = agd.solve(small_problem, algorithm, init, width=4, step=step, max_iter=200, tol=0, seed=3, theory=False, **kw)
    e = r.error[np.isfinite(r.error)]
    assert e.size > 100
    assert np.all(np.diff(e) <= 1e-12 * e[:-1]), f"loss increased for {algorithm}/{init}"
    assert e[-1] < e[0]


def test_scaledgd_from_tiny_gaussian_is_outside_its_regime(small_problem):
    """The documented exception above is real: ScaledGD from a 1e-3 Gaussian start does not descend monotonically."""
    r = agd.solve(small_problem, "scaledgd", "gaussian", width=4, step=0.02, max_iter=200, tol=0, seed=3, theory=False)
    assert np.any(np.diff(r.error) > 0)


@pytest.mark.parametrize("algorithm", DESCENT)
def test_zero_init_is_a_critical_point(small_problem, algorithm):
    """X = Y = 0 is a saddle: every gradient-based method stays there exactly."""
    r = agd.solve(small_problem, algorithm, "zeros", width=3, max_iter=50, tol=0, theory=False)
    assert np.all(r.error == 1.0)


def test_feedback_alignment_converges_when_width_covers_rank_and_stalls_below():
    p = agd.make_problem(60, 50, 3, 3.0, seed=2)
    ok = agd.solve(p, "fa", "zeros", width=4, max_iter=20_000, tol=1e-8, seed=5, theory=False)
    assert ok.status == "converged"
    low = agd.solve(p, "fa", "zeros", width=2, max_iter=5_000, tol=1e-8, seed=5, theory=False)
    best_rank2 = p.floor(2)
    assert low.status == "max_iter" and low.final_error > best_rank2 * 1.01


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_same_seed_same_result(small_problem, algorithm):
    kw = dict(width=4, max_iter=150, tol=1e-12, theory=False)
    init = "zeros" if algorithm == "fa" else "gaussian"
    a = agd.solve(small_problem, algorithm, init, seed=11, **kw)
    b = agd.solve(small_problem, algorithm, init, seed=11, **kw)
    c = agd.solve(small_problem, algorithm, init, seed=12, **kw)
    np.testing.assert_array_equal(a.error, b.error)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)


# ---------------------------------------------------------------------- invariants of docs/theory.md
@pytest.fixture(scope="module")
def default_run():
    p = agd.make_problem(100, 100, 5, 10.0, seed=0)
    return p, agd.solve(p, "agd", "ward-kolda", width=10, seed=1)


def test_ward_kolda_keeps_x_in_column_span(default_run):
    """docs/theory.md#column-span: col(X_t) ⊆ col(A), so the d − r smallest singular values of X stay at round-off level."""
    p, r = default_run
    assert r.converged
    sx = r.sv_x
    assert np.all(sx[:, p.rank :] <= 1e-12 * sx[:, :1])
    assert np.all(sx[:, p.rank - 1] > 1e-3 * sx[:, 0])
    assert p.in_column_span(r.X, rtol=1e-10)


def test_live_bound_is_never_below_the_measured_error(default_run):
    p, r = default_run
    lb = r.live_bound
    assert lb is not None
    ok = np.isfinite(lb) & np.isfinite(r.error) & (r.error > 1e-14)
    assert ok.sum() > 200
    assert np.all(r.error[ok] <= lb[ok] * (1 + 1e-9))
    # and it is informative: the live rate tracks the observed rate within 1 %
    assert r.bounds["live_rate"] == pytest.approx(r.bounds["observed_rate"], rel=0.01)


def test_live_bound_only_where_it_applies():
    noisy = agd.make_problem(60, 50, 3, 5.0, noise=1e-3, seed=0)
    assert agd.solve(noisy, width=5, max_iter=50, theory=False).live_bound is None
    exact = agd.make_problem(60, 50, 3, 5.0, seed=0)
    assert agd.solve(exact, "gd", "ward-kolda", width=5, max_iter=50, theory=False).live_bound is None
    assert agd.solve(exact, "agd", "gaussian", width=5, max_iter=50, theory=False).live_bound is None
    assert agd.solve(exact, "agd", "ward-kolda", width=5, max_iter=50, theory=False).live_bound is not None


def test_frozen_x_limit_predicts_the_rate_for_tiny_steps():
    """Frozen-X limit (docs/theory.md#frozen-x): for η → 0, e_t ≈ e₀(1 − ησ_r²(X₀))^{2t} once the faster modes are gone."""
    p = agd.make_problem(40, 40, 3, 3.0, seed=0)
    r = agd.solve(p, "agd", "ward-kolda", width=6, step=1e-5, max_iter=2000, tol=0, seed=1, C=2.0)
    pred = r.bounds["rate_frozen_x"]
    obs = np.exp(np.polyfit(np.arange(1000, 2001), np.log(r.error[1000:2001]), 1)[0])
    assert pred < 0.99
    assert (1 - obs) == pytest.approx(1 - pred, rel=1e-4)


def test_derived_certificate_envelope_holds_where_certified():
    """docs/theory.md#certificate: where the certificate holds, e_t ≤ e₀(1 − a²)^{2t} for all t (checked on 4000 iterations)."""
    p = agd.make_problem(60, 60, 3, 4.0, seed=0)
    lo, hi = 1e-14, 1.0
    for _ in range(60):  # bisection on η for the largest certified step of this draw
        mid = np.sqrt(lo * hi)
        r = agd.solve(p, "agd", "ward-kolda", width=6, step=mid, max_iter=0, tol=0, seed=4)
        lo, hi = (mid, hi) if r.bounds["certificate"]["holds"] else (lo, mid)
    r = agd.solve(p, "agd", "ward-kolda", width=6, step=lo, max_iter=4000, tol=0, seed=4)
    cert = r.bounds["certificate"]
    assert cert["holds"]
    env = r.error[0] * cert["rate"] ** np.arange(r.error.size)
    assert np.all(r.error <= env * (1 + 1e-9))
    assert r.error[-1] < 0.9 * r.error[0]  # and the run does move


def test_gd_with_tiny_step_tracks_the_gradient_flow(small_problem):
    h = 2e-3
    gd = agd.solve(
        small_problem, "gd", "gaussian", width=3, step=h, max_iter=4000, tol=0, seed=3, scale=0.1, theory=False
    )
    flow = agd.solve(
        small_problem, "flow", "gaussian", width=3, step=h, max_iter=4000, tol=0, seed=3, scale=0.1, theory=False
    )
    assert flow.is_flow and flow.t[-1] == pytest.approx(h * 4000)
    e_gd_at_flow_t = np.interp(flow.t, gd.t * h, gd.error)
    mask = flow.t > 0.5
    rel = np.abs(np.log(e_gd_at_flow_t[mask]) - np.log(flow.error[mask]))
    assert np.max(rel) < 0.05
    assert flow.error[-1] < 0.1 * flow.error[0]


def test_gradient_flow_conserves_balancedness(small_problem):
    """Under gradient flow XᵀX − YᵀY is constant (docs/theory.md#balancedness)."""
    r = agd.solve(
        small_problem, "flow", "gaussian", width=3, step=0.01, max_iter=2000, tol=0, seed=1, scale=0.3, theory=False
    )
    assert r.balance[0] > 1e-3
    np.testing.assert_allclose(r.balance, r.balance[0], rtol=1e-5)


def test_noisy_problem_ends_at_eckart_young_floor():
    p = agd.make_problem(80, 60, 4, 5.0, noise=0.05, seed=0)
    r = agd.solve(p, "agd", "ward-kolda", width=4, max_iter=20_000, tol=1e-12, seed=1)
    assert r.converged
    assert p.floor(4) > 1e-4
    assert r.final_error == pytest.approx(p.floor(4), rel=1e-6)
    chk = {c["name"]: c["ok"] for c in r.bounds["checks"]}
    assert chk["A exactly rank r"] is False


@pytest.mark.parametrize("name", DISCRETE)
@pytest.mark.parametrize("B", [1, 3])
def test_fused_row_block_pass_gives_the_same_step(small_problem, name, B):
    """The one-pass blocked products (used for large A) reproduce the plain two-product step."""
    rng = np.random.default_rng(5)
    ctx, _ = _ctx(small_problem, name, 0.05, rng)
    if ctx.state:
        ctx.state = {k: np.repeat(v, B, axis=0) for k, v in ctx.state.items()}
    X = 0.5 * rng.standard_normal((B, 30, 4))
    Y = 0.5 * rng.standard_normal((B, 24, 4))
    plain = ALGORITHMS[name].step(ctx, X, Y, None)
    ctx.block = 7  # 30 rows -> blocks of 7, 7, 7, 7, 2
    fused = ALGORITHMS[name].step(ctx, X, Y, None)
    for a, b in zip(plain[:2] + (plain[3],), fused[:2] + (fused[3],)):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)


def test_large_problem_uses_the_fused_pass_and_matches_naive():
    from agdcore.algorithms import block_rows

    p = agd.make_problem(700, 600, 4, 5.0, seed=0)
    assert block_rows(p.A) > 0
    r = agd.solve(p, width=6, max_iter=5, tol=0, seed=2, theory=False)
    X, Y = agd.INITIALIZERS["ward-kolda"].fn(p, 6, r.config["step"], np.random.default_rng(2))
    for _ in range(5):
        X, Y = naive_step("agd", p.A, X, Y, r.config["step"], {}, {})
    np.testing.assert_allclose(r.X, X, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r.Y, Y, rtol=1e-9, atol=1e-12)
