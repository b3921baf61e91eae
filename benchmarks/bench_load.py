"""A classroom on one server: N concurrent Explore sessions against `streamlit run app.py` on loopback.

Each session is a headless websocket client speaking Streamlit's own protocol (protobuf ``BackMsg`` /
``ForwardMsg`` from ``streamlit.proto``), far cheaper than a browser, so the server's cost is what is
measured. Every session opens Explore with its own URL (m = n = 200, widths 5–20, seeds and κ varying)
and waits for its result; its "Final eₜ" and "Iterations to tol" metrics are compared with
``agdcore.solve`` on the same settings.

For each N it reports: time to every result (median, p95, max), the slowest against the ideal
N·t₁/cores (t₁ = one session alone), health-endpoint and websocket-ping latency during the run, server
RSS before / peak / after (the server and its worker processes), whether each session showed its own
correct numbers, the server's CPU seconds, websocket messages per session, and (from the server's
``AGD_LOAD_STATS`` log, see agdui/live.py) where the page's CPU went: solve, live redraws, queue wait.

    .venv/bin/python benchmarks/bench_load.py                 # N = 5, 10, 20 (+ 20 on one URL)
    .venv/bin/python benchmarks/bench_load.py --sessions 5 --budget 120

Bounded: every round has a deadline (``--budget`` seconds); the server is stopped at the end.
Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------- the server and its process tree
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(stats_path: str, extra_env: dict | None = None, app_dir: Path = ROOT):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "AGD_LOAD_STATS": stats_path, **(extra_env or {})}
    log = tempfile.TemporaryFile("w+")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
           "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
           "--server.fileWatcherType=none"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, port, log
        except OSError:
            time.sleep(0.2)
    proc.kill()
    log.seek(0)
    raise RuntimeError("streamlit did not start:\n" + log.read())


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid: int) -> list[int]:
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def tree_cpu_rss(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system, with reaped children) and RSS in MB of ``pid`` and its descendants."""
    cpu, rss = 0.0, 0.0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu += sum(int(x) for x in fields[11:15]) / TICK  # utime stime cutime cstime
            rss += int(fields[21]) * PAGE / 1e6
        except (OSError, IndexError, ValueError):
            continue
    return cpu, rss


class Monitor(threading.Thread):
    """Polls the health endpoint and the server's RSS every ``every`` seconds until stopped."""

    def __init__(self, url: str, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.url, self.pid, self.every = url, pid, every
        self.health: list[float] = []
        self.health_failures = 0
        self.peak_rss = 0.0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            t0 = time.perf_counter()
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=30).read()
                self.health.append(time.perf_counter() - t0)
            except OSError:
                self.health_failures += 1
            self.peak_rss = max(self.peak_rss, tree_cpu_rss(self.pid)[1])
            self.halt.wait(max(0.0, self.every - (time.perf_counter() - t0)))


# ---------------------------------------------------------------------- one session = one websocket client
def settings(i: int, round_id: int, same: bool) -> dict:
    if same:
        return {"m": 200, "n": 200, "width": 10, "seed": 7, "kappa": 10.0}
    kappas = (5.0, 10.0, 20.0, 40.0)
    return {"m": 200, "n": 200, "width": 5 + (i * 7) % 16, "seed": 1000 * round_id + i, "kappa": kappas[i % 4]}


def expected(s: dict) -> dict:
    """The two metrics Explore shows, from agdcore.solve on the same settings (the CLI's result)."""
    import warnings

    import agdcore as agd
    from agdui import explore_view as V
    from agdui import settings as S

    values = {p.name: p.default for p in V.params()} | s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = S.build_problem(values)
    r = agd.solve(problem, **S.solve_kwargs(values))
    k = r.iterations_to_tol
    return {"Final eₜ": f"{r.final_error:.3e}", "Iterations to tol": "not reached" if k is None else f"{k:,}"}


