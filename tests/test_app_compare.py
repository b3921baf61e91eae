"""AppTest tests of the Compare page: rendering, widgets, presets, URL state, bad input, Stop, snippet."""

import contextlib
import io
import json

import numpy as np
import pytest
from conftest import APP, snippet_code
from streamlit.testing.v1 import AppTest

SUBMIT = "FormSubmitter:compare_form-Run comparison"


def _app(query=None):
    at = AppTest.from_file(APP, default_timeout=60).switch_page("pages/compare.py")  # open /compare directly
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def _table(at):
    return at.dataframe[0].value


def _trials_spec(at):
    return next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "median" in json.loads(c.proto.spec)["layout"]["title"]["text"]
    )


def _submit(at, **values):
    for key, v in values.items():
        at.get_by_key(f"compare_{key}").set_value(v)
    return at.button(key=SUBMIT).click().run()


@pytest.fixture(scope="module")
def default_app():
    return _app()


def test_default_render(default_app):
    at = default_app
    assert not at.exception and not at.error
    df = _table(at)
    assert list(df["configuration"]) == [
        "#1 AGD · WK · d=10 · η default",
        "#2 AGD · Gaussian scale=0.1 · d=10 · η default",
    ]
    assert list(df["reached tol"]) == ["10/10", "10/10"] and df["iterations ÷ #1"][0] == "1×"
    ratio = float(df["iterations ÷ #1"][1].rstrip("×"))
    med = [int(x.replace(",", "")) for x in df["median iterations"]]
    assert ratio == pytest.approx(med[1] / med[0], rel=1e-2) and ratio > 1
    spec = _trials_spec(at)
    names = [t.get("name") for t in spec["data"] if t.get("name")]
    assert sum("median of 10 trials" in n for n in names) == 2 and sum("interquartile" in n for n in names) == 2
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert any("In median, #1 reaches the tolerance" in m.value for m in at.markdown)


STEPS = [  # applied one after the other on the same page (each is one form submission)
    ("trials", 2, lambda at: list(_table(at)["reached tol"]) == ["2/2", "2/2"]),
    ("max_iter", 50, lambda at: list(_table(at)["median iterations"]) == ["> 50", "> 50"]),
    ("max_iter", 5000, lambda at: _table(at)["median iterations"][0] != "> 50"),
    ("tol", 1e-4, lambda at: int(_table(at)["median iterations"][0].replace(",", "")) < 150),
    ("c1_algorithm", "gd", lambda at: _table(at)["configuration"][0].startswith("#1 GD")),
    ("c1_init", "spectral", lambda at: "spectral" in _table(at)["configuration"][0]),
    ("c2_init", "nystrom", lambda at: "Nyström" in _table(at)["configuration"][1]),
    ("c2_width", 6, lambda at: "d=6" in _table(at)["configuration"][1]),
    ("c2_step", 0.3, lambda at: "η=0.3" in _table(at)["configuration"][1]),
    ("c2_param", 0.05, lambda at: "scale=0.05" in _table(at)["configuration"][1]),
    ("kappa", 3.0, lambda at: "κ = 3" in at.expander[0].label),
    ("spectrum", "linear", lambda at: "linear" in at.expander[0].label),
]


def test_each_form_widget_changes_the_comparison():
    at = _app({"trials": "3"})
    for key, value, check in STEPS:
        at = _submit(at, **{key: value})
        assert not at.exception and not at.error, key
        assert check(at), (key, _table(at))


def test_number_of_configurations_and_log_axis_apply_immediately():
    at = _app({"trials": "3"})
    at.number_input(key="compare_n_configs").set_value(3).run()
    assert len(_table(at)) == 3 and _table(at)["configuration"][2] == "#3 GD · WK · d=10 · η default"
    at.toggle(key="compare_log_x").set_value(True).run()
    assert _trials_spec(at)["layout"]["xaxis"]["type"] == "log"


def test_query_params_set_the_widgets():
    at = _app(
        {
            "trials": "3",
            "c2_init": "spectral",
            "c2_param": "0.2",
            "n_configs": "3",
            "c3_algorithm": "scaledgd",
            "m": "60",
        }
    )
    assert not at.exception and not at.error
    assert at.number_input(key="compare_trials").value == 3
    assert at.selectbox(key="compare_c2_init").value == "spectral"
    assert at.number_input(key="compare_c2_param").value == 0.2
    assert at.number_input(key="compare_m").value == 60
    df = _table(at)
    assert (
        len(df) == 3
        and "spectral perturbation=0.2" in df["configuration"][1]
        and df["configuration"][2].startswith("#3 SCALEDGD")
    )


def test_invalid_query_params_show_an_error_and_use_the_default():
    query = {
        "c1_algorithm": "flow",
        "trials": "0",
        "n_configs": "9",
        "c3_width": "abc",
        "m": "999999",
        "log_x": "maybe",
        "c2_param": "-1",
    }
    at = _app(query)
    assert not at.exception
    errs = [e.value for e in at.error]
    for name in query:  # one message per bad parameter, naming it
        assert sum(f"'{name}'" in e for e in errs) == 1, (name, errs)
    assert len(_table(at)) == 2 and list(_table(at)["reached tol"]) == ["10/10", "10/10"]  # defaults ran
    assert at.selectbox(key="compare_c1_algorithm").value == "agd"


