"""The app loads nothing from outside its server: no icon, font or script from a third party
(a classroom without internet must get the whole page, and no student's browser contacts anyone)."""

from urllib.parse import urlparse

import numpy as np
import pytest
from conftest import wait_for_app_run

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1", "localhost"}


def test_no_request_leaves_the_server(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    seen = []
    context.on("request", lambda r: seen.append(r.url))
    page = context.new_page()
    for path in ("", "compare", "theory", "paper", "sweeps"):
        page.goto(f"{app_url}/{path}")
        wait_for_app_run(page)
        page.wait_for_timeout(1000)  # favicons and lazy fonts are requested after the first paint
    context.close()
    hosts = {urlparse(u).hostname for u in seen if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert len(seen) > 20 and LOCAL & hosts  # the page really loaded from the server
    outside = sorted(u for u in seen if urlparse(u).scheme in ("http", "https", "ws", "wss")
                     and urlparse(u).hostname not in LOCAL)  # fmt: skip
    assert not outside, f"requests left the server: {outside[:5]}"


def test_the_page_icon_is_drawn_locally():
    from agdui.icon import page_icon

    img = page_icon()
    assert img.size == (64, 64) and img.getpixel((32, 4))[3] == 255  # opaque tile
    assert len(np.unique(np.asarray(img).reshape(-1, 4), axis=0)) > 2  # a drawing, not a blank square
