"""The Landscape page in a real browser at projector size (1280×720): the contour map renders, the
animation plays and scrubs in the browser, and a step above the threshold is marked and warned."""

import time
from urllib.parse import urlparse

import pytest
from conftest import screenshot, wait_for_app_run

pytestmark = pytest.mark.browser

STATE = """() => {
  const gd = document.querySelector('.st-key-landscape_map .js-plotly-plot');
  const i = gd.data.findIndex(t => t.name === 'AGD · small balanced');
  return {active: gd._fullLayout.sliders[0].active, steps: gd._fullLayout.sliders[0].steps.length,
          points: gd.data[i].x.length,
          label: gd.querySelector('.slider-container .slider-label').textContent};
}"""


def open_landscape(page, app_url) -> float:
    page.set_viewport_size({"width": 1280, "height": 720})
    t0 = time.perf_counter()
    page.goto(app_url)
    wait_for_app_run(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Landscape", exact=True).click()
    page.get_by_role("heading", name="Landscape: the rank-one valley").wait_for(timeout=30_000)
    wait_for_app_run(page)
    page.locator(".st-key-landscape_map .contourlayer path").first.wait_for(timeout=30_000)
    return time.perf_counter() - t0


def test_the_map_renders_plays_and_scrubs(page, app_url):
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    seconds = open_landscape(page, app_url)
    chart = page.locator(".st-key-landscape_map")
    assert page.locator("[data-testid='stException']").count() == 0
    assert chart.locator(".contourlayer path").count() > 20  # the contour map is drawn
    assert chart.locator(".legendtext", has_text="valley xy = a (minimizers)").count() == 1
    assert chart.locator(".annotation-text", has_text="xy = a").count() == 1
    assert page.locator(".st-key-landscape_curvature .legendtext", has_text="GD threshold 2/η = 6.67").count() == 1
    chart.scroll_into_view_if_needed()
    page.mouse.move(5, 5)
    shot = screenshot(page, "landscape_map")
    before = page.evaluate(STATE)
    assert before["active"] == before["steps"] - 1 and before["points"] > 10  # the whole paths, last frame
    chart.locator("g.updatemenu-button", has_text="Play").click()
    page.wait_for_timeout(400)
    early = page.evaluate(STATE)
    assert early["active"] < before["active"] and early["points"] < before["points"]  # replaying from t = 0
    page.wait_for_timeout(1500)
    later = page.evaluate(STATE)
    assert later["active"] > early["active"] and later["points"] >= early["points"]  # and moving on, in the browser
    chart.locator("g.updatemenu-button", has_text="Pause").click()
    page.wait_for_timeout(400)
    paused = page.evaluate(STATE)
    page.wait_for_timeout(800)
    assert page.evaluate(STATE)["active"] == paused["active"]  # paused
    rail = chart.locator(".slider-rail-rect").bounding_box()
    page.mouse.click(rail["x"] + 0.98 * rail["width"], rail["y"] + rail["height"] / 2)  # scrub to the end
    page.wait_for_timeout(500)
    end = page.evaluate(STATE)
    assert end["active"] >= end["steps"] - 2 and end["points"] == before["points"]
    assert end["label"] != paused["label"] and end["label"].startswith("iteration t = ")
    assert chart.locator(".contourlayer path").count() > 20  # the shading survives the frames (redraw)
    page.mouse.click(rail["x"] + 0.02 * rail["width"], rail["y"] + rail["height"] / 2)  # and back to the start
    page.wait_for_timeout(500)
    start = page.evaluate(STATE)
    assert start["active"] <= 1 and start["points"] <= 2
    assert page.locator("[data-testid='stException']").count() == 0
    hosts = {urlparse(u).hostname for u in seen if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, f"requests left the server: {hosts}"  # KaTeX, Plotly: all served locally
    print(f"\nlandscape: opened in {seconds:.2f} s; frames {before['steps']}; {shot}")


def test_a_step_above_the_threshold_shows_divergence_on_the_chart_and_in_a_message(page, app_url):
    open_landscape(page, app_url)
    assert page.get_by_test_id("stAlert").count() == 0  # η = 0.3: nothing diverges
    thumb = page.locator(".st-key-landscape_eta input[type='range']")
    thumb.focus()
    for _ in range(20):  # 0.30 → 0.50 in steps of 0.01, with the keyboard as a teacher at a projector would
        thumb.press("ArrowRight")
    wait_for_app_run(page)
    page.get_by_text("The step η = 0.5 is above the divergence threshold").wait_for(timeout=30_000)
    wait_for_app_run(page)
    warning = page.get_by_test_id("stAlert").first.inner_text()
    assert "GD · unbalanced, x₀ = 3√a diverged at t = 6" in warning and "2/λ = 0.22" in warning
    chart = page.locator(".st-key-landscape_map")
    chart.locator(".legendtext", has_text="diverged, t = 6").wait_for(timeout=30_000)
    assert chart.locator(".textpoint text", has_text="diverged").count() == 1  # ✕ where the path left the map
    curv = page.locator(".st-key-landscape_curvature")
    assert curv.locator(".textpoint text", has_text="diverged").count() == 1
    assert "eta=0.5" in page.url
    page.get_by_test_id("stAlert").first.scroll_into_view_if_needed()
    page.mouse.move(5, 5)
    screenshot(page, "landscape_diverged")
    chart.scroll_into_view_if_needed()
    screenshot(page, "landscape_diverged_map")
    assert page.locator("[data-testid='stException']").count() == 0