def test_config_errors_are_reported_not_raised():
    at = _submit(_app({"trials": "2"}), m=8, n=8)
    assert not at.exception
    assert any("Configuration #1" in e.value and "width" in e.value for e in at.error)
    at = _app({"trials": "100", "max_iter": "1000000"})
    assert not at.exception and not at.dataframe
    assert any("'trials' or 'max_iter'" in e.value for e in at.error)


def test_presets_are_valid_and_load_in_one_click():
    from agdui import compare_run as R

    params = {p.name: p for p in R.PARAMS}
    for preset in R.PRESETS.values():
        for name, v in preset.items():
            assert params[name].parse(params[name].format(v)) == v, (name, v)
    paper = R.PRESETS["Ward–Kolda vs Gaussian (paper)"]
    assert paper["c1_step"] == paper["c2_step"] == pytest.approx(9 / (4 * 8 * 0.5 * paper["sigma1"]))
    assert paper["c2_param"] == 1e-3 and paper["max_iter"] >= 20_000 and paper["trials"] == 10
    at = _app()
    at.button(key=next(b.key for b in at.sidebar.button if b.label == "AGD vs GD (same init)")).click().run()
    assert not at.exception
    assert list(_table(at)["configuration"]) == ["#1 AGD · WK · d=10 · η default", "#2 GD · WK · d=10 · η default"]


def test_stop_path_shows_finished_configurations_only():
    from agdui import compare_run as R
    from agdui import live
    from agdui import settings as S

    values = {**{p.name: p.default for p in R.PARAMS}, "trials": 2, "c2_width": 9}
    configs = R.configs(values)
    pkey = S.problem_key({**values, "source": "synthetic"})
    ids = [live.run_key({"problem": pkey, "K": 2, **R.trial_kwargs(c, values)}) for c in configs]
    _app({"trials": "2"})  # caches configuration #1 with K = 2
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["trials"], at.query_params["c2_width"] = "2", "9"
    at.session_state["compare__stop"] = live.run_key({"ids": ids})
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert any("Stopped: not run" in i.value and "#2" in i.value for i in at.info)
    assert list(_table(at)["configuration"]) == ["#1 AGD · WK · d=10 · η default"]
    assert "Run to the end" in [b.label for b in at.button]
    at.button(key="compare_resume").click().run()
    assert len(_table(at)) == 2 and list(_table(at)["reached tol"]) == ["2/2", "2/2"]


def test_snippet_reproduces_the_table():
    at = _app({"trials": "3"})
    code = snippet_code(at, "solve_trials", key="compare__snippet_open")
    ns = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102 - our own generated code
    printed = [float(line.split("inf):", 1)[1].split()[0]) for line in out.getvalue().splitlines()]
    meds = [np.nanmedian(tr.iterations_to_tol) for tr in ns["runs"].values()]
    table = [int(x.replace(",", "")) for x in _table(at)["median iterations"]]
    assert [int(np.quantile(tr.iterations_to_tol, 0.5, method="lower")) for tr in ns["runs"].values()] == table
    assert all(abs(m - t) <= 0.5 * t for m, t in zip(meds, table))
    assert list(ns["runs"]) == list(_table(at)["configuration"])
    assert [int(p) for p in printed] == table  # what the snippet prints is what the table shows


def test_stopped_comparison_abandons_its_worker_at_once():
    import threading
    import time

    import agdcore as agd
    from agdui import compare_run as R

    class Interrupted(BaseException):  # what Streamlit raises at a yield point after Stop
        pass

    class FakeLive:
        def update(self, fraction, text):
            raise Interrupted

    p = agd.make_problem(m=60, n=60, rank=3, seed=0)
    t0 = time.perf_counter()
    with pytest.raises(Interrupted):
        R.run_trials(FakeLive(), p, dict(init="gaussian", max_iter=200_000, tol=0.0), 10, "#1", 0, 10)
    while any(th.name == "agd-trials" for th in threading.enumerate()) and time.perf_counter() - t0 < 5:
        time.sleep(0.02)
    assert not any(th.name == "agd-trials" for th in threading.enumerate())
    assert time.perf_counter() - t0 < 2.0  # the 10 × 200,000-iteration batch was not finished


def test_headline_and_table_use_the_same_median():
    """Regression: the sentence above the table once used np.median, the table the 'lower' median."""
    import agdcore as agd
    from agdui import compare_run as R

    p = agd.make_problem(m=40, n=40, rank=3, seed=0)
    a = agd.solve_trials(p, range(4), width=3, max_iter=20_000)
    b = agd.solve_trials(p, range(4), init="gaussian", width=3, max_iter=20_000)
    assert np.all(np.isfinite(a.iterations_to_tol)) and np.all(np.isfinite(b.iterations_to_tol))
    assert len(set(b.iterations_to_tol)) == 4  # an even count of distinct values: the two medians differ
    table = R.summary_table([("#1 a", a), ("#2 b", b)], 20_000)
    sentence = R.headline([("#1 a", a), ("#2 b", b)], 20_000)
    for med in table["median iterations"]:
        assert f" {med} " in sentence
