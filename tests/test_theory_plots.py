"""Unit tests for agdcore.plots.theory: the calculator arithmetic and every figure builder (no Streamlit)."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from agdcore.experiments import ExperimentOutcome, Overlay, RunConfig, RunOutcome
from agdcore.plots import theory as tp

DEFAULTS = dict(r=5, d=10, kappa=10.0, C=8.0, nu=0.5, theta=0.5, eps=1e-10, e0=1.0)


def names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def assert_readable(fig: go.Figure) -> None:
    """Projector rules: big title and tick fonts, legend below the plot, every trace named."""
    lay = fig.layout
    assert lay.title.font.size >= 16 and lay.font.size >= 14
    for ax in [a for k, a in lay.to_plotly_json().items() if k.startswith(("xaxis", "yaxis"))]:
        assert ax["tickfont"]["size"] >= 14
        assert ax.get("title", {}).get("text") or ax is not None
    assert lay.legend.y < 0 and lay.legend.orientation == "h"
    assert all(t.name for t in fig.data)


# ---------------------------------------------------------------------- calculator
def test_calculator_reproduces_the_worked_example_of_theory_md():
    v = tp.calculator(**DEFAULTS)
    assert v["rho"] == pytest.approx(0.18377, abs=1e-5)  # docs/theory.md#worked-example
    assert v["v2"] == pytest.approx(7.4025, abs=1e-4) and v["v1"] == 2.0
    assert v["T"] == pytest.approx(8.7e6, rel=0.01)  # θ = 1/2 certified form: T ≈ 8.7·10^6
    assert v["C_prime"] == pytest.approx(512.0)
    assert v["T"] <= v["T_closed"] <= v["T"] * 1.001 + 2  # closed form ≥ exact T: docs/theory.md#iterations-bound
    assert v["one_minus_rate"] == pytest.approx(1 - v["rate"], rel=1e-6)


def test_calculator_scales_like_kappa_squared_even_for_huge_kappa():
    t = [tp.calculator(**{**DEFAULTS, "kappa": k})["T"] for k in (1e3, 1e4, 1e7, 1e8)]
    assert t[1] / t[0] == pytest.approx(100, rel=1e-3)
    assert t[3] / t[2] == pytest.approx(100, rel=1e-3)  # log1p keeps a² ≈ 1e-20 accurate
    assert all(math.isfinite(x) for x in t)


def test_calculator_changes_with_every_input():
    base = tp.calculator(**DEFAULTS)["T"]
    for key, val in [
        ("r", 6),
        ("d", 20),
        ("kappa", 20.0),
        ("C", 4.0),
        ("nu", 0.25),
        ("theta", 0.1),
        ("eps", 1e-6),
        ("e0", 2.0),
    ]:
        assert tp.calculator(**{**DEFAULTS, key: val})["T"] != base, key


@pytest.mark.parametrize(
    "key,val,word",
    [
        ("r", 0, "r"),
        ("r", 2.5, "r"),
        ("d", 3, "d"),
        ("kappa", 0.5, "κ"),
        ("kappa", float("nan"), "κ"),
        ("C", 0.0, "C"),
        ("nu", 1.5, "ν"),
        ("nu", 0.0, "ν"),
        ("theta", 1.0, "θ"),
        ("eps", 1.0, "ε"),
        ("eps", 0.0, "ε"),
        ("e0", -1.0, "e₀"),
    ],
)
def test_calculator_rejects_bad_input_naming_the_parameter(key, val, word):
    with pytest.raises(ValueError) as err:
        tp.calculator(**{**DEFAULTS, key: val})
    assert str(err.value).startswith(word + " must be")


# ---------------------------------------------------------------------- theory figures
def test_t_vs_kappa_figure_is_log_log_with_slope_two_and_the_user_marker():
    fig = tp.t_vs_kappa_figure(5, 10, 8.0, 0.5, 0.5, 1e-10, 1.0, kappa_now=10.0)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert "slope 2.00" in fig.data[0].name and "derived" in fig.data[0].name
    assert "constant unknown" in fig.data[1].name  # the JCD22 guide is not presented as a bound
    x, y = np.asarray(fig.data[1].x), np.asarray(fig.data[1].y)
    assert np.polyfit(np.log(x), np.log(y), 1)[0] == pytest.approx(3.0)
    assert fig.data[2].y[0] == pytest.approx(tp.calculator(**DEFAULTS)["T"])
    assert "κ" in fig.layout.xaxis.title.text and "T(ε)" in fig.layout.yaxis.title.text
    assert_readable(fig)


def test_t_vs_ratio_figure_decreases_to_its_limit():
    fig = tp.t_vs_ratio_figure(5, 10.0, 8.0, 0.5, 0.5, 1e-10, 1.0, ratio_now=2.0)
    T = np.asarray(fig.data[0].y)
    assert np.all(np.diff(T) <= 0) and T[0] > 10 * T[-1]
    lim = fig.data[1].y[0]
    assert lim <= T.min() and lim == pytest.approx(tp.calculator(**{**DEFAULTS, "d": 10**7})["T"], rel=3e-3)
    assert fig.data[2].x[0] == 2.0 and fig.data[2].y[0] == pytest.approx(tp.calculator(**DEFAULTS)["T"])
    assert fig.layout.yaxis.type == "log" and fig.layout.xaxis.title.text.startswith("over-parameterization d/r")
    assert_readable(fig)


def test_large_r_figures_stay_small():
    fig = tp.t_vs_ratio_figure(50_000, 10.0, 8.0, 0.5, 0.5, 1e-10, 1.0, ratio_now=2.0)
    assert len(fig.data[0].x) <= 410
    assert len(tp.overparam_figure(50_000).data[0].x) <= 410


def test_delta_table_matches_theory_md_within_four_standard_errors():
    tab = tp.delta_table([0.25, 0.5, 1.0], d=10, r=5, n_samples=20_000)
    p, se = tab["delta"], tab["se"]
    assert np.all(np.diff(p) > 0)  # δ grows with ν
    for got, ref in zip(p, (2.35e-4, 1.25e-2, 0.322)):  # docs/theory.md#delta (2·10^5 draws)
        assert abs(got - ref) <= 4 * max(math.sqrt(ref * (1 - ref) / 20_000), 1e-12) + 1e-4
    assert se == pytest.approx(np.sqrt(p * (1 - p) / 20_000))


def test_delta_figure_error_bars_and_zero_counts():
    tab = {
        "nu": np.array([0.05, 0.2, 0.5]),
        "delta": np.array([0.0, 5e-5, 1e-2]),
        "se": np.array([0.0, 5e-5, 7e-4]),
        "n": 20_000,
        "d": 10,
        "r": 5,
    }
    fig = tp.delta_figure(tab)
    est, zero = fig.data
    assert list(est.x) == [0.2, 0.5] and list(est.error_y.array) == [5e-5, 7e-4]
    assert est.error_y.arrayminus[0] < 5e-5 and est.error_y.arrayminus[1] == 7e-4  # cut only where δ − SE ≤ 0.2δ
    assert "cut" in est.name and "standard error" in est.name
    assert zero.y[0] == pytest.approx(3 / 20_000) and "0 of 20,000" in zero.name
    assert fig.layout.yaxis.type == "log"
    assert_readable(fig)


def test_overparam_figure_marks_both_limits_and_the_d_equals_2r_point():
    fig = tp.overparam_figure(5)
    by = {t.name.split(":")[0]: t for t in fig.data}
    v2, v1 = np.asarray(fig.data[0].y), np.asarray(fig.data[1].y, dtype=float)
    assert v2[0] == pytest.approx(89.72, abs=0.01) and np.isnan(v1[0])  # d = r: v2 finite, v1 infinite
    assert fig.data[2].y[0] == pytest.approx(2 / (math.sqrt(2) - 1) ** 2) == pytest.approx(11.657, abs=1e-3)
    assert list(fig.data[3].y) == [1, 1]
    point = by["d = 2r = 10"]
    assert list(point.y) == pytest.approx([7.4025, 2.0], abs=1e-4)
    assert fig.layout.yaxis.type == "log" and "width d" in fig.layout.xaxis.title.text
    assert_readable(fig)


# ---------------------------------------------------------------------- experiment figure
def _run(label, algorithm, x, y, overlays=()):
    cfg = RunConfig(label, "test source", algorithm, "gaussian", 5)
    return RunOutcome(
        cfg, np.asarray(x, float), np.asarray(y, float), "converged", None, y[-1], 0.0, 0.1, 0.5, list(overlays)
    )


def test_experiment_figure_puts_the_flow_on_its_own_time_axis():
    ov = Overlay(
        "GD replotted at time η·t", "time = η t", np.array([0.0, 0.5, 1.0]), np.array([1.0, 0.1, 0.01]), panel="time"
    )
    out = ExperimentOutcome(
        "x",
        1,
        [_run("GD", "gd", [0, 1, 2], [1.0, 0.1, 0.01], [ov]), _run("flow", "flow", [0.0, 0.5, 1.0], [1.0, 0.2, 0.0])],
    )
    fig = tp.experiment_figure(out, "title")
    assert fig.layout.xaxis.title.text == "iteration t"
    assert fig.layout.xaxis2.title.text.startswith("time t")
    assert fig.data[0].xaxis == "x" and fig.data[1].xaxis == "x2" and fig.data[2].xaxis == "x2"
    assert list(fig.data[2].y) == [1.0, 0.2]  # e = 0 cannot be drawn on a log axis
    assert fig.layout.yaxis.type == "log" and "e<sub>t</sub>" in fig.layout.yaxis.title.text
    assert "[test source]" in fig.data[0].name
    assert_readable(fig)


def test_experiment_figure_single_panel_log_x_drops_t0():
    out = ExperimentOutcome("x", 1, [_run("AGD", "agd", [0, 1, 10], [1.0, 0.5, 1e-3])])
    fig = tp.experiment_figure(out, "t", x_log=True)
    assert fig.layout.xaxis.type == "log" and "log scale" in fig.layout.xaxis.title.text
    assert list(fig.data[0].x) == [1, 10]
    assert "xaxis2" not in fig.layout.to_plotly_json()


def test_escape_md_neutralises_markdown():
    assert tp.escape_md("‖A‖²_F and σ_r, B ~ N, $x$, [U]") == r"‖A‖²\_F and σ\_r, B \~ N, \$x\$, \[U\]"


def _house(fig: go.Figure) -> dict:
    lay = fig.layout
    return {
        "template_bg": lay.template.layout.plot_bgcolor,
        "font": lay.font.to_plotly_json(),
        "title_size": lay.title.font.size,
        "grid": lay.xaxis.gridcolor,
        "ygrid": lay.yaxis.gridcolor,
        "ticks": lay.yaxis.ticks,
        "line": lay.yaxis.linecolor,
        "legend_y": lay.legend.y,
    }


def test_theory_and_paper_figures_use_the_explore_house_style():
    """Same template, font, title size, grid and legend as Explore's loss figure (agdcore.plots._style)."""
    import agdcore as agd
    from agdcore import plots

    p = agd.make_problem(m=30, n=30, rank=3, seed=0)
    explore = _house(plots.loss_figure(agd.solve(p, width=6, max_iter=50)))
    tab = {
        "nu": np.array([0.2, 0.5]),
        "delta": np.array([1e-3, 1e-2]),
        "se": np.array([1e-4, 7e-4]),
        "n": 20_000,
        "d": 10,
        "r": 5,
    }
    out = ExperimentOutcome("x", 1, [_run("AGD", "agd", [0, 1, 10], [1.0, 0.5, 1e-3])])
    for fig in (
        tp.t_vs_kappa_figure(5, 10, 8.0, 0.5, 0.5, 1e-10, 1.0, kappa_now=10.0),
        tp.t_vs_ratio_figure(5, 10.0, 8.0, 0.5, 0.5, 1e-10, 1.0, ratio_now=2.0),
        tp.delta_figure(tab),
        tp.overparam_figure(5),
        tp.experiment_figure(out, "t"),
    ):
        assert _house(fig) == explore, fig.layout.title.text
        assert fig.layout.font.family == plots.FONT["family"]


def test_theory_log_axes_use_the_house_log_ticks():
    from agdcore import plots

    fig = tp.overparam_figure(5)  # 1 … 89.7: under two decades, 1-2-5 labels with full values
    ax = fig.layout.yaxis
    assert ax.type == "log" and list(ax.tickvals) == plots.log_tickvals(*ax.range)
    assert "2" in ax.ticktext and "50" in ax.ticktext
