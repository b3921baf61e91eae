"""Matrix completion: objective and gradient against dense references, p = 1 is the fully observed
problem, recovery and its failure, bad input, determinism, the CLI."""

import json
import tracemalloc

import numpy as np
import pytest

import agdcore as agd
from agdcore.algorithms import ALGORITHMS
from agdcore.cli import main

OBSERVED_ALGOS = ["agd", "gd", "scaledgd", "precgd", "scaledgd-lambda"]


def _dense(p):
    """The mask and the observed matrix (zeros off Ω) of a completion problem, as dense arrays."""
    mask = np.zeros(p.shape, dtype=bool)
    mask[p.rows, p.cols] = True
    A = np.zeros(p.shape)
    A[p.rows, p.cols] = p.vals
    return mask, A


def _factors(p, d, seed=0):
    rng = np.random.default_rng(seed)
    m, n = p.shape
    return rng.standard_normal((m, d)), rng.standard_normal((n, d))


@pytest.fixture
def small():
    return agd.make_completion(9, 7, 2, 3.0, rate=0.6, noise=0.1, seed=4)


def test_loss_equals_the_naive_dense_reference(small):
    X, Y = _factors(small, 3)
    mask, A = _dense(small)
    R = mask * (X @ Y.T - A)
    assert small.loss(X, Y) == pytest.approx(0.5 * np.sum(R**2), rel=1e-13)
    w = small.shape[0] * small.shape[1] / mask.sum()
    assert small.sq_error(X, Y) == pytest.approx(w * np.sum(R**2), rel=1e-13)
    assert small.error(X, Y) == pytest.approx(np.sum(R**2) / np.sum(A**2), rel=1e-13)
    gX, gY = small.gradient(X, Y)
    np.testing.assert_allclose(gX, R @ Y, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gY, R.T @ X, rtol=1e-12, atol=1e-12)


def test_gradient_matches_finite_differences(small):
    X, Y = _factors(small, 3, seed=1)
    gX, gY = small.gradient(X, Y)
    rng = np.random.default_rng(2)
    for _ in range(5):
        dX, dY = rng.standard_normal(X.shape), rng.standard_normal(Y.shape)
        h = 1e-6
        fd = (small.loss(X + h * dX, Y + h * dY) - small.loss(X - h * dX, Y - h * dY)) / (2 * h)
        assert fd == pytest.approx(np.vdot(gX, dX) + np.vdot(gY, dY), rel=1e-7, abs=1e-9)


def _naive_observed(name, mask, A, X, Y, eta, w, options):
    """The step rules written out with the masked residual R = w·P_Ω(XYᵀ − A) (forms m×n)."""
    d = X.shape[1]

    def res(Xa):
        return w * mask * (Xa @ Y.T - A)

    if name == "agd":
        Xn = X - eta * res(X) @ Y
        return Xn, Y - eta * res(Xn).T @ Xn
    R = res(X)
    if name == "gd":
        return X - eta * R @ Y, Y - eta * R.T @ X
    lam = {"scaledgd": 0.0, "precgd": options.get("damping", 0.1) * np.sqrt(np.sum(R * R) / w)}.get(
        name, options.get("lam")
    )

    def inv(M):
        return np.linalg.pinv(M, rcond=1e-10, hermitian=True) if lam == 0 else np.linalg.inv(M + lam * np.eye(d))

    return X - eta * R @ Y @ inv(Y.T @ Y), Y - eta * R.T @ X @ inv(X.T @ X)


@pytest.mark.parametrize("name", OBSERVED_ALGOS)
def test_each_rule_is_its_masked_gradient_step(small, name):
    X, Y = _factors(small, 3, seed=3)
    mask, A = _dense(small)
    w = small.weight
    options = ALGORITHMS[name].resolve({}, small.sigma1)
    ctx = small.step_context(0.05, options)
    Xn, Yn, _, s, _ = ALGORITHMS[name].step(ctx, X[None], Y[None], None)
    Xr, Yr = _naive_observed(name, mask, A, X, Y, 0.05, w, options)
    np.testing.assert_allclose(Xn[0], Xr, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Yn[0], Yr, rtol=1e-10, atol=1e-12)
    assert s[0] == pytest.approx(w * np.sum((mask * (X @ Y.T - A)) ** 2), rel=1e-12)


