"""Five students at once: each websocket session gets its own correct Explore result; none is starved.

A real `streamlit run app.py` on a free loopback port, and five headless clients speaking Streamlit's
websocket protocol (the load benchmark's client, benchmarks/bench_load.py). No timing is asserted:
every session must simply answer, with its own numbers, before a generous deadline.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "benchmarks" / "bench_load.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_five_concurrent_sessions_each_get_their_own_correct_result(bench, tmp_path):
    stats = str(tmp_path / "runs.jsonl")
    proc, port, log = bench.start_server(stats)
    try:
        sets = [{**bench.settings(i, 1, False), "m": 60, "n": 50} for i in range(5)]
        sets[4] = dict(sets[3])  # two students on the same settings: one shared computation, both answered
        want = [bench.expected(s) for s in sets]
        # in a thread of its own: Playwright's sync API may have left an event loop running in this one
        with ThreadPoolExecutor(1) as pool:
            results, _ = pool.submit(lambda: asyncio.run(bench.round_(port, sets, budget=600))).result()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except Exception:
            proc.kill()
    log.seek(0)
    server_log = log.read()
    assert "Traceback" not in server_log, server_log[-3000:]
    for s, r, w in zip(sets, results, want):
        assert r["error"] is None, (s, r["error"])
        assert "t_done" in r, f"session {s} was starved: it never showed a result"
        assert r["metrics"]["Final eₜ"] == w["Final eₜ"], (s, r["metrics"], w)
        assert r["metrics"]["Iterations to tol"] == w["Iterations to tol"], (s, r["metrics"], w)
    assert len({w["Final eₜ"] for w in want[:4]}) == 4  # four different settings, four different answers
    runs = [json.loads(line) for line in open(stats) if line.strip()]
    assert len({r["run_id"] for r in runs}) == 4  # four settings computed
    computed = [r for r in runs if r["kind"] == "explore" and not r["shared"]]
    assert len(computed) == 4, runs  # the fifth session shared the fourth's run (or hit its cache)
