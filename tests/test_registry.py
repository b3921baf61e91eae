"""One home for every option: an initializer and an algorithm registered here, in this file only,
appear in the core, the CLI, the sweeps, Explore and Compare, run, and have their options validated."""

import numpy as np
import pytest
from conftest import APP
from streamlit.testing.v1 import AppTest

import agdcore as agd
from agdcore import cli
from agdcore.algorithms import naive_step
from agdcore.plots import sweep as sp
from agdcore.sweeps import parse_values, plan_sweep, summarize, sweep


def uniform(problem, width, step, rng, *, amp=0.01):
    m, n = problem.shape
    return amp * rng.uniform(-1, 1, (m, width)), amp * rng.uniform(-1, 1, (n, width))


def damped_gd_step(ctx, X, Y, H):
    gX, gY, s, G, H = ctx.grads(X, Y, H)
    eta = ctx.step * ctx.options["shrink"]
    return X - eta * gX, Y - eta * gY, None, s, (G, H)


def naive_damped(A, X, Y, eta, options, state):
    R = X @ Y.T - A
    eta = eta * options["shrink"]
    return X - eta * R @ Y, Y - eta * R.T @ X


@pytest.fixture
def registered(monkeypatch):
    init = agd.Initializer(
        "uniform",
        "uniform box",
        uniform,
        (agd.Option("amp", 0.01, lo=0.0, hi=1.0, lo_open=True, label="Uniform amplitude a", help="entries U(−a, a)"),),
        reference="test only",
        short="uniform",
    )
    algo = agd.Algorithm(
        "damped-gd",
        "damped GD",
        damped_gd_step,
        (agd.Option("shrink", 0.5, lo=0.0, hi=1.0, lo_open=True, label="Step shrink factor"),),
        naive=naive_damped,
        short="dGD",
    )
    monkeypatch.setitem(agd.INITIALIZERS, "uniform", init)
    monkeypatch.setitem(agd.ALGORITHMS, "damped-gd", algo)
    return init, algo


def test_core_runs_validates_and_matches_the_naive_reference(registered):
    p = agd.make_problem(40, 30, 3, 5.0, seed=0)
    r = agd.solve(p, "damped-gd", "uniform", width=5, max_iter=3000, seed=2, amp=0.1, shrink=0.9)
    assert r.config["init_amp"] == 0.1 and r.config["shrink"] == 0.9 and r.settings.init_options == {"amp": 0.1}
    assert r.error[-1] < 1e-3 * r.error[0]
    with pytest.raises(ValueError, match=r"amp must be a finite number > 0 and <= 1"):
        agd.solve(p, "damped-gd", "uniform", width=5, amp=2.0)
    with pytest.raises(ValueError, match=r"shrink must be a finite number > 0 and <= 1"):
        agd.solve(p, "damped-gd", "uniform", width=5, shrink=0.0)
    with pytest.raises(ValueError, match=r"Unknown option\(s\) \['amp'\]"):
        agd.solve(p, "agd", "gaussian", width=5, amp=0.1)
    rng = np.random.default_rng(0)
    X, Y = 0.3 * rng.standard_normal((40, 5)), 0.3 * rng.standard_normal((30, 5))
    ctx = p.step_context(0.1, {"shrink": 0.7})
    Xn, Yn, *_ = agd.ALGORITHMS["damped-gd"].step(ctx, X[None], Y[None], None)
    Xr, Yr = naive_step("damped-gd", p.A, X, Y, 0.1, {"shrink": 0.7}, {})
    np.testing.assert_allclose(Xn[0], Xr, rtol=1e-10)
    np.testing.assert_allclose(Yn[0], Yr, rtol=1e-10)


