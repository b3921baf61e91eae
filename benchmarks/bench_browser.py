"""The dashboard's speed in a real browser, as ratios to the floor of a bare Streamlit + Plotly page.

Run from the project root: ``.venv/bin/python benchmarks/bench_browser.py [--reps 3]``. Serves
``app.py`` and ``benchmarks/toyapp/toy.py`` (a form with one number and two Plotly charts: the floor
that Streamlit and its Plotly bundle set) side by side and drives both in Debian Chromium with
Playwright, interleaved, medians of ``--reps``:

* first load in a fresh browser profile until both main charts are drawn (app and toy);
* change the factor width and Apply, until both charts are redrawn (app and toy);
* Explore's scrubber: one key step, until the spectra chart shows the new iterate; Play: each timed
  step from its rerun request until the chart shows it;
* a live run of about 5 s (``?max_iter=…&tol=0``): progressive redraws of the loss chart per second,
  and animation frames in which the loss chart was blank;
* Compare's "Ward–Kolda vs Gaussian" preset until its table shows (a fresh server each repetition,
  so the trials are computed, not read from the cache), and where its server time goes (in process).

Every browser figure is split with an in-page probe (a wrapper around the page's WebSocket, times
from ``performance.now()``) into: **server**, from the rerun request to Streamlit's
``script_finished`` message (script, solve, figures, serialisation); **bytes** received on the
websocket; **browser**, from ``script_finished`` until the charts are painted. The first load adds
the page and JavaScript load until the websocket opens and when the Plotly bundle (a lazily loaded
4.7 MB chunk) was fetched. The machine's load average (``/proc/loadavg``) is printed with each
repetition: other work on the 2 cores moves absolute figures, ratios measured side by side much less.
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
PRESET = "Ward.Kolda vs Gaussian"
LIVE_QUERY = "?max_iter=25000&tol=0&seed={seed}"  # 100×100, d = 10: to max_iter, ~5 s quiet; a new seed: no cache hit

# Wraps WebSocket: every frame sent/received with its time, size and (received) the top-level
# ForwardMsg field: 4 new_session, 5 delta, 6 script_finished, 11 ref_hash (a cached message).
PROBE = """
(() => {
  const log = (window.__ws = []);
  const field = (b) => {  // protobuf: the first top-level field that is not hash/metadata
    let i = 0;
    const varint = () => { let x = 0, s = 0, c; do { c = b[i++]; x += (c & 127) * 2 ** s; s += 7; } while (c & 128); return x; };
    while (i < b.length) {
      const tag = varint(), f = Math.floor(tag / 8), w = tag & 7;
      if (f !== 1 && f !== 2) return f;
      if (w === 0) varint(); else if (w === 2) { const n = varint(); i += n; } else if (w === 1) i += 8; else if (w === 5) i += 4; else return -1;
    }
    return -1;
  };
  const Orig = window.WebSocket;
  function Probe(url, protocols) {
    const ws = protocols === undefined ? new Orig(url) : new Orig(url, protocols);
    log.push({k: "open", t: performance.now(), n: 0, f: 0});
    ws.addEventListener("message", (e) => {
      const b = e.data instanceof ArrayBuffer ? new Uint8Array(e.data) : null;
      log.push({k: "r", t: performance.now(), n: b ? b.length : 0, f: b ? field(b) : -1});
    });
    const send = ws.send.bind(ws);
    ws.send = (d) => { log.push({k: "s", t: performance.now(), n: d.byteLength || d.length || 0, f: 0}); return send(d); };
    return ws;
  }
  Probe.prototype = Orig.prototype;
  Object.assign(Probe, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Probe;
})();
"""
# Redrawn = the first two charts are each a new chart (Streamlit mounts a new one for a new figure) or
# an old one that Plotly has drawn again, and show a trace.
MARK_OLD = """() => document.querySelectorAll('.js-plotly-plot').forEach((p) => {
  p.__old = true; if (p.on) p.on('plotly_afterplot', () => { p.__old = false; }); })"""
REDRAWN = """() => { const ps = [...document.querySelectorAll('.js-plotly-plot')].slice(0, 2);
  return ps.length === 2 && ps.every((p) => !p.__old && p.querySelector('.scatterlayer .trace path.js-line'))
    ? performance.now() : false; }"""


def load_average() -> str:
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def serve(script: str, env_extra: dict | None = None, cwd: str = ROOT):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.mkdtemp()
    env = dict(os.environ, XDG_CONFIG_HOME=tmp, XDG_CACHE_HOME=tmp, HOME=tmp, **(env_extra or {}))
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", "--server.address=127.0.0.1",
           f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]  # fmt: skip
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                         start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return p, url
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"{script}: the server never became healthy")


def stop(p) -> None:
    try:
        os.killpg(p.pid, 15)
        p.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass


def now(page) -> float:
    return page.evaluate("performance.now()")


def wslog(page, since: int = 0) -> list[dict]:
    return page.evaluate(f"window.__ws.slice({since})")


def idle(page, timeout: int = 300_000) -> None:
    page.wait_for_selector(IDLE, timeout=timeout)


def busy(page) -> float:
    """Seconds the page's main thread has spent in tasks so far (Chrome's Performance.getMetrics)."""
    cdp = page.__dict__.setdefault("_agd_cdp", None)
    if cdp is None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.__dict__["_agd_cdp"] = cdp
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")


def split(log: list[dict], t_act: float, t_ready: float) -> dict:
    """Server / bytes / browser of one action from the probe's log (times in ms from performance.now())."""
    sent = [e["t"] for e in log if e["k"] == "s" and e["t"] >= t_act - 1]
    got = [e for e in log if e["k"] == "r" and e["t"] >= t_act - 1 and e["t"] <= t_ready + 1]
    fin = [e["t"] for e in got if e["f"] == 6]
    t_send = sent[0] if sent else t_act
    t_fin = fin[-1] if fin else (got[-1]["t"] if got else t_ready)
    return {
        "s": (t_ready - t_act) / 1e3,
        "server": max(0.0, t_fin - t_send) / 1e3,
        "kb": sum(e["n"] for e in got) / 1e3,
        "browser": max(0.0, t_ready - t_fin) / 1e3,
        "cached": sum(e["f"] == 11 for e in got),
    }


