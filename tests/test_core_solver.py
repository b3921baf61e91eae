"""Run control: statuses, divergence, callbacks, exact error tracking, validation, trials."""

import warnings

import numpy as np
import pytest

import agdcore as agd


def test_default_run_converges_with_complete_record():
    p = agd.make_problem()
    r = agd.solve(p)
    assert r.status == "converged" and "Converged" in r.message
    assert r.config["step"] == pytest.approx(9 / (4 * 8 * 0.5 * p.sigma1))
    assert r.error.shape == (r.n_iter + 1,) and np.all(np.isfinite(r.error))
    assert r.error[-1] <= 1e-10 and r.iterations_to_tol == r.n_iter
    assert r.record_index[0] == 0 and r.record_index[-1] == r.n_iter
    assert 30 <= r.record_index.size <= 102
    assert r.sv_x.shape == (r.record_index.size, 10) == r.sv_y.shape
    assert r.balance.shape == (r.record_index.size,)
    assert r.final_error == pytest.approx(p.error(r.X, r.Y), rel=1e-9)


def test_error_stays_accurate_far_below_the_cheap_formula_floor():
    """Below ~1e-12 the loop switches to exact blocked residuals: e_t reaches 1e-25 and is right."""
    p = agd.make_problem(50, 40, 3, 3.0, seed=1)
    r = agd.solve(p, width=5, tol=1e-25, max_iter=5000, seed=2)
    assert r.converged, r.message
    assert r.final_error <= 1e-25
    assert r.final_error == pytest.approx(p.error(r.X, r.Y), rel=1e-6)
    tail = r.error[-50:]
    assert np.all(np.isfinite(tail)) and np.all(np.diff(np.log(tail)) < 0)


def test_max_iter_status_and_message():
    p = agd.make_problem()
    r = agd.solve(p, init="gaussian", max_iter=50)
    assert r.status == "max_iter" and r.n_iter == 50 and "max_iter" in r.message


def test_divergence_is_caught_without_warnings():
    p = agd.make_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = agd.solve(p, "gd", "gaussian", width=5, step=5.0 / p.sigma1, scale=1.0, max_iter=5000)
    assert r.status == "diverged"
    assert r.diverged_at is not None and r.diverged_at < 5000
    assert "smaller step" in r.message and "1/σ₁(A)" in r.message
    assert np.all(np.isfinite(r.error[: r.diverged_at]))


@pytest.mark.parametrize("algorithm", ["agd", "scaledgd", "precgd", "fa"])
def test_divergence_caught_for_each_discrete_rule(algorithm):
    p = agd.make_problem(40, 30, 3, 5.0, seed=0)
    step = 50.0 if agd.ALGORITHMS[algorithm].preconditioned else 50.0 / p.sigma1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = agd.solve(p, algorithm, "gaussian", width=4, step=step, scale=1.0, max_iter=2000, theory=False)
    assert r.status == "diverged", (algorithm, r.status, r.final_error)


def test_callback_receives_progress_and_can_stop():
    p = agd.make_problem()
    seen = []

    def cb(progress):
        snap = progress.snapshot()
        seen.append((progress.iteration, snap.error.size, snap.status))
        return progress.iteration >= 20

    r = agd.solve(p, init="gaussian", max_iter=100_000, callback=cb, callback_interval=0.0)
    assert r.status == "stopped" and r.n_iter == 20 and "callback" in r.message
    assert seen[0][0] == 0 and seen[-1][0] == 20
    assert all(size == it + 1 for it, size, _ in seen)


def test_callback_stop_iteration_also_stops():
    def cb(progress):
        if progress.iteration == 5:
            raise StopIteration

    r = agd.solve(agd.make_problem(), max_iter=1000, callback=cb, callback_interval=0.0)
    assert r.status == "stopped" and r.n_iter == 5


