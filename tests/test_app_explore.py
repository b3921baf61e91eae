"""AppTest tests of the Explore page (no browser): rendering, widgets, URL state, bad input, uploads, Stop."""

import io
import json
import pickle

import numpy as np
import pytest
from conftest import APP, snippet_code
from streamlit.testing.v1 import AppTest

import agdcore as agd
from agdui import explore_view as V

SUBMIT = "FormSubmitter:explore_form-Apply"


def _app(query=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def _snippet(at) -> str:
    return snippet_code(at, "agd.solve(")


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _apply(at, **values):
    for key, v in values.items():
        w = at.get_by_key(f"explore_{key}")
        w.set_value(v)
    return at.button(key=SUBMIT).click().run()


@pytest.fixture(scope="module")
def default_app():
    return _app()


def test_default_render(default_app):
    at = default_app
    assert not at.exception and not at.error
    assert len(_charts(at)) == 3  # balance and spectra: drawn once their expander is opened
    at.session_state[V.MORE_KEY] = True
    at.run()
    specs = _charts(at)
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert titles[0] == "Relative error e<sub>t</sub>" and len(specs) == 5
    assert any("Singular values of Y" in t for t in titles) and any("Balancedness" in t for t in titles)
    legend = [tr.get("name", "") for tr in specs[0]["data"]]
    assert any("live bound" in n and "(derived" in n for n in legend)
    assert specs[0]["layout"]["yaxis"]["type"] == "log"
    assert at.success[0].value.startswith("Converged")
    assert at.metric[0].label == "Iterations to tol" and 200 < int(at.metric[0].value.replace(",", "")) < 400
    checks = [m.value for m in at.markdown if "✔" in m.value or "✘" in m.value]
    assert len(checks) == 6 and all("✔" in c for c in checks)
    assert {d.label for d in at.get("download_button")} == {"Curves (CSV)", "Run (JSON, CLI schema)"}


STEPS = [  # applied one after the other on the same page (each is one form submission)
    ("m", 120, "m=120"),
    ("n", 90, "n=90"),
    ("rank", 3, "rank=3"),
    ("kappa", 4.0, "kappa=4.0"),
    ("spectrum", "linear", "spectrum='linear'"),
    ("noise", 0.01, "noise=0.01"),
    ("sigma1", 2.0, "sigma1=2.0"),
    ("problem_seed", 3, "noise=0.01, seed=3,"),
    ("width", 7, "width=7"),
    ("step", 0.3, "step=0.3"),
    ("max_iter", 150, "max_iter=150"),
    ("tol", 1e-6, "tol=1e-06"),
    ("seed", 5, "seed=5"),
    ("C", 4.0, "C=4.0"),
    ("nu", 0.25, "nu=0.25"),
    ("D", 0.1, "D=0.1"),
]


def test_each_form_widget_changes_the_run():
    at = _app()
    before = _charts(at)[0]["data"][0]["y"]
    for key, value, expect in STEPS:
        at = _apply(at, **{key: value})
        assert not at.exception and not at.error, key
        assert expect in _snippet(at), (key, _snippet(at))
    assert _charts(at)[0]["data"][0]["y"] != before  # the chart was redrawn for the new run


def test_algorithm_and_init_selectors_rerun_immediately():
    at = _app()
    at.selectbox(key="explore_algorithm").set_value("gd").run()
    assert "algorithm='gd'" in _snippet(at) and not at.exception
    at.selectbox(key="explore_init").set_value("gaussian").run()
    assert "init='gaussian'" in _snippet(at)
    assert at.number_input(key="explore_scale") is not None  # the init's own parameter is offered
    checks = [m.value for m in at.markdown if "✘" in m.value]
    assert any("algorithm is AGD" in c for c in checks) and any("Ward–Kolda init" in c for c in checks)


def test_flow_uses_time_axis():
    at = _app({"algorithm": "flow", "max_iter": "300"})
    assert not at.exception
    assert _charts(at)[0]["layout"]["xaxis"]["title"]["text"] == "time t"


def test_query_params_set_the_widgets():
    at = _app(
        {
            "m": "80",
            "kappa": "3",
            "spectrum": "linear",
            "init": "gaussian",
            "scale": "0.01",
            "step": "0.4",
            "tol": "1e-8",
            "seed": "7",
        }
    )
    assert not at.exception and not at.error
    assert at.number_input(key="explore_m").value == 80
    assert at.number_input(key="explore_kappa").value == 3.0
    assert at.selectbox(key="explore_spectrum").value == "linear"
    assert at.selectbox(key="explore_init").value == "gaussian"
    assert at.number_input(key="explore_scale").value == 0.01
    assert at.number_input(key="explore_step").value == 0.4
    code = _snippet(at)
    assert "m=80" in code and "scale=0.01" in code and "seed=7" in code and "tol=1e-08" in code


@pytest.mark.parametrize(
    "query",
    [
        {"algorithm": "foo", "m": "abc", "tol": "-1", "kappa": "nan", "width": "2.5", "bogus": "1"},
        {"m": "100000", "spectrum": "cubic", "step": "-3", "seed": "1e12"},
    ],
)
def test_invalid_query_params_show_an_error_and_use_the_default(query):
    at = _app(query)
    assert not at.exception
    errs = [e.value for e in at.error]
    for name in query:  # one message per bad parameter, naming it
        assert sum(f"'{name}'" in e for e in errs) == 1, (name, errs)
    assert len(errs) == len(query)
    assert at.success  # the default run still happened
    defaults = {"m": 100, "width": 10, "kappa": 10.0, "tol": 1e-10, "seed": 1}
    for name in set(query) & set(defaults):
        assert at.number_input(key=f"explore_{name}").value == defaults[name]
    if "algorithm" in query:
        assert at.selectbox(key="explore_algorithm").value == "agd"


def test_cross_parameter_errors_are_reported_not_raised():
    at = _apply(_app(), m=20, n=20, width=30)
    assert not at.exception
    assert any("Solver settings" in e.value and "width" in e.value for e in at.error)
    at = _apply(_app(), rank=60, m=50)
    assert any("Problem settings" in e.value and "rank" in e.value for e in at.error)


def test_divergent_run_warns_with_step_bound_and_marks_the_chart():
    at = _apply(_app(), step=5.0)
    assert not at.exception
    warn = at.warning[0].value
    assert "Diverged" in warn and "smaller step" in warn and "1/σ₁(A)" in warn
    names = [tr.get("name", "") for tr in _charts(at)[0]["data"]]
    assert any(n.startswith("diverged at iteration") for n in names)


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_upload_page_path_errors_keep_previous_state():
    at = _app()
    rng = np.random.default_rng(0)
    good = rng.standard_normal((30, 3)) @ rng.standard_normal((3, 20))
    at.session_state["explore__pending_upload"] = ("mine.npy", _npy(good))
    at.run()
    assert not at.exception and at.radio(key="explore_source").value == "upload"
    assert "agd.load_matrix('mine.npy')" in _snippet(at)
    digest = at.session_state["explore__upload"].digest
    for name, data in [
        ("bad.txt", b"1,2\n3,4\n"),
        ("bad.csv", b"1,2\n3,x\n"),
        ("nan.csv", b"1,2\n3,nan\n"),
        ("vec.npy", _npy(np.arange(5.0))),
        ("cube.npy", _npy(np.zeros((2, 3, 4)) + 1)),
        ("obj.npy", _npy(np.array([{"a": 1}, None], dtype=object))),
    ]:
        at.session_state["explore__pending_upload"] = (name, data)
        at.run()
        assert not at.exception
        errs = [e.value for e in at.sidebar.error]
        assert errs and name in errs[0] and "previous matrix is kept" in errs[0], (name, errs)
        assert at.session_state["explore__upload"].digest == digest
        assert "agd.load_matrix('mine.npy')" in _snippet(at)


def test_upload_url_without_matrix_falls_back():
    at = _app({"source": "upload"})
    assert not at.exception
    assert any("No uploaded matrix" in i.value for i in at.info)
    assert "agd.make_problem(" in _snippet(at)


def test_stop_path_shows_partial_result_and_resumes():
    from agdui import live
    from agdui import settings as S
    from agdui.explore_view import PARAMS

    values = {**{p.name: p.default for p in PARAMS}, "seed": 4242}  # settings not cached by other tests
    kwargs = S.solve_kwargs(values)
    run_id = live.run_key({"problem": S.problem_key(values), **kwargs})
    p = agd.make_problem()
    snaps = []

    def cb(progress):
        if progress.iteration >= 40:
            snaps.append(progress.snapshot())
            return True
        return False

    agd.solve(p, callback=cb, callback_interval=0.0, **kwargs)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["seed"] = "4242"
    at.session_state["explore__stop"] = run_id
    at.session_state["explore__partial"] = (run_id, snaps[0])
    at.run()
    assert not at.exception
    assert any("Stopped by you" in i.value for i in at.info)
    assert "Run to the end" in [b.label for b in at.button]
    assert any("stopped early" in i.value for i in at.info)  # the theory panel says why it is empty
    at.button(key="explore_resume").click().run()
    assert at.success and at.success[0].value.startswith("Converged")


def test_snippet_reproduces_the_final_error(default_app):
    at = default_app
    ns = {}
    exec(compile(_snippet(at), "<snippet>", "exec"), ns)  # noqa: S102 - our own generated code
    r = ns["r"]
    assert f"{r.final_error:.3e}" == at.metric[1].value
    assert r.n_iter == int(at.metric[0].value.replace(",", ""))


def test_pickled_npy_is_never_loaded():
    from agdui.upload import read_upload

    payload = pickle.dumps(np.eye(3))
    with pytest.raises(ValueError):
        read_upload("evil.npy", payload)


# ---------------------------------------------------------------------- upload validation (real bytes)
@pytest.mark.parametrize(
    "name,data,match",
    [
        ("m.txt", b"1,2\n3,4\n", "not a .npy or .csv"),
        ("m.csv", b"1,2\n3,oops\n", "malformed"),
        ("m.csv", b"1,2,3\n4,5\n", "different lengths"),
        ("m.csv", b"1,2\n3,inf\n", "NaN or Inf"),
        ("m.csv", b"1,2,3\n", "between 2 and"),
        ("m.npy", "vec", "2-D"),
        ("m.npy", "cube", "2-D"),
        ("m.npy", "object", "Python objects"),
        ("m.npy", "pickle", "malformed|never loaded"),
        ("m.npy", b"\x93NUMPY garbage", "malformed"),
        ("m.npy", "nan", "NaN or Inf"),
        ("m.npy", "zeros", "all zeros"),
    ],
)
def test_read_upload_refuses_bad_files(name, data, match):
    from agdui.upload import read_upload

    arrays = {
        "vec": np.arange(4.0),
        "cube": np.ones((2, 3, 4)),
        "nan": np.array([[1.0, np.nan], [0.0, 1.0]]),
        "zeros": np.zeros((3, 3)),
        "object": np.array([[1, "a"], [None, 2]], dtype=object),
    }
    if data == "pickle":
        data = pickle.dumps(np.eye(3))
    elif isinstance(data, str):
        buf = io.BytesIO()
        np.save(buf, arrays[data], allow_pickle=(data == "object"))
        data = buf.getvalue()
    with pytest.raises(ValueError, match=match) as err:
        read_upload(name, data)
    assert name in str(err.value)


def test_read_upload_size_limit_and_good_files():
    from agdui.upload import read_upload

    with pytest.raises(ValueError, match="limit is 50 MB"):
        read_upload("big.npy", b"0" * (50 * 1024 * 1024 + 1))
    A = np.arange(12.0).reshape(4, 3) + 1
    up_npy = read_upload("a.npy", _npy(A))
    up_csv = read_upload("a.csv", b"x,y,z\n" + "\n".join(",".join(map(str, r)) for r in A).encode())
    assert up_npy.shape == (4, 3) and np.array_equal(up_npy.array, A) and np.array_equal(up_csv.array, A)
    assert up_npy.digest == up_csv.digest  # keyed on content, not on the file format
    assert read_upload("b.npy", _npy(A + 1)).digest != up_npy.digest
    assert not up_npy.array.flags.writeable


# ---------------------------------------------------------------------- URL parsing (pure)
def test_parse_query_validates_every_kind():
    from agdui.explore_view import PARAMS
    from agdui.urlstate import parse_query, url_values

    vals, errs = parse_query(PARAMS, {"m": "200", "step": "default", "D": "", "spectrum": "linear", "seed": "3"})
    assert vals == {"m": 200, "step": None, "D": None, "spectrum": "linear", "seed": 3} and not errs
    vals, errs = parse_query(PARAMS, {"m": "1e9", "algorithm": "foo", "tol": "x", "embed": "true", "zzz": "1"})
    assert vals == {} and len(errs) == 4
    assert any("'m'" in e and "between 2 and 5000" in e for e in errs)
    assert any("'algorithm'" in e and "agd" in e for e in errs)
    assert any("Unknown URL parameter 'zzz'" in e for e in errs)
    defaults = {p.name: p.default for p in PARAMS}
    assert url_values(PARAMS, defaults) == {}
    assert url_values(PARAMS, {**defaults, "kappa": 3.0, "step": 0.25}) == {"kappa": "3", "step": "0.25"}


# ---------------------------------------------------------------------- downloads (pure)
def test_curves_csv_and_json_download_content():
    import pandas as pd

    from agdui.export import curves_csv, trials_csv

    p = agd.make_problem(m=40, n=30, rank=3, kappa=4.0, seed=0)
    r = agd.solve(p, width=6)
    df = pd.read_csv(io.StringIO(curves_csv(r)))
    assert list(df.columns[:2]) == ["iteration_t", "e_t"] and len(df) == r.n_iter + 1
    assert {"live_bound", "frozen_x", "a_priori", "tol"} <= set(df.columns)
    assert np.allclose(df["e_t"], r.error) and np.allclose(
        df["a_priori"], r.error[0] * r.bounds["rate_a_priori"] ** r.t
    )
    doc = json.loads(r.to_json())
    assert doc["n_iter"] == r.n_iter and doc["config"]["width"] == 6  # the CLI schema
    tr = agd.solve_trials(p, seeds=range(3), width=6)
    tdf = pd.read_csv(io.StringIO(trials_csv([("#1", tr)])))
    assert list(tdf.columns) == ["config", "t", "q25", "median", "q75"] and len(tdf) == len(tr.t)


def test_the_theory_numbers_are_drawn_when_their_expander_is_opened(default_app):
    from agdui import theory_check as TC

    at = default_app
    table = [m.value for m in at.markdown if r"$T_{\text{a-priori}}(\varepsilon)$" in m.value]
    if not at.session_state[TC.NUMBERS_KEY]:
        assert not table and not at.latex  # closed: nothing typeset, nothing sent
        at.session_state[TC.NUMBERS_KEY] = True
        at.run()
    table = [m.value for m in at.markdown if r"$T_{\text{a-priori}}(\varepsilon)$" in m.value]
    assert len(table) == 1 and "measured" in table[0] and "derived" in table[0]
    assert any(r"\log\frac1\varepsilon" in x.value for x in at.latex)  # the paper's headline formula
    assert any(e.label == TC.NUMBERS_LABEL for e in at.expander)
