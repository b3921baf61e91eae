"""Issue 14.1 in a real browser (Debian Chromium through Playwright): after the initialization changes
(Ward–Kolda's C, D, ν inputs disappear), every later change must stick: in its widget, in the URL, and
in the run that is shown. The AppTest version is tests/test_urlstate_hidden.py; this one goes through
Streamlit's real frontend, where the bug was seen."""

import re

import pytest
from conftest import open_snippet, screenshot, wait_for_app_run

from agdui import observed_view as OV

pytestmark = pytest.mark.browser


def _field(page, label):
    return page.get_by_role("spinbutton", name=label, exact=True)


def _pick(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key}").get_by_role("button", name="Open").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_run(page)


def _snippet(page) -> str:
    """The 'reproduce this run' snippet: it is written from the settings of the run on screen."""
    open_snippet(page)
    code = page.locator("[data-testid='stCode']").filter(has_text="agd.solve(")
    return code.first.text_content()


def _selected(page, key: str) -> str:
    box = page.locator(f".st-key-{key}")
    return box.inner_text() + " " + " ".join(i.input_value() for i in box.locator("input").all())


@pytest.mark.parametrize(
    "selector, value",
    [("init", "gaussian"), ("algorithm", "gd")],
)
def test_changes_after_a_selector_change_stick_in_widget_url_and_run(app_url, page, selector, value):
    page.goto(app_url + "/?m=60&n=50&rank=3&width=4")
    wait_for_app_run(page)
    page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(timeout=60_000)
    label = (OV.init_label if selector == "init" else OV.algorithm_label)(value, "full")
    _pick(page, f"explore_{selector}", label)
    page.wait_for_url(re.compile(rf".*{selector}={value}.*"), timeout=30_000)
    wait_for_app_run(page)
    assert label in _selected(page, f"explore_{selector}")
    assert f"{selector}='{value}'" in _snippet(page)
    for name, typed, in_url, in_run in (
        ("step", "0.3", "step=0.3", "step=0.3"),
        ("seed", "4", "seed=4", "seed=4"),
        ("max_iter", "150", "max_iter=150", "max_iter=150"),
    ):
        box = page.locator(f".st-key-explore_{name}").get_by_role("spinbutton")
        box.fill(typed)
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(re.compile(rf".*{re.escape(in_url)}.*"), timeout=30_000)
        wait_for_app_run(page)
        page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(timeout=60_000)
        box = page.locator(f".st-key-explore_{name}").get_by_role("spinbutton")
        assert box.input_value() == typed, (name, box.input_value())  # the widget did not snap back
        assert f"{selector}={value}" in page.url  # the earlier change is still in the URL
        snippet = _snippet(page)
        assert in_run in snippet, (name, snippet)  # the run shown is the run asked for
        assert f"{selector}='{value}'" in snippet
        assert page.locator("[data-testid='stException']").count() == 0
    # all three changes are still there together
    assert all(s in page.url for s in ("step=0.3", "seed=4", "max_iter=150")), page.url
    screenshot(page, f"urlstate_after_{selector}_change")
