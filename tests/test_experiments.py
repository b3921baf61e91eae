"""Tests of agdcore.experiments: valid configurations, and every caption's claims and numbers reproduced."""

import time

import numpy as np
import pytest

import agdcore as agd
from agdcore import experiments as ex

CHEAP = ["noise", "width", "flow", "nystrom", "precgd", "fa", "sensing", "completion"]


@pytest.fixture(scope="module")
def outcomes():
    """Every cheap experiment once at seed 1 (≈ 7 s), and the init experiment with its Gaussian run capped."""
    out = {k: ex.run_experiment(k, seed=1) for k in CHEAP}
    out["init-capped"] = ex.run_experiment("init", seed=1, max_iter_cap=3000)
    return out


@pytest.mark.parametrize("key", list(ex.EXPERIMENTS))
def test_configurations_are_valid_and_labelled(key):
    exp = ex.EXPERIMENTS[key]
    assert exp.title and exp.caption and exp.look_for and len(exp.runs) >= 2
    assert len({c.label for c in exp.runs}) == len(exp.runs)
    for cfg in exp.runs:
        assert cfg.source and cfg.problem in ex.PROBLEMS
        assert set(cfg.overlays) <= {"live_bound", "floor", "local_rate", "as_time", "rate_shape", "excess"}
        assert cfg.panel == ("time" if cfg.algorithm == "flow" else "iteration")
        p = cfg.make_problem()
        res = agd.solve(
            p, cfg.algorithm, cfg.init, cfg.width, cfg.step, 0, ex.TOL, 1, theory=False, **dict(cfg.options)
        )  # max_iter = 0: validates every setting, no iterations
        assert res.status in ("max_iter", "converged") and res.error[0] > 0


def test_unknown_experiment_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown experiment 'nope'"):
        ex.run_experiment("nope")


@pytest.mark.parametrize("key", CHEAP + ["init-capped"])
def test_every_claim_holds_at_seed_1(outcomes, key):
    claims = outcomes[key].claims()
    assert claims and all(c.ok for c in claims), [c.text for c in claims if not c.ok]


def test_init_capped_still_shows_wk_faster_than_gaussian(outcomes):
    wk, g10, g5 = outcomes["init-capped"].runs
    assert wk.to_tol == 299 and g10.to_tol is None and g10.status == "max_iter"
    assert g5.to_tol == 201
    assert wk.milestones[1e-9] == 268 and g10.milestones[1e-9] == 194  # numbers quoted in the caption
    assert wk.overlays and np.all(
        wk.overlays[0].y[1:] >= wk.y[1 : len(wk.overlays[0].y)] * (1 - 1e-9)
    )  # live bound above


def test_init_full_run_reproduces_the_caption():
    t0 = time.perf_counter()
    out = ex.run_experiment("init", seed=1)
    print(f"init experiment: {time.perf_counter() - t0:.2f} s")
    wk, g10, g5 = out.runs
    assert (wk.to_tol, g10.to_tol, g5.to_tol) == (299, 38_987, 201)
    cap = ex.EXPERIMENTS["init"]
    for quoted in ("299", "38 987", "194 vs 268", "201", "capped at 50 000"):
        assert quoted in cap.caption + cap.look_for
    assert all(c.ok for c in out.claims())


def test_noisy_runs_end_on_the_eckart_young_floor(outcomes):
    exact, n3, n2 = outcomes["noise"].runs
    assert exact.floor == 0 and exact.final_error <= ex.TOL
    for r, floor in ((n3, 9.0e-7), (n2, 9.0e-5)):
        assert r.floor == pytest.approx(floor, rel=0.01)
        assert abs(r.final_error / r.floor - 1) < 0.01
        assert r.overlays[0].y[0] == r.floor and "exact" in r.overlays[0].label


def test_width_table_shows_factors_and_medians(outcomes):
    rows = outcomes["width"].table()
    assert list(rows[0])[:4] == ["run", "v2 factor [paper]", "v1 factor [paper]", "a-priori T(1e-10) [derived]"]
    assert [r["v2 factor [paper]"] for r in rows] == [89.72, 7.4, 3.27]
    assert [r["v1 factor [paper]"] for r in rows] == [float("inf"), 2.0, 1.33]
    assert rows[0]["iterations, per seed"] == "390, 374, 362, 349, 336"  # theory.md-consistent seeds 1–5
    meds = [r.to_tol for r in outcomes["width"].runs]
    assert meds == [362, 291, 300]  # caption: ≈ 360, 290, 300
    T = [r["a-priori T(1e-10) [derived]"] for r in rows]
    assert T[0] > T[1] > T[2] > 100 * max(meds)  # the a-priori bound is pessimistic


