"""The Sweeps page in a real browser (Debian Chromium): deep link, run a tiny sweep on Dask by clicking, Stop."""

from __future__ import annotations

import time

import pytest
from conftest import screenshot, wait_for_app_run

pytestmark = [pytest.mark.browser, pytest.mark.dask]
TINY = "x=kappa&xv=2,4,8&y=width&yv=3,6&trials=3&m=30&n=24&rank=3"


def open_sweeps(page, app_url: str, query: str) -> None:
    page.goto(f"{app_url}/sweeps?{query}")  # a deep link (the page routes itself through app.py)
    wait_for_app_run(page)
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Sweeps")  # the router's titles, not file names


def test_tiny_sweep_by_clicking_draws_heatmap_and_profiles(page, app_url):
    from playwright.sync_api import expect

    open_sweeps(page, app_url, TINY)
    assert page.get_by_test_id("stException").count() == 0
    expect(page.get_by_label("Its values (comma-separated)").first).to_have_value("2,4,8")
    t0 = time.perf_counter()
    page.get_by_role("button", name="Run sweep").click()
    wait_for_app_run(page, timeout=90_000)
    print(f"\ntiny 2-D sweep (18 trials, incl. starting the local Dask cluster): {time.perf_counter() - t0:.1f} s")
    expect(page.locator(".gtitle", has_text="Median iterations to tol = 1e-08")).to_have_count(1)
    expect(page.locator(".gtitle", has_text="one line per factor width d")).to_have_count(1)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("18")
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(1)
    assert page.get_by_test_id("stException").count() == 0 and page.get_by_test_id("stAlertContentError").count() == 0
    assert "engine" not in page.url and "xv=2" in page.url  # the settings stay in the URL
    page.set_viewport_size({"width": 1400, "height": 2300})
    page.wait_for_timeout(1000)  # let the table canvas paint before the picture
    screenshot(page, "sweeps_2d")


def test_stop_cancels_and_keeps_the_finished_trials(page, app_url):
    from playwright.sync_api import expect

    open_sweeps(page, app_url, "x=kappa&xv=30,40,50&y=none&trials=80&max_iter=20000&tol=1e-10")
    page.get_by_role("button", name="Run sweep").click()
    progress = page.get_by_test_id("stProgress")
    expect(progress).to_be_visible(timeout=60_000)
    expect(progress).not_to_contain_text("0 of 240 trials", timeout=60_000)  # some trials have finished
    t0 = time.perf_counter()
    page.get_by_role("button", name="Stop").click()
    wait_for_app_run(page, timeout=60_000)
    print(f"\nStop → page idle again: {time.perf_counter() - t0:.1f} s")
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("Sweep stopped after")
    text = warning.inner_text()
    done = int(text.split("Sweep stopped after ")[1].split(" of ")[0])
    assert 0 < done < 240 and "every outstanding task was cancelled" in text
    assert page.get_by_test_id("stException").count() == 0
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.wait_for_timeout(1000)  # let the table canvas paint before the picture
    screenshot(page, "sweeps_stopped")


def test_the_page_opens_on_the_example_and_a_completion_sweep_over_rate_draws_the_phase_diagram(page, app_url):
    from playwright.sync_api import expect

    open_sweeps(page, app_url, "")
    expect(page.locator(".gtitle", has_text="Example result: Median iterations to tol")).to_have_count(1)
    expect(page.get_by_test_id("stAlertContentInfo")).to_contain_text("press Run sweep to sweep your own settings")
    query = "observe=completion&x=rate&xv=0.1,0.3,0.6&y=width&yv=2,4&trials=3&m=30&n=24&rank=2&max_iter=2000"
    open_sweeps(page, app_url, query)
    expect(page.get_by_role("spinbutton", name="Sampling rate p (if not swept)")).to_have_value("0.3")
    page.get_by_role("button", name="Run sweep").click()
    wait_for_app_run(page, timeout=90_000)
    expect(page.locator(".gtitle", has_text="Recovery phase diagram")).to_have_count(1)
    expect(page.locator(".gtitle", has_text="Example result")).to_have_count(0)  # the user's sweep replaced it
    phase = page.get_by_test_id("stPlotlyChart").first
    expect(phase.locator(".xtitle")).to_have_text("sampling rate p")
    expect(phase.locator(".legendtext").first).to_contain_text("degrees of freedom r(m+n−r) = 104")
    expect(phase.locator(".hm")).to_have_count(1)  # the heatmap layer is drawn
    assert page.get_by_test_id("stException").count() == 0 and page.get_by_test_id("stAlertContentError").count() == 0
    screenshot(page, "sweeps_phase")
