"""The recovery phase diagram (agdcore.plots.phase), its labels, and the rank as a sweep axis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import agdcore as agd
from agdcore.plots import phase
from agdcore.plots._labels import LABELS, SYMBOLS
from agdcore.sweeps import plan_sweep, summarize


@pytest.fixture(scope="module")
def completion_table():
    base = {"m": 20, "n": 16, "rank": 1, "observe": "completion", "tol": 1e-8, "max_iter": 1500}
    return agd.sweep({"rate": [0.05, 0.2, 0.8], "width": [1, 3]}, 3, base=base, engine="serial")


def synthetic(rates, ranks, rate_col="rate"):
    rows = [
        {rate_col: p, "rank": r, "trials": 4, "recovery_rate": (i + j) % 5 / 4, "median_recovery_error": 0.1}
        for i, p in enumerate(rates)
        for j, r in enumerate(ranks)
    ]
    return pd.DataFrame(rows)


def test_cells_are_the_tables_recovered_fraction_with_a_0_to_1_colour_scale(completion_table):
    df = completion_table
    fig = phase.phase_figure(summarize(df), "rate", "width", m=20, n=16)
    heat = fig.data[0]
    want = df.groupby(["width", "rate"])["recovered"].mean().unstack()  # rows d = 1, 3; columns p
    np.testing.assert_allclose(np.asarray(heat.z, float), want.to_numpy())
    assert (heat.zmin, heat.zmax) == (0.0, 1.0) and heat.colorbar.title.text == "fraction<br>recovered"
    counts = df.groupby(["width", "rate"])["recovered"].sum().unstack().to_numpy()
    assert [list(row) for row in heat.text] == [[f"{int(c)}/3" for c in row] for row in counts]
    assert fig.layout.xaxis.title.text == "sampling rate p" and fig.layout.yaxis.title.text == "factor width d"
    # 0.05 … 0.8 spans 16×: a log axis labelled at the swept values, cells edged at geometric midpoints
    assert fig.layout.xaxis.type == "log" and list(fig.layout.xaxis.ticktext) == ["0.05", "0.2", "0.8"]
    np.testing.assert_allclose(heat.x[1:3], [0.1, 0.4])
    assert fig.layout.yaxis.type == "linear" and list(fig.layout.yaxis.tickvals) == [1, 3]


def test_dof_line_at_the_fixed_rank_is_the_rate_r_m_plus_n_minus_r_over_mn(completion_table):
    fig = phase.phase_figure(summarize(completion_table), "rate", "width", m=20, n=16)
    line = fig.data[1]
    assert line.name.startswith(
        "degrees of freedom r(m+n−r) = 35 at r = 1: p = 35/320 = 0.109 (an exact count, not a theorem)"
    )
    np.testing.assert_allclose(np.asarray(line.x, float), [35 / 320] * 2)
    assert list(line.y) == [fig.data[0].y[0], fig.data[0].y[-1]]  # across the whole height
    assert (
        "not a recovery theorem" in line.hovertemplate and "(a count, not a theorem)" in fig.layout.title.subtitle.text
    )


def test_dof_curve_over_a_rank_axis_follows_r_m_plus_n_minus_r():
    m, n = 40, 30
    fig = phase.phase_figure(synthetic([0.1, 0.2, 0.4, 0.8], [1, 2, 3, 4]), "rate", "rank", m=m, n=n)
    line = fig.data[1]
    assert line.name == "degrees of freedom r(m+n−r) (an exact count, not a recovery theorem): p = r(m+n−r)/(mn)"
    x, r = np.asarray(line.x, float), np.asarray(line.y, float)
    ok = np.isfinite(x)
    assert ok.sum() > 100 and fig.layout.yaxis.type == "log"  # ranks 1 … 4: geometric cell edges
    assert r.min() == pytest.approx(2**-0.5) and r.max() == pytest.approx(4 * (4 / 3) ** 0.5)
    np.testing.assert_allclose(x[ok], r[ok] * (m + n - r[ok]) / (m * n))
    assert fig.layout.yaxis.title.text == "true rank r"
    z = np.asarray(fig.data[0].z, float)  # rows are ranks, columns rates
    assert z[2, 1] == (1 + 2) % 5 / 4


def test_sensing_dof_is_a_measurement_count_and_off_range_lines_say_so():
    s = synthetic([50, 100, 200], [2], rate_col="measurements")
    fig = phase.phase_figure(s, "measurements", None, m=30, n=24)  # one row: the fixed rank
    assert fig.layout.xaxis.title.text == "measurements p" and fig.layout.yaxis.title.text == "true rank r"
    np.testing.assert_allclose(np.asarray(fig.data[1].x, float), [104, 104])
    assert "r(m+n−r) = 104 at r = 2: p = 104 measurements (an exact count" in fig.data[1].name
    low = phase.phase_figure(synthetic([0.5, 0.7, 0.9], [1]), "rate", None, m=30, n=24)
    assert low.data[1].name.endswith("below the swept range, not drawn") and list(low.data[1].x) == [None]
    assert low.layout.xaxis.type == "linear"  # 0.5 … 0.9 is less than a factor 4: a linear axis


def test_labels_and_symbols_of_the_sampling_and_rank_come_from_the_registries():
    assert LABELS["rate"] == "sampling rate p" and LABELS["measurements"] == "measurements p"
    assert SYMBOLS["rate"] == SYMBOLS["measurements"] == "p" and (LABELS["rank"], SYMBOLS["rank"]) == (
        "true rank r",
        "r",
    )
    assert phase.sampling_param(["width", "rate"]) == "rate" and phase.sampling_param(["kappa"]) is None
    assert phase.dof_sampling("measurements", 3, 10, 8) == 3 * 15


def test_rank_is_a_sweep_axis_checked_per_cell():
    plan = plan_sweep({"rank": [1, 3]}, 2, base={"m": 20, "n": 16, "observe": "sensing"})
    assert [s["rank"] for s in plan.settings] == [1, 3]
    assert [s["measurements"] for s in plan.settings] == [4 * 35, 4 * 3 * 33]  # default 4·r(m+n−r) per cell
    with pytest.raises(ValueError, match="rank 17; the rank must be between 1 and min"):
        plan_sweep({"rank": [1, 17]}, 2, base={"m": 20, "n": 16})
    with pytest.raises(ValueError, match="rank must be an integer >= 1"):
        plan_sweep({"rank": [0, 2]}, 2, base={"m": 20, "n": 16})
    df = agd.sweep({"rank": [1, 2]}, 2, base={"m": 20, "n": 16, "width": 4, "tol": 1e-6}, engine="serial")
    assert set(df["rank"]) == {1, 2} and df["iterations_to_tol"].notna().all()
