"""Deep links must go through the router even as the first request to a fresh server.

With the page files in pages/, Streamlit runs a page file directly (v1 multipage emulation) until
some run has called st.navigation; agdui.ensure_router reruns through app.py instead.
"""

import importlib.util

import pytest
from conftest import APP, streamlit_server, wait_for_app_run

pytestmark = pytest.mark.browser


def _pages():
    spec = importlib.util.spec_from_file_location("agd_app_router", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines PAGES; main() runs only under `streamlit run`
    return module.PAGES


@pytest.mark.parametrize("path, heading", [("theory", "Theory"), ("sweeps", "Sweeps"), ("compare", "Compare")])
def test_deep_link_on_a_fresh_server_uses_the_router(browser, path, heading):
    with streamlit_server() as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/{path}")
        wait_for_app_run(page)
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        nav = page.get_by_test_id("stSidebarNav")
        labels = [t.strip() for t in nav.locator("a").all_text_contents()]  # icon ligature + title
        expected = [title for _, title, _, _ in _pages()]  # every page of the router, in its order
        assert expected[:5] == ["Explore", "Compare", "Theory", "Paper", "Sweeps"]
        assert len(labels) == len(expected) and all(lab.endswith(e) for lab, e in zip(labels, expected)), labels
        assert page.title() == "AGD Explorer" or "AGD Explorer" in page.title()
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.url.rstrip("/").endswith(path)
        context.close()
