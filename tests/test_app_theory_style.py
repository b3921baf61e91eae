"""AppTest: the Theory page draws its charts in the house style of Explore, and its calculator is bounds'."""

import json

from conftest import APP
from streamlit.testing.v1 import AppTest

from agdcore import bounds, plots


def test_theory_page_charts_use_the_house_style_and_the_calculator_is_bounds():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/theory.py").run()
    assert not at.exception, at.exception
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 4
    for spec in charts:
        lay = spec["layout"]
        assert lay["font"]["family"] == plots.FONT["family"] and lay["font"]["size"] == plots.FONT["size"]
        assert lay["xaxis"]["gridcolor"] == "#e3e3e3" and lay["legend"]["orientation"] == "h"
    at.number_input(key="th_kappa").set_value(1e7).run()
    m = {x.label: x.value for x in at.metric}
    T = bounds.a_priori_calculator(r=5, d=10, kappa=1e7, C=8.0, nu=0.5, theta=0.5, eps=1e-10, e0=1.0)["T"]
    assert m["T(ε) a-priori [D]"] == f"{T:.3e}" == "8.727e+18"