@pytest.mark.parametrize(
    "algorithm,init", [("agd", "ward-kolda"), ("gd", "gaussian"), ("precgd", "ward-kolda"), ("scaledgd", "spectral")]
)
def test_rate_one_reproduces_the_fully_observed_run(algorithm, init):
    dense = agd.make_problem(40, 30, 3, 5.0, seed=3)
    full = agd.make_completion(40, 30, 3, 5.0, rate=1.0, seed=3)
    assert full.n_observed == 40 * 30 and full.weight == 1.0
    kw = dict(algorithm=algorithm, init=init, width=5, max_iter=400, seed=2)
    if init == "spectral":  # d = r: the SVD's null-space vectors (σ ~ 1e-16) are arbitrary at round-off
        kw.update(perturbation=0.3, width=3)
    a, b = agd.solve(dense, **kw), agd.solve(full, **kw)
    assert a.n_iter == b.n_iter and a.status == b.status
    assert b.config["step"] == pytest.approx(a.config["step"], rel=1e-13)
    np.testing.assert_allclose(b.error, a.error, rtol=0, atol=1e-13)  # e_t is normalised: round-off
    np.testing.assert_allclose(b.X @ b.Y.T, a.X @ a.Y.T, rtol=0, atol=1e-10)
    np.testing.assert_allclose(b.recovery_error, b.error, rtol=1e-6, atol=1e-14)  # noise-free: M★ = A


def test_recovery_succeeds_with_enough_observations():
    p = agd.make_completion(60, 60, 2, 4.0, rate=0.5, seed=0)
    r = agd.solve(p, algorithm="agd", init="spectral", width=2, max_iter=5000, tol=1e-12)
    assert r.status == "converged"
    assert r.final_recovery_error < 1e-6 and r.recovered
    assert "recovered" in r.message and "NOT" not in r.message
    assert np.all(np.isfinite(r.recovery_error))  # factored M★: evaluated at every iteration
    assert r.recovery_error.shape == r.error.shape


def test_far_too_few_observations_are_reported_as_not_recovered():
    # 80 observations of a 30x30 rank-3 matrix with 171 degrees of freedom: the fit is perfect, M★ is not found
    p = agd.make_completion(30, 30, 3, 2.0, rate=0.09, seed=1)
    assert p.n_observed < 3 * (30 + 30 - 3)
    r = agd.solve(p, algorithm="gd", init="gaussian", width=6, max_iter=20000, tol=1e-8)
    assert r.final_error < 1e-6  # the training loss is (nearly) zero ...
    assert r.final_recovery_error > 1e-2 and r.recovered is False  # ... and M★ is not recovered
    assert "NOT recovered" in r.message


def test_theory_report_attaches_no_ward_kolda_bound_and_says_why():
    p = agd.make_completion(30, 30, 2, 3.0, rate=0.5, seed=0)
    r = agd.solve(p, algorithm="agd", init="ward-kolda", width=4, max_iter=300)
    b = r.bounds
    assert b["applies"] is False and r.live_bound is None
    assert all(b[k] is None for k in ("rho", "rate_a_priori", "T_a_priori", "rate_frozen_x", "certificate"))
    (check,) = b["checks"]
    assert check["name"] == "fully observed problem" and not check["ok"]
    assert "fully observed" in check["detail"] and "\n" not in check["detail"]
    assert "no theory" in r.config["init_note"]
    assert "no theory" in agd.INITIALIZERS["ward-kolda"].label_for("completion")
    assert agd.INITIALIZERS["ward-kolda"].label_for("dense") == agd.INITIALIZERS["ward-kolda"].label


def test_json_has_training_loss_recovery_and_observation_settings():
    p = agd.make_completion(30, 30, 2, 3.0, rate=0.5, seed=0)
    doc = json.loads(agd.solve(p, width=2, max_iter=200).to_json())
    assert doc["config"]["observe"] == "completion" and doc["config"]["rate"] == 0.5
    assert doc["config"]["n_observed"] == p.n_observed
    assert len(doc["recovery_error"]) == len(doc["error"]) == len(doc["training_loss"])
    assert doc["training_loss"] == doc["error"]
    assert isinstance(doc["final_recovery_error"], float) and isinstance(doc["recovered"], bool)
    dense = json.loads(agd.solve(agd.make_problem(20, 20, 2, seed=0), width=2, max_iter=50).to_json())
    assert dense["recovery_error"] is None and dense["recovered"] is None and "observe" not in dense["config"]


