"""Issue 14.1: settings whose widgets appear and disappear (with the init or the algorithm) must not make
``urlstate`` re-seed every key from the URL, which threw away the user's next change."""

import pytest
from conftest import APP, snippet_code
from streamlit.testing.v1 import AppTest

SUBMIT = "FormSubmitter:explore_form-Apply"


def _snippet(at) -> str:
    return snippet_code(at, "agd.solve(")


def _apply(at, **values):
    for key, v in values.items():
        at.get_by_key(f"explore_{key}").set_value(v)
    return at.button(key=SUBMIT).click().run()


def _hidden_widget_app():
    """A minimal page: a toggle shows or hides a number input; a second input is always shown."""
    import streamlit as st

    from agdui import urlstate

    params = [
        urlstate.Param("show", True, "bool"),
        urlstate.Param("a", 1, "int", 0, 100),
        urlstate.Param("b", 2, "int", 0, 100),
    ]
    urlstate.init_state(params, "t")
    urlstate.widget(params[0], "t")
    if st.session_state["t_show"]:
        urlstate.widget(params[1], "t")
    urlstate.widget(params[2], "t")
    urlstate.sync_url(params, "t")
    st.markdown(f"values {urlstate.current_values(params, 't')}")


def test_hidden_widget_keeps_its_value_and_other_changes_stick():
    at = AppTest.from_function(_hidden_widget_app, default_timeout=30)
    at.query_params["a"] = "5"
    at.run()
    assert at.number_input(key="t_a").value == 5
    at.toggle(key="t_show").set_value(False).run()  # a's widget disappears: Streamlit drops t_a
    assert "'a': 5" in at.markdown[0].value
    for b in (7, 8, 9):  # each later change sticks
        at.number_input(key="t_b").set_value(b).run()
        assert at.number_input(key="t_b").value == b
        assert f"'b': {b}" in at.markdown[0].value and "'a': 5" in at.markdown[0].value
        assert at.query_params["b"] == [str(b)] or at.query_params["b"] == str(b)
    at.toggle(key="t_show").set_value(True).run()  # a comes back with its value
    assert at.number_input(key="t_a").value == 5


@pytest.mark.parametrize(
    "selector, value, hidden",
    [
        ("init", "gaussian", {"C": 4.0, "nu": 0.25}),  # Ward–Kolda's C, D, ν disappear
        ("init", "spectral", {"C": 4.0}),
        ("algorithm", "gd", {}),
    ],
)
def test_explore_changes_after_init_or_algorithm_change_are_kept(selector, value, hidden):
    at = AppTest.from_file(APP, default_timeout=60).run()
    if hidden:
        at = _apply(at, **hidden)
    at.selectbox(key=f"explore_{selector}").set_value(value).run()
    assert f"{selector}='{value}'" in _snippet(at)
    for key, v, expect in (("step", 0.3, "step=0.3"), ("seed", 4, "seed=4"), ("max_iter", 150, "max_iter=150")):
        at = _apply(at, **{key: v})
        assert not at.exception, key
        assert at.get_by_key(f"explore_{key}").value == v, key
        assert expect in _snippet(at), (key, _snippet(at))
        assert f"{selector}='{value}'" in _snippet(at)
    at.selectbox(key=f"explore_{selector}").set_value("ward-kolda" if selector == "init" else "agd").run()
    for key, v in hidden.items():  # the hidden options come back unchanged
        assert at.number_input(key=f"explore_{key}").value == v
    assert "step=0.3" in _snippet(at) and "max_iter=150" in _snippet(at)


def test_explore_algorithm_options_survive_a_switch_away():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="explore_algorithm").set_value("precgd").run()
    at = _apply(at, damping=0.5)
    assert "damping=0.5" in _snippet(at)
    at.selectbox(key="explore_algorithm").set_value("agd").run()
    at = _apply(at, seed=3)
    assert "seed=3" in _snippet(at)
    at.selectbox(key="explore_algorithm").set_value("precgd").run()
    assert at.number_input(key="explore_damping").value == 0.5
    assert "damping=0.5" in _snippet(at) and "seed=3" in _snippet(at)


def test_explore_values_survive_a_page_switch():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="explore_init").set_value("gaussian").run()
    at = _apply(at, step=0.3)
    at.switch_page("pages/theory.py").run()
    at.switch_page("pages/explore.py").run()
    assert at.selectbox(key="explore_init").value == "gaussian"
    assert at.number_input(key="explore_step").value == 0.3
