"""Real-browser tests of the Lesson page and of Explore's photo preset, at 1280×720 (a projector).

Every step is reached with the Next button; each step's charts must render and its explanation and
question appear. Screenshots go to artifacts/ (lesson_step1.png …, explore_photo.png).
"""

import re
import time

import pytest
from conftest import screenshot, wait_for_app_run

from agdcore import lesson as L

pytestmark = pytest.mark.browser
VIEW = {"width": 1280, "height": 720}


@pytest.fixture
def projector_page(browser):
    ctx = browser.new_context(viewport=VIEW)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _n_charts(page) -> int:
    return page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").count()


def _wait_charts(page, n: int, timeout: int = 60_000) -> None:
    page.wait_for_function(
        f"document.querySelectorAll(\"[data-testid='stPlotlyChart'] .js-plotly-plot\").length >= {n}",
        timeout=timeout,
    )


def _expected_charts(step) -> int:
    return len(step.charts)  # one Plotly chart per named chart (the pictures are one figure)


def _heading(page) -> str:
    return page.locator("h3").filter(has_text=re.compile(r"^Step \d")).first.inner_text()


def test_every_lesson_step_via_next(app_url, projector_page):
    page = projector_page
    page.goto(f"{app_url}/lesson")
    wait_for_app_run(page)
    for k, step in enumerate(L.STEPS, start=1):
        _wait_charts(page, _expected_charts(step))
        page.wait_for_function(
            "(k) => [...document.querySelectorAll('h3')].some(h => h.innerText.startsWith('Step ' + k + ' of'))",
            arg=k,
            timeout=60_000,
        )
        assert _heading(page).startswith(f"Step {k} of {len(L.STEPS)}")
        assert step.title in _heading(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert _n_charts(page) == _expected_charts(step)
        text = page.locator(".lesson-text").first.inner_text()
        assert text.startswith(
            step.text.split("{")[0][:60]
        )  # the explanation (its numbers are checked in test_lesson.py)
        question = page.locator(".lesson-question").first.inner_text()
        assert question == f"Question for the class: {step.question}"
        assert f"step={k}" in page.url  # each step is a shareable address
        titles = page.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents()
        assert len(titles) >= _expected_charts(step)
        if "diverged" in [r.label for r in step.runs] or k == 4:  # the too-large step: chart and message
            legend = page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()
            assert any("diverged at iteration" in t for t in legend)
            assert page.get_by_text(re.compile(r"Diverged at iteration \d+")).count() >= 1
        page.wait_for_timeout(400)  # let Plotly finish laying out before the picture
        screenshot(page, f"lesson_step{k}_top")  # what the room sees first at 1280×720
        page.set_viewport_size({"width": 1280, "height": 1500})
        page.wait_for_timeout(700)
        screenshot(page, f"lesson_step{k}")  # the whole step
        page.set_viewport_size(VIEW)
        if k < len(L.STEPS):
            page.get_by_role("button", name="Next").click()
            wait_for_app_run(page)
    assert page.get_by_role("button", name="Next").is_disabled()


def test_lesson_invalid_step_url_and_arrow_key(app_url, projector_page):
    page = projector_page
    page.goto(f"{app_url}/lesson?step=12")
    wait_for_app_run(page)
    assert page.get_by_text(f"must be a whole number in 1 … {len(L.STEPS)}, got '12'; showing step 1").count() == 1
    assert _heading(page).startswith("Step 1 of")
    page.goto(f"{app_url}/lesson?step=5")
    wait_for_app_run(page)
    assert _heading(page).startswith("Step 5 of")
    page.locator("h3").first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => [...document.querySelectorAll('h3')].some(h => h.innerText.startsWith('Step 4 of'))", timeout=30_000
    )
    assert "step=4" in page.url


def test_photo_preset_side_by_side(app_url, projector_page):
    page = projector_page
    page.set_viewport_size({"width": 1280, "height": 2600})
    t0 = time.perf_counter()
    page.goto(f"{app_url}/?source=photo")
    wait_for_app_run(page)
    _wait_charts(page, 4)  # loss, σ(Y), σ(X), pictures (balancedness and spectra: a collapsed section)
    print(f"\n[timing] Explore, photo preset: navigation to its 4 charts drawn: {time.perf_counter() - t0:.2f} s")
    pics = page.locator("[data-testid='stPlotlyChart']").filter(has_text="Reconstruction at iteration")
    assert pics.count() == 1
    names = pics.locator(".annotation-text").all_text_contents()
    assert names[0] == "A" and names[1].startswith("X") and names[2] == "best rank 10"
    assert names[3] == "residual"
    assert "Eckart–Young" in " ".join(pics.locator("text").all_text_contents())
    assert pics.locator(".hm, .heatmaplayer image, image").count() >= 3  # heatmaps drawn as images
    legend = page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()
    assert any("Eckart–Young floor" in t for t in legend)  # the floor line on the loss chart
    pics.scroll_into_view_if_needed()
    screenshot(page, "explore_photo")


def test_play_sharpens_the_picture(app_url, projector_page):
    page = projector_page
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(f"{app_url}/lesson?step=1")
    wait_for_app_run(page)
    _wait_charts(page, 2)
    title = page.locator("[data-testid='stPlotlyChart'] .gtitle").filter(has_text="Reconstruction at")
    assert title.first.text_content() == "Reconstruction at iteration t = 0"  # the lesson starts at t = 0
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')].some(t => /Reconstruction at iteration t = [1-9]/"
        ".test(t.textContent))",
        timeout=30_000,
    )
    page.get_by_role("button", name="Pause").click()
    wait_for_app_run(page)
