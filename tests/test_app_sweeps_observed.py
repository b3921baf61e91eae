"""The Sweeps page through AppTest: the example it opens on, the Observed selector, the recovery phase
diagram of completion / sensing sweeps, and bad observed settings (core message, previous result kept)."""

from __future__ import annotations

import numpy as np
import pytest
from test_app_sweeps import TINY, arr, charts, open_page, run

from agdcore.observe import OBSERVATIONS

OBS = {**TINY, "rank": 2, "max_iter": 2000}  # 30×24, r = 2: r(m+n−r) = 104 of 720 entries
PHASE = "Recovery phase diagram: fraction of trials with ‖XYᵀ − M★‖²/‖M★‖² ≤ 1e-3"
EXAMPLE = "Example result: Median iterations to tol = 1e-08 over κ × d"


def z_of(trace) -> np.ndarray:
    z = trace["z"]
    if isinstance(z, dict):  # a base64 typed array with its shape
        return arr(z).reshape([int(k) for k in str(z["shape"]).split(",")])
    return np.array([[np.nan if v is None else v for v in row] for row in z], float)


def test_the_page_opens_on_the_example_heatmap_marked_as_the_example_with_no_click():
    at = open_page()
    assert not at.exception and not at.error
    fig = charts(at)[EXAMPLE]
    heat = fig["data"][0]
    assert heat["type"] == "heatmap" and heat["x"] == ["2", "4", "8", "16"] and heat["y"] == ["3", "6", "12"]
    z = z_of(heat)
    assert z.shape == (3, 4) and np.isfinite(z).all()  # every example cell converged (log10 of the median)
    assert (np.diff(z, axis=1) > 0).all()  # and the iterations grow with κ along each row
    info = at.info[0].value
    assert info.startswith("**Example result** (κ = 2, 4, 8, 16 × d = 3, 6, 12; 40×30, r = 3, 5 trials per cell")
    assert "press **Run sweep** to sweep your own settings" in info
    at.selectbox(key="sweeps_x").set_value("nu").run()  # changing a setting keeps the example (no run yet)
    assert EXAMPLE in charts(at) and "sweeps__run" not in at.session_state


def test_observed_selector_comes_from_the_registry_and_a_sampling_axis_selects_its_observation():
    at = open_page()
    observe = at.selectbox(key="sweeps_observe")
    assert observe.value == "full" and observe.options == [o.label for o in OBSERVATIONS.values()]
    assert "sweeps_rate" not in [w.key for w in at.number_input]  # all entries observed: no rate to set
    x = at.selectbox(key="sweeps_x")
    assert "rate — sampling rate p" in x.options and "measurements — measurements p" in x.options
    assert "rank — true rank r" in x.options
    x.set_value("rate").run()
    assert at.selectbox(key="sweeps_observe").value == "completion"
    assert at.text_input(key="sweeps_xv").value == "0.1, 0.2, 0.4, 0.8"
    assert at.number_input(key="sweeps_rate").value == 0.3  # the registry's default rate
    at.selectbox(key="sweeps_observe").set_value("sensing").run()
    assert at.selectbox(key="sweeps_x").value == "measurements"  # the sampling axis follows the observation
    assert at.text_input(key="sweeps_xv").value == "975, 1950, 2925, 3900"  # 1-4 × r(m+n−r), 100×100, r = 5
    assert at.query_params["observe"] == "sensing" and at.query_params["x"] == "measurements"


def test_a_completion_sweep_over_rate_and_width_draws_the_phase_diagram_of_the_table():
    at = run(open_page(state={**OBS, "observe": "completion", "x": "rate", "xv": "0.1, 0.3, 0.6", "yv": "2, 4"}))
    assert not at.error
    fig = charts(at)[PHASE]
    heat, dof = fig["data"]
    df = at.session_state["sweeps__run"]["df"]
    want = df.groupby(["width", "rate"])["recovered"].mean().unstack()  # rows d = 2, 4; columns p
    np.testing.assert_allclose(z_of(heat), want.to_numpy())
    assert heat["zmin"] == 0 and heat["zmax"] == 1 and "fraction<br>recovered" in heat["colorbar"]["title"]["text"]
    assert dof["name"].startswith(
        "degrees of freedom r(m+n−r) = 104 at r = 2: p = 104/720 = 0.144 (an exact count, not a theorem)"
    )
    np.testing.assert_allclose(arr(dof["x"]).astype(float), [104 / 720] * 2)
    assert fig["layout"]["xaxis"]["title"]["text"] == "sampling rate p"
    assert fig["layout"]["yaxis"]["title"]["text"] == "factor width d"
    assert [m.label for m in at.metric][-1] == "recovered"
    assert any("degrees of freedom of a rank-r m×n matrix — a count, not a threshold" in c.value for c in at.caption)
    assert at.query_params["observe"] == "completion" and at.query_params["x"] == "rate"


def test_a_1d_sensing_sweep_draws_one_row_at_the_fixed_rank_with_the_measurement_count():
    at = run(open_page(state={**OBS, "observe": "sensing", "x": "measurements", "xv": "52, 208, 416", "y": "none"}))
    fig = charts(at)[PHASE]
    heat, dof = fig["data"]
    df = at.session_state["sweeps__run"]["df"]
    np.testing.assert_allclose(z_of(heat)[0], df.groupby("measurements")["recovered"].mean().to_numpy())
    np.testing.assert_allclose(arr(dof["x"]).astype(float), [104, 104])  # r(m+n−r) measurements
    assert fig["layout"]["yaxis"]["title"]["text"] == "true rank r"
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["xaxis"]["ticktext"] == ["52", "208", "416"]


@pytest.mark.parametrize(
    "state,needle",
    [
        ({"x": "rate", "xv": "0, 0.5"}, "grid parameter 'rate' must be a finite number > 0 and <= 1, got 0.0."),
        ({"x": "rate", "xv": "0.5, 1.5"}, "got 1.5."),
        ({"rate": 0.0}, "grid parameter 'rate' must be a finite number > 0 and <= 1, got 0.0."),
        ({"algorithm": "flow"}, "algorithm 'flow' does not support completion problems; the algorithms that do:"),
        ({"observe": "sensing", "measurements": 0.0}, "measurements must be an integer >= 1, got 0."),
        ({"observe": "sensing", "measurements": 1e7}, "over the memory budget"),
        ({"observe": "full", "x": "rate", "xv": "0.5"}, "rate applies only to observe='completion'"),
    ],
)
def test_bad_observed_settings_give_the_core_message_and_keep_the_previous_result(state, needle):
    at = run(open_page(state={**OBS, "observe": "completion", "xv": "2, 4", "y": "none"}))  # a good sweep first
    before = at.session_state["sweeps__run"]["df"]
    for k, v in state.items():
        at.session_state[f"sweeps_{k}"] = v
    run(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and needle in errors[0] and "\n" not in errors[0], errors
    assert errors[0].startswith("Sweep settings: ") and "Traceback" not in errors[0]
    assert at.session_state["sweeps__run"]["df"] is before  # the previous result is kept and still drawn
    assert "Iterations to tol = 1e-08 against condition number κ" in charts(at)
