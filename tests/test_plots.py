"""Unit tests for the pure Plotly builders in agdcore.plots (no streamlit)."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest

import agdcore as agd
from agdcore import plots


@pytest.fixture(scope="module")
def wk_run():
    p = agd.make_problem(m=60, n=50, rank=3, kappa=5.0, seed=0)
    return p, agd.solve(p, width=6, seed=1)


@pytest.fixture(scope="module")
def diverged_run():
    p = agd.make_problem(m=40, n=30, rank=3, kappa=5.0, seed=0)
    return agd.solve(p, step=5.0 / p.sigma1, max_iter=200)


def _names(fig):
    return [t.name or "" for t in fig.data]


def test_loss_figure_overlays_named_with_source_and_formula(wk_run):
    _, r = wk_run
    fig = plots.loss_figure(r)
    names = _names(fig)
    assert names[0].startswith("e<sub>t</sub> (observed)")
    by_key = {
        key: next(n for n in names if marker in n)
        for key, marker in [
            ("live", "live bound"),
            ("frozen", "frozen-X"),
            ("apriori", "a-priori"),
            ("floor", "Eckart"),
            ("tol", "tolerance"),
        ]
    }
    assert "(derived" in by_key["live"] and "(derived" in by_key["frozen"] and "(derived" in by_key["apriori"]
    assert "(exact)" in by_key["floor"] and "your setting" in by_key["tol"]
    hovers = {t.name: t.hovertemplate or "" for t in fig.data}
    assert "∏" in hovers[by_key["live"]] and "ρ" in hovers[by_key["apriori"]]
    assert fig.layout.yaxis.type == "log" and fig.layout.xaxis.title.text == "iteration t"


def test_loss_figure_pessimistic_bound_is_drawn_but_does_not_set_the_range(wk_run):
    _, r = wk_run
    fig = plots.loss_figure(r)
    apriori = next(t for t in fig.data if "a-priori" in t.name)
    assert "flat here: T(ε) = " in apriori.name
    assert len(apriori.x) > 2 and np.nanmin(apriori.y) > 0.5 * r.error[0]  # honest: ≈ e0 over the whole range
    lo, hi = fig.layout.yaxis.range
    finite = r.error[np.isfinite(r.error) & (r.error > 0)]
    assert lo <= math.log10(finite.min()) and hi >= math.log10(finite.max())
    assert hi - math.log10(finite.max()) < 1.0  # no decades wasted above the data


def test_loss_figure_zero_floor_is_a_legend_note(wk_run):
    _, r = wk_run
    fig = plots.loss_figure(r)
    floor = next(t for t in fig.data if "Eckart" in t.name)
    assert r.floor == 0 and "below any log axis" in floor.name and list(floor.x) == [None]


def test_loss_figure_trace_count_depends_on_what_applies(wk_run):
    p, _ = wk_run
    noisy = agd.make_problem(m=60, n=50, rank=3, kappa=5.0, noise=0.05, seed=0)
    r = agd.solve(noisy, width=2, init="gaussian", algorithm="gd", max_iter=300)
    names = _names(plots.loss_figure(r))
    assert not any("live bound" in n or "frozen-X" in n or "a-priori" in n for n in names)
    assert any("Eckart" in n for n in names) and r.floor > 0
    floor_trace = next(t for t in plots.loss_figure(r).data if "Eckart" in t.name)
    assert np.allclose(floor_trace.y, r.floor)
    assert len(names) == 3  # observed, floor, tolerance
    only = plots.loss_figure(agd.solve(p, width=6), overlays=("tol",))
    assert len(only.data) == 2


def test_loss_figure_marks_divergence(diverged_run):
    r = diverged_run
    assert r.status == "diverged" and r.diverged_at is not None
    fig = plots.loss_figure(r)
    marker = [t for t in fig.data if "diverged" in (t.name or "")]
    assert len(marker) == 1 and marker[0].x[0] == r.t[r.diverged_at]
    assert any(s.type == "line" and s.x0 == r.t[r.diverged_at] for s in fig.layout.shapes)
    assert "smaller step" in marker[0].hovertemplate


def test_flow_uses_time_axis():
    p = agd.make_problem(m=30, n=24, rank=3, kappa=4.0, seed=0)
    r = agd.solve(p, algorithm="flow", width=4, max_iter=400)
    fig = plots.loss_figure(r)
    assert fig.layout.xaxis.title.text == "time t"
    assert not any("a-priori" in n or "frozen" in n for n in _names(fig))  # per-iteration rates do not apply


def test_singular_values_figures_keep_top_r_readable(wk_run):
    p, r = wk_run
    fx = plots.singular_values_figure(r, "X")
    fy = plots.singular_values_figure(r, "Y")
    assert len(fx.data) == len(fy.data) == 6
    assert fx.layout.yaxis.type == fy.layout.yaxis.type == "log"
    lo, hi = fx.layout.yaxis.range
    top_r = r.sv_x[:, : p.rank]
    assert lo <= math.log10(np.nanmin(top_r[top_r > 0])) and lo > -5  # round-off ones (1e-16) excluded
    assert "round-off" in fx.layout.title.subtitle.text
    assert "stay at round-off" not in fy.layout.title.subtitle.text  # all of Y's are meaningful
    with pytest.raises(ValueError, match="factor"):
        plots.singular_values_figure(r, "Z")


def test_narrow_log_range_ticks_show_full_values():
    fig = go.Figure()
    plots.set_log_range(fig, [-1.2, 0.2])
    assert list(fig.layout.yaxis.ticktext) == ["0.1", "0.2", "0.5", "1"]


def test_balance_and_spectrum_figures(wk_run):
    p, r = wk_run
    fb = plots.balance_figure(r)
    assert fb.layout.yaxis.type == "log" and len(fb.data) == 1 and len(fb.data[0].x) == len(r.record_index)
    fs = plots.spectrum_figure(r, 3, p.singular_values)
    assert len(fs.data) == 4 and any("(exact)" in n for n in _names(fs))
    assert f"t = {r.t[r.record_index[3]]:.4g}" in fs.layout.title.text
    assert (
        plots.spectrum_figure(r, 10**6).layout.title.text
        == plots.spectrum_figure(r, len(r.record_index) - 1).layout.title.text
    )


def test_trials_and_iterations_figures():
    p = agd.make_problem(m=40, n=30, rank=3, kappa=4.0, seed=0)
    a = agd.solve_trials(p, seeds=range(4), width=6, max_iter=2000)
    b = agd.solve_trials(p, seeds=range(4), width=6, init="gaussian", step=a.config["step"], max_iter=2000)
    fig = plots.trials_figure([("#1 WK", a), ("#2 Gaussian", b)], tol=1e-10)
    assert len(fig.data) == 2 * 3 + 1
    names = _names(fig)
    assert "#1 WK: median of 4 trials" in names and "#2 Gaussian: interquartile band" in names
    band = next(t for t in fig.data if t.name == "#1 WK: interquartile band")
    assert band.fill == "tonexty" and fig.layout.yaxis.type == "log"
    logx = plots.trials_figure([("#1 WK", a)], log_x=True)
    med = next(t for t in logx.data if "median" in (t.name or ""))
    assert logx.layout.xaxis.type == "log" and list(med.x[1:4]) == [1, 2, 3]  # early iterations kept on log x
    fi = plots.iterations_figure([("#1 WK", a), ("#2 Gaussian", b)])
    assert len(fi.data) == 2 and fi.layout.xaxis.type == "log"
    assert fi.data[0].y[0] == "#1 (4/4 reached)" and np.allclose(sorted(fi.data[0].x), sorted(a.iterations_to_tol))
    assert fi.data[1].y is None or len(fi.data[1].x) == np.isfinite(b.iterations_to_tol).sum()


def test_style_is_projector_readable(wk_run):
    _, r = wk_run
    for fig in (plots.loss_figure(r), plots.singular_values_figure(r), plots.balance_figure(r)):
        assert fig.layout.font.size >= 16 and fig.layout.title.font.size >= 16
        assert fig.layout.xaxis.tickfont.size >= 14 and fig.layout.yaxis.tickfont.size >= 14
        assert fig.layout.yaxis.title.text and fig.layout.xaxis.title.text


def test_thin_keeps_ends_and_bounds_size():
    idx = plots.thin(100_001, 2000)
    assert idx[0] == 0 and idx[-1] == 100_000 and len(idx) <= 2000
    assert list(plots.thin(5)) == [0, 1, 2, 3, 4]


def test_bound_curves_match_formulas(wk_run):
    _, r = wk_run
    curves = {c["key"]: c for c in plots.bound_curves(r)}
    b = r.bounds
    t = r.t
    assert np.allclose(curves["a_priori"]["y"], r.error[0] * b["rate_a_priori"] ** t)
    assert np.allclose(curves["frozen_x"]["y"], r.error[0] * b["rate_frozen_x"] ** t)
    assert np.allclose(curves["live_bound"]["y"], r.live_bound, equal_nan=True)
    live = r.live_bound
    ok = np.isfinite(live)
    assert np.all(r.error[ok] <= live[ok] * (1 + 1e-9))  # the live bound is a bound


def _tick_values(ax) -> list[float]:
    return [float(v) for v in ax.tickvals]


def test_iterations_box_plot_ticks_label_300_when_data_spans_250_to_2500():
    """A log axis over 250…2500 iterations must label the low end (≈ 300), not only 500/1000/2000."""
    from types import SimpleNamespace

    runs = [
        ("#1 WK", SimpleNamespace(iterations_to_tol=np.array([250.0, 300, 320, 900, 1500]))),
        ("#2 Gaussian", SimpleNamespace(iterations_to_tol=np.array([700.0, 1100, 2500, np.inf]))),
    ]
    fig = plots.iterations_figure(runs)
    ax = fig.layout.xaxis
    ticks = _tick_values(ax)
    lo, hi = 10 ** ax.range[0], 10 ** ax.range[1]
    assert ax.type == "log" and lo <= 250 and hi >= 2500
    assert all(lo <= v <= hi for v in ticks)
    assert any(abs(v - 300) / 300 <= 0.1 for v in ticks), ticks  # a label near 300
    assert min(ticks) <= 250 * 1.25 and max(ticks) >= 2500 / 1.25  # labels at both ends of the data
    assert {math.floor(math.log10(v)) for v in ticks} >= {2, 3}  # every decade spanned is labelled
    assert list(ax.ticktext) == [f"{v:g}" for v in ticks]  # full values, no bare minor "3"


@pytest.mark.parametrize("lo,hi", [(2.3, 3.5), (-1.2, 0.2), (0.0, 2.5), (1.0, 4.9), (-3.0, 0.3)])
@pytest.mark.parametrize("dense", [False, True])
def test_log_tickvals_label_every_decade_with_small_gaps(lo, hi, dense):
    vals = plots.log_tickvals(lo, hi, dense=dense)
    logs = np.log10(vals)
    assert np.all(logs >= lo - 1e-9) and np.all(logs <= hi + 1e-9) and len(vals) >= 2
    assert {math.floor(x + 1e-9) for x in logs} >= set(range(math.ceil(lo), math.floor(hi)))
    gaps = np.diff(np.r_[lo, logs, hi])
    assert gaps.max() <= (0.53 if hi - lo <= 4 else 1.0) + 1e-9  # 1-3 ladder: log10(10/3) ≈ 0.52
    if hi - lo <= (1.6 if dense else 2.5):
        assert gaps.max() <= 0.4 + 1e-9 and (not dense or gaps.max() <= 0.31)  # 1-2-5, dense 1-2-3-5


def test_decade_ticks_beyond_the_ladders():
    assert plots.log_tickvals(0.0, 9.0) == [1.0, 1e2, 1e4, 1e6, 1e8]
    fig = go.Figure()
    plots.set_log_range(fig, [0.0, 9.0])
    assert fig.layout.yaxis.dtick == 2 and fig.layout.yaxis.tickmode == "linear"