async def session(port: int, s: dict, deadline: float) -> dict:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    query = "&".join(f"{k}={v}" for k, v in s.items())
    out = {"settings": s, "messages": 0, "bytes": 0, "metrics": {}, "queued_seen": False, "error": None}
    t0 = time.perf_counter()
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            ping_interval=5,
            ping_timeout=30,
            open_timeout=60,
        ) as ws:
            back = BackMsg()
            back.rerun_script.query_string = query
            back.rerun_script.page_name = ""
            await ws.send(back.SerializeToString())
            while time.perf_counter() < deadline:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
                out["messages"] += 1
                out["bytes"] += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    el = msg.delta.new_element
                    which = el.WhichOneof("type")
                    if which == "metric":
                        out["metrics"][el.metric.label] = el.metric.body
                    elif which == "progress" and "queued" in el.progress.text.lower():
                        out["queued_seen"] = True
                if "Final eₜ" in out["metrics"] and "t_result" not in out:
                    out["t_result"] = time.perf_counter() - t0
                if kind == "script_finished" and "t_result" in out:
                    status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                    if status == "FINISHED_SUCCESSFULLY":
                        out["t_done"] = time.perf_counter() - t0
                        break
    except Exception as exc:  # a closed or timed-out connection is a finding, not a crash
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


async def ping_probe(port: int, halt: asyncio.Event, rtts: list, every: float = 0.5) -> None:
    """A websocket that only pings: how long the server takes to answer a ping during the run."""
    import websockets

    async with websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], ping_interval=None
    ) as ws:
        while not halt.is_set():
            t0 = time.perf_counter()
            try:
                await asyncio.wait_for(await ws.ping(), timeout=30)
                rtts.append(time.perf_counter() - t0)
            except TimeoutError:
                rtts.append(float("inf"))
            await asyncio.sleep(every)


async def round_(port: int, sets: list[dict], budget: float) -> tuple[list[dict], list[float]]:
    halt, rtts = asyncio.Event(), []
    probe = asyncio.create_task(ping_probe(port, halt, rtts))
    deadline = time.perf_counter() + budget
    results = await asyncio.gather(*(session(port, s, deadline) for s in sets))
    halt.set()
    try:
        await asyncio.wait_for(probe, timeout=35)
    except (TimeoutError, Exception):  # noqa: BLE001 (the probe is best effort)
        probe.cancel()
    return results, rtts


# ---------------------------------------------------------------------- report
def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def read_stats(path: str, since: int) -> list[dict]:
    try:
        with open(path) as f:
            lines = f.readlines()[since:]
    except OSError:
        return []
    return [json.loads(x) for x in lines if x.strip()]