def test_flow_is_plotted_against_time_and_matches_gd(outcomes):
    gd, flow = outcomes["flow"].runs
    assert gd.to_tol == 242 and flow.to_tol == pytest.approx(122.9, abs=0.1)
    assert flow.x[-1] == pytest.approx(flow.to_tol) and flow.x.dtype == float and not float(flow.x[-1]).is_integer()
    ov = gd.overlays[0]
    assert ov.panel == "time" and ov.x[-1] == pytest.approx(0.5 * gd.x[-1])
    rows = outcomes["flow"].table()
    assert rows[1]["reached 1e-10 at"].startswith("time")


def test_nystrom_scaledgd_one_step_and_quadratic(outcomes):
    one, half = outcomes["nystrom"].runs
    assert one.to_tol is not None and one.to_tol <= 2 and one.final_error < 1e-20
    assert half.to_tol == 4
    assert list(np.round(half.y[:4], 4)) == [1.0, 0.25, 0.0156, 0.0]


def test_precgd_over_parameterized(outcomes):
    pg, gd = outcomes["precgd"].runs
    assert pg.to_tol == 17 and gd.to_tol is None and gd.milestones[1e-6] == 162
    assert gd.final_error == pytest.approx(1.3e-8, rel=0.05)
    assert "local rate" in pg.overlays[0].label


def test_feedback_alignment_below_rank_stalls_above_best_rank_k(outcomes):
    fa5, fa10, fa3, gd3 = outcomes["fa"].runs
    assert (fa5.to_tol, fa10.to_tol) == (459, 127)
    assert fa3.to_tol is None and fa3.final_error > 1.5 * fa3.floor
    assert fa3.final_error / fa3.floor == pytest.approx(15.7, abs=0.1)
    assert gd3.final_error == pytest.approx(gd3.floor, rel=1e-6)


def test_stop_keeps_finished_runs_and_makes_no_claims():
    calls = []

    def stop(fraction, message):
        calls.append((fraction, message))
        return True

    out = ex.run_experiment("init", seed=1, on_progress=stop)
    assert out.stopped and calls and 0 <= calls[0][0] <= 1 and "run " in calls[0][1]
    assert out.runs[0].status == "converged" and out.runs[-1].status == "stopped"
    assert out.claims() == []


def test_sink_survives_an_exception_raised_by_the_progress_callback():
    class Interrupt(BaseException):
        pass

    def boom(fraction, message):
        raise Interrupt

    sink = []
    with pytest.raises(Interrupt):
        ex.run_experiment("init", seed=1, on_progress=boom, sink=sink)
    assert len(sink) == 1 and sink[0].to_tol == 299


def test_seed_changes_the_draws():
    a = ex.run_config(ex.EXPERIMENTS["init"].runs[0], seed=1)
    b = ex.run_config(ex.EXPERIMENTS["init"].runs[0], seed=2)
    assert a.to_tol == 299 and b.to_tol == 313  # docs/theory.md#worked-example: 299, and 313 for seed 2


def test_thin_keeps_ends_and_bounds_size():
    idx = ex.thin(50_001, 2000)
    assert idx[0] == 0 and idx[-1] == 50_000 and len(idx) <= 2002 and np.all(np.diff(idx) > 0)
    assert list(ex.thin(5)) == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------------- observed problems (issue 8, Paper part)
def test_sensing_precgd_stays_linear_while_gd_turns_sublinear(outcomes):
    out = outcomes["sensing"]
    pg, gd, sg, gd2, sg2 = out.runs
    assert all(r.config.observed and r.training is not None for r in out.runs)
    lv = 1e-8
    assert pg.milestones[lv] == 116 and gd.milestones[lv] is None  # numbers quoted in the texts
    assert (sg.milestones[lv], sg2.milestones[lv], gd2.milestones[lv]) == (181, 77, 283)
    # at PrecGD's count GD's recovery error is orders of magnitude higher, and stays far above 1e-8 at the cap
    at = gd.y[np.searchsorted(gd.x, 116, side="right") - 1]
    assert at > 1e4 * lv and gd.final_error == pytest.approx(7.6e-7, rel=0.05) and gd.x[-1] == 4000
    # the plotted curve is the recovery error, not the training loss: they differ, and both end small for PrecGD
    assert not np.allclose(pg.y, pg.training) and pg.final_error < 1e-8 and pg.training[-1] <= ex.TOL
    assert "fully observed" in pg.no_theory and "sensing" in pg.no_theory
    exp = ex.EXPERIMENTS["sensing"]
    for quoted in ("116", "283", "181 vs 77", "2.4×", "t^−1.5"):
        assert quoted in exp.look_for, quoted
    texts = [c.text for c in out.claims()]
    assert "116 iterations" in texts[0] and "by 0.36" in texts[2] and "(2.4×)" in texts[3]


