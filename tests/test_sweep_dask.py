"""Sweeps on real Dask processes: a `dask scheduler` and `dask worker`s on loopback, the local cluster.

Every process started here is killed in teardown.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from agdcore.sweeps import plan_sweep, run_plan, sweep

sw = importlib.import_module("agdcore.sweeps")

pytestmark = pytest.mark.dask
ROOT = Path(__file__).resolve().parents[1]
BASE = {"m": 60, "n": 60, "rank": 4, "kappa": 10.0, "max_iter": 4000, "tol": 1e-8}
HEAVY = {"m": 60, "n": 60, "rank": 4, "max_iter": 20000, "tol": 1e-10}  # ~20 ms per trial at κ = 40


def _spawn(args: list, log: Path) -> subprocess.Popen:
    with open(log, "w") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", *args], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from distributed import Client

    tmp = tmp_path_factory.mktemp("dask")
    procs: list[subprocess.Popen] = []
    client = None

    def worker(name: str) -> subprocess.Popen:
        p = _spawn(
            [
                "distributed.cli.dask_worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
                "--name",
                name,
            ],
            tmp / f"{name}.log",
        )
        procs.append(p)
        return p

    try:
        sched_file = tmp / "scheduler.json"
        procs.append(
            _spawn(
                [
                    "distributed.cli.dask_scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(sched_file),
                ],
                tmp / "scheduler.log",
            )
        )
        deadline = time.monotonic() + 30
        while not (sched_file.exists() and sched_file.stat().st_size):
            assert time.monotonic() < deadline, (tmp / "scheduler.log").read_text()
            time.sleep(0.05)
        time.sleep(0.05)
        address = json.loads(sched_file.read_text())["address"]
        worker("w1"), worker("w2")
        client = Client(address, timeout=10, set_as_default=False)
        client.wait_for_workers(2, timeout=30)
        yield {"address": address, "client": client, "worker": worker}
    finally:
        sw.close_clients()
        if client is not None:
            client.close()
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


def _outcome(df):
    return df.drop(columns=["seconds"])


def _sweep_keys(client) -> list:
    return client.run_on_scheduler(
        lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks if str(k).startswith("agd-sweep")]
    )


def _wait_idle(client, timeout: float = 10.0) -> tuple[list, dict]:
    deadline = time.monotonic() + timeout
    while True:
        keys = _sweep_keys(client)
        executing = client.run(lambda dask_worker: len(dask_worker.state.executing))
        if (not keys and not any(executing.values())) or time.monotonic() > deadline:
            return keys, executing
        time.sleep(0.1)


def test_external_scheduler_gives_the_serial_table(cluster, monkeypatch):
    grid = {"width": [4, 8], "kappa": [3, 12]}
    serial = sweep(grid, trials=6, base=BASE, engine="serial")
    monkeypatch.setenv("AGDCORE_DASK_SCHEDULER", cluster["address"])  # honoured like --scheduler
    on_dask = sweep(grid, trials=6, base=BASE, task_size=4)
    assert cluster["address"] in on_dask.attrs["engine"] and "2 workers" in on_dask.attrs["engine"]
    pd.testing.assert_frame_equal(_outcome(on_dask), _outcome(serial))
    assert _wait_idle(cluster["client"])[0] == []  # nothing left behind on the scheduler


def test_a_worker_killed_mid_sweep_loses_nothing(cluster):
    client = cluster["client"]
    victim = cluster["worker"]("victim")
    client.wait_for_workers(3, timeout=30)
    victim_addr = next(a for a, w in client.scheduler_info()["workers"].items() if w["name"] == "victim")
    held: list = []

    def kill_when_busy():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if client.processing(workers=[victim_addr]).get(victim_addr):
                time.sleep(0.15)  # well inside its task
                held.extend(client.processing(workers=[victim_addr]).get(victim_addr, ()))
                victim.send_signal(signal.SIGKILL)
                return
            time.sleep(0.01)

    plan = plan_sweep({"kappa": [40]}, trials=18, base=HEAVY, task_size=6)  # one task per worker
    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    df = run_plan(plan, scheduler=cluster["address"])
    killer.join()
    assert held, "the victim worker never held a task"
    assert victim.wait(timeout=5) == -signal.SIGKILL
    assert victim_addr not in client.scheduler_info()["workers"]
    starts = client.run_on_scheduler(
        lambda dask_scheduler, key=str(held[0]): sum(1 for ev in dask_scheduler.story(key) if ev[2] == "processing")
    )
    assert starts >= 2, "the task the victim held was not recomputed elsewhere"
    assert df.attrs["complete"] and len(df) == 18
    pd.testing.assert_frame_equal(_outcome(df), _outcome(run_plan(plan, engine="serial")))


class Interrupted(Exception):
    """Stands in for Streamlit's rerun/stop exception raised from inside the progress callback."""


