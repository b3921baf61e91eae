"""The dashboard's speed in a real browser, as ratios to the floor of a bare Streamlit + Plotly page.

Run from the project root: ``.venv/bin/python benchmarks/bench_browser.py [--reps 3]``. Serves
``app.py`` and ``benchmarks/toyapp/toy.py`` (a form with one number and two Plotly charts: the floor
that Streamlit and its Plotly bundle set) side by side and drives both in Debian Chromium with
Playwright, interleaved, medians of ``--reps``:

* first load in a fresh browser profile until both main charts are drawn;
* change the factor width and Apply, until the charts are redrawn;
* Explore's scrubber: one step, until the spectra chart is redrawn;
* Compare's "Ward–Kolda vs Gaussian" preset, until its table shows.

Each app figure is broken into the bytes received on the websocket and the browser's time after
the last websocket message until the charts are painted (the rest is the server: script, solve,
figures, and the transfer). Prints a Markdown table with the targets of the speed issue.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def serve(script: str):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, XDG_CONFIG_HOME=tmp, XDG_CACHE_HOME=tmp, HOME=tmp)
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", "--server.address=127.0.0.1",
           f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]  # fmt: skip
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                         start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return p, url
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"{script}: the server never became healthy")


class Wire:
    """Bytes and time of the last frame received on the page's websockets."""

    def __init__(self, page):
        self.bytes, self.last = 0, time.perf_counter()
        page.on("websocket", self._ws)

    def _ws(self, ws):
        ws.on("framereceived", self._frame)

    def _frame(self, payload):
        self.bytes += len(payload)
        self.last = time.perf_counter()

    def mark(self):
        self.bytes, self.last = 0, time.perf_counter()


def rerun_done(page, timeout: int = 300_000) -> None:
    """A rerun started by the action has finished (waits for "running", then for idle)."""
    try:
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=3000)
    except Exception:  # a rerun faster than the poll: already idle again
        pass
    page.wait_for_selector(IDLE, timeout=timeout)


def charts_ready(page, n: int = 2, timeout: int = 120_000) -> None:
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}", timeout=timeout)


def _timed(page, wire, act, ready) -> dict:
    wire.mark()
    t0 = time.perf_counter()
    act()
    page.wait_for_timeout(50)
    ready()
    t1 = time.perf_counter()
    return {"s": t1 - t0, "kb": wire.bytes / 1e3, "paint": max(0.0, t1 - wire.last)}


def measure(browser, url: str, width: int, full: bool) -> dict:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # fresh profile: cold cache
    page = ctx.new_page()
    wire = Wire(page)
    out = {"load": _timed(page, wire, lambda: page.goto(url), lambda: charts_ready(page))}
    page.wait_for_timeout(1500)
    page.wait_for_selector(IDLE, timeout=120_000)

    def change():
        box = page.get_by_label(re.compile(r"width", re.I)).first
        box.fill(str(width))
        box.press("Enter")
        btn = page.locator("[data-testid='stFormSubmitButton'] button")
        if btn.count():
            btn.first.click()

    out["redraw"] = _timed(page, wire, change, lambda: charts_ready(page))
    if full:
        page.wait_for_timeout(1000)
        slider = page.locator("[data-testid='stSlider'] input[type='range']").first
        if slider.count():
            slider.focus()
            out["scrub"] = _timed(page, wire, lambda: slider.press("ArrowLeft"), lambda: rerun_done(page))
        page.goto(url.rstrip("/") + "/compare")
        page.wait_for_timeout(500)
        rerun_done(page)
        preset = page.get_by_role("button", name=re.compile("Ward.Kolda vs Gaussian", re.I))
        if preset.count():
            out["compare"] = _timed(page, wire, lambda: preset.first.click(), lambda: rerun_done(page))
    ctx.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian chromium is needed (apt-get install chromium)")
    procs = []
    try:
        app, app_url = serve("app.py")
        procs.append(app)
        toy, toy_url = serve(os.path.join(ROOT, "benchmarks", "toyapp", "toy.py"))
        procs.append(toy)
        res = {"app": [], "toy": []}
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=chromium, args=ARGS)
            measure(b, app_url, 11, False)  # warm both servers once
            measure(b, toy_url, 11, False)
            for i in range(args.reps):
                res["app"].append(measure(b, app_url, 12 + i, True))
                res["toy"].append(measure(b, toy_url, 12 + i, False))
            b.close()
    finally:
        for p in procs:
            os.killpg(p.pid, 15)

    def med(side, key, field="s"):
        vals = [r[key][field] for r in res[side] if key in r]
        return statistics.median(vals) if vals else float("nan")

    print("| measurement | app | toy page | ratio | target |")
    print("|---|---|---|---|---|")
    for key, what, target in (("load", "first load, fresh profile, charts drawn", "≤ 1.2× (≤ 2.5 s)"),
                              ("redraw", "change the width + Apply, charts redrawn", "≤ 1.5× (≤ 0.5 s)")):  # fmt: skip
        a, t = med("app", key), med("toy", key)
        detail = f"{a:.2f} s ({med('app', key, 'kb'):.0f} KB on the websocket, {med('app', key, 'paint'):.2f} s paint)"
        print(f"| {what} | {detail} | {t:.2f} s | **{a / t:.2f}×** | {target} |")
    for key, what, target in (("scrub", "scrubber step, spectra redrawn", "≤ 0.2 s"),
                              ("compare", "Compare preset 'Ward–Kolda vs Gaussian', table shown", "halve it")):  # fmt: skip
        a = med("app", key)
        print(f"| {what} | {a:.2f} s ({med('app', key, 'kb'):.0f} KB) | — | — | {target} |")


if __name__ == "__main__":
    main()