def count_lines(path: str) -> int:
    try:
        with open(path) as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def run_round(label: str, port: int, url: str, pid: int, sets: list[dict], budget: float, t1: float | None, stats):
    want = [expected(s) for s in sets]
    cpu0, rss0 = tree_cpu_rss(pid)
    n_stats = count_lines(stats)
    mon = Monitor(url, pid)
    mon.start()
    t0 = time.perf_counter()
    results, rtts = asyncio.run(round_(port, sets, budget))
    wall = time.perf_counter() - t0
    mon.halt.set()
    mon.join()
    time.sleep(1.0)  # let the server drop the closed sessions
    cpu1, rss1 = tree_cpu_rss(pid)
    correct = sum(
        r["metrics"].get("Final eₜ") == w["Final eₜ"]
        and r["metrics"].get("Iterations to tol") == w["Iterations to tol"]
        for r, w in zip(results, want)
    )
    times = [r["t_done"] for r in results if "t_done" in r]  # the whole page drawn with the result
    firsts = [r["t_result"] for r in results if "t_result" in r]
    errors = [r["error"] for r in results if r["error"]]
    runs = read_stats(stats, n_stats)
    n = len(sets)
    row = {
        "label": label,
        "N": n,
        "answered": len(times),
        "correct": correct,
        "median_s": statistics.median(times) if times else float("nan"),
        "p95_s": pct(times, 0.95),
        "max_s": max(times) if times else float("nan"),
        "ideal_s": (n * t1 / CORES) if t1 else None,
        "first_metric_max_s": max(firsts) if firsts else float("nan"),
        "health_max_s": max(mon.health) if mon.health else float("nan"),
        "health_failures": mon.health_failures,
        "ping_max_s": max(rtts) if rtts else float("nan"),
        "rss_before_mb": rss0,
        "rss_peak_mb": max(mon.peak_rss, rss0),
        "cpu_s": cpu1 - cpu0,
        "wall_s": wall,
        "messages_per_session": statistics.mean(r["messages"] for r in results),
        "kb_per_session": statistics.mean(r["bytes"] for r in results) / 1e3,
        "queued_seen": sum(r["queued_seen"] for r in results),
        "errors": errors[:3],
        "runs_logged": len(runs),
        "solve_cpu_s": sum(x.get("compute_cpu", 0.0) for x in runs),
        "redraw_cpu_s": sum(x.get("draw_cpu", 0.0) for x in runs),
        "redraws": sum(x.get("redraws", 0) for x in runs),
        "queue_wait_s": max((x.get("wait", 0.0) for x in runs), default=0.0),
        "shared": sum(bool(x.get("shared")) for x in runs),
        "job_s_median": statistics.median([x.get("job", 0.0) for x in runs]) if runs else float("nan"),
        "job_s_max": max((x.get("job", 0.0) for x in runs), default=float("nan")),
    }
    if t1:
        row["slowest_vs_ideal"] = row["max_s"] / row["ideal_s"]
    return row, rss1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[5, 10, 20])
    ap.add_argument("--budget", type=float, default=240.0, help="seconds allowed per round")
    ap.add_argument("--same", type=int, default=20, help="also N sessions on one URL (0 = skip)")
    ap.add_argument("--json", default="", help="write the rows to this file")
    ap.add_argument("--alone", type=int, default=1, help="sessions run one after another to measure t₁ (median)")
    ap.add_argument(
        "--app-dir", type=Path, default=ROOT, help="serve this checkout's app.py (e.g. the previous release)"
    )
    ap.add_argument("--env", nargs="*", default=[], help="server environment, e.g. AGD_JOBS=thread")
    args = ap.parse_args()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"# bench_load: {CORES} cores, load average before start {load}", flush=True)
    stats = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
    proc, port, log = start_server(stats, dict(kv.split("=", 1) for kv in args.env), args.app_dir)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        # warm: the first script run imports plotly etc. (every class pays that once)
        asyncio.run(round_(port, [settings(0, 99, False)], args.budget))
        time.sleep(1.0)
        rss_start = tree_cpu_rss(proc.pid)[1]
        alone, right, cpu = [], 0, 0.0
        for i in range(args.alone):
            row, _ = run_round("1 alone", port, url, proc.pid, [settings(i, 0, False)], args.budget, None, stats)
            alone.append(row["max_s"])
            right, cpu = right + row["correct"], cpu + row["cpu_s"]
        t1 = statistics.median(alone)
        row.update(median_s=t1, p95_s=pct(alone, 0.95), max_s=max(alone), alone_all_s=alone, N=args.alone)
        row.update(answered=len(alone), correct=right, cpu_s=cpu, label=f"1 alone ({args.alone}× in turn)")
        row["ideal_s"], row["slowest_vs_ideal"] = t1, max(alone) / t1
        rows.append(row)
        print(json.dumps(row), flush=True)
        for k, n in enumerate(args.sessions, start=1):
            sets = [settings(i, k, False) for i in range(n)]
            row, _ = run_round(f"{n} distinct", port, url, proc.pid, sets, args.budget, t1, stats)
            rows.append(row)
            print(json.dumps(row), flush=True)
        if args.same:
            sets = [settings(0, 0, True)] * args.same
            row, _ = run_round(f"{args.same} on one URL", port, url, proc.pid, sets, args.budget, t1, stats)
            rows.append(row)
            print(json.dumps(row), flush=True)
        time.sleep(3.0)
        rss_end = tree_cpu_rss(proc.pid)[1]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.unlink(stats)
    with open("/proc/loadavg") as f:
        load_end = " ".join(f.read().split()[:3])
    print(f"\nload average before {load}, after {load_end}; server RSS {rss_start:.0f} MB after warm-up, "
          f"{rss_end:.0f} MB after all rounds closed ({100 * (rss_end / rss_start - 1):+.0f} %)")  # fmt: skip
    print("| sessions | answered, correct | median / p95 / max s | slowest ÷ ideal N·t₁/cores | health max s | "
          "ping max s | RSS before → peak MB | server CPU s | msgs/session | redraws |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = f"{r['slowest_vs_ideal']:.2f}× (ideal {r['ideal_s']:.2f} s)" if r.get("ideal_s") else "—"
        print(
            f"| {r['label']} | {r['answered']}/{r['N']}, {r['correct']}/{r['N']} | "
            f"{r['median_s']:.2f} / {r['p95_s']:.2f} / {r['max_s']:.2f} | {ratio} | {r['health_max_s']:.2f} | "
            f"{r['ping_max_s']:.2f} | {r['rss_before_mb']:.0f} → {r['rss_peak_mb']:.0f} | {r['cpu_s']:.1f} | "
            f"{r['messages_per_session']:.0f} | {r['redraws']} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