def test_sensing_claims_are_computed_from_the_run(outcomes):
    """Give GD the d = r run's curve (which does reach 1e-8): the GD claims must then fail."""
    from dataclasses import replace

    runs = list(outcomes["sensing"].runs)
    fast = runs[3]
    runs[1] = replace(runs[1], x=fast.x, y=fast.y, milestones=fast.milestones, final_error=fast.final_error)
    ok = [c.ok for c in ex.EXPERIMENTS["sensing"].claims(runs)]
    assert ok[0] and not ok[1] and not ok[2] and ok[3]


def test_completion_recovers_with_d_equal_r_and_overfits_with_spare_columns(outcomes):
    out = outcomes["completion"]
    wk5, sp5, ga5, wk10, sp10, ga10 = out.runs
    assert [r.milestones[1e-6] for r in (wk5, sp5, ga5)] == [367, 381, 288]  # quoted in look_for
    for r in (wk10, sp10, ga10):
        assert r.milestones[1e-6] is None and r.status == "max_iter"
        assert r.training[-1] <= 1e-5 and r.final_error > 100 * r.training[-1]  # fits Ω, not M★
    assert ga10.final_error < wk10.final_error < sp10.final_error
    assert (round(ga10.final_error, 5), round(wk10.final_error, 4), round(sp10.final_error, 2)) == (
        0.00017,
        0.0024,
        0.13,
    )
    exp = ex.EXPERIMENTS["completion"]
    caveat = agd.INITIALIZERS["ward-kolda"].label_for("completion")
    assert "no theory in this setting" in caveat and caveat in exp.caption
    assert all("no theory here" in c.label for c in exp.runs if c.init == "ward-kolda")
    assert "No Ward–Kolda bound applies" in exp.caption and "no Ward–Kolda bound applies" in exp.summary
    assert all(c.step == 0.4 for c in exp.runs)  # the same step for every start
    rows = out.table()
    assert list(rows[0])[3:7] == [
        "recovery error ≤ 0.001 at",
        "recovery error ≤ 1e-06 at",
        "stopped: training loss ≤ 1e-10 at",
        "final recovery error",
    ]
    assert "floor" not in rows[0] and rows[3]["recovery error ≤ 1e-06 at"] == "not reached"


def test_observed_experiment_figures_show_recovery_error_with_paired_styles(outcomes):
    from agdcore.plots import theory as tp

    fig = tp.experiment_figure(outcomes["sensing"], "t", x_log=True)
    names = [t.name for t in fig.data]
    assert names == [
        "PrecGD, d = 4 [PrecGD: Zhang, Fattahi & Zhang 2021]",
        "GD, d = 4 [baseline]",
        "ScaledGD, d = 4 [ScaledGD: Tong, Ma & Chi 2021]",
        "GD, d = r = 2 [baseline]",
        "ScaledGD, d = r = 2 [ScaledGD: Tong, Ma & Chi 2021]",
    ]
    assert fig.data[1].line.color == fig.data[3].line.color and fig.data[3].line.dash == "dash"
    assert fig.data[2].line.color == fig.data[4].line.color != fig.data[1].line.color
    assert fig.layout.yaxis.title.text.startswith("recovery") and "M★" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.type == "log" and "recovery error" in fig.data[0].hovertemplate
    fig = tp.experiment_figure(outcomes["completion"], "t")
    assert len(fig.data) == 6 and [t.line.dash for t in fig.data] == ["solid"] * 3 + ["dash"] * 3
    assert len({t.line.color for t in fig.data}) == 3
    dense = tp.experiment_figure(outcomes["precgd"], "t", x_log=True)
    assert "e<sub>t</sub>" in dense.layout.yaxis.title.text  # fully observed experiments unchanged


def test_observed_runs_refuse_several_seeds():
    from dataclasses import replace

    cfg = replace(ex.EXPERIMENTS["sensing"].runs[0], seeds=3)
    with pytest.raises(ValueError, match="one seed"):
        ex.run_config(cfg, seed=1)


@pytest.mark.parametrize("key", list(ex.EXPERIMENTS))
def test_every_experiment_has_a_short_summary_before_the_chart(key):
    """Issue 12: the claim and what to look for in two or three sentences; the full settings stay in the caption."""
    exp = ex.EXPERIMENTS[key]
    sentences = [s for s in exp.summary.replace("e.g.", "eg").split(". ") if s.strip()]
    assert 2 <= len(sentences) <= 3, exp.summary
    assert len(exp.summary) < min(520, len(exp.caption) + len(exp.look_for))
    assert exp.summary.startswith("Claim") or "?" in exp.summary.split(". ")[0]
