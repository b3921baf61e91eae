"""Shared fixtures: small problems, and a real Streamlit server + Debian Chromium for browser tests.

Browser tests skip only when Chromium is missing *and* REQUIRE_BROWSER is unset; CI sets it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_browser() -> None:
    if CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail("REQUIRE_BROWSER is set but Debian chromium is not installed (apt-get install chromium).")
    pytest.skip("chromium not installed (set REQUIRE_BROWSER=1 to make this a failure)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server():
    """Start `streamlit run app.py` on a free loopback port; yield its URL; stop it and check its log."""
    _require_browser()
    port = _free_port()
    log = tempfile.TemporaryFile("w+")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        log.seek(0)
        raise RuntimeError("streamlit did not start:\n" + log.read())
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    log.seek(0)
    server_log = log.read()
    assert "Traceback" not in server_log, "the Streamlit server logged a traceback:\n" + server_log[-4000:]


@pytest.fixture(scope="session")
def app_url():
    """A real `streamlit run app.py` on a free loopback port for the whole session."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def wait_for_app_run(page, timeout: int = 60_000) -> None:
    """The signal Streamlit's own e2e suite waits on: connected and the script not running."""
    page.wait_for_timeout(250)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout
    )


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def snippet_code(at, marker: str, key: str = "explore__snippet_open") -> str:
    """AppTest: the reproduce-this-run code block containing ``marker``. Its expander draws the code
    only while open (agdui.style.lazy_expander), so it is opened first, as a user would."""
    if not any(marker in c.value for c in at.code):
        at.session_state[key] = True
        at.run()
    return next(c.value for c in at.code if marker in c.value)


def open_snippet(page, name: str = "Python snippet") -> None:
    """Browser: open the snippet's expander (its code is drawn only while open) unless it already is."""
    code = page.locator("[data-testid='stCode']")
    if not code.count():
        page.locator("[data-testid='stExpander'] summary", has_text=name).first.click()
        wait_for_app_run(page)
        code.first.wait_for(timeout=60_000)


@pytest.fixture
def small_problem():
    import agdcore as agd

    return agd.make_problem(m=30, n=24, rank=3, kappa=4.0, seed=0)
