"""The "Observed" choice (matrix completion / sensing) on Explore and Compare (issue 8, UI part), and the
singular-value captions computed from the run (issue 14 item 3)."""

import json

import numpy as np
import pytest
from conftest import APP, snippet_code
from streamlit.testing.v1 import AppTest

import agdcore as agd
from agdcore import plots
from agdcore.observe import OBSERVATIONS
from agdui import export, run_text
from agdui import settings as S

SUBMIT = "FormSubmitter:explore_form-Apply"
COMPARE_SUBMIT = "FormSubmitter:compare_form-Run comparison"
TRAIN = "training loss on the observed entries"
RECOVERY = "recovery error ‖XYᵀ − M★‖²/‖M★‖²"
WK_NOTE = "no theory in this setting"
SMALL = {"m": "60", "n": "50", "rank": "2", "width": "4"}


def _app(query=None, page=None):
    at = AppTest.from_file(APP, default_timeout=90)
    if page:
        at.switch_page(page)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def _snippet(at) -> str:
    return snippet_code(at, "agd.solve(")


def _loss_spec(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _names(spec) -> list[str]:
    return [tr.get("name", "") for tr in spec["data"]]


def _apply(at, **values):
    for key, v in values.items():
        at.get_by_key(f"explore_{key}").set_value(v)
    return at.button(key=SUBMIT).click().run()


@pytest.fixture(scope="module")
def completion_app():
    return _app({**SMALL, "observe": "completion", "rate": "0.5"})


# ---------------------------------------------------------------------- settings derived from the core
def test_observed_params_derive_from_the_core_registry():
    by = {p.name: p for p in S.PROBLEM_PARAMS}
    assert by["observe"].choices == tuple(OBSERVATIONS) and by["observe"].default == "full"
    assert by["rate"].default == OBSERVATIONS["completion"].option.default
    assert (by["rate"].lo, by["rate"].hi) == OBSERVATIONS["completion"].option.widget_range
    assert by["rate"].label == OBSERVATIONS["completion"].option.label
    assert by["measurements"].kind == "optint" and by["measurements"].default is None
    assert by["measurements"].lo == 1
    with pytest.raises(ValueError, match="'rate'"):
        by["rate"].parse("0")
    with pytest.raises(ValueError, match="'measurements'"):
        by["measurements"].parse("0")
    assert by["measurements"].parse("default") is None and by["measurements"].parse("12") == 12


def test_problem_key_and_build_problem_follow_the_observation():
    v = {p.name: p.default for p in S.PROBLEM_PARAMS} | {"m": 30, "n": 20, "rank": 2}
    assert "observe" not in S.problem_key(v)  # the fully observed key is unchanged (cache stays valid)
    kc = S.problem_key(v | {"observe": "completion", "rate": 0.4})
    ks = S.problem_key(v | {"observe": "sensing", "measurements": 300})
    assert kc["rate"] == 0.4 and "measurements" not in kc and ks["measurements"] == 300 and "rate" not in ks
    p = S.build_problem(v | {"observe": "completion", "rate": 0.4})
    assert p.kind == "completion" and p.observation()["rate"] == 0.4
    assert S.build_problem(v | {"observe": "completion", "rate": 0.4}) is p  # cached, one shared object
    s = S.build_problem(v | {"observe": "sensing", "measurements": None})
    assert s.kind == "sensing" and s.measurements == 4 * 2 * (30 + 20 - 2)


# ---------------------------------------------------------------------- Explore
def test_explore_completion_from_the_url(completion_app):
    at = completion_app
    assert not at.exception and not at.error
    assert at.selectbox(key="explore_observe").value == "completion"
    assert at.number_input(key="explore_rate").value == 0.5
    assert at.selectbox(key="explore_observe").format_func("completion") == OBSERVATIONS["completion"].label
    spec = _loss_spec(at)
    names = _names(spec)
    assert TRAIN in names and RECOVERY in names, names
    rec = next(tr for tr in spec["data"] if tr.get("name") == RECOVERY)
    assert rec["y"], "the recovery error curve has data"
    assert not any("bound" in n or "prediction" in n or "Eckart" in n for n in names), names  # no theory curve
    assert spec["layout"]["title"]["text"] == "Training loss and recovery error"
    problem = S.build_problem(
        {p.name: p.default for p in S.PROBLEM_PARAMS} | {**SMALL, "observe": "completion", "rate": 0.5}
    )
    captions = [c.value for c in at.caption]
    assert any(problem.why_no_theory in c for c in captions)
    assert any("degrees of freedom" in c and f"{2 * (60 + 50 - 2):,}" in c for c in captions)
    assert any(WK_NOTE in c and "experiment" in c for c in captions)  # the init's caveat under the chart
    labels = {m.label: m.value for m in at.metric}
    assert "Final training loss" in labels and "Final recovery error" in labels
    assert labels["|Ω| / r(m+n−r)"] == f"{problem.n_observed:,} / {2 * (60 + 50 - 2):,}"


def test_explore_init_and_algorithm_labels_on_observed_data(completion_app):
    at = completion_app
    init = at.selectbox(key="explore_init")
    wk = agd.INITIALIZERS["ward-kolda"].label_for("completion")
    assert WK_NOTE in wk and init.format_func("ward-kolda") == wk and wk in init.options
    assert "not for completion" in init.format_func("nystrom")
    assert "not for completion" in at.selectbox(key="explore_algorithm").format_func("flow")
    at2 = _app()  # on the fully observed problem: no caveat
    assert at2.selectbox(key="explore_init").format_func("ward-kolda") == agd.INITIALIZERS["ward-kolda"].label


def test_explore_snippet_reproduces_a_completion_run(completion_app):
    at = completion_app
    code = _snippet(at)
    assert "agd.make_completion(" in code and "rate=0.5" in code
    ns = {}
    exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102 - our own generated code
    r = ns["r"]
    labels = {m.label: m.value for m in at.metric}
    assert f"{r.final_error:.3e}" == labels["Final training loss"]
    assert f"{r.final_recovery_error:.3e}" == labels["Final recovery error"]
    assert r.n_iter == int(labels["Iterations to tol"].replace(",", ""))


def test_explore_sensing_snippet_and_selector_switches_keep_values():
    at = _app({"m": "24", "n": "20", "rank": "2", "width": "4", "init": "spectral"})
    at.selectbox(key="explore_observe").set_value("completion").run()
    at = _apply(at, rate=0.6)
    assert "rate=0.6" in _snippet(at)
    at.selectbox(key="explore_observe").set_value("sensing").run()  # rate's input disappears
    assert not at.exception and not at.error
    at = _apply(at, measurements=400)
    code = _snippet(at)
    assert "agd.make_sensing(" in code and "measurements=400" in code
    ns = {}
    exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102
    labels = {m.label: m.value for m in at.metric}
    assert f"{ns['r'].final_error:.3e}" == labels["Final training loss"]
    assert "training loss on the observed measurements" in _names(_loss_spec(at))
    at.selectbox(key="explore_observe").set_value("completion").run()  # and comes back with its value
    assert at.number_input(key="explore_rate").value == 0.6 and "rate=0.6" in _snippet(at)
    at.selectbox(key="explore_observe").set_value("full").run()
    assert "agd.make_problem(" in _snippet(at) and "rate" not in _snippet(at)
    spec = _loss_spec(at)  # the fully observed chart is back, with its Eckart–Young floor
    assert spec["layout"]["title"]["text"] == "Relative error e<sub>t</sub>"
    assert any("Eckart" in n for n in _names(spec)) and TRAIN not in _names(spec)


@pytest.mark.parametrize(
    "change, names",
    [
        ({"algorithm": "flow"}, ("algorithm", "flow")),
        ({"algorithm": "fa"}, ("algorithm", "fa")),
        ({"init": "nystrom"}, ("init", "nystrom")),
        ({"measurements": 10**7}, ("measurements", "memory budget")),
    ],
)
def test_explore_bad_observed_settings_report_and_keep_the_previous_result(change, names):
    query = {**SMALL, "observe": "sensing" if "measurements" in change else "completion", "measurements": "200"}
    if query["observe"] == "completion":
        query.pop("measurements")
    at = _app(query)
    assert not at.error
    before = {m.label: m.value for m in at.metric}
    code_before = _snippet(at)
    ((key, value),) = change.items()
    if key == "measurements":
        at = _apply(at, measurements=value)
    else:
        at.selectbox(key=f"explore_{key}").set_value(value).run()
    assert not at.exception
    errs = [e.value for e in at.error]
    assert len(errs) == 1 and all(n in errs[0] for n in names), errs
    assert "Traceback" not in errs[0] and "\n" not in errs[0]
    assert any("previous result is kept" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric} == before  # the previous run is still shown
    assert _snippet(at) == code_before
    assert _names(_loss_spec(at))[0].startswith("training loss on the observed")
    assert at.get_by_key(f"explore_{key}").value == value  # the user's setting is kept, to fix it


def test_bad_observed_url_values_are_reported_by_name():
    at = _app({**SMALL, "observe": "completion", "rate": "0"})
    assert not at.exception
    errs = [e.value for e in at.error]
    assert len(errs) == 1 and "'rate'" in errs[0] and "between 0.001 and 1" in errs[0]
    assert at.number_input(key="explore_rate").value == OBSERVATIONS["completion"].option.default
    at = _app({**SMALL, "observe": "sensing", "measurements": "0"})
    errs = [e.value for e in at.error]
    assert len(errs) == 1 and "'measurements'" in errs[0]
    assert "measurements=" in _snippet(at)  # fell back to the default count, and ran


# ---------------------------------------------------------------------- figures and captions (pure)
def test_loss_figure_on_observed_runs_has_both_curves_and_no_bounds():
    p = agd.make_completion(40, 40, 2, 4.0, rate=0.4, seed=0)
    r = agd.solve(p, init="ward-kolda", width=4, max_iter=300)
    fig = plots.loss_figure(r)
    names = [t.name for t in fig.data]
    assert names[:2] == [TRAIN, RECOVERY]
    assert np.allclose(fig.data[0].y[: len(r.error)], r.error, equal_nan=True)
    finite = np.isfinite(r.recovery_error)
    assert np.allclose(np.asarray(fig.data[1].y, dtype=float), r.recovery_error[finite])
    assert [c["key"] for c in plots.bound_curves(r)] == ["tol"]  # no Eckart–Young floor, no bound
    assert "recovery_error" in export.curves_csv(r).splitlines()[0]


def test_factor_captions_follow_the_run_not_a_claim():
    p = agd.make_problem()
    default = agd.solve(p, width=10)  # default step, C = 8: X₀ is the smaller factor
    y_cap, x_cap = run_text.factor_captions(default)
    assert float(default.sv_y[0].max()) > 2 * float(default.sv_x[0].max())
    assert "$Y_0$ starts larger than $X_0$" in y_cap and "small step" in y_cap
    assert "starts small" not in y_cap
    assert f"{default.sv_x[0].max():.3g}" in x_cap and "round-off level" in x_cap
    small_step = agd.solve(p, width=10, step=1e-3, max_iter=100)  # X₀ ∝ 1/√η: now the large factor
    y_cap, _ = run_text.factor_captions(small_step)
    assert float(small_step.sv_y[0].max()) < 0.5 * float(small_step.sv_x[0].max())
    assert "$Y_0$ starts smaller than $X_0$" in y_cap and "grows" in y_cap


def test_explore_captions_are_those_of_the_shown_run():
    at = _app()
    captions = [c.value for c in at.caption]
    assert any("$Y_0$ starts larger than $X_0$" in c for c in captions)
    assert not any("starts small and grows" in c for c in captions)
    at = _apply(at, step=1e-3, max_iter=100)
    assert any("$Y_0$ starts smaller than $X_0$" in c.value for c in at.caption)


# ---------------------------------------------------------------------- Compare
def test_compare_completion_table_has_both_errors():
    query = {"m": "60", "n": "50", "rank": "2", "observe": "completion", "rate": "0.5", "trials": "3"}
    query |= {"c1_width": "4", "c2_width": "4"}
    at = _app(query, page="pages/compare.py")
    assert not at.exception and not at.error
    assert at.selectbox(key="compare_observe").value == "completion"
    assert at.number_input(key="compare_rate").value == 0.5
    df = at.dataframe[0].value
    for col in ("median final training loss", "median final recovery error", "recovered (≤ 1e-3)"):
        assert col in df.columns, list(df.columns)
    assert all(v.endswith("/3") for v in df["recovered (≤ 1e-3)"])
    for reached, loss in zip(df["reached tol"], df["median final training loss"]):
        # the tolerance is on this loss: its median is below tol exactly when most of the 3 trials reached it
        assert (float(loss) <= 1e-10) == (int(reached.split("/")[0]) >= 2), (reached, loss)
    assert any("same observations" in c.value and "degrees of freedom" in c.value for c in at.caption)
    assert any(WK_NOTE in c.value for c in at.caption)
    code = snippet_code(at, "agd.make_completion(", key="compare__snippet_open")
    assert "agd.make_completion(" in code and "recovered" in code
    at.selectbox(key="compare_observe").set_value("full").run()
    at = at.button(key=COMPARE_SUBMIT).click().run()
    assert "median final recovery error" not in at.dataframe[0].value.columns