def test_a_given_matrix_and_mask_measure_recovery_on_held_out_entries():
    A = agd.make_problem(25, 20, 2, 3.0, seed=5).A
    mask = np.random.default_rng(0).random(A.shape) < 0.6
    p = agd.completion_from_matrix(A, mask, rank=2)
    assert p.n_observed == mask.sum()
    X, Y = _factors(p, 2)
    held = ~mask
    ref = np.sum((X @ Y.T - A)[held] ** 2) / np.sum(A[held] ** 2)
    assert p.recovery_error(X, Y) == pytest.approx(ref, rel=1e-12)
    r = agd.solve(p, algorithm="agd", init="spectral", width=2, max_iter=3000, tol=1e-12)
    assert r.recovered and r.config["recovery"] == "held-out entries"
    assert agd.completion_from_matrix(A, np.ones(A.shape, bool)).has_recovery is False


def test_trials_stack_and_agree_with_single_runs():
    p = agd.make_completion(30, 25, 2, 3.0, rate=0.6, seed=2)
    t = agd.solve_trials(p, seeds=[3, 4, 5], algorithm="gd", init="gaussian", width=3, max_iter=300, exact_every=1)
    for k, s in enumerate([3, 4, 5]):
        r = agd.solve(p, algorithm="gd", init="gaussian", width=3, max_iter=300, seed=s)
        np.testing.assert_allclose(t.errors[k, : len(r.error)], r.error, rtol=1e-9, atol=1e-15)
        assert t.final_recovery_error[k] == pytest.approx(r.final_recovery_error, rel=1e-9)


def test_same_seed_same_problem_and_same_run():
    a, b = (agd.make_completion(40, 30, 2, rate=0.3, noise=0.05, seed=9) for _ in range(2))
    assert np.array_equal(a.rows, b.rows) and np.array_equal(a.cols, b.cols) and np.array_equal(a.vals, b.vals)
    c = agd.make_completion(40, 30, 2, rate=0.3, noise=0.05, seed=10)
    assert not np.array_equal(a.rows, c.rows)
    ra, rb = (agd.solve(x, width=3, max_iter=100, seed=1) for x in (a, b))
    assert np.array_equal(ra.error, rb.error) and np.array_equal(ra.recovery_error, rb.recovery_error)


