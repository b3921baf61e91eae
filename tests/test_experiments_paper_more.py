"""Issue 10: the experiments a reader of Ward & Kolda tries next, each caption's claim re-checked on the run.

The Gaussian baseline at three scales, the paper's rate shape with its constant fitted (over Experiment 1),
AGD against simultaneous GD from the same start, iterations against κ, and a general A with d > r.
"""

from dataclasses import replace

import numpy as np
import pytest

from agdcore import experiments as ex
from agdcore.experiments._fits import loglog_slope, rate_shape_constant, rate_shape_line
from agdcore.plots import theory as tp

NEW = ["scales", "agd_gd", "kappa", "general"]


@pytest.fixture(scope="module")
def out():
    return {k: ex.run_experiment(k, seed=1) for k in NEW}


@pytest.fixture(scope="module")
def init():
    return ex.run_experiment("init", seed=1, max_iter_cap=3000)


@pytest.mark.parametrize("key", NEW)
def test_every_new_claim_holds_at_seed_1(out, key):
    claims = out[key].claims()
    assert len(claims) >= 2 and all(c.ok for c in claims), [c.text for c in claims if not c.ok]


def test_fits_are_exact_on_exact_data():
    k = np.array([2.0, 4.0, 8.0, 16.0])
    s, b = loglog_slope(k, 3.0 * k**1.5)
    assert s == pytest.approx(1.5) and np.exp(b) == pytest.approx(3.0)
    c = rate_shape_constant(1.0, 300, 10.0, 1e-10)
    assert rate_shape_line(1.0, c, 10.0, 300) == pytest.approx(1e-10)  # the line meets the run at its own point
    with pytest.raises(ValueError):
        rate_shape_constant(1e-12, 300, 10.0, 1e-10)
    with pytest.raises(ValueError):
        loglog_slope([1.0], [2.0])


def test_experiment_1_draws_the_paper_rate_shape_fitted_and_says_so(init):
    wk = init.runs[0]
    shape = next(o for o in wk.overlays if "shape of the paper's rate" in o.label)
    assert "fitted to this run" in shape.label and "not the paper's C" in shape.label and "ĉ = 0.13" in shape.label
    c = rate_shape_constant(wk.y[0], wk.to_tol, 10.0, ex.TOL)
    assert c == pytest.approx(299 / (100 * np.log(wk.y[0] / 1e-10)))
    assert shape.y[0] == pytest.approx(wk.y[0]) and shape.y[-1] == pytest.approx(1e-10, rel=1e-6)
    claim = init.claims()[-1]
    assert claim.ok and "6% above" in claim.text and "1.5 decades below" in claim.text  # quoted in look_for
    for quoted in ("ĉ = 0.13", "6% at most", "1.5 decades", "t = 22"):
        assert quoted in ex.EXPERIMENTS["init"].look_for
    fig = tp.experiment_figure(init, "t", x_log=True)
    assert len(fig.data) == 5 and fig.data[2].line.dash == "dot" and "fitted" in fig.data[2].name


def test_rate_shape_claim_fails_on_a_run_slower_than_its_start():
    """A curve that is linear after a slow start lies above the line through its end point: the claim must fail."""
    wk = ex.run_config(ex.EXPERIMENTS["init"].runs[0], seed=1)
    slow = replace(wk, y=np.where(wk.x < 100, 1.0, wk.y * 1e3).clip(max=1.0), to_tol=wk.to_tol)
    from agdcore.experiments.paper_more import rate_shape_claim

    assert not rate_shape_claim(slow).ok


def test_gaussian_scales_quoted_numbers(out):
    wk, g3, g2, g1 = out["scales"].runs
    assert wk.to_tol == 299 and g1.to_tol == 1396 and g3.to_tol is None and g2.to_tol is None
    assert g1.config.options == (("scale", 0.1),) and g1.config.step == wk.step == pytest.approx(0.05625)
    assert [r.milestones[1e-6] for r in (wk, g3, g2, g1)] == [174, 161, 391, 386]
    exp = ex.EXPERIMENTS["scales"]
    for quoted in ("299", "1 396", "4.7×", "29 562", "38 987"):
        assert quoted in exp.look_for, quoted
    assert "4.7× slower" in out["scales"].claims()[1].text


