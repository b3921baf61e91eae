"""agdcore.sweep without Dask: grid validation, seeds, the tidy table, summaries, stopping."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import agdcore as agd
from agdcore import sweep as sw
from agdcore.sweep import make_tasks, plan_sweep, run_plan, summarize, sweep, to_table

BASE = {"m": 30, "n": 24, "rank": 3, "kappa": 4.0, "max_iter": 3000, "tol": 1e-8}


def outcome(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["seconds"])


@pytest.fixture(scope="module")
def table():
    return sweep({"width": [3, 6], "kappa": [2, 8]}, trials=4, base=BASE, engine="serial")


def test_table_has_one_row_per_trial_with_its_settings(table):
    assert len(table) == 2 * 2 * 4
    assert list(table.columns[:4]) == ["cell", "trial", "width", "kappa"]
    for col in ("m", "rank", "algorithm", "init", "step", "C", "nu", "seed", "iterations_to_tol",
                "final_error", "status", "seconds"):
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
    sub = sweep({"kappa": [8], "width": [6]}, trials=4, base=BASE, engine="serial")   # same cell, other grid
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
    assert all(sum(len(ts) for _, ts in task) <= 2 * size for task in tasks)


def test_width_ratio_step_mult_and_options():
    df = sweep({"width_ratio": [1, 2.5], "step_mult": [0.5, 1]}, trials=2, base=BASE, engine="serial")
    assert sorted(df["width"].unique()) == [3, 8]                    # round(2.5 * 3) = 8 (half to even)
    steps = df.groupby("step_mult")["step"].first()
    assert steps[0.5] == pytest.approx(0.5 * steps[1.0])
    g = sweep({"init": ["ward-kolda", "gaussian"], "algorithm": ["agd", "gd"]}, trials=2, base=BASE, engine="serial")
    wk, ga = g[g["init"] == "ward-kolda"], g[g["init"] == "gaussian"]
    assert (wk["C"] == 8.0).all() and wk["scale"].isna().all()
    assert ga["C"].isna().all() and (ga["scale"] == 1e-3).all()


@pytest.mark.parametrize("grid,kwargs,match", [
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
])
def test_invalid_grids_fail_before_anything_runs(monkeypatch, grid, kwargs, match):
    def boom(*a, **k):
        raise AssertionError("a task ran")
    monkeypatch.setattr(sw, "run_task", boom)
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
    df = pd.DataFrame({"kappa": [1.0] * 4 + [2.0] * 4, "iterations_to_tol": [10, 20, 30, np.nan, 5, np.nan, np.nan, np.nan]})
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
