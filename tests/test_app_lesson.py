"""AppTests: the Lesson page (steps, URL, navigation) and Explore's pictures of the reconstruction."""

import json

import pytest
from conftest import APP
from streamlit.testing.v1 import AppTest

from agdcore import lesson as L


def _lesson(step=None):
    at = AppTest.from_file(APP, default_timeout=120).run()  # the router first (Explore, the default page)
    at.switch_page("pages/lesson.py")
    if step is not None:  # set after Explore ran: there ``step`` is the step size η, and Explore rewrites the URL
        at.query_params["step"] = step
    return at.run()


def _titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def _heading(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### Step"))


def test_lesson_opens_at_step_one_with_text_question_and_charts():
    at = _lesson()
    assert not at.exception and not at.error
    assert _heading(at) == f"### Step 1 of {len(L.STEPS)} · {L.STEPS[0].title}"
    html = " ".join(m.value for m in at.markdown)
    assert "lesson-text" in html and f"Question for the class: {L.STEPS[0].question}" in html.replace("&#x27;", "'")
    titles = _titles(at)
    assert titles[0].startswith("Reconstruction at iteration") and len(titles) == 2
    assert at.button(key="lesson_prev").disabled and not at.button(key="lesson_next").disabled
    assert at.query_params["step"] == ["1"] or at.query_params["step"] == "1"


def test_next_and_previous_walk_every_step():
    at = _lesson()
    for k in range(2, len(L.STEPS) + 1):
        at.button(key="lesson_next").click().run()
        assert not at.exception, k
        assert _heading(at).startswith(f"### Step {k} of"), k
        assert len(at.get("plotly_chart")) == len(L.STEPS[k - 1].charts)
    assert at.button(key="lesson_next").disabled
    at.button(key="lesson_prev").click().run()
    assert _heading(at).startswith(f"### Step {len(L.STEPS) - 1} of")


def test_step_four_shows_the_divergence_message():
    at = _lesson("4")
    assert _heading(at).startswith("### Step 4 of")
    assert any("Diverged at iteration" in w.value for w in at.warning)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any("diverged at iteration" in (tr.get("name") or "") for tr in spec["data"])
    assert spec["layout"]["font"]["size"] > 16  # the projector setting


@pytest.mark.parametrize("bad", ["12", "0", "two"])
def test_invalid_step_is_reported_and_falls_back(bad):
    at = _lesson(bad)
    assert not at.exception
    assert at.error[0].value == (
        f"URL parameter 'step' must be a whole number in 1 … {len(L.STEPS)}, got {bad!r}; showing step 1."
    )
    assert _heading(at).startswith("### Step 1 of")


def _explore(query=None):
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def test_explore_pictures_are_off_by_default_and_switch_on():
    at = _explore()
    assert not any(t.startswith("Reconstruction") for t in _titles(at))
    at.toggle(key="explore_pictures_on").set_value(True).run()
    assert not at.exception
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "Reconstruction" in c.proto.spec)
    names = [a["text"] for a in spec["layout"]["annotations"]]
    assert names == ["A", "XₜYₜᵀ", "best rank 10", "residual"]
    assert [tr["coloraxis"] for tr in spec["data"]] == ["coloraxis"] * 3 + ["coloraxis2"]


def test_explore_photo_preset_shows_the_pictures_and_the_floor():
    at = _explore({"source": "photo", "max_iter": "300"})
    assert not at.exception and not at.error
    titles = _titles(at)
    assert any(t.startswith("Reconstruction at iteration t = 300") for t in titles)
    loss = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any("Eckart–Young floor" in (tr.get("name") or "") for tr in loss["data"])
    assert any("Grace Hopper" in c.value for c in at.caption)
    assert any("best rank-10 image has e =" in c.value for c in at.caption)


def test_explore_sensing_says_there_are_no_entries_to_show():
    q = {"observe": "sensing", "m": "15", "n": "12", "rank": "2", "width": "2", "max_iter": "50", "init": "spectral"}
    at = _explore(q)
    at.toggle(key="explore_pictures_on").set_value(True).run()
    assert not at.exception
    assert any("Sensing observes no entries" in c.value for c in at.caption)


def test_the_start_and_step_lessons_point_to_the_landscape_page():
    from agdcore import lesson as L

    linked = [i + 1 for i, s in enumerate(L.STEPS) if s.landscape]
    assert linked == [3, 4]
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["step"] = "4"
    at.switch_page("pages/lesson.py").run()
    assert not at.exception
    links = [e for e in at.get("page_link")]
    assert any("landscape" in e.proto.page for e in links), [e.proto for e in links]