def wait_redrawn(page, timeout: int = 120_000) -> float:
    """Wait until the first two charts are redrawn (see REDRAWN) and the script is idle; return the time."""
    idle(page, timeout)
    return page.wait_for_function(REDRAWN, polling="raf", timeout=timeout).json_value()


def first_load(browser, url: str) -> tuple:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # fresh profile: cold cache
    ctx.add_init_script(PROBE)
    page = ctx.new_page()
    cpu = busy(page)
    page.goto(url)
    t_ready = wait_redrawn(page)
    log = wslog(page)
    out = split(log, 0.0, t_ready)
    out["cpu"] = busy(page) - cpu
    out["ws_open"] = next((e["t"] for e in log if e["k"] == "open"), 0.0) / 1e3
    out["server"] = split(log, next((e["t"] for e in log if e["k"] == "s"), 0.0), t_ready)["server"]
    res = page.evaluate(
        "performance.getEntriesByType('resource').filter(r => /PlotlyChart/.test(r.name))"
        ".map(r => [r.startTime, r.responseEnd])"
    )
    out["plotly"] = (res[0][0] / 1e3, res[0][1] / 1e3) if res else (float("nan"), float("nan"))
    fin = [e["t"] for e in log if e["k"] == "r" and e["f"] == 6 and e["t"] <= t_ready + 1]
    out["finished_at"] = (fin[-1] if fin else t_ready) / 1e3
    return ctx, page, out


def change_width(page, width: int) -> dict:
    page.wait_for_timeout(800)
    idle(page)
    page.evaluate(MARK_OLD)
    mark = len(wslog(page))
    cpu = busy(page)
    t_act = now(page)
    box = page.get_by_label(re.compile(r"width", re.I)).first
    box.fill(str(width))
    page.locator("[data-testid='stFormSubmitButton'] button").first.click()  # one submission (Enter would be a second)
    t_ready = wait_redrawn(page)
    out = split(wslog(page, mark), t_act, t_ready)
    out["cpu"] = busy(page) - cpu
    return out


SLIDER = "[data-testid='stSlider'] input[type='range']"
SPECTRUM_TITLE = """() => { const t = [...document.querySelectorAll('.gtitle')].map(e => e.textContent)
  .find(s => s.startsWith('Spectra at')); return t || ''; }"""


def open_more(page) -> None:
    """Open Explore's expander of the balancedness and spectra charts (drawn only while open)."""
    if page.locator(SLIDER).count():
        return
    page.locator("[data-testid='stExpander'] summary", has_text="Balancedness").first.click()
    page.locator(SLIDER).first.wait_for(timeout=60_000)
    idle(page)


