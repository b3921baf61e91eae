"""agdcore.sweeps without Dask: grid validation, seeds, the tidy table, summaries, stopping."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import agdcore as agd
from agdcore.sweeps import make_tasks, plan_sweep, run_plan, summarize, sweep, to_table

sw = importlib.import_module("agdcore.sweeps")

BASE = {"m": 30, "n": 24, "rank": 3, "kappa": 4.0, "max_iter": 3000, "tol": 1e-8}


def outcome(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["seconds"])


@pytest.fixture(scope="module")
def table():
    return sweep({"width": [3, 6], "kappa": [2, 8]}, trials=4, base=BASE, engine="serial")


def test_table_has_one_row_per_trial_with_its_settings(table):
    assert len(table) == 2 * 2 * 4
    assert list(table.columns[:4]) == ["cell", "trial", "width", "kappa"]
    for col in (
        "m",
        "rank",
        "algorithm",
        "init",
        "step",
        "C",
        "nu",
        "seed",
        "iterations_to_tol",
        "final_error",
        "status",
        "seconds",
    ):
        assert col in table
    cells = table.groupby("cell")[["width", "kappa"]].first()
    assert cells.values.tolist() == [[3, 2.0], [3, 8.0], [6, 2.0], [6, 8.0]]
    assert set(table["status"]) == {"converged"}
    assert (table["iterations_to_tol"] > 0).all() and (table["final_error"] <= 1e-8).all()
    assert table["step"].unique().tolist() == [pytest.approx(9 / (4 * 8 * 0.5 * 4.0 / 4.0))]  # 9/(4Cνσ₁), σ₁=1
    assert table.attrs["complete"] and table.attrs["swept"] == ["width", "kappa"]


def test_harder_cells_take_longer(table):
    med = table.groupby("kappa")["iterations_to_tol"].median()
    assert med[8.0] > 2 * med[2.0]


def test_every_row_is_reproduced_by_solve(table):
    for _, row in table.iloc[[0, 13]].iterrows():
        p = agd.make_problem(30, 24, 3, row["kappa"], seed=0)
        r = agd.solve(p, width=int(row["width"]), max_iter=3000, tol=1e-8, seed=int(row["seed"]))
        assert r.iterations_to_tol == row["iterations_to_tol"]
        assert r.final_error == row["final_error"]


def test_seeds_are_deterministic_distinct_and_tied_to_the_cell(table):
    again = sweep({"width": [3, 6], "kappa": [2, 8]}, trials=4, base=BASE, engine="serial")
    pd.testing.assert_frame_equal(outcome(again), outcome(table))
    assert table["seed"].is_unique
    sub = sweep({"kappa": [8], "width": [6]}, trials=4, base=BASE, engine="serial")  # same cell, other grid
    assert sub["seed"].tolist() == table.loc[table["cell"] == 3, "seed"].tolist()
    other = plan_sweep({"width": [3, 6], "kappa": [2, 8]}, trials=4, base=BASE, seed=1)
    assert not np.intersect1d(other.seeds, table["seed"]).size


def test_task_split_does_not_change_the_table(table):
    for size in (1, 3, 16):
        df = sweep({"width": [3, 6], "kappa": [2, 8]}, trials=4, base=BASE, engine="serial", task_size=size)
        pd.testing.assert_frame_equal(outcome(df), outcome(table))


@pytest.mark.parametrize("n_cells,trials,size", [(1, 1, 4), (3, 10, 4), (7, 5, 16), (2, 33, 16)])
def test_tasks_cover_every_trial_once(n_cells, trials, size):
    tasks = make_tasks(n_cells, trials, size)
    pairs = [(c, t) for task in tasks for c, ts in task for t in ts]
    assert sorted(pairs) == [(c, t) for c in range(n_cells) for t in range(trials)]
    assert all(sum(len(ts) for _, ts in task) <= size for task in tasks)


def test_width_ratio_step_mult_and_options():
    df = sweep({"width_ratio": [1, 2.5], "step_mult": [0.5, 1]}, trials=2, base=BASE, engine="serial")
    assert sorted(df["width"].unique()) == [3, 8]  # round(2.5 * 3) = 8 (half to even)
    steps = df.groupby("step_mult")["step"].first()
    assert steps[0.5] == pytest.approx(0.5 * steps[1.0])
    g = sweep({"init": ["ward-kolda", "gaussian"], "algorithm": ["agd", "gd"]}, trials=2, base=BASE, engine="serial")
    wk, ga = g[g["init"] == "ward-kolda"], g[g["init"] == "gaussian"]
    assert (wk["C"] == 8.0).all() and wk["scale"].isna().all()
    assert ga["C"].isna().all() and (ga["scale"] == 1e-3).all()


@pytest.mark.parametrize(
    "grid,kwargs,match",
    [
        ({"depth": [1, 2]}, {}, "Unknown sweep parameter 'depth'"),
        ({"kappa": []}, {}, "'kappa' has no values"),
        ({"kappa": "5, ten"}, {}, "'kappa': 'ten' is not a number"),
        ({"width": [2.5]}, {}, "'width': 2.5 is not an integer"),
        ({"kappa": [0.5]}, {}, "kappa.*>= 1"),
        ({"nu": [0.5, 1.5]}, {}, "nu.*> 0 and <= 1, got 1.5"),
        ({"kappa": [5, 5.0]}, {}, "lists 5.0 more than once"),
        ({"algorithm": ["agd", "adam"]}, {}, "Unknown algorithm 'adam'"),
        ({"width": list(range(1, 101)), "kappa": list(range(1, 102))}, {}, "10,100 cells; at most 10,000"),
        ({"width": [3], "width_ratio": [1]}, {}, "not both"),
        ({"width": [3, 40]}, {}, "width 40.*min\\(m, n\\) = 24"),
        ({"nu": [0.25, 0.5]}, {"base": {**BASE, "init": "gaussian"}}, "nu applies only to init ward-kolda"),
        ({"step_mult": [1, 2]}, {"base": {**BASE, "step": 0.1}}, "no absolute step"),
        ({"kappa": [5]}, {"trials": 0}, "trials must be an integer between 1 and 10000"),
        ({"kappa": [5]}, {"base": {"mm": 3}}, "Unknown sweep setting"),
        ({}, {}, "non-empty mapping"),
    ],
)
def test_invalid_grids_fail_before_anything_runs(monkeypatch, grid, kwargs, match):
    def boom(*a, **k):
        raise AssertionError("a task ran")

    monkeypatch.setattr(sw.engine, "run_task", boom)
    with pytest.raises(ValueError, match=match):
        sweep(grid, **{"trials": 2, "base": BASE, **kwargs}, engine="serial")


def test_text_values_and_cli_grid_syntax():
    assert sw.parse_values("kappa", "5, 10;20") == [5.0, 10.0, 20.0]
    assert sw.parse_grid_arg("init=ward-kolda,gaussian") == ("init", ["ward-kolda", "gaussian"])
    with pytest.raises(ValueError, match="NAME=V1,V2"):
        sw.parse_grid_arg("kappa")


def test_callback_can_stop_and_the_partial_table_is_kept():
    calls, parts = [], []
    plan = plan_sweep({"kappa": [2, 4, 8]}, trials=8, base=BASE, task_size=4)
    df = run_plan(plan, engine="serial", callback=lambda d, t: calls.append((d, t)) or d >= 8, parts=parts)
    assert calls[-1] == (8, 24) and len(df) == 8 and not df.attrs["complete"]
    pd.testing.assert_frame_equal(to_table(plan, parts), df, check_like=True)


def test_summary_counts_failures_as_never():
    df = pd.DataFrame(
        {"kappa": [1.0] * 4 + [2.0] * 4, "iterations_to_tol": [10, 20, 30, np.nan, 5, np.nan, np.nan, np.nan]}
    )
    s = summarize(df, by=["kappa"]).set_index("kappa")
    assert s.loc[1.0, "failures"] == 1 and s.loc[1.0, "median"] == 25.0 and np.isinf(s.loc[1.0, "q75"])
    assert s.loc[2.0, "failure_rate"] == 0.75 and np.isinf(s.loc[2.0, "median"])


def test_diverging_cells_are_reported_not_raised():
    df = sweep({"step_mult": [1.0, 8.0]}, trials=3, base=BASE, engine="serial")
    big = df[df["step_mult"] == 8.0]
    assert (big["status"] == "diverged").all() and big["iterations_to_tol"].isna().all()
    assert summarize(df).set_index("step_mult").loc[8.0, "failure_rate"] == 1.0


def test_scheduler_address_is_validated(monkeypatch):
    monkeypatch.setenv("AGDCORE_DASK_SCHEDULER", "not an address")
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        sw.scheduler_address()
    assert sw.scheduler_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    monkeypatch.setenv("AGDCORE_DASK_SCHEDULER", "tcp://lab:8786")
    assert sw.scheduler_address() == "tcp://lab:8786"


# ---------------------------------------------------------------------- figures (pure Plotly)
from agdcore.plots import sweep as sp  # noqa: E402


def fake_summary(kappas, widths=(10,), rank=5, median=lambda k, d: 2 * k * k):
    rows = [
        {
            "kappa": float(k),
            "width": d,
            "rank": rank,
            "trials": 10,
            "failures": 0,
            "failure_rate": 0.0,
            "q25": 0.9 * median(k, d),
            "median": median(k, d),
            "q75": 1.1 * median(k, d),
        }
        for d in widths
        for k in kappas
    ]
    return pd.DataFrame(rows)


def test_fit_constant_is_least_squares_in_log_space_and_skips_failures():
    shape = np.array([1.0, 4.0, 9.0, 16.0, 25.0])
    assert sp.fit_constant(np.r_[3.5 * shape[:4], np.inf], shape) == (pytest.approx(3.5), 4)
    c, n = sp.fit_constant(shape * np.array([2, 8, 2, 8, np.nan]), shape)
    assert n == 4 and c == pytest.approx(4.0)  # geometric mean of the ratios 2, 8, 2, 8
    assert np.isnan(sp.fit_constant([np.inf], [1.0])[0])


def test_theory_shapes_follow_the_paper():
    s = fake_summary([2, 4], widths=(5, 20))
    name, v = sp.theory_shape(s, ["kappa"])
    assert name == "κ²" and v.tolist() == [4.0, 16.0, 4.0, 16.0]
    name, v = sp.theory_shape(s, ["width_ratio"])
    assert name == "d/(√d − √(r−1))²" and v[0] == pytest.approx(5 / (np.sqrt(5) - 2) ** 2)
    assert sp.theory_shape(s, ["kappa", "width"])[1][3] == pytest.approx(16 * 20 / (np.sqrt(20) - 2) ** 2)
    assert sp.theory_shape(s, ["nu"]) is None
    assert np.isnan(sp.theory_shape(fake_summary([2], widths=(3,)), ["width"])[1][0])  # d < r: no shape


def test_line_figure_draws_band_median_and_the_fitted_kappa_shape():
    fig = sp.line_figure(fake_summary([5, 10, 20, 40]), "kappa", max_iter=1e4, tol=1e-8)
    names = [t.name for t in fig.data]
    assert names == [
        "interquartile range (25 %–75 % of trials)",
        "median over trials",
        "paper shape κ² (constant fitted)",
    ]
    theory = fig.data[2]
    np.testing.assert_allclose(theory.y, 2 * np.array([25, 100, 400, 1600]))  # exact shape: c = 2 recovered
    assert "only c is fitted" in theory.hovertemplate and "[paper]" in theory.hovertemplate
    assert theory.line.dash == "dash"
    assert fig.layout.yaxis.type == "log" and fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "condition number κ" and list(fig.layout.xaxis.tickvals) == [5, 10, 20, 40]


def test_not_reached_medians_are_marked_not_hidden():
    s = fake_summary([5, 10, 20], median=lambda k, d: np.inf if k == 20 else 2 * k * k)
    fig = sp.line_figure(s, "kappa", max_iter=1e4, tol=1e-8)
    marks = [t for t in fig.data if t.name.startswith("median not reached")]
    assert len(marks) == 1 and list(marks[0].x) == [20.0] and list(marks[0].y) == [1e4]
    heat = sp.heatmap_figure(
        fake_summary([5, 20], widths=(5, 10), median=lambda k, d: np.inf if d == 5 and k == 20 else k * d),
        "kappa",
        "width",
        tol=1e-8,
    )
    z = np.array(heat.data[0].z, dtype=float)
    assert np.isnan(z[0, 1]) and heat.data[0].text[0][1] == "not reached"
    assert z[1, 0] == pytest.approx(np.log10(50)) and heat.data[0].text[1][0] == "50"
    assert list(heat.data[0].x) == ["5", "20"] and list(heat.data[0].y) == ["5", "10"]


def test_profile_figure_has_one_line_per_width_and_one_shape_legend_entry():
    fig = sp.profile_figure(fake_summary([5, 10], widths=(5, 10)), "kappa", "width", max_iter=1e4, tol=1e-8)
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert shown[:2] == ["median, d = 5", "median, d = 10"]
    assert shown[-1].startswith("paper shape κ²·d/(√d − √(r−1))² (constant fitted)")
    assert sum(1 for t in fig.data if t.legendgroup == "theory") == 3


def test_wilson_interval_matches_scipy_and_failure_figure_shows_delta():
    from scipy.stats import binomtest

    lo, hi = sp.wilson([0, 3, 10], [10, 10, 10])
    for k, a, b in zip([0, 3, 10], lo, hi):
        ci = binomtest(k, 10).proportion_ci(method="wilson")
        assert (a, b) == (pytest.approx(ci.low, abs=1e-6), pytest.approx(ci.high, abs=1e-6))
    s = pd.DataFrame({"nu": [0.25, 0.5], "failures": [0, 3], "trials": [10, 10], "failure_rate": [0.0, 0.3]})
    fig = sp.failure_figure(s, {10: ([0.25, 0.5], [0.0002, 0.012])})
    assert fig.data[1].name.startswith("Monte-Carlo δ(ν)") and "[derived]" in fig.data[1].name
    assert list(fig.data[0].y) == [0.0, 0.3] and fig.layout.yaxis.type != "log"


def test_profile_draws_no_flat_shape_when_x_is_not_kappa_or_width():
    s = fake_summary([5, 10], widths=(5, 10)).rename(columns={"kappa": "nu"})
    s["nu"] = s["nu"] / 10
    fig = sp.profile_figure(s, "nu", "width", max_iter=1e4, tol=1e-8)
    assert not [t for t in fig.data if t.legendgroup == "theory"]


def test_package_level_sweep_is_the_module_function_and_import_stays_light():
    import subprocess
    import sys

    import agdcore as agd

    grid, base = {"width": [3, 4]}, {"m": 30, "n": 30, "rank": 3, "max_iter": 500}
    a = agd.sweep(grid, 2, base=base, engine="serial").drop(columns="seconds")
    pd.testing.assert_frame_equal(a, sweep(grid, 2, base=base, engine="serial").drop(columns="seconds"))
    code = "import sys, agdcore; print('pandas' in sys.modules, 'distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
