"""Matrix sensing: the operator and its adjoint, objective and gradient against naive references,
recovery and its failure, the memory refusal, bad input, determinism, the CLI."""

import json
import time

import numpy as np
import pytest

import agdcore as agd
from agdcore.algorithms import ALGORITHMS
from agdcore.cli import main


@pytest.fixture
def small():
    return agd.make_sensing(6, 5, 2, 3.0, measurements=40, noise=0.05, seed=3)


def _factors(p, d, seed=0):
    rng = np.random.default_rng(seed)
    m, n = p.shape
    return rng.standard_normal((m, d)), rng.standard_normal((n, d))


def _naive_A(p):
    """The measurement matrices A_i (p, m, n) and 𝒜(M)_i = ⟨A_i, M⟩ written out."""
    return p.op.reshape(p.measurements, *p.shape)


def test_the_operator_is_gaussian_with_variance_one_over_p():
    p = agd.make_sensing(20, 20, 2, measurements=500, seed=0)
    assert p.op.shape == (500, 400)
    assert np.var(p.op) == pytest.approx(1 / 500, rel=0.02) and abs(np.mean(p.op)) < 1e-3


def test_loss_equals_the_naive_reference_and_the_adjoint_is_the_transpose(small):
    X, Y = _factors(small, 3)
    Ai = _naive_A(small)
    r = np.array([np.sum(A * (X @ Y.T)) for A in Ai]) - small.b
    assert small.loss(X, Y) == pytest.approx(0.5 * np.sum(r**2), rel=1e-12)
    assert small.sq_error(X, Y) == pytest.approx(np.sum(r**2), rel=1e-12)
    assert small.error(X, Y) == pytest.approx(np.sum(r**2) / np.sum(small.b**2), rel=1e-12)
    back = np.einsum("i,imn->mn", r, Ai)  # 𝒜*(r) = Σ r_i A_i
    gX, gY = small.gradient(X, Y)
    np.testing.assert_allclose(gX, back @ Y, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(gY, back.T @ X, rtol=1e-11, atol=1e-12)
    M = np.random.default_rng(1).standard_normal(small.shape)
    z = np.random.default_rng(2).standard_normal(small.measurements)
    AM = np.array([np.sum(A * M) for A in Ai])
    assert np.dot(AM, z) == pytest.approx(np.sum(M * np.einsum("i,imn->mn", z, Ai)), rel=1e-12)


def test_gradient_matches_finite_differences(small):
    X, Y = _factors(small, 3, seed=4)
    gX, gY = small.gradient(X, Y)
    rng = np.random.default_rng(5)
    for _ in range(5):
        dX, dY = rng.standard_normal(X.shape), rng.standard_normal(Y.shape)
        h = 1e-6
        fd = (small.loss(X + h * dX, Y + h * dY) - small.loss(X - h * dX, Y - h * dY)) / (2 * h)
        assert fd == pytest.approx(np.vdot(gX, dX) + np.vdot(gY, dY), rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("name", ["agd", "gd", "scaledgd", "precgd", "scaledgd-lambda"])
def test_each_rule_steps_along_the_sensing_gradient(small, name):
    """The fast rule equals the same rule written with 𝒜*(𝒜(XYᵀ) − b) formed naively."""
    X, Y = _factors(small, 3, seed=6)
    Ai, eta = _naive_A(small), 0.02
    options = ALGORITHMS[name].resolve({}, small.sigma1)

    def grad(Xa, Ya):
        r = np.array([np.sum(A * (Xa @ Ya.T)) for A in Ai]) - small.b
        return np.einsum("i,imn->mn", r, Ai), r

    G, r = grad(X, Y)
    if name == "agd":
        Xr = X - eta * G @ Y
        Yr = Y - eta * grad(Xr, Y)[0].T @ Xr
    elif name == "gd":
        Xr, Yr = X - eta * G @ Y, Y - eta * G.T @ X
    else:
        lam = {"scaledgd": 0.0, "precgd": options.get("damping", 0) * np.linalg.norm(r)}.get(name, options.get("lam"))
        d = X.shape[1]

        def inv(M):
            return np.linalg.pinv(M, rcond=1e-10, hermitian=True) if lam == 0 else np.linalg.inv(M + lam * np.eye(d))

        Xr, Yr = X - eta * G @ Y @ inv(Y.T @ Y), Y - eta * G.T @ X @ inv(X.T @ X)
    Xn, Yn, _, s, _ = ALGORITHMS[name].step(small.step_context(eta, options), X[None], Y[None], None)
    np.testing.assert_allclose(Xn[0], Xr, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Yn[0], Yr, rtol=1e-10, atol=1e-12)
    assert s[0] == pytest.approx(np.sum(r**2), rel=1e-12)


@pytest.mark.parametrize("algorithm,init", [("agd", "spectral"), ("scaledgd", "spectral"), ("precgd", "ward-kolda")])
def test_recovery_with_enough_measurements(algorithm, init):
    p = agd.make_sensing(20, 20, 2, 3.0, measurements=400, seed=0)  # 5x the 76 degrees of freedom
    r = agd.solve(p, algorithm=algorithm, init=init, width=4, max_iter=5000, tol=1e-12)
    assert r.status == "converged" and r.final_recovery_error < 1e-6 and r.recovered
    assert r.bounds["checks"][0]["name"] == "fully observed problem" and not r.bounds["applies"]


def test_far_too_few_measurements_are_reported_as_not_recovered():
    p = agd.make_sensing(15, 15, 2, 2.0, measurements=25, seed=1)  # 25 < r(m+n−r) = 56
    r = agd.solve(p, algorithm="gd", init="gaussian", width=4, step=0.1, max_iter=20000, tol=1e-10)
    assert r.final_error < 1e-8  # the measurements are fitted ...
    assert r.final_recovery_error > 1e-2 and r.recovered is False  # ... M★ is not recovered
    assert "NOT recovered" in r.message


def test_memory_is_checked_before_allocating_and_names_p_m_n_and_the_largest_p():
    t0 = time.perf_counter()
    with pytest.raises(ValueError) as exc:
        agd.make_sensing(1000, 1000, 2, measurements=50_000)  # 400 GB
    assert time.perf_counter() - t0 < 1.0  # refused, not allocated
    msg = str(exc.value)
    assert "measurements = 50000" in msg and "m = 1000" in msg and "n = 1000" in msg
    budget = 2 * 1024**3
    largest = int((budget - 8 * 4 * 1000 * 1000) // (8 * 1000 * 1000))
    assert f"the largest measurements that fits is {largest}" in msg
    with pytest.raises(ValueError, match="the largest measurements that fits is 11"):
        agd.make_sensing(100, 100, 2, measurements=100, memory_budget=8 * 15 * 100 * 100)
    agd.make_sensing(100, 100, 2, measurements=11, memory_budget=8 * 15 * 100 * 100)  # fits


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"measurements": 0}, "measurements must be an integer >= 1, got 0"),
        ({"measurements": -5}, "measurements must be an integer >= 1"),
        ({"measurements": 2.5}, "measurements must be an integer"),
        ({"kappa": 0.5}, "kappa must be"),
        ({"rank": 11}, "rank must be an integer between 1 and 10"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        agd.make_sensing(**{"m": 10, "n": 10, "rank": 2, "measurements": 50, **kwargs})


@pytest.mark.parametrize("algorithm", ["flow", "fa"])
def test_inapplicable_algorithms_are_refused_naming_those_that_apply(algorithm):
    p = agd.make_sensing(8, 8, 2, measurements=60, seed=0)
    with pytest.raises(ValueError, match=f"algorithm '{algorithm}' does not support sensing problems.*"):
        agd.solve(p, algorithm=algorithm, init="gaussian", width=2)
    with pytest.raises(ValueError, match="algorithms that do: agd, gd, scaledgd, precgd, scaledgd-lambda"):
        agd.solve(p, algorithm=algorithm, init="gaussian", width=2)


def test_same_seed_same_problem_and_run_and_trials_agree():
    a, b = (agd.make_sensing(10, 8, 2, measurements=90, noise=0.01, seed=7) for _ in range(2))
    assert np.array_equal(a.op, b.op) and np.array_equal(a.b, b.b)
    ra, rb = (agd.solve(x, algorithm="gd", init="gaussian", width=3, max_iter=200) for x in (a, b))
    assert np.array_equal(ra.error, rb.error) and np.array_equal(ra.recovery_error, rb.recovery_error)
    t = agd.solve_trials(a, seeds=[1, 2], algorithm="gd", init="gaussian", width=3, max_iter=200, exact_every=1)
    np.testing.assert_allclose(t.errors[0, : len(ra.error)], ra.error, rtol=1e-9, atol=1e-15)
    assert t.final_recovery_error[0] == pytest.approx(ra.final_recovery_error, rel=1e-9)
    assert t.recovered.dtype == bool


def test_the_truth_is_the_fully_observed_problems_matrix():
    dense = agd.make_problem(12, 9, 2, 4.0, seed=5)
    p = agd.make_sensing(12, 9, 2, 4.0, measurements=300, seed=5)
    X, Y = _factors(p, 2)
    assert p.recovery_error(X, Y) == pytest.approx(dense.error(X, Y), rel=1e-10)
    q = agd.sensing_from_matrix(dense.A, 300, seed=1, rank=2)
    assert q.recovery_error(X, Y) == pytest.approx(dense.error(X, Y), rel=1e-12)


def test_cli_sensing_run_and_its_exit_2_cases(tmp_path, capsys):
    out = tmp_path / "s.json"
    base = ["run", "--observe", "sensing", "--m", "15", "--n", "15", "--rank", "2", "--width", "3"]
    assert main([*base, "--measurements", "300", "--init", "spectral", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["config"]["observe"] == "sensing" and doc["config"]["measurements"] == 300
    assert doc["recovered"] is True and doc["recovery_error"] and doc["training_loss"]
    capsys.readouterr()
    for argv, needle in [
        (["--measurements", "0"], "measurements must be an integer >= 1"),
        (["--measurements", "10000000"], "the largest measurements that fits is"),
        (["--rate", "0.5"], "--rate applies only to --observe completion"),
        (["--algorithm", "flow"], "algorithms that do"),
    ]:
        assert main([*base, *argv]) == 2
        err = capsys.readouterr().err
        assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    small = ["--m", "12", "--n", "10", "--rank", "2", "--observe", "sensing", "--serial", "--quiet"]
    csv = tmp_path / "s.csv"
    assert main(["sweep", *small, "--grid", "measurements=60,400", "--trials", "2", "--max-iter", "300",
                 "--init", "spectral", "--csv", str(csv)]) == 0  # fmt: skip
    table = csv.read_text().splitlines()
    assert "final_recovery_error" in table[0] and len(table) == 1 + 2 * 2
    capsys.readouterr()
    assert main(["sweep", *small, "--grid", "measurements=60,100000000"]) == 2  # refused before any cell runs
    err = capsys.readouterr().err
    assert "the largest measurements that fits is" in err and "Traceback" not in err