def test_an_iteration_forms_no_dense_matrix():
    m = n = 1000
    p = agd.make_completion(m, n, 3, rate=0.01, seed=0)
    X, Y = _factors(p, 5)
    ctx = p.step_context(0.1, {})
    ctx.alternate(X[None], Y[None])  # warm the work buffers
    tracemalloc.start()
    ctx.alternate(X[None], Y[None])
    ctx.grads(X[None], Y[None])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * m * n / 10, f"peak {peak} bytes: an m×n temporary was formed"


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"rate": 0.0}, "rate must be a finite number > 0 and <= 1"),
        ({"rate": -0.1}, "rate must be"),
        ({"rate": 1.5}, "rate must be"),
        ({"rate": 1e-9}, "observed no entry"),
        ({"rank": 0}, "rank must be an integer between 1 and"),
        ({"noise": -1.0}, "noise must be"),
    ],
)
def test_bad_input_names_the_parameter_and_range(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        agd.make_completion(**{"m": 20, "n": 20, "rank": 2, "rate": 0.5, **kwargs})


def test_bad_masks_and_memory_are_refused():
    A = np.ones((6, 5))
    with pytest.raises(ValueError, match=r"mask must have the shape of A, \(6, 5\); got \(5, 6\)"):
        agd.completion_from_matrix(A, np.ones((5, 6), bool))
    with pytest.raises(ValueError, match="observes no entry"):
        agd.completion_from_matrix(A, np.zeros((6, 5), bool))
    with pytest.raises(ValueError, match="mask must be boolean"):
        agd.completion_from_matrix(A, np.full((6, 5), 2))
    with pytest.raises(ValueError, match="exactly one of mask"):
        agd.completion_from_matrix(A)
    with pytest.raises(ValueError, match="memory budget"):
        agd.make_completion(10_000, 10_000, 2, rate=0.5, memory_budget=1e8)


@pytest.mark.parametrize("algorithm", ["flow", "fa"])
def test_inapplicable_algorithms_are_refused_naming_those_that_apply(algorithm):
    p = agd.make_completion(20, 20, 2, rate=0.5, seed=0)
    with pytest.raises(ValueError, match="algorithms that do: agd, gd, scaledgd, precgd, scaledgd-lambda"):
        agd.solve(p, algorithm=algorithm, init="gaussian", width=2)
    with pytest.raises(ValueError, match="inits that do: ward-kolda, gaussian, spectral"):
        agd.solve(p, init="nystrom", width=2)


def test_cli_completion_run_writes_losses_and_settings(tmp_path, capsys):
    out = tmp_path / "run.json"
    args = ["run", "--observe", "completion", "--rate", "0.5", "--m", "40", "--n", "40", "--rank", "2"]
    assert main([*args, "--width", "2", "--init", "spectral", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["config"]["observe"] == "completion" and doc["config"]["rate"] == 0.5
    assert doc["recovered"] is True and doc["training_loss"] and doc["recovery_error"]
    assert "recovered" in capsys.readouterr().out
    assert main(["run", "--m", "20", "--n", "20", "--json", str(out), "--max-iter", "5"]) == 0
    assert json.loads(out.read_text())["config"]["observe"] == "full"


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--observe", "completion", "--rate", "0"], "rate must be"),
        (["--observe", "completion", "--rate", "2"], "rate must be"),
        (["--rate", "0.5"], "--rate applies only to --observe completion"),
        (["--observe", "completion", "--measurements", "10"], "--measurements applies only to --observe sensing"),
        (["--observe", "completion", "--algorithm", "flow"], "algorithms that do"),
        (["--observe", "completion", "--init", "zeros"], "inits that do"),
        (["--observe", "partial"], "invalid choice"),
    ],
)
def test_cli_bad_observation_flags_exit_2_with_one_line(argv, needle, capsys):
    assert main(["run", "--m", "20", "--n", "20", "--rank", "2", *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_sweep_over_the_sampling_rate_reports_recovery_per_cell():
    from agdcore.sweeps import summarize

    base = {"observe": "completion", "m": 30, "n": 30, "rank": 2, "width": 2, "init": "spectral", "max_iter": 3000}
    df = agd.sweep({"rate": [0.1, 0.6]}, trials=3, base=base, seed=0, engine="serial")
    assert list(df.columns[-2:]) == ["final_recovery_error", "recovered"] and df["observe"].eq("completion").all()
    s = summarize(df).set_index("rate")
    assert s.loc[0.6, "recovery_rate"] == 1.0 and s.loc[0.1, "recovery_rate"] == 0.0
    again = agd.sweep({"rate": [0.1, 0.6]}, trials=3, base=base, seed=0, engine="serial")
    assert df.drop(columns="seconds").equals(again.drop(columns="seconds"))
    with pytest.raises(ValueError, match="rate applies only to observe='completion'"):
        agd.sweep({"rate": [0.1]}, trials=1, engine="serial")
    with pytest.raises(ValueError, match=r"grid parameter 'rate' must be a finite number > 0 and <= 1"):
        agd.sweep({"rate": [0.0, 0.5]}, trials=1, base=base, engine="serial")
    with pytest.raises(ValueError, match="algorithms that do"):
        agd.sweep({"rate": [0.5]}, trials=1, base={**base, "algorithm": "flow"}, engine="serial")
    full = agd.sweep({"width": [2]}, trials=1, base={"m": 20, "n": 20, "rank": 2}, engine="serial")
    assert not {"observe", "rate", "measurements", "final_recovery_error"} & set(full.columns)


def test_cli_sweep_takes_the_observation_flags(tmp_path, capsys):
    out = tmp_path / "sw.json"
    argv = ["sweep", "--observe", "completion", "--grid", "rate=0.2,0.6", "--m", "30", "--n", "30", "--rank", "2"]
    assert main([*argv, "--width", "2", "--trials", "2", "--serial", "--quiet", "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert {"recovery_rate", "median_recovery_error"} <= set(doc["summary"][0])
    assert doc["rows"][0]["observe"] == "completion" and "final_recovery_error" in doc["rows"][0]
    capsys.readouterr()
    assert main(["sweep", "--grid", "rate=0.2", "--serial"]) == 2
    assert "rate applies only to observe='completion'" in capsys.readouterr().err