def test_cli_generates_flags_and_validates(registered, capsys, tmp_path):
    out = tmp_path / "run.json"
    code = cli.main(
        [
            "run",
            "--m",
            "40",
            "--n",
            "30",
            "--rank",
            "3",
            "--width",
            "5",
            "--init",
            "uniform",
            "--amp",
            "0.05",
            "--algorithm",
            "damped-gd",
            "--opt",
            "shrink=0.8",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    import json

    cfg = json.loads(out.read_text())["config"]
    assert cfg["init_amp"] == 0.05 and cfg["shrink"] == 0.8
    capsys.readouterr()
    assert cli.main(["run", "--init", "uniform", "--amp", "-1"]) == 2
    err = capsys.readouterr().err
    assert "amp must be a finite number > 0 and <= 1" in err and len(err.strip().splitlines()) == 1
    assert cli.main(["run", "--init", "gaussian", "--amp", "0.1"]) == 2
    assert "amp applies only to init uniform" in capsys.readouterr().err


def test_sweeps_take_the_new_option(registered):
    assert parse_values("amp", "0.01, 0.1") == [0.01, 0.1]
    with pytest.raises(ValueError, match="amp"):
        parse_values("amp", "0, 0.1")
    base = {"m": 30, "n": 30, "rank": 2, "width": 4, "init": "uniform", "algorithm": "damped-gd", "max_iter": 400}
    plan = plan_sweep({"amp": [0.01, 0.1]}, trials=2, base=base)
    assert [s["shrink"] for s in plan.settings] == [0.5, 0.5]  # the algorithm's default, shown in the table
    df = sweep({"amp": [0.01, 0.1]}, trials=2, base=base, engine="serial")
    assert sorted(df["amp"].unique()) == [0.01, 0.1] and len(df) == 4 and set(df["shrink"]) == {0.5}
    with pytest.raises(ValueError, match="amp applies only to init uniform"):
        plan_sweep({"amp": [0.01]}, trials=1, base={**base, "init": "gaussian"})
    # the Sweeps figures label the new option from its registry entry
    fig = sp.line_figure(summarize(df), "amp", max_iter=400, tol=1e-10)
    assert fig.layout.xaxis.title.text == "Uniform amplitude a"
    fig = sp.profile_figure(summarize(df, ["amp", "shrink"]), "amp", "shrink", max_iter=400, tol=1e-10)
    assert "Step shrink factor" in fig.layout.title.text


def _explore(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_explore_shows_runs_and_validates_the_new_entries(registered):
    at = _explore(
        {
            "init": "uniform",
            "algorithm": "damped-gd",
            "amp": "0.05",
            "shrink": "0.9",
            "m": "40",
            "n": "30",
            "rank": "3",
            "width": "5",
            "max_iter": "500",
        }
    )
    assert not at.exception
    assert at.number_input(key="explore_amp").value == 0.05
    assert at.number_input(key="explore_shrink").value == 0.9
    assert "uniform" in at.selectbox(key="explore_init").options[-1] or any(
        "uniform" in o for o in at.selectbox(key="explore_init").options
    )
    assert not at.error, [e.value for e in at.error]
    assert any("iterations" in m.label.lower() for m in at.metric)
    bad = _explore({"init": "uniform", "amp": "5"})
    assert not bad.exception
    assert any("amp" in e.value for e in bad.error)


def test_compare_offers_the_new_entries(registered):
    at = AppTest.from_file(APP, default_timeout=90).switch_page("pages/compare.py")
    for k, v in {
        "trials": "2",
        "max_iter": "300",
        "m": "30",
        "n": "30",
        "rank": "2",
        "c1_width": "4",
        "c2_width": "4",
        "c2_init": "uniform",
        "c2_param": "0.05",
        "c2_algorithm": "damped-gd",
    }.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "damped GD (damped-gd)" in at.selectbox(key="compare_c2_algorithm").options
    assert at.selectbox(key="compare_c2_algorithm").value == "damped-gd"
    assert at.selectbox(key="compare_c2_init").value == "uniform"
    assert at.number_input(key="compare_c2_param").value == 0.05
    from agdui import compare_run as R

    values = {
        **{p.name: p.default for p in R.params()},
        "c2_init": "uniform",
        "c2_param": 0.05,
        "c2_algorithm": "damped-gd",
    }
    c2 = R.configs(values)[1]
    assert c2["amp"] == 0.05 and "uniform amp=0.05" in c2["label"]
    kw = R.trial_kwargs(c2, values)
    assert kw["amp"] == 0.05
    p = agd.make_problem(30, 30, 2, 10.0, seed=0)
    tr = agd.solve_trials(p, seeds=range(2), **{**kw, "width": 4, "max_iter": 300})
    assert tr.config["init_amp"] == 0.05 and np.all(tr.final_error < 1.0)
