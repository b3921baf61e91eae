"""'Does a guarantee cover this run?': one honest line per run, from the derived certificate (docs/theory.md#certificate)
and the graded hypotheses; each condition's verdict on a run that meets it and on one that fails it."""

import json

import numpy as np
import pytest

import agdcore as agd
from agdcore.bounds import certificate, certified_step
from agdcore.cli import main
from agdcore.report import STEP_CHECK


@pytest.fixture(scope="module")
def problem():
    return agd.make_problem(60, 50, 3, 5.0, seed=2)


@pytest.fixture(scope="module")
def default_run(problem):
    return agd.solve(problem, width=6, seed=1)


def test_default_settings_are_not_covered_and_the_line_says_by_how_much(default_run):
    cov = default_run.bounds["coverage"]
    cert = default_run.bounds["certificate"]
    assert cov["covered"] is False and not cert["holds"]
    assert [n for n, _ in cov["failed"]] == ["derived certificate (docs/theory.md#certificate)"]
    ratio = default_run.config["step"] / cert["step_max"]
    assert ratio > 100  # the default step is orders of magnitude above the certified one
    assert f"{ratio:.3g}× larger" in cov["line"] and cov["line"].startswith("Covered by a guarantee: no")
    assert "Eq. (8)" in cov["line"]  # the paper's own step is named as not checked


def test_the_certified_step_does_not_depend_on_the_step_and_marks_the_boundary(problem, default_run):
    smax = default_run.bounds["certificate"]["step_max"]
    below = agd.solve(problem, width=6, seed=1, step=0.98 * smax, max_iter=200)
    above = agd.solve(problem, width=6, seed=1, step=1.02 * smax, max_iter=50)
    assert below.bounds["certificate"]["step_max"] == pytest.approx(smax, rel=1e-9)
    assert below.bounds["certificate"]["holds"] and not above.bounds["certificate"]["holds"]
    cov = below.bounds["coverage"]
    assert cov["covered"] and cov["line"].startswith("Covered by a guarantee: yes") and "not the paper's" in cov["line"]
    # what the certificate promises holds on the run: e_t ≤ e₀ (1 − a²)^{2t}
    fac = below.bounds["certificate"]["rate"]
    t = np.arange(below.error.size)
    assert np.all(below.error <= below.error[0] * fac**t * (1 + 1e-9))


def test_certified_step_is_the_largest_step_certificate_accepts():
    a0, b0, y0, F0, eta = 0.02, 0.3, 0.05, 0.4, 0.1  # y0, F0 scale with η on a Ward–Kolda draw
    smax = certified_step(a0, b0, y0, F0, eta)
    for lam, ok in ((0.99, True), (1.01, False)):
        s = lam * smax / eta
        assert certificate(a0, b0, s * y0, s * F0)[0] is ok
    assert certified_step(0.02, 1.5, y0, F0, eta) == 0.0  # (i) fails at every step


@pytest.mark.parametrize(
    "kw,name",
    [
        ({"algorithm": "gd"}, "algorithm is AGD"),
        ({"init": "gaussian"}, "Ward–Kolda init"),
        ({"width": 2}, "d ≥ r"),
    ],
)
def test_each_failing_hypothesis_is_named(problem, kw, name):
    r = agd.solve(problem, **{"width": 6, "seed": 1, "max_iter": 30, **kw})
    cov = r.bounds["coverage"]
    assert not cov["covered"] and name in [n for n, _ in cov["failed"]]
    ok = {c["name"]: c["ok"] for c in r.bounds["checks"]}
    assert ok[name] is False
    assert {c["name"]: c["ok"] for c in agd.solve(problem, width=6, seed=1, max_iter=30).bounds["checks"]}[name]


def test_noise_fails_the_exact_rank_hypothesis():
    r = agd.solve(agd.make_problem(40, 40, 3, 5.0, noise=0.1, seed=0), width=5, max_iter=30)
    assert "A exactly rank r" in [n for n, _ in r.bounds["coverage"]["failed"]]


def test_nu_and_the_third_party_step_are_graded_checks_not_used_by_the_certificate(problem):
    ok = agd.solve(problem, width=6, seed=1, max_iter=30)
    big_step = agd.solve(problem, width=6, seed=1, max_iter=30, step=2.0)
    nu_one = agd.solve(problem, width=6, seed=1, max_iter=30, nu=1.0)
    good = {c["name"]: c for c in ok.bounds["checks"]}[STEP_CHECK]
    assert good["ok"] and "[S]" in good["detail"] and "[U]" in good["detail"]
    for bad in (big_step, nu_one):
        check = {c["name"]: c for c in bad.bounds["checks"]}[STEP_CHECK]
        assert not check["ok"] and "not the guarantee's" in check["detail"]
        assert STEP_CHECK not in [n for n, _ in bad.bounds["coverage"]["failed"]]
    assert "ν = 1 vs the range ν ∈ (0, 1)" in {c["name"]: c for c in nu_one.bounds["checks"]}[STEP_CHECK]["detail"]


def test_observed_problems_are_never_covered_and_say_why():
    p = agd.make_completion(30, 30, 2, 3.0, rate=0.5, seed=0)
    cov = agd.solve(p, init="spectral", width=2, max_iter=50).bounds["coverage"]
    assert not cov["covered"] and "fully observed" in cov["line"]


def test_the_cli_json_carries_the_answer_under_bounds(tmp_path):
    out = tmp_path / "r.json"
    assert main(["run", "--m", "40", "--n", "30", "--rank", "3", "--width", "5", "--json", str(out)]) == 0
    cov = json.loads(out.read_text())["bounds"]["coverage"]
    assert cov["covered"] is False and cov["line"].startswith("Covered by a guarantee: no")
