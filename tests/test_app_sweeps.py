"""The Sweeps page through AppTest: render, tiny sweeps (serial and on the local Dask cluster), errors, URL."""

from __future__ import annotations

import base64
import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

sw = importlib.import_module("agdcore.sweeps")

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/sweeps.py"
TINY = {"m": 30, "n": 24, "rank": 3, "trials": 3, "engine": "serial"}


def open_page(query: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(PAGE).run()  # the sweeps page is the first to see the URL
    for k, v in (state or {}).items():
        at.session_state[f"sweeps_{k}"] = v
    return at


def charts(at) -> dict:
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def arr(v) -> np.ndarray:
    """A Plotly JSON array: a list, or a base64 typed array {"dtype", "bdata"}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v)


def run(at) -> AppTest:
    at.button(key="sweeps_run").click().run()
    assert not at.exception, at.exception
    return at


def test_page_renders_its_controls_and_waits_for_run():
    at = open_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Sweeps"
    assert at.selectbox(key="sweeps_x").value == "kappa" and at.text_input(key="sweeps_xv").value == "5, 10, 20, 40"
    assert at.selectbox(key="sweeps_y").value == "width" and at.selectbox(key="sweeps_engine").value == "dask"
    assert "Run sweep" in at.info[0].value  # the page waits for Run: the only chart is the marked example
    assert list(charts(at)) == ["Example result: Median iterations to tol = 1e-08 over κ × d"]
    assert "sweeps__run" not in at.session_state


def test_tiny_2d_sweep_draws_heatmap_profiles_table_and_csv():
    at = run(open_page(state={**TINY, "xv": "2, 8", "yv": "3, 6"}))
    figs = charts(at)
    heat = figs["Median iterations to tol = 1e-08"]
    assert heat["data"][0]["type"] == "heatmap" and heat["data"][0]["x"] == ["2", "8"]
    prof = figs["Iterations to tol = 1e-08: one line per factor width d"]
    names = [d.get("name") for d in prof["data"]]
    assert "median, d = 3" in names and any(
        "paper shape κ²·d/(√d − √(r−1))² (constant fitted)" in str(n) for n in names
    )
    assert [m.value for m in at.metric][:2] == ["12", "4"]
    assert "Download the table (CSV" in at.get("download_button")[0].proto.label
    df = at.session_state["sweeps__run"]["df"]  # what the button serves (df.to_csv)
    assert len(df) == 12 and set(df["kappa"]) == {2.0, 8.0} and df.attrs["complete"]
    assert at.query_params["xv"] == "2, 8" and at.query_params["engine"] == "serial"  # bound to the URL


@pytest.mark.dask
def test_1d_sweep_on_the_local_dask_cluster_draws_a_band_and_the_kappa_shape():
    try:
        at = run(open_page(state={**TINY, "engine": "dask", "y": "none", "xv": "2, 4, 8"}))
        line = charts(at)["Iterations to tol = 1e-08 against condition number κ"]
        names = [d.get("name") for d in line["data"]]
        assert names[:2] == ["interquartile range (25 %–75 % of trials)", "median over trials"]
        assert "paper shape κ² (constant fitted)" in names
        df = at.session_state["sweeps__run"]["df"]
        assert df.attrs["engine"].startswith("local Dask cluster") and len(df) == 9
        serial = sw.sweep(
            {"kappa": [2, 4, 8]}, 3, base={"m": 30, "n": 24, "rank": 3, "tol": 1e-8, "max_iter": 5000}, engine="serial"
        )
        pd.testing.assert_frame_equal(df.drop(columns="seconds"), serial.drop(columns="seconds"))
    finally:
        sw.close_clients()


def test_nu_sweep_compares_failures_with_the_monte_carlo_delta():
    at = run(open_page(state={**TINY, "x": "nu", "xv": "0.1, 0.5, 1", "y": "none", "trials": 6}))
    fig = charts(at)["Failures against the Monte-Carlo δ of the theory"]
    names = [d["name"] for d in fig["data"]]
    assert names[0].startswith("failure rate (tol not reached within max_iter)")
    assert names[1].startswith("Monte-Carlo δ(ν) = P[σ") and names[1].endswith("d = 10 [derived]")
    assert arr(fig["data"][0]["y"])[0] == 1.0  # ν = 0.1: the default step 9/(4Cνσ₁) is too large, every trial fails
    assert any("9/(4Cνσ₁)" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "state,needle",
    [
        ({"xv": "0.5, 2"}, "grid parameter 'kappa' must be a finite number >= 1"),
        ({"x": "width", "xv": "5, 10", "y": "width", "yv": "5"}, "both 'width'"),
        ({"xv": "5, ten"}, "'kappa': 'ten' is not a number"),
        ({"y": "nu", "yv": "0.5", "init": "gaussian"}, "nu applies only to init ward-kolda"),
    ],
)
def test_bad_settings_give_an_error_not_a_crash(state, needle):
    at = run(open_page(state={**TINY, **state}))
    assert any(needle in e.value for e in at.error), [e.value for e in at.error]
    assert not at.get("plotly_chart")


def test_url_seeds_the_settings_and_bad_values_fall_back_with_an_error():
    at = open_page(query={"x": "nu", "xv": "0.25, 0.5", "y": "none", "trials": "7", "engine": "serial"})
    assert not at.error
    assert at.selectbox(key="sweeps_x").value == "nu" and at.text_input(key="sweeps_xv").value == "0.25, 0.5"
    assert at.number_input(key="sweeps_trials").value == 7
    bad = open_page(query={"x": "depth", "xv": "5, abc", "trials": "lots"})
    msgs = " | ".join(e.value for e in bad.error)
    assert "URL parameter 'x' = 'depth' is invalid" in msgs and "URL parameter 'trials' = 'lots'" in msgs
    assert "URL parameter 'xv' = '5, abc' is invalid" in msgs and "'abc' is not a number" in msgs
    assert bad.selectbox(key="sweeps_x").value == "kappa" and bad.text_input(key="sweeps_xv").value == "5, 10, 20, 40"


def test_a_failure_while_running_is_reported_and_the_finished_trials_kept(monkeypatch):
    real, calls = sw.run_task, []

    def flaky(pieces):
        calls.append(len(pieces))
        if len(calls) > 1:
            raise RuntimeError("worker exploded")
        return real(pieces)

    monkeypatch.setattr(sw.engine, "run_task", flaky)
    at = run(open_page(state={**TINY, "xv": "2, 4, 8", "y": "none", "trials": 20}))  # 60 trials: 6 tasks of 10
    assert any("The sweep failed while running (RuntimeError: worker exploded)" in e.value for e in at.error)
    assert any("Sweep stopped after 10 of 60 trials" in w.value for w in at.warning)
    assert at.metric[0].value == "10" and at.get("plotly_chart")
