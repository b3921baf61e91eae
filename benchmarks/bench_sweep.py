"""Sweep speed figures for the README: local Dask cluster vs serial, and the cluster's start-up cost.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--reps 5] [--trials 200]``.
Serial and Dask run round-robin inside every repetition (same plan, same seeds, same table), and
medians are reported, so the ratio stays meaningful on a noisy shared machine. The CPU time other
processes used during the measurements is printed too (the machine is shared). Never run by tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import pandas as pd


def busy_seconds() -> float:
    """CPU seconds (user + system) spent by the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [float(x) for x in fh.readline().split()[1:]]
    return (fields[0] + fields[1] + fields[2]) / os.sysconf("SC_CLK_TCK")


def time_start(reps: int) -> tuple[float, list]:
    """(first start incl. importing distributed, later starts) of the local cluster, in seconds."""
    from agdcore import sweeps as sw

    times = []
    for _ in range(reps + 1):
        t0 = time.perf_counter()
        sw.get_client()
        times.append(time.perf_counter() - t0)
        sw.close_clients()
    return times[0], times[1:]


def own_cpu(pids: list) -> float:
    """CPU seconds used so far by this process and the given worker processes."""
    import psutil

    return sum(sum(psutil.Process(p).cpu_times()[:2]) for p in pids)


def time_sweeps(trials: int, reps: int) -> dict:
    from agdcore import sweeps as sw

    cells = {"kappa": [10, 20], "width": [5, 10]}
    plan = sw.plan_sweep(cells, trials // 4, base={"m": 100, "n": 100, "rank": 5, "tol": 1e-10})
    client = sw.get_client()
    pids = [os.getpid(), *client.run(os.getpid).values()]
    out = {"serial": [], "dask": [], "others": []}
    reference = None
    for _ in range(reps):
        for engine in ("serial", "dask"):
            busy0, own0, t0 = busy_seconds(), own_cpu(pids), time.perf_counter()
            df = sw.run_plan(plan, engine=engine, client=client if engine == "dask" else None)
            wall = time.perf_counter() - t0
            out[engine].append(wall)
            out["others"].append(max(0.0, (busy_seconds() - busy0) - (own_cpu(pids) - own0)) / wall)
            table = df.drop(columns="seconds")
            reference = table if reference is None else reference
            pd.testing.assert_frame_equal(table, reference)  # same table whatever the engine
    out["n_trials"] = plan.n_trials
    out["n_tasks"] = len(plan.tasks)
    out["engine"] = sw.engine_info(client)
    sw.close_clients()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--trials", type=int, default=200)
    args = ap.parse_args()
    wall0, busy0 = time.perf_counter(), busy_seconds()
    first, later = time_start(args.reps)
    res = time_sweeps(args.trials, args.reps)
    wall, busy = time.perf_counter() - wall0, busy_seconds() - busy0
    ser, dsk = statistics.median(res["serial"]), statistics.median(res["dask"])
    speedups = [s / d for s, d in zip(res["serial"], res["dask"])]
    print(f"## Sweep benchmark ({os.cpu_count()} cores, {args.reps} repetitions, medians)\n")
    print("| measurement | median | all runs (s) |\n|---|---|---|")
    print(f"| local cluster start, first (incl. `import distributed`) | {first:.2f} s | {first:.2f} |")
    print(f"| local cluster start, later | {statistics.median(later):.2f} s | {', '.join(f'{t:.2f}' for t in later)} |")
    print(
        f"| {res['n_trials']}-trial sweep, serial (1 BLAS thread) | {ser:.2f} s | "
        f"{', '.join(f'{t:.2f}' for t in res['serial'])} |"
    )
    print(
        f"| same sweep, {res['engine']} ({res['n_tasks']} tasks) | {dsk:.2f} s | "
        f"{', '.join(f'{t:.2f}' for t in res['dask'])} |"
    )
    print(
        f"| speed-up serial / Dask | **{statistics.median(speedups):.2f}×** | "
        f"{', '.join(f'{s:.2f}' for s in speedups)} |"
    )
    others = res["others"]
    pairs = [max(others[2 * i], others[2 * i + 1]) for i in range(len(speedups))]
    quiet = min(range(len(pairs)), key=pairs.__getitem__)
    print(
        f"| quietest repetition (other processes ≤ {pairs[quiet]:.2f} cores) | "
        f"**{speedups[quiet]:.2f}×** | serial {res['serial'][quiet]:.2f} s, Dask {res['dask'][quiet]:.2f} s |"
    )
    print(
        f"\nOther processes used {statistics.median(others):.2f} cores (median over the timed runs; "
        f"{min(others):.2f}–{max(others):.2f}); the whole machine averaged {busy / wall:.2f} busy cores of 2."
    )


if __name__ == "__main__":
    main()