@pytest.mark.parametrize("how", ["callback returns True", "exception in callback"])
def test_stopping_cancels_every_outstanding_task(cluster, how):
    client = cluster["client"]
    plan = plan_sweep({"kappa": [20, 25, 30]}, trials=16, base=HEAVY, task_size=2)
    seen = []

    def callback(done, total):
        seen.append(done)
        if done == 0:
            return False  # a heartbeat while the first tasks run
        if how == "exception in callback":
            raise Interrupted
        return True

    if how == "exception in callback":
        with pytest.raises(Interrupted):
            run_plan(plan, scheduler=cluster["address"], callback=callback)
    else:
        df = run_plan(plan, scheduler=cluster["address"], callback=callback)
        assert not df.attrs["complete"] and 0 < len(df) < plan.n_trials
    assert seen[-1] == 2 and set(seen[:-1]) <= {0}
    keys, executing = _wait_idle(client)
    assert keys == [] and not any(executing.values()), (keys, executing)


def test_local_cluster_is_loopback_only_single_threaded_and_reused():
    import psutil

    try:
        client = sw.get_client()
        assert sw.get_client() is client  # the lazy singleton is reused
        info = client.scheduler_info()["workers"]
        assert len(info) == len(os.sched_getaffinity(0)) and {w["nthreads"] for w in info.values()} == {1}
        pids = [os.getpid(), *client.run(os.getpid).values()]
        listening = [
            c.laddr
            for pid in pids
            for c in psutil.Process(pid).net_connections("tcp")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening and {a.ip for a in listening} == {"127.0.0.1"}, listening
        grid = {"kappa": [3, 6]}
        pd.testing.assert_frame_equal(
            _outcome(sweep(grid, trials=5, base=BASE)), _outcome(sweep(grid, trials=5, base=BASE, engine="serial"))
        )
        assert "local Dask cluster" in sw.engine_info(client)
    finally:
        sw.close_clients()


def test_cli_scheduler_flag_runs_on_the_external_cluster(cluster, tmp_path, capsys):
    from agdcore.cli import main

    csv = tmp_path / "s.csv"
    rc = main(
        [
            "sweep",
            "--grid",
            "kappa=3,6",
            "--trials",
            "4",
            "--m",
            "60",
            "--n",
            "60",
            "--rank",
            "4",
            "--tol",
            "1e-8",
            "--scheduler",
            cluster["address"],
            "--csv",
            str(csv),
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 0 and f"Dask scheduler {cluster['address']}" in err
    serial = sweep({"kappa": [3, 6]}, trials=4, base={**BASE, "max_iter": 10_000}, seed=1, engine="serial")
    pd.testing.assert_frame_equal(pd.read_csv(csv).drop(columns="seconds"), _outcome(serial), check_dtype=False)


def test_the_page_honours_AGDCORE_DASK_SCHEDULER(cluster, monkeypatch):
    from test_app_sweeps import TINY, open_page, run

    monkeypatch.setenv("AGDCORE_DASK_SCHEDULER", cluster["address"])
    at = run(open_page(state={**TINY, "engine": "dask", "y": "none", "xv": "2, 4"}))
    df = at.session_state["sweeps__run"]["df"]
    assert df.attrs["engine"] == f"Dask scheduler {cluster['address']}, 2 workers" and len(df) == 6
    assert not at.error
