"""What a reader sees as text: no raw TeX braces outside math, every grade defined (issue 14, item 4)."""

import re

import pytest

import agdcore as agd
from agdcore import experiments as ex
from agdcore.grades import GRADES
from agdcore.report import theory_checks

RAW_TEX = re.compile(r"[_^]\{")  # σ_{r+1}, X^{T}: markdown shows the braces verbatim


def _texts():
    for exp in ex.EXPERIMENTS.values():
        yield f"{exp.key}: title", exp.title
        yield f"{exp.key}: caption", exp.caption
        yield f"{exp.key}: look for", exp.look_for
        yield f"{exp.key}: summary", exp.summary


@pytest.mark.parametrize("where,text", list(_texts()))
def test_experiment_texts_have_no_raw_tex_and_only_defined_grades(where, text):
    assert not RAW_TEX.search(text), f"{where} shows raw TeX: {RAW_TEX.search(text).group()}"
    for grade in re.findall(r"\[([A-Z])\]", text):
        assert grade in GRADES, f"{where} uses the undefined grade [{grade}]"


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_theory_check_details_have_no_raw_tex(noise):
    p = agd.make_problem(noise=noise)
    r = agd.solve(p, max_iter=20)
    details = [c["detail"] for c in r.bounds["checks"]]
    assert len(details) >= 5
    for d in details:
        assert not RAW_TEX.search(d), d
    in_span = r.bounds["checks"][-1]["ok"]
    assert theory_checks(p, r.settings, in_span, p.is_exactly_low_rank) == r.bounds["checks"]
    assert theory_checks(p, r.config, in_span, p.is_exactly_low_rank) == r.bounds["checks"]  # the JSON form too


def test_every_grade_on_the_theory_page_is_defined_once():
    assert set(GRADES) == {"V", "S", "D", "U", "A"}
    assert all(label.endswith(f"[{k}]") for k, (label, _, _) in GRADES.items())


# ---------------------------------------------------------------- widget and metric labels (issue 14, item 4)
_MATH_OR_CODE = re.compile(r"\$[^$]*\$|`[^`]*`")
_WIDGETS = ("number_input", "text_input", "selectbox", "radio", "checkbox", "slider", "toggle", "multiselect", "metric")


@pytest.mark.parametrize("page", ["pages/explore.py", "pages/compare.py", "pages/sweeps.py"])
def test_no_widget_or_metric_label_shows_a_raw_underscore(page):
    """Labels are Markdown: a lone "_" (σ_r, e_t) is shown verbatim, so subscripts are written in Unicode."""
    from conftest import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90).switch_page(page).run()
    assert not at.exception
    labels = [w.label for kind in _WIDGETS for w in getattr(at, kind)]
    assert len(labels) >= 5  # the page rendered its settings
    raw = [label for label in labels if "_" in _MATH_OR_CODE.sub("", label)]
    assert not raw, f"{page}: labels with a raw underscore: {raw}"


def test_compare_table_headers_are_short_and_explained():
    """Compare's table header "median seconds /" was cut off: headers are short, and each keeps its full
    meaning as a tooltip; the configuration column is pinned so it stays in view on a phone."""
    from agdui import compare_view

    cfg = compare_view.table_columns()
    assert cfg["configuration"]["pinned"] is True
    for name, col in cfg.items():
        assert len(col["label"]) <= 13, (name, col["label"])
        if name != "configuration":
            assert col["help"] and len(col["help"]) > len(col["label"]), name