def test_agd_and_gd_alike_at_the_default_step_and_apart_at_twice_it(out):
    a1, g1, a2, g2 = out["agd_gd"].runs
    assert [r.config.algorithm for r in (a1, g1, a2, g2)] == ["agd", "gd", "agd", "gd"]
    assert all(r.config.init == "ward-kolda" for r in (a1, g1, a2, g2))
    assert (a1.to_tol, g1.to_tol, a2.to_tol, g2.to_tol) == (299, 307, 200, None)
    assert g2.final_error == pytest.approx(3.4e-2, rel=0.05) and a2.step == pytest.approx(2 * a1.step)
    # the check is computed from the runs: give GD the AGD curve at 2η and the second claim must fail
    runs = [a1, g1, a2, replace(g2, to_tol=a2.to_tol, final_error=a2.final_error)]
    assert [c.ok for c in ex.EXPERIMENTS["agd_gd"].claims(runs)] == [True, False]


def test_iterations_against_kappa_slope_beside_two(out):
    runs = out["kappa"].runs
    assert [r.to_tol for r in runs] == [45, 105, 231, 538, 1470, 4728]
    assert [r.extra["κ"] for r in runs] == [2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
    s, _ = loglog_slope([r.extra["κ"] for r in runs], [r.to_tol for r in runs])
    assert s == pytest.approx(1.32, abs=0.005)
    texts = [c.text for c in out["kappa"].claims()]
    assert "slope is 1.32" in texts[1] and "1.19 over κ = 2…16, 1.57 over κ = 16…64" in texts[2]
    for quoted in ("slope 1.32", "1.19", "1.57", "4 728"):
        assert quoted in ex.EXPERIMENTS["kappa"].look_for, quoted
    # a κ² law must fail the "below 2" claim
    fake = [replace(r, to_tol=3.0 * r.extra["κ"] ** 2.2) for r in runs]
    assert not ex.EXPERIMENTS["kappa"].claims(fake)[1].ok


def test_kappa_figure_is_log_log_with_labelled_fit_and_slope_two(out):
    fig = tp.experiment_figure(out["kappa"], "t")
    names = [d.name for d in fig.data]
    assert len(names) == 3 and names[0].startswith("measured")
    assert "fitted" in names[1] and "κ<sup>1.32</sup>" in names[1]
    assert names[2].startswith("slope 2") and "constant not the paper's" in names[2]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text.startswith("condition number κ")
    assert "iterations to e" in fig.layout.yaxis.title.text
    ref = fig.data[2]
    assert ref.y[-1] / ref.y[0] == pytest.approx((ref.x[-1] / ref.x[0]) ** 2)
    assert ref.y[0] == pytest.approx(45)


def test_general_matrix_reaches_the_eckart_young_floor(out):
    d5, d10, ga = out["general"].runs
    assert d5.floor == pytest.approx(8.904e-3, rel=1e-3) and d10.floor == pytest.approx(7.324e-3, rel=1e-3)
    assert d10.floor == ga.floor < d5.floor
    assert abs(d5.final_error / d5.floor - 1) < 1e-6
    assert 0 <= d10.final_error / d10.floor - 1 < 0.01 and d10.y.min() >= d10.floor
    assert [o.label.split(":")[0] for r in (d5, d10) for o in r.overlays if o.panel is None] == [
        "Eckart–Young floor, width 5",
        "Eckart–Young floor, width 10",
    ]
    excess = {r.config.width: next(o for o in r.overlays if o.panel == "excess") for r in (d5, d10)}
    assert excess[10].y[-1] == pytest.approx(d10.final_error - d10.floor) and excess[5].y[-1] < 1e-9
    texts = [c.text for c in out["general"].claims()]
    assert "92 iterations" in texts[1] and "148 iterations" in texts[2]
    for quoted in ("92", "148", "8.9e-3", "7.3e-3"):
        assert quoted in ex.EXPERIMENTS["general"].look_for, quoted


def test_general_figure_has_a_panel_for_the_distance_to_each_floor(out):
    fig = tp.experiment_figure(out["general"], "t", x_log=True)
    excess = [d for d in fig.data if d.xaxis == "x2"]
    assert len(excess) == 3 and all("e<sub>t</sub> − its floor" in d.name for d in excess)
    assert all(d.line.dash == "solid" for d in excess)
    assert fig.layout.yaxis2.type == "log" and fig.layout.xaxis2.type == "log"
    assert fig.layout.yaxis2.title.text is None  # the panel's title says what it plots (no title over the left panel)
    assert [a.text for a in fig.layout.annotations] == [
        "e<sub>t</sub>",
        "e<sub>t</sub> − each run's own Eckart–Young floor",
    ]
    assert min(min(d.y) for d in excess) > 0  # round-off at or below the floor is not drawn on a log axis
