"""Real browser (Debian Chromium through Playwright): the "Observed" choice on Explore. Picks "a fraction p
of the entries", sets p, applies, and checks the URL and the two curves of the loss chart; screenshots
of completion mode at desktop and phone sizes go to .tmp/shots/ (and artifacts/)."""

import re
from pathlib import Path

import pytest
from conftest import screenshot, wait_for_app_run

from agdcore.observe import OBSERVATIONS

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[1] / ".tmp" / "shots"
TRAIN = "training loss on the observed entries"
RECOVERY = "recovery error ‖XYᵀ − M★‖²/‖M★‖²"


def _field(page, label):
    return page.get_by_role("spinbutton", name=label, exact=True)


def _legend(page) -> list[str]:
    return page.locator("[data-testid='stPlotlyChart']").first.locator(".legendtext").all_text_contents()


def _pick(page, key: str, option: str) -> None:
    """Open the select box with widget key ``key`` (Streamlit's ``st-key-…`` class) and click ``option``."""
    page.locator(f".st-key-{key}").get_by_role("button", name="Open").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_run(page)


def test_pick_completion_set_rate_apply(app_url, page):
    page.goto(app_url + "/?m=60&n=50&rank=2&width=4")
    wait_for_app_run(page)
    page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(timeout=60_000)
    assert not any(TRAIN in t for t in _legend(page))
    _pick(page, "explore_observe", OBSERVATIONS["completion"].label)
    rate = _field(page, OBSERVATIONS["completion"].option.label)
    rate.wait_for(timeout=30_000)  # the rate input appears only for completion
    rate.fill("0.4")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*rate=0\.4.*"), timeout=30_000)
    wait_for_app_run(page)
    assert "observe=completion" in page.url
    page.wait_for_function(
        "[...document.querySelectorAll(\"[data-testid='stPlotlyChart'] .legendtext\")]"
        f".some(e => e.textContent.includes({TRAIN!r}))",
        timeout=60_000,
    )
    legend = _legend(page)
    assert TRAIN in legend and RECOVERY in legend, legend
    assert not any("bound" in t for t in legend), legend
    traces = page.locator("[data-testid='stPlotlyChart']").first.locator(".scatterlayer .trace")
    assert traces.count() >= 2
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Why no bound is drawn").count() == 1
    assert page.get_by_text("degrees of freedom").count() >= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "explore_completion_1400x1000.png"))
    page.screenshot(path=str(SHOTS / "explore_completion_1400_full.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(SHOTS / "explore_completion_390x844.png"))
    page.get_by_test_id("stPlotlyChart").first.scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / "explore_completion_390x844_chart.png"))
    screenshot(page, "explore_completion")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_text("Why no bound is drawn").scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / "explore_completion_1400x1000_captions.png"))