def scrub(page) -> dict:
    """One ArrowLeft on the scrubber until the spectra chart's title names the new iterate."""
    open_more(page)
    slider = page.locator(SLIDER).first
    slider.focus()
    page.wait_for_timeout(300)
    before = page.evaluate(SPECTRUM_TITLE)
    mark = len(wslog(page))
    t_act = now(page)
    page.keyboard.press("ArrowLeft")
    js = f"(b) => {{ const t = ({SPECTRUM_TITLE})(); return t && t !== b ? performance.now() : false; }}"
    t_ready = page.wait_for_function(js, arg=before, polling="raf", timeout=60_000).json_value()
    out = split(wslog(page, mark), t_act, t_ready)
    idle(page)
    return out


def play(page, seconds: float = 3.0) -> dict:
    """Play: per timed step, its rerun request → the chart's title shows the step."""
    page.evaluate(
        f"""() => {{ window.__titles = []; let last = ({SPECTRUM_TITLE})();
        const tick = () => {{ const t = ({SPECTRUM_TITLE})(); if (t && t !== last) {{ last = t;
          window.__titles.push(performance.now()); }} if (!window.__stopTitles) requestAnimationFrame(tick); }};
        window.__stopTitles = false; requestAnimationFrame(tick); }}"""
    )
    open_more(page)
    page.locator(SLIDER).first.focus()
    page.keyboard.press("Home")  # from the first iterate, so Play has steps to take
    page.wait_for_timeout(800)
    idle(page)
    mark = len(wslog(page))
    page.evaluate("window.__titles = []")
    page.get_by_role("button", name=re.compile("^(Play|play_arrow)", re.I)).first.click()
    page.wait_for_timeout(int(seconds * 1000))
    page.evaluate("window.__stopTitles = true")
    titles = page.evaluate("window.__titles")
    log = wslog(page, mark)
    pause = page.get_by_role("button", name=re.compile("Pause", re.I))
    if pause.count():
        pause.first.click()
    sends = [e["t"] for e in log if e["k"] == "s"]
    lat = [tt - max([s for s in sends if s < tt], default=tt) for tt in titles]
    lat = [x for x in lat if x > 0]
    span = (titles[-1] - titles[0]) / 1e3 if len(titles) > 1 else float("nan")
    return {
        "steps": len(titles),
        "per_s": (len(titles) - 1) / span if span and span == span and span > 0 else float("nan"),
        "s": statistics.median(lat) / 1e3 if lat else float("nan"),
    }


LIVE_WATCH = """() => { window.__live = {frames: 0, blank: 0, redraws: 0, first: null, last: '', seen: false};
  const w = window.__live;
  const tick = () => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p =>
      [...p.querySelectorAll('.gtitle')].some(g => g.textContent.startsWith('Relative error')));
    const vis = plots.filter(p => p.getBoundingClientRect().height > 0 && getComputedStyle(p).visibility !== 'hidden');
    const paths = vis.map((p) => (p.querySelector('.scatterlayer .trace path.js-line') || {getAttribute: () => ''})
      .getAttribute('d') || '').filter(Boolean);
    const path = paths.length ? paths[paths.length - 1] : '';  // the top-most drawn chart (live layers stack)
    if (path) { if (!w.seen) { w.seen = true; w.first = performance.now(); } }
    if (w.seen) { w.frames++; if (!path) w.blank++; else if (path !== w.last) { w.redraws++; w.lastAt = performance.now(); } }
    if (path) w.last = path;
    if (!window.__stopLive) requestAnimationFrame(tick);
  };
  window.__stopLive = false; requestAnimationFrame(tick); }"""


