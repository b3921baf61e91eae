"""Theory formulas against hand-computed values (docs/theory.md#worked-example) and honest labelling."""

import math

import pytest

import agdcore as agd
from agdcore import bounds
from agdcore.report import STEP_CHECK


def test_rho_and_overparameterization_factors():
    assert bounds.rho(0.5, 10, 5) == pytest.approx(0.18377223, rel=1e-7)
    assert bounds.overparam_factor(10, 5) == pytest.approx(7.4025307, rel=1e-7)
    assert bounds.overparam_factor(10, 5, "v1") == 2.0
    assert bounds.overparam_factor(5, 5) == pytest.approx(89.72, rel=1e-3)
    # d = 2r, r -> ∞ tends to 2/(√2 − 1)² ≈ 11.66
    assert bounds.overparam_factor(20000, 10000) == pytest.approx(2 / (math.sqrt(2) - 1) ** 2, rel=1e-3)


def test_a_priori_rate_and_iterations_match_the_worked_example():
    rho = bounds.rho(0.5, 10, 5)
    f0 = bounds.rate_a_priori(rho, 8.0, 10.0, theta=0.0)
    assert f0 == pytest.approx(0.99998945, abs=1e-8)
    assert bounds.iterations_for(1.0, 1e-10, f0) == pytest.approx(2.18e6, rel=0.01)
    f_half = bounds.rate_a_priori(rho, 8.0, 10.0, theta=0.5)
    assert bounds.iterations_for(1.0, 1e-10, f_half) == pytest.approx(8.7e6, rel=0.01)
    assert bounds.iterations_for(1.0, 1e-10, 1.0) is None
    assert bounds.iterations_for(1e-12, 1e-10, 0.5) == 0


def test_delta_monte_carlo_matches_theory_calibration():
    # docs/theory.md#delta: P[σ_r(G) < ρ] = 1.25e-2 at ν = 1/2 (2e5 draws), 0.322 at ν = 1
    d = bounds.delta_mc(0.5, 10, 5, n_samples=40_000, seed=1)
    se = math.sqrt(0.0125 * (1 - 0.0125) / 40_000)
    assert abs(d - 0.0125) < 4 * se
    assert bounds.delta_mc(1.0, 10, 5, n_samples=20_000, seed=2) == pytest.approx(0.322, abs=0.015)


def test_local_rates():
    assert bounds.local_rate("scaledgd", 2 / 3, 0.1) == pytest.approx(1 / 9)
    assert bounds.local_rate("gd", 0.5, 0.1) == pytest.approx(0.95**2)
    assert bounds.local_rate("precgd", 0.5, 0.1) == pytest.approx(0.25)
    assert bounds.local_rate("fa", 0.5, 0.1) is None


def test_observed_local_rate_of_scaledgd_matches_linearization():
    p = agd.make_problem(100, 100, 5, 10.0, noise=0.0, seed=0)
    r = agd.solve(p, "scaledgd", "spectral", width=5, step=0.5, perturbation=0.02, tol=1e-20, max_iter=200)
    assert r.bounds["observed_rate"] == pytest.approx(r.bounds["local_rate"], rel=0.02)


def test_labels_never_present_derived_bounds_as_the_paper():
    info = bounds.BOUND_INFO
    for key in ("live_bound", "frozen_x", "a_priori", "T_a_priori", "delta_mc"):
        assert info[key].grade == "derived"
        assert "derived" in info[key].label or "Monte Carlo" in info[key].label
        assert "paper" not in info[key].label.split("(")[0]
    for key in ("paper_T", "paper_T_v1", "jcd_T"):
        assert info[key].grade == "paper" and "[V]" in info[key].source
    assert "not the paper's constant" in info["a_priori"].label


def test_theory_report_checks():
    p = agd.make_problem()
    r = agd.solve(p)
    rep = r.bounds
    names = {c["name"]: c for c in rep["checks"]}
    assert rep["applies"] and all(c["ok"] for c in rep["checks"])
    assert {"d ≥ r", "A exactly rank r", STEP_CHECK, "X₀ in the column span of A"} <= set(names)
    assert rep["rho"] == pytest.approx(bounds.rho(0.5, 10, 5))
    assert rep["T_a_priori"] > 1e6 > r.n_iter  # the a-priori bound is honest but pessimistic
    g = agd.solve(p, init="gaussian", max_iter=10)
    gnames = {c["name"]: c["ok"] for c in g.bounds["checks"]}
    assert not gnames["Ward–Kolda init"] and not gnames["X₀ in the column span of A"]
    assert g.bounds["rho"] is None and g.bounds["T_a_priori"] is None
    big = agd.solve(p, step=2 * r.config["step"], max_iter=10)
    assert not {c["name"]: c["ok"] for c in big.bounds["checks"]}[STEP_CHECK]


def test_complexity_shapes_scale_as_stated():
    """κ² (Ward & Kolda) against κ³ (JCD22): doubling κ multiplies the shapes by 4 and 8."""
    a = bounds.paper_T_shape(10.0, 10, 5, 1e-10)
    assert bounds.paper_T_shape(20.0, 10, 5, 1e-10) == pytest.approx(4 * a)
    assert a == pytest.approx(bounds.overparam_factor(10, 5) * 100 * math.log(1e10))
    assert bounds.jcd_T_shape(20.0, 1e-10) == pytest.approx(8 * bounds.jcd_T_shape(10.0, 1e-10))
    # Ye & Du flow shape with unit constants: docs/theory.md#ye-du quotes 410.7 for its test problem
    assert bounds.ye_du_flow_T_shape(0.1, 5, 1e-3, 0.5 * (1e-8 * 1.207) ** 2) == pytest.approx(410.7, rel=2e-3)
