"""AppTest for the Theory and Paper pages: default render, live calculator, input errors, experiment buttons."""

import json
import random

import pytest
from conftest import APP
from streamlit.testing.v1 import AppTest


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def metrics(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def theory():
    return open_page("pages/theory.py")


def test_theory_default_render(theory):
    assert not theory.error
    assert len(theory.latex) >= 15  # every formula card is typeset
    titles = [c["layout"]["title"]["text"] for c in charts(theory)]
    assert len(titles) == 4 and titles[0].startswith("T(ε) grows like κ²") and "δ" in titles[2]
    m = metrics(theory)
    assert m["ρ [U form]"] == "0.1838" and m["v2 factor [V]"] == "7.403" and m["T(ε) a-priori [D]"] == "8,727,013"
    text = " ".join(md.value for md in theory.markdown)
    for grade in ("paper [V]", "secondary [S]", "derived [D]", "unverified [U]"):
        assert grade in text
    assert "C × 1.704e+04" in text  # the paper's bound: unstated constant C


def test_calculator_numbers_follow_the_inputs(theory):
    theory.number_input(key="th_kappa").set_value(100.0).run()
    assert metrics(theory)["T(ε) a-priori [D]"] == "872,701,789"  # ×100 for κ ×10: the κ² law
    theory.radio(key="th_mode").set_value("d/r").run()
    theory.number_input(key="th_ratio").set_value(4.0).run()
    m = metrics(theory)
    assert m["v2 factor [V]"] == "3.273" and m["v1 factor [V]"] == "1.333"
    marker = charts(theory)[1]["data"][2]
    assert marker["x"] == [4.0] and "your d = 20" in marker["name"]
    assert not theory.error and not theory.exception


BAD = [
    ("th_r", 0, 5, "r must be"),
    ("th_d", 3, 10, "d must be"),
    ("th_eps", 2.0, 1e-10, "ε must be"),
    ("th_nu", 1.5, 0.5, "ν must be"),
    ("th_kappa", 0.5, 10.0, "κ must be"),
    ("th_C", -1.0, 8.0, "C must be"),
]


def test_invalid_calculator_input_gives_an_error_not_a_crash(theory):
    for key, bad, good, word in BAD:
        theory.number_input(key=key).set_value(bad).run()
        assert not theory.exception
        errors = [e.value for e in theory.error]
        assert errors and word in errors[0], (key, errors)
        assert any("defaults r = 5, d = 10" in i.value for i in theory.info)
        assert len(charts(theory)) == 2  # δ and v1/v2 plots still shown (defaults)
        theory.number_input(key=key).set_value(good).run()
        assert not theory.error and len(charts(theory)) == 4, key  # back to normal once fixed
    theory.radio(key="th_mode").set_value("d/r").run()
    theory.number_input(key="th_ratio").set_value(0.5).run()
    assert not theory.exception and "d/r must be a number between 1" in theory.error[0].value


FIRST = "Unbalanced (Ward–Kolda) vs Gaussian initialization, same step (seed {seed})"


def test_paper_opens_with_the_first_chart_drawn_and_cached_on_its_settings():
    """Issue 12: no click needed for experiment 1; each experiment shows a short claim, settings in an expander."""
    import time

    from agdcore import experiments as ex
    from agdui import live

    at = open_page("pages/paper.py")
    assert not at.exception and not at.error
    (spec,) = charts(at)
    assert spec["layout"]["title"]["text"] == FIRST.format(seed=1)
    assert len(spec["data"]) == 5  # three runs, the live bound and the fitted shape of the paper's rate
    claims = [m.value for m in at.markdown if "material/check_circle" in m.value or "material/cancel" in m.value]
    assert len(claims) == 5 and all("check_circle" in c for c in claims)  # experiment 1's claims, holding
    assert len(at.button) == len(ex.EXPERIMENTS) == 13
    assert [e.label for e in at.expander] == ["Full settings, and the numbers to expect (seed 1)"] * 13
    text = [m.value for m in at.markdown]
    for exp in ex.EXPERIMENTS.values():
        assert any(exp.summary[:40] in t for t in text), exp.key  # the short claim shown first
    first = ex.EXPERIMENTS["init"]
    rid = "init:1:" + live.run_key({"runs": [repr(c) for c in first.runs], "levels": first.milestones})
    assert live.cache_get("paper", rid) is not None  # st.cache_data, keyed on the experiment's settings
    t0 = time.perf_counter()
    at.run()
    assert len(charts(at)) == 1 and time.perf_counter() - t0 < 1.5  # a rerun is a cache hit, not a 2-s run


def test_paper_observed_experiments_run_on_a_click():
    at = open_page("pages/paper.py")
    seed = random.randint(10_000, 2**31 - 1)
    at.number_input(key="pp_seed").set_value(seed).run()
    assert len(charts(at)) == 1  # not yet run
    at.button(key="pp_run_sensing").click().run()
    at.button(key="pp_run_completion").click().run()
    assert not at.exception
    _, sensing, completion = charts(at)
    assert sensing["layout"]["title"]["text"] == f"PrecGD vs GD vs ScaledGD in over-parameterized sensing (seed {seed})"
    assert completion["layout"]["title"]["text"].startswith("Completion from the Ward–Kolda (unbalanced), spectral")
    for spec in (sensing, completion):
        assert spec["layout"]["yaxis"]["title"]["text"].startswith("recovery")
    assert len(sensing["data"]) == 5 and len(completion["data"]) == 6
    assert any("no theory here" in t["name"] for t in completion["data"])
    notes = [c.value for c in at.caption if c.value.startswith("No Ward–Kolda bound here")]
    assert len(notes) == 2 and "matrix sensing" in notes[0] and "matrix completion" in notes[1]
    claims = [m.value for m in at.markdown if "material/check_circle" in m.value or "material/cancel" in m.value]
    assert any("PrecGD with d = 4" in c for c in claims) and any("d = 2r = 10" in c for c in claims)


def test_paper_button_renders_chart_table_and_checked_claims():
    at = open_page("pages/paper.py")
    seed = random.randint(10_000, 2**31 - 1)  # a seed no other test cached
    at.number_input(key="pp_seed").set_value(seed).run()
    # issue 12: only the first experiment runs before a click (nothing else does)
    assert [c["layout"]["title"]["text"] for c in charts(at)] == [FIRST.format(seed=seed)]
    at.button(key="pp_run_nystrom").click().run()
    assert not at.exception
    first, spec = charts(at)
    assert spec["layout"]["title"]["text"] == f"ScaledGD with the Nyström initialization (seed {seed})"
    assert len(at.dataframe) == 2 and len(at.dataframe[1].value) == 2
    claims = [m.value for m in at.markdown if "material/check_circle" in m.value or "material/cancel" in m.value]
    nystrom = [c for c in claims if "η = " in c]
    assert len(nystrom) == 2 and all("check_circle" in c for c in nystrom)
    at.run()  # a rerun keeps (cached) results
    assert len(charts(at)) == 2


def test_paper_flow_experiment_uses_a_time_axis():
    at = open_page("pages/paper.py")
    at.number_input(key="pp_seed").set_value(random.randint(10_000, 2**31 - 1)).run()
    at.button(key="pp_run_flow").click().run()
    _, spec = charts(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "iteration t"
    assert spec["layout"]["xaxis2"]["title"]["text"].startswith("time t")


def test_paper_invalid_seed_is_reported():
    at = open_page("pages/paper.py")
    at.number_input(key="pp_seed").set_value(-3).run()
    assert not at.exception
    assert at.error and "seed must be an integer between 0 and 2147483647" in at.error[0].value
