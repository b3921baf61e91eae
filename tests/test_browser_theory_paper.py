"""Real-browser smoke tests of the Theory and Paper pages (Debian Chromium via the shared fixtures)."""

import time

import pytest
from conftest import screenshot, wait_for_app_run

pytestmark = pytest.mark.browser


def goto(page, app_url: str, title: str, heading: str) -> float:
    """Open the app, then the page through the sidebar (so st.navigation's router runs first)."""
    t0 = time.perf_counter()
    page.goto(app_url)
    wait_for_app_run(page)
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=heading).wait_for(timeout=30_000)
    wait_for_app_run(page)
    return time.perf_counter() - t0


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def test_theory_page_renders_latex_charts_and_reacts(page, app_url):
    seconds = goto(page, app_url, "Theory", "Theory: what is proved, by whom, and how sure we are")
    page.locator(".katex").first.wait_for(timeout=30_000)
    charts = page.get_by_test_id("stPlotlyChart")
    charts.nth(3).locator(".main-svg").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    assert page.locator(".katex").count() >= 15
    assert charts.count() == 4
    assert page.locator(".gtitle", has_text="T(ε) grows like κ²").count() >= 1
    assert page.locator(".gtitle", has_text="Over-parameterization factor").count() >= 1
    t0 = time.perf_counter()
    box = page.locator(".st-key-th_kappa").get_by_role("spinbutton")
    box.fill("100")
    box.press("Enter")
    wait_for_app_run(page)
    page.get_by_text("872,701,789").first.wait_for(timeout=30_000)  # T(ε) follows κ²
    assert_no_exception(page)
    page.get_by_test_id("stPlotlyChart").first.scroll_into_view_if_needed()
    path = screenshot(page, "theory_page")
    print(f"\ntheory: first render {seconds:.2f} s, calculator update {time.perf_counter() - t0:.2f} s, {path}")


def test_paper_opens_with_the_first_chart_drawn(page, app_url):
    """Issue 12: a chart is on Paper with no click (experiment 1), the other experiments wait for theirs."""
    seconds = goto(page, app_url, "Paper", "Paper: one-click reproductions")
    first = page.locator(".st-key-pp_block_init")
    first.locator(".gtitle", has_text="Unbalanced (Ward–Kolda) vs Gaussian initialization").wait_for(timeout=60_000)
    wait_for_app_run(page)
    assert_no_exception(page)
    assert first.get_by_test_id("stPlotlyChart").count() == 1
    assert first.get_by_text("check_circle").count() == 5 and first.get_by_text("cancel").count() == 0
    assert page.get_by_test_id("stPlotlyChart").count() == 1  # nothing else ran
    assert page.get_by_test_id("stExpander").count() == 13  # the full settings are folded away
    first.get_by_test_id("stPlotlyChart").scroll_into_view_if_needed()
    page.mouse.move(5, 5)
    path = screenshot(page, "paper_opening")
    print(f"\npaper: opening chart drawn {seconds:.2f} s after the click on Paper in the sidebar, {path}")


def test_paper_page_runs_an_experiment_by_click(page, app_url):
    seconds = goto(page, app_url, "Paper", "Paper: one-click reproductions")
    assert_no_exception(page)
    page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)  # the blocks follow experiment 1's run
    assert page.get_by_role("button", name="Run").count() == 13
    t0 = time.perf_counter()
    page.locator(".st-key-pp_run_nystrom").get_by_role("button", name="Run").click()
    wait_for_app_run(page)
    page.locator(".gtitle", has_text="ScaledGD with the Nyström initialization").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    block = page.locator(".st-key-pp_block_nystrom")
    block.get_by_test_id("stDataFrame").wait_for(timeout=30_000)  # the table renders lazily
    block.get_by_text("check_circle").nth(1).wait_for(timeout=30_000)
    assert block.get_by_test_id("stPlotlyChart").count() == 1 and block.get_by_test_id("stDataFrame").count() == 1
    assert page.get_by_test_id("stPlotlyChart").count() == 2  # experiment 1 (drawn on opening) and this one
    assert block.get_by_text("check_circle").count() == 2  # both claims re-checked and holding
    assert block.get_by_text("cancel").count() == 0
    block.get_by_test_id("stPlotlyChart").scroll_into_view_if_needed()
    page.mouse.move(5, 5)  # no tooltip over the chart
    path = screenshot(page, "paper_page")
    print(
        f"\npaper: first render {seconds:.2f} s, Nyström experiment click→chart {time.perf_counter() - t0:.2f} s, {path}"
    )


def test_paper_stop_keeps_the_finished_runs(page, app_url):
    """Experiment 1 runs by itself for a new seed (issue 12); Stop keeps what had finished."""
    goto(page, app_url, "Paper", "Paper: one-click reproductions")
    t0 = time.perf_counter()
    page.locator(".st-key-pp_seed").get_by_role("spinbutton").fill("7")  # a seed the other tests did not cache
    page.locator(".st-key-pp_seed").get_by_role("spinbutton").press("Enter")
    stop = page.get_by_role("button", name="Stop")
    stop.wait_for(timeout=30_000)  # shown once the run takes > 0.5 s
    page.wait_for_timeout(300)
    stop.click()
    block = page.locator(".st-key-pp_block_init")
    block.get_by_text("Stopped before the end: showing the 1 of 3 runs").wait_for(timeout=30_000)
    wait_for_app_run(page)
    assert block.get_by_test_id("stPlotlyChart").count() == 1  # the Ward–Kolda run that had finished
    assert block.get_by_text("check_circle").count() == 0  # no claims are checked on a partial run
    assert_no_exception(page)
    print(f"\npaper: Run → Stop → partial chart {time.perf_counter() - t0:.2f} s")