def live_run(browser, url: str, seed: int = 1) -> dict:
    """A ~5 s run: progressive redraws of the loss chart per second and blank frames, from the first
    drawn curve until the run has ended."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(PROBE)
    page = ctx.new_page()
    page.goto(url)
    wait_redrawn(page)  # warm page (bundle loaded) before the run starts
    page.evaluate(LIVE_WATCH)
    t0 = now(page)
    page.goto(url.rstrip("/") + "/" + LIVE_QUERY.format(seed=seed))
    page.evaluate(LIVE_WATCH)  # a new document: start watching again
    try:
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=5000)
    except Exception:
        pass
    idle(page, 300_000)
    t1 = now(page)
    page.evaluate("window.__stopLive = true")
    w = page.evaluate("window.__live")
    ctx.close()
    dur = ((w.get("lastAt") or t1) - (w["first"] or t0)) / 1e3
    return {
        "redraws": w["redraws"],
        "run_s": (t1 - (w["first"] or t0)) / 1e3,
        "per_s": (w["redraws"] - 1) / dur if dur > 0 else float("nan"),
        "blank": w["blank"],
        "frames": w["frames"],
    }


def compare_preset(browser) -> dict:
    """A fresh server (cold result cache): open Compare, then click the preset until its table shows."""
    proc, url = serve("app.py")
    try:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(PROBE)
        page = ctx.new_page()
        page.goto(url.rstrip("/") + "/compare")
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=300_000)
        page.wait_for_timeout(500)
        idle(page)
        preset = page.get_by_role("button", name=re.compile(PRESET, re.I)).first
        mark = len(wslog(page))
        t_act = now(page)
        preset.click()
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=10_000)
        idle(page, 600_000)
        t_ready = page.wait_for_function(
            """() => [...document.querySelectorAll('.gtitle')].some(g => /median/i.test(g.textContent))
               && document.querySelector("[data-testid='stDataFrame']") ? performance.now() : false""",
            polling="raf",
            timeout=60_000,
        ).json_value()
        out = split(wslog(page, mark), t_act, t_ready)
        ctx.close()
        return out
    finally:
        stop(proc)


def compare_profile() -> list[tuple[str, float, float]]:
    """Where the preset's server time goes, in this process (wall and CPU seconds): each configuration's
    trials, the figures, the table."""
    sys.path.insert(0, ROOT)
    import agdcore as agd
    from agdcore import plots
    from agdui import compare_run as R
    from agdui import settings as S

    values = {**{p.name: p.default for p in R.params()}, **R.PRESETS["Ward–Kolda vs Gaussian (paper)"]}
    rows, runs = [], []

    def timed(name, fn):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        rows.append((name, time.perf_counter() - t0, time.process_time() - c0))
        return out

    problem = timed("build A", lambda: S.build_problem({**values, "source": "synthetic"}))
    for c in R.configs(values):
        kw = R.trial_kwargs(c, values)
        tr = timed(
            f"solve_trials {c['label'].split(' ')[0]}",
            lambda kw=kw: agd.solve_trials(problem, seeds=range(int(values["trials"])), chunk=16, **kw),
        )
        runs.append((c["label"], tr))
    timed("trials_figure", lambda: plots.trials_figure(runs, log_x=True, tol=float(values["tol"])).to_json())
    timed("iterations_figure", lambda: plots.iterations_figure(runs).to_json())
    timed("summary_table", lambda: R.summary_table(runs, int(values["max_iter"])))
    return rows


def med(rows: list[dict], key: str, field: str = "s") -> float:
    vals = [r[key][field] for r in rows if key in r and r[key].get(field) == r[key].get(field)]
    return statistics.median(vals) if vals else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--skip", default="", help="comma-separated: scrub,play,live,compare,profile")
    ap.add_argument("--profile-only", action="store_true", help="only the in-process Compare profile")
    ap.add_argument(
        "--before",
        metavar="DIR",
        help="another checkout of the project (e.g. `git worktree add`): its Explore is "
        "measured too, interleaved, for first load and redraw (what a change bought, side by side)",
    )
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if args.profile_only:
        for name, w, c in compare_profile():
            print(f"{name}: {w:.2f} s wall, {c:.2f} s CPU")
        return
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian chromium is needed (apt-get install chromium)")
    procs, res = [], {"app": [], "toy": [], "before": []}
    loads = []
    try:
        app, app_url = serve("app.py")
        procs.append(app)
        toy, toy_url = serve(os.path.join(ROOT, "benchmarks", "toyapp", "toy.py"))
        procs.append(toy)
        sides = [("app", app_url), ("toy", toy_url)]
        if args.before:
            old, old_url = serve("app.py", cwd=os.path.abspath(args.before))
            procs.append(old)
            sides.append(("before", old_url))
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=chromium, args=ARGS)
            for _, url in sides:  # warm the servers (imports, first session, result cache)
                ctx, page, _ = first_load(b, url)
                change_width(page, 11)
                ctx.close()
            for i in range(args.reps):
                for side, url in sides:
                    loads.append(load_average())
                    ctx, page, out = first_load(b, url)
                    row = {"load": out, "redraw": change_width(page, 12 + i)}
                    if side == "app" and "scrub" not in skip:
                        row["scrub"] = scrub(page)
                    if side == "app" and "play" not in skip:
                        row["play"] = play(page)
                    ctx.close()
                    if side == "app" and "live" not in skip:
                        row["live"] = live_run(b, app_url, seed=100 + i)
                    if side == "app" and "compare" not in skip:
                        row["compare"] = compare_preset(b)
                    res[side].append(row)
                    print(f"# rep {i + 1} {side}: load average {loads[-1]}: {row}", flush=True)
            b.close()
    finally:
        for p in procs:
            stop(p)
    report(res, loads, None if "profile" in skip else compare_profile())


def report(res: dict, loads: list[str], profile) -> None:
    app, toy, before = res["app"], res["toy"], res["before"]
    print(f"\nload average (1 min) at each measurement: {', '.join(loads)}; medians of {len(app)}\n")
    print("| measurement | app | toy page | ratio | target |")
    print("|---|---|---|---|---|")
    for key, what, lim, abs_lim in (
        ("load", "first load, fresh profile, both main charts drawn", 1.2, 2.5),
        ("redraw", "change the width + Apply, both charts redrawn", 1.5, 0.5),
    ):
        a, t = med(app, key), med(toy, key)
        r = a / t
        mark = "met" if r <= lim else "not met"
        print(f"| {what} | {a:.2f} s | {t:.2f} s | **{r:.2f}×** | ≤ {lim}× ({mark}); ≤ {abs_lim} s absolute |")
    print()
    print("Browser: after the script finished until painted (busy: the page's main thread in tasks, whole action).\n")
    print("| where the time goes | app server | app bytes | app browser | toy server | toy bytes | toy browser |")
    print("|---|---|---|---|---|---|---|")
    for key in ("load", "redraw"):
        print(
            f"| {key} | {med(app, key, 'server'):.2f} s | {med(app, key, 'kb'):.0f} KB | {med(app, key, 'browser'):.2f} s "
            f"({med(app, key, 'cpu'):.2f} s busy) | {med(toy, key, 'server'):.2f} s | {med(toy, key, 'kb'):.0f} KB "
            f"| {med(toy, key, 'browser'):.2f} s ({med(toy, key, 'cpu'):.2f} s busy) |"
        )
    if before:
        print("\n| --before (the other checkout) | first load | ratio to toy | redraw | ratio to toy |")
        print("|---|---|---|---|---|")
        print(
            f"| server / bytes / browser: load {med(before, 'load', 'server'):.2f} s / "
            f"{med(before, 'load', 'kb'):.0f} KB / {med(before, 'load', 'browser'):.2f} s; redraw "
            f"{med(before, 'redraw', 'server'):.2f} s / {med(before, 'redraw', 'kb'):.0f} KB / "
            f"{med(before, 'redraw', 'browser'):.2f} s | {med(before, 'load'):.2f} s "
            f"| **{med(before, 'load') / med(toy, 'load'):.2f}×** | {med(before, 'redraw'):.2f} s "
            f"| **{med(before, 'redraw') / med(toy, 'redraw'):.2f}×** |"
        )
    for side, rows in (("app", app), ("toy", toy)):
        print(
            f"\n{side} first load: websocket opens at {med(rows, 'load', 'ws_open'):.2f} s, script finished at "
            f"{med(rows, 'load', 'finished_at'):.2f} s, Plotly bundle fetched "
            f"{statistics.median(r['load']['plotly'][0] for r in rows):.2f}–"
            f"{statistics.median(r['load']['plotly'][1] for r in rows):.2f} s after navigation start"
        )
    print("\n| measurement | result | server | bytes | browser | target |")
    print("|---|---|---|---|---|---|")
    if any("scrub" in r for r in app):
        print(
            f"| scrubber key step → spectra redrawn | {med(app, 'scrub'):.2f} s | {med(app, 'scrub', 'server'):.2f} s "
            f"| {med(app, 'scrub', 'kb'):.0f} KB | {med(app, 'scrub', 'browser'):.2f} s | ≤ 0.2 s |"
        )
    if any("play" in r for r in app):
        print(
            f"| Play step (rerun request → redrawn) | {med(app, 'play'):.2f} s "
            f"({med(app, 'play', 'per_s'):.1f} steps/s) | | | | ≤ 0.2 s |"
        )
    if any("live" in r for r in app):
        print(
            f"| live run of {med(app, 'live', 'run_s'):.1f} s: loss-chart redraws | {med(app, 'live', 'per_s'):.1f} /s "
            f"({med(app, 'live', 'redraws'):.0f} redraws, {med(app, 'live', 'blank'):.0f} blank of "
            f"{med(app, 'live', 'frames'):.0f} frames) | | | | ≥ 3 /s, none blank |"
        )
    if any("compare" in r for r in app):
        print(
            f"| Compare preset 'Ward–Kolda vs Gaussian' → table | {med(app, 'compare'):.2f} s "
            f"| {med(app, 'compare', 'server'):.2f} s | {med(app, 'compare', 'kb'):.0f} KB "
            f"| {med(app, 'compare', 'browser'):.2f} s | halve ~10 s |"
        )
    if profile:
        print("\nCompare preset, server side in this process (wall / CPU): ")
        print("; ".join(f"{n} {w:.2f} / {c:.2f} s" for n, w, c in profile))


if __name__ == "__main__":
    main()