def test_flow_callback_can_stop():
    calls = []

    def cb(progress):
        calls.append(progress.t)
        return True

    r = agd.solve(agd.make_problem(), "flow", "gaussian", width=5, max_iter=100_000, callback=cb, callback_interval=0.0)
    assert r.status == "stopped" and len(calls) == 1 and r.t[-1] <= calls[0] + 1e-12


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(width=0), "width must be an integer between 1 and 100"),
        (dict(width=101), "width must be an integer between 1 and 100"),
        (dict(step=0.0), "step must be a finite number > 0"),
        (dict(step=-1.0), "step must be a finite number > 0"),
        (dict(step=float("nan")), "step must be a finite number"),
        (dict(algorithm="newton"), "Unknown algorithm 'newton'; expected one of 'agd'"),
        (dict(init="ones"), "Unknown init 'ones'; expected one of 'ward-kolda'"),
        (dict(max_iter=-1), "max_iter must be an integer between 0"),
        (dict(tol=-1e-3), "tol must be a finite number >= 0"),
        (dict(foo=1), r"Unknown option\(s\) \['foo'\]"),
        (dict(nu=2.0), "nu must be a finite number > 0 and <= 1"),
        (dict(C=0.0), "C must be a finite number > 0"),
        (dict(init="gaussian", C=3.0), r"Unknown option\(s\) \['C'\]"),
        (dict(init=(np.zeros((3, 3)), np.zeros((3, 3)))), r"X0 of shape \(100, 10\)"),
    ],
)
def test_invalid_settings_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        agd.solve(agd.make_problem(), **kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(rank=0), "rank must be an integer between 1 and 100"),
        (dict(rank=101), "rank must be an integer between 1 and 100"),
        (dict(kappa=0.5), "kappa must be a finite number >= 1"),
        (dict(m=0), "m must be an integer >= 1"),
        (dict(spectrum="flat"), "Unknown spectrum 'flat'"),
        (dict(noise=-0.1), "noise must be a finite number >= 0"),
        (dict(m=200_000, n=200_000), "memory budget"),
    ],
)
def test_invalid_problems_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        agd.make_problem(**kwargs)


def test_memory_budget_is_configurable(monkeypatch):
    with pytest.raises(ValueError, match="memory budget of 0.00 GB"):
        agd.make_problem(100, 100, memory_budget=1000)
    monkeypatch.setenv("AGDCORE_MEMORY_BUDGET", "1000")
    with pytest.raises(ValueError, match="memory budget"):
        agd.make_problem(100, 100)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros(5), "A must be a 2-D array"),
        (np.zeros((2, 2, 2)), "A must be a 2-D array"),
        (np.zeros((0, 3)), "non-empty"),
        (np.array([[1.0, np.nan]]), "NaN or Inf"),
        (np.zeros((3, 3)), "zero matrix"),
        (np.array([[1, "a"]], dtype=object), "real numeric"),
    ],
)
def test_problem_from_array_validates(bad, match):
    with pytest.raises(ValueError, match=match):
        agd.Problem.from_array(bad)


def test_problem_facts():
    p = agd.make_problem(50, 40, 4, 8.0, spectrum="linear", seed=3)
    s = np.linalg.svd(p.A, compute_uv=False)
    np.testing.assert_allclose(p.singular_values[:4], s[:4], rtol=1e-12)
    np.testing.assert_allclose(p.singular_values[:4], np.linspace(1, 1 / 8, 4), rtol=1e-12)
    assert p.kappa == pytest.approx(8.0) and p.is_exactly_low_rank
    assert p.floor(4) == 0.0 and p.floor(2) == pytest.approx(np.sum(s[2:] ** 2) / np.sum(s**2), rel=1e-10)
    noisy = agd.make_problem(50, 40, 4, 8.0, noise=0.1, seed=3)
    clean = agd.make_problem(50, 40, 4, 8.0, noise=0.0, seed=3)
    assert np.linalg.norm(noisy.A - clean.A) == pytest.approx(0.1 * np.linalg.norm(clean.A), rel=1e-12)
    assert not noisy.is_exactly_low_rank
    q = agd.Problem.from_array(clean.A)
    assert q.rank == 4 and q.is_exactly_low_rank


def test_problem_array_is_read_only_copy():
    A = np.eye(4)
    p = agd.Problem.from_array(A)
    A[0, 0] = 5
    assert p.A[0, 0] == 1.0
    with pytest.raises(ValueError):
        p.A[0, 0] = 3


