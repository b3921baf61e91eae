"""The Landscape page through AppTest: charts, animation controls, the divergence warning, URL state, theory card."""

from __future__ import annotations

import json

from conftest import APP
from streamlit.testing.v1 import AppTest

from agdcore import landscape as L
from agdcore import notes
from agdui.landscape_view import CARD

PAGE = "pages/landscape.py"


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def names(spec) -> list[str]:
    return [t.get("name") or "" for t in spec["data"]]


def test_default_render_map_animation_curvature_and_theory_card():
    at = open_page()
    assert not at.error and not at.warning  # η = 0.3: every default path converges
    landscape, curvature = charts(at)
    assert landscape["layout"]["title"]["text"].startswith("The landscape f = ½(a − xy)², a = 1, step η = 0.3")
    assert any(n.startswith("valley xy = a") for n in names(landscape))
    assert landscape["layout"]["xaxis"]["title"]["text"] == "x" and landscape["layout"]["yaxis"]["title"]["text"] == "y"
    assert landscape["data"][0]["type"] == "contour"
    buttons = landscape["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["▶ Play", "■ Pause"] and buttons[0]["method"] == "animate"
    slider = landscape["layout"]["sliders"][0]
    frames = landscape["frames"]
    assert len(slider["steps"]) == len(frames) > 10 and slider["active"] == len(frames) - 1
    # the frames replay the paths: the first frame holds one point per line, the last the whole path
    first, last = frames[0]["data"], frames[-1]["data"]
    assert len(first[0]["x"]) == 1 and len(last[0]["x"]) > 10
    assert len(frames[0]["traces"]) == 3 * 8  # 4 starts × 2 methods, each line + head + ✕
    lines = [n for n in names(curvature) if n.startswith("GD threshold 2/η = ")]
    assert lines == ["GD threshold 2/η = 6.67"]
    assert "AGD limit 2/η + ηa² = 6.97" in names(curvature)
    assert curvature["layout"]["yaxis"]["type"] == "log"
    text = " ".join(m.value for m in at.markdown)
    for _title, _grade, _latex, _note, anchor in CARD:
        assert notes.cite(anchor) in text and f"theory?note={anchor}" in text
        assert notes.grade(anchor) == "D"
    assert "derived [D]" in text and len(at.latex) >= len(CARD)
    table = at.dataframe[0].value
    assert list(table["start"]).count(L.STARTS["ward-kolda"]) == 2 and set(table["outcome"]) == {"converged"}


def test_a_step_above_the_threshold_is_marked_on_the_chart_and_in_a_warning():
    at = open_page()
    at.slider(key="landscape_eta").set_value(0.5).run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "The step η = 0.5 is above the divergence threshold for 1 path" in warning
    assert "GD · unbalanced, x₀ = 3√a** diverged at t = 6" in warning and "2/λ = 0.22" in warning
    landscape, curvature = charts(at)
    marks = [t for t in landscape["data"] if (t.get("name") or "").startswith("✕ GD · unbalanced")]
    assert len(marks) == 1 and marks[0]["x"] and marks[0]["text"] == ["diverged"]
    assert marks[0]["showlegend"] is True
    assert any(t.get("text") == ["diverged"] for t in curvature["data"])
    assert at.query_params["eta"] == "0.5"  # the view is in the URL
    rows = at.dataframe[0].value
    assert "diverged at t = 6" in set(rows["outcome"])
    unb = rows[rows["start"] == L.STARTS["unbalanced"]]  # the flow would land at √85 ≈ 9.22 > 2/η = 4: too sharp
    assert list(unb["λ∞ < limit"]) == ["no (4.5)", "no (4)"] and round(unb["flow's λ∞"].iloc[0], 2) == 9.22
    wk = rows[rows["start"] == L.STARTS["ward-kolda"]]  # Ward–Kolda's start lands flat enough for the same step
    assert list(wk["λ∞ < limit"]) == ["yes (4.5)", "yes (4)"]


def test_large_steps_gd_oscillates_agd_converges():
    at = open_page({"eta": "1.05", "starts": "balanced"})
    warning = " ".join(w.value for w in at.warning)
    assert "GD · small balanced oscillates and never converges" in warning and "2/η = 1.9" in warning
    rows = at.dataframe[0].value
    assert dict(zip(rows["method"], rows["outcome"])) == {"AGD": "converged", "GD": "oscillating"}


def test_url_sets_the_view_and_bad_values_are_named():
    at = open_page({"eta": "0.7", "model": "vector", "methods": "agd,flow", "a": "2"})
    assert at.slider(key="landscape_eta").value == 0.7 and at.radio(key="landscape_model").value == "vector"
    assert at.multiselect(key="landscape_methods_pick").value == ["agd", "flow"]
    landscape = charts(at)[0]
    assert landscape["layout"]["xaxis"]["title"]["text"] == "‖x‖"
    assert "a = 2, step η = 0.7" in landscape["layout"]["title"]["text"]
    bad = open_page({"eta": "9", "starts": "nope,balanced"})
    errors = " ".join(e.value for e in bad.error)
    assert "URL parameter 'eta' = '9' is invalid" in errors and "between 0.01 and 2" in errors
    assert "URL parameter 'starts'" in errors and "balanced, gaussian, ward-kolda, unbalanced" in errors
    assert bad.slider(key="landscape_eta").value == 0.3 and len(charts(bad)) == 2


def test_no_start_selected_asks_for_one():
    at = open_page()
    at.multiselect(key="landscape_starts_pick").set_value([]).run()
    assert not at.exception and not charts(at)
    assert "Choose at least one start" in at.info[0].value
