"""One implementation of each formula: T(ε), the over-parameterization factor, ρ, the markdown escape.

The Theory page's calculator, the theory report that Explore and the CLI print, the sweeps' fitted
shapes and the Theory figures must all give the same numbers, because they call the same functions
in :mod:`agdcore.bounds`.
"""

import math

import numpy as np
import pytest

import agdcore as agd
from agdcore import bounds
from agdcore.plots import sweep as sp
from agdcore.plots import theory as tp

# the Theory page's calculator defaults (pages/theory.py), with κ = 1e7
PAGE = dict(r=5, d=10, kappa=1e7, C=8.0, nu=0.5, theta=0.5, eps=1e-10, e0=1.0)


@pytest.fixture(scope="module")
def huge_kappa_run():
    p = agd.make_problem(m=30, n=30, rank=5, kappa=1e7, seed=0)
    return p, agd.solve(p, width=10, max_iter=5, tol=1e-10)


def test_calculator_at_kappa_1e7_is_finite_and_kappa_squared():
    T = bounds.a_priori_calculator(**PAGE)["T"]
    assert math.isfinite(T) and T == pytest.approx(8.727e18, rel=1e-3)  # 8.7e6 · (1e7/10)²
    assert tp.calculator(**PAGE)["T"] == T  # the figures' module agrees
    assert bounds.rate_a_priori(bounds.rho(0.5, 10, 5), 8.0, 1e7) == 1.0  # why T must not come from the rate


def test_theory_report_prints_the_calculator_number_at_kappa_1e7(huge_kappa_run):
    """Explore / CLI (theory_report) and the Theory page give the same T(ε) for the same inputs."""
    p, res = huge_kappa_run
    rep = res.bounds
    e0, eps = float(res.error[0]), res.config["tol"]
    calc = bounds.a_priori_calculator(**{**PAGE, "kappa": p.kappa, "e0": e0, "eps": eps})
    assert p.kappa == pytest.approx(1e7)
    assert rep["T_a_priori"] is not None and isinstance(rep["T_a_priori"], int)
    assert rep["T_a_priori"] == calc["T"] > 1e18
    from agdui.theory_check import quantity_rows  # what the Explore page prints

    shown = dict((q, v) for q, v, _ in quantity_rows(res))[r"$T_{\text{a-priori}}(\varepsilon)$"]
    assert int(shown.replace(",", "")) == calc["T"]
    # and the page's default e₀ = 1, ε = 1e-10 gives the theory_report formula's value as well
    assert (
        bounds.T_a_priori(bounds.rho(0.5, 10, 5), 8.0, 1e7, 1.0, 1e-10, 0.5) == bounds.a_priori_calculator(**PAGE)["T"]
    )


def test_iterations_for_uses_the_shared_T_and_is_not_none_when_large():
    f = 1 - 1e-15
    T = bounds.iterations_for(1.0, 1e-10, f)
    assert isinstance(T, int) and T == bounds.iterations_to_eps(1.0, 1e-10, math.log(f)) > 1e16
    rho = bounds.rho(0.5, 10, 5)
    fac = bounds.rate_a_priori(rho, 8.0, 10.0)
    assert bounds.iterations_for(1.0, 1e-10, fac) == pytest.approx(bounds.T_a_priori(rho, 8.0, 10.0, 1.0, 1e-10), abs=1)


def test_iterations_to_eps_edge_cases_and_arrays():
    assert bounds.iterations_to_eps(1.0, 1e-10, 0.0) == math.inf  # factor 1: truly infinite
    assert bounds.iterations_to_eps(1.0, 1e-10, 0.1) == math.inf  # factor > 1
    assert bounds.iterations_to_eps(1e-12, 1e-10, -1.0) == 0  # already below ε
    assert bounds.iterations_to_eps(1.0, 1e-10, -math.inf) == 1  # factor 0: one step
    T = bounds.iterations_to_eps(1.0, 1e-10, np.array([-1.0, -0.5]))
    assert list(T) == [math.ceil(math.log(1e10)), math.ceil(2 * math.log(1e10))]
    assert bounds.log_sq_one_minus(1e-20) == pytest.approx(-2e-20, rel=1e-12)  # log1p, not log(1 − x)
    assert bounds.log_sq_one_minus(1.5) == pytest.approx(2 * math.log(0.5))


def test_theory_figures_plot_the_calculator_number():
    fig = tp.t_vs_kappa_figure(5, 10, 8.0, 0.5, 0.5, 1e-10, 1.0, kappa_now=1e7)
    assert fig.data[2].y[0] == bounds.a_priori_calculator(**PAGE)["T"]


def test_one_overparameterization_factor_everywhere():
    d = np.array([5, 6, 10, 40])
    v2 = bounds.overparam_values(d, 5)
    assert list(v2) == pytest.approx([bounds.overparam_factor(int(k), 5) for k in d], rel=1e-15)
    assert np.isinf(bounds.overparam_values(5, 5, "v1")) and bounds.overparam_factor(5, 5, "v1") == math.inf
    assert np.isnan(bounds.overparam_values(4, 5))  # d < r
    summary = {"width": d, "rank": np.full(4, 5), "kappa": np.ones(4)}
    assert list(sp.theory_shape(summary, ["width"])[1]) == list(v2)  # sweeps' fitted shape
    fig = tp.overparam_figure(5)
    x = np.asarray(fig.data[0].x)
    assert list(fig.data[0].y) == list(bounds.overparam_values(x, 5))  # Theory page figure
    assert (
        bounds.paper_T_shape(10.0, 10, 5, 1e-10)
        == bounds.a_priori_calculator(**{**PAGE, "kappa": 10.0})["paper_T_over_C"]
    )
    with pytest.raises(ValueError, match="version"):
        bounds.overparam_values(10, 5, "v3")


def test_one_rho():
    d = np.array([5, 10, 100])
    assert list(bounds.rho_values(0.5, d, 5)) == [bounds.rho(0.5, int(k), 5) for k in d]


def test_escape_md_is_the_same_as_agdui_md_escape():
    from agdui.style import md_escape

    for text in ("‖A‖²_F and σ_r, B ~ N, $x$, [U]", "a*b* `code` \\ back", "", "plain"):
        assert tp.escape_md(text) == md_escape(text)


def test_core_does_not_import_agdui():
    import ast
    import pathlib

    offenders = []
    for f in pathlib.Path(agd.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{f}: {n}" for n in names if n.split(".")[0] in ("agdui", "streamlit")]
    assert not offenders, offenders
