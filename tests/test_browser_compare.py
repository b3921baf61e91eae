"""Real-browser tests of the Compare page (Debian Chromium through Playwright). Timings are printed."""

import re
import time

import pytest
from conftest import screenshot, wait_for_app_run

pytestmark = pytest.mark.browser


def _charts_drawn(page, n=2, timeout=60_000):
    page.wait_for_function(
        f"document.querySelectorAll(\"[data-testid='stPlotlyChart'] .js-plotly-plot\").length >= {n}", timeout=timeout
    )


def test_compare_loads_setting_changes_url_and_url_reproduces_state(app_url, page, browser):
    t0 = time.perf_counter()
    page.goto(app_url + "/compare")
    wait_for_app_run(page)
    _charts_drawn(page)
    print(f"\n[timing] Compare: navigation to charts drawn: {time.perf_counter() - t0:.2f} s")
    assert page.locator("[data-testid='stException']").count() == 0
    legend = page.locator("[data-testid='stPlotlyChart'] .legendtext").all_text_contents()
    assert sum("median of 10 trials" in t for t in legend) == 2
    field = page.get_by_role("spinbutton", name="Number of configurations", exact=True)
    field.fill("3")
    t0 = time.perf_counter()
    field.press("Enter")
    page.wait_for_url(re.compile(r".*n_configs=3.*"), timeout=30_000)
    wait_for_app_run(page)
    _charts_drawn(page)
    print(f"[timing] Compare: one setting to redrawn charts: {time.perf_counter() - t0:.2f} s")
    assert page.get_by_text("Configuration #3").count() == 1
    headline = page.get_by_text("In median, #1 reaches the tolerance").inner_text()
    assert "#3 needs" in headline
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.goto(page.url)
        wait_for_app_run(fresh)
        _charts_drawn(fresh)
        assert fresh.get_by_text("Configuration #3").count() == 1
        assert fresh.get_by_role("spinbutton", name="Number of configurations", exact=True).input_value() == "3"
        assert fresh.get_by_text("In median, #1 reaches the tolerance").inner_text() == headline
        assert fresh.locator("[data-testid='stException']").count() == 0
    finally:
        other.close()


def test_compare_paper_preset_in_one_click_with_stop_and_resume(app_url, page):
    page.goto(app_url + "/compare")
    wait_for_app_run(page)
    _charts_drawn(page)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Ward–Kolda vs Gaussian (paper)").click()
    stop = page.get_by_role("button", name="Stop")
    stop.wait_for(timeout=30_000)  # a long run: progress bar + Stop
    page.get_by_test_id("stProgress").filter(has_text="#2").wait_for(timeout=30_000)
    t1 = time.perf_counter()
    stop.click()
    page.get_by_text("Stopped: not run").wait_for(timeout=30_000)
    print(f"\n[timing] Compare: Stop click to stopped view: {time.perf_counter() - t1:.2f} s")
    assert "#2" in page.get_by_text("Stopped: not run").inner_text()
    wait_for_app_run(page)
    page.get_by_role("button", name="Run to the end").click()
    page.get_by_text(re.compile(r"#2 needs")).wait_for(timeout=180_000)
    wait_for_app_run(page, timeout=180_000)
    print(
        f"[timing] Compare: paper preset (10 trials each, Gaussian up to 60,000 iterations), "
        f"incl. the stop and resume: {time.perf_counter() - t0:.2f} s"
    )
    text = page.get_by_text("In median, #1 reaches the tolerance").inner_text()
    wk, gauss = _two_numbers(text)
    print(f"[result] {text}")
    assert 200 < wk < 500 and gauss > 20 * wk
    assert "sigma1=10" in page.url and "max_iter=60000" in page.url and "spectrum=linear" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    page.set_viewport_size({"width": 1400, "height": 2300})
    page.wait_for_timeout(800)
    screenshot(page, "compare_paper_preset")


def _two_numbers(text: str) -> tuple[int, int]:
    """(#1's median, #2's median) from the headline sentence."""
    first = int(re.search(r"tolerance in ([\d,]+) iterations", text).group(1).replace(",", ""))
    m = re.search(r"#2 needs (?:more than )?([\d,]+)", text)
    return first, int(m.group(1).replace(",", ""))