# ---------------------------------------------------------------------- trials
def test_trials_match_single_runs():
    p = agd.make_problem(60, 50, 3, 5.0, seed=0)
    seeds = [3, 4, 5, 6, 7]
    t = agd.solve_trials(p, seeds, width=6, max_iter=3000, chunk=2)
    for k, s in enumerate(seeds):
        r = agd.solve(p, width=6, max_iter=3000, seed=s, theory=False)
        assert t.status[k] == r.status
        assert t.iterations_to_tol[k] == r.iterations_to_tol
        assert t.final_error[k] == pytest.approx(r.final_error, rel=1e-6)
        np.testing.assert_allclose(t.errors[k, : r.n_iter], r.error[: r.n_iter], rtol=1e-8)


def test_trials_mixed_outcomes_and_quantiles():
    p = agd.make_problem(40, 30, 3, 5.0, seed=0)
    t = agd.solve_trials(p, range(6), "gd", "gaussian", width=3, step=0.5 / p.sigma1, max_iter=200, tol=1e-10)
    assert set(t.status) <= {"converged", "max_iter"}
    q = t.quantiles()
    assert q.shape == (3, 201) and np.all(q[0] <= q[1] + 1e-300) and np.all(q[1] <= q[2] + 1e-300)
    recs = t.to_records()
    assert len(recs) == 6 and {"seed", "iterations_to_tol", "final_error", "status", "seconds"} <= set(recs[0])


def test_trials_callback_stops_early():
    p = agd.make_problem(30, 30, 2, 2.0, seed=0)
    t = agd.solve_trials(p, range(8), width=3, max_iter=500, chunk=2, callback=lambda done, total: done >= 4)
    assert list(t.status[4:]) == ["stopped"] * 4 and np.all(np.isfinite(t.final_error[:4]))


def test_flow_trials():
    p = agd.make_problem(30, 30, 2, 2.0, seed=0)
    t = agd.solve_trials(p, range(3), "flow", "gaussian", width=2, step=0.5, max_iter=200, tol=1e-8)
    assert t.errors.shape[0] == 3 and t.t[0] == 0.0
    assert np.all(t.status == "converged") and np.all(np.isfinite(t.iterations_to_tol))


@pytest.mark.parametrize("tol", [1e-10, 1e-16, 1e-20])
def test_flow_stops_at_tolerance_exactly(tol):
    """The flow's terminal event uses the exact residual: time_to_tol is set and the error is right."""
    p = agd.make_problem(50, 40, 3, 3.0, seed=0)
    r = agd.solve(p, "flow", "gaussian", width=3, step=0.5, max_iter=20_000, tol=tol, seed=1, theory=False)
    assert r.converged and r.time_to_tol == r.t[-1]
    assert r.final_error <= tol and r.final_error == pytest.approx(tol, rel=1e-6)
    assert r.final_error == pytest.approx(p.error(r.X, r.Y), rel=1e-9)


def test_trials_should_stop_is_polled_every_iteration():
    """Another thread can stop a long chunk at once (Compare's Stop): remaining trials are 'stopped'."""
    import threading

    p = agd.make_problem(60, 60, 3, 5.0, seed=0)
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 50

    t = agd.solve_trials(
        p, range(6), init="gaussian", width=4, max_iter=200_000, tol=0.0, chunk=6, should_stop=should_stop
    )
    assert list(t.status) == ["stopped"] * 6
    assert np.all(np.isfinite(t.final_error)) and t.errors.shape[1] == 200_001
    assert np.sum(np.isfinite(t.errors[0])) <= 52
    ev = threading.Event()
    ev.set()
    assert list(agd.solve_trials(p, range(3), width=4, max_iter=100, should_stop=ev.is_set).status) == ["stopped"] * 3


def test_iteration_quartiles_count_unreached_trials_as_infinite():
    p = agd.make_problem(40, 40, 3, 3.0, seed=0)
    t = agd.solve_trials(p, range(4), init="gaussian", width=3, max_iter=20_000)
    its = np.sort(t.iterations_to_tol)
    np.testing.assert_array_equal(t.iteration_quartiles(), [its[0], its[1], its[2]])  # 'lower' quartiles
    short = agd.solve_trials(p, range(4), init="gaussian", width=3, max_iter=20)
    assert np.all(np.isinf(short.iteration_quartiles())) and np.all(np.isnan(short.iterations_to_tol))
