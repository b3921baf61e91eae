"""Core speed figures for the README, measured side by side in one process.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_core.py [--quick]``).
Each comparison runs its variants round-robin inside every repetition and reports medians, so
the ratios stay meaningful on a noisy shared machine. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import agdcore as agd


def naive_agd(A, X, Y, eta, iters):
    """The textbook loop: forms the m×n residual twice per iteration, loss from the first."""
    nA2 = float(np.vdot(A, A))
    losses = np.empty(iters)
    for k in range(iters):
        R = X @ Y.T - A
        losses[k] = float(np.vdot(R, R)) / nA2
        X = X - eta * (R @ Y)
        R = X @ Y.T - A
        Y = Y - eta * (R.T @ X)
    return X, Y, losses


def per_iter_solve(p, width, iters, seed=1):
    """Marginal seconds per iteration of agd.solve (AGD, Ward–Kolda init, recording on, theory off).

    (time of 3N iterations − time of N iterations) / 2N: the per-run set-up (the final exact
    residual, the first records) cancels, what remains is the cost of an iteration in a long run.
    """
    secs = []
    for k in (iters, 3 * iters):
        r = agd.solve(p, width=width, max_iter=k, tol=0.0, seed=seed, theory=False)
        assert r.n_iter == k
        secs.append(r.seconds)
    return (secs[1] - secs[0]) / (2 * iters)


def per_iter_naive(p, width, iters, seed=1):
    eta = agd.default_step("agd", "ward-kolda", p.sigma1)
    X0, Y0 = agd.INITIALIZERS["ward-kolda"].fn(p, width, eta, np.random.default_rng(seed))
    t0 = time.perf_counter()
    naive_agd(p.A, X0, Y0, eta, iters)
    return (time.perf_counter() - t0) / iters


def rounds(fns: dict, reps: int) -> dict:
    out = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            out[k].append(f())
    return out


def med(xs):
    return statistics.median(xs)


def bench_naive_vs_optimized(reps, quick):
    m = n = 1000 if quick else 2000
    d, iters = 20, 20
    p = agd.make_problem(m, n, rank=10, kappa=10.0, seed=0)
    res = rounds({"naive": lambda: per_iter_naive(p, d, iters), "agdcore": lambda: per_iter_solve(p, d, iters)}, reps)
    ratios = [a / b for a, b in zip(res["naive"], res["agdcore"])]
    return (
        f"| naive vs agdcore AGD, m = n = {m}, d = {d} | naive {med(res['naive']) * 1e3:.1f} ms/it, "
        f"agdcore {med(res['agdcore']) * 1e3:.1f} ms/it | **{med(ratios):.2f}x** (target >= 3x) |"
    )


def read_bandwidth(A, reps):
    bws = []
    for _ in range(reps):
        t0 = time.perf_counter()
        A.sum()
        bws.append(A.nbytes / (time.perf_counter() - t0))
    return max(bws)


def bench_memory_fraction(reps, quick):
    m = n = 2000 if quick else 5000
    d, iters = 10, 10
    p = agd.make_problem(m, n, rank=5, kappa=10.0, seed=0)
    times, bws = [], []
    for _ in range(reps):
        bws.append(read_bandwidth(p.A, 3))
        times.append(per_iter_solve(p, d, iters))
    bw = med(bws)
    limit = 16.0 * m * n / bw
    t = med(times)
    return (
        f"| AGD iteration at m = n = {m}, d = {d} vs the two-pass memory limit | {t * 1e3:.1f} ms/it; limit "
        f"16mn/BW = {limit * 1e3:.1f} ms at {bw / 1e9:.1f} GB/s read | **{limit / t:.0%}** of the limit (aim >= 50%) |"
    )


def bench_trials(reps, quick):
    p = agd.make_problem(100, 100, rank=5, kappa=10.0, seed=0)
    K, iters = (16, 300) if quick else (64, 1000)
    seeds = list(range(K))

    def batched():
        t0 = time.perf_counter()
        agd.solve_trials(p, seeds, width=10, max_iter=iters, tol=0.0)
        return time.perf_counter() - t0

    def loop():
        t0 = time.perf_counter()
        for s in seeds:
            agd.solve(p, width=10, max_iter=iters, tol=0.0, seed=s, theory=False)
        return time.perf_counter() - t0

    res = rounds({"loop": loop, "trials": batched}, reps)
    ratios = [a / b for a, b in zip(res["loop"], res["trials"])]
    return (
        f"| {K} trials of 100x100, d = 10, {iters} iterations | loop of solve() {med(res['loop']):.2f} s, "
        f"solve_trials {med(res['trials']):.2f} s | **{med(ratios):.2f}x** (target >= 2x) |"
    )


def bench_default_run(reps):
    p = agd.make_problem()
    agd.solve(p)
    secs, its = [], []
    for _ in range(max(reps, 5)):
        r = agd.solve(p)
        secs.append(r.seconds)
        its.append(r.n_iter)
    return (
        f"| default run (100x100, rank 5, kappa 10, d = 10, AGD, Ward–Kolda) to tol 1e-10 | {its[0]} iterations | "
        f"**{med(secs) * 1e3:.1f} ms** solve time (target < 50 ms) |"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not the README figures)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS threads (default 1: 2-thread OpenBLAS stalls 2-10x whenever another process is busy)",
    )
    args = ap.parse_args()
    import scipy.linalg  # noqa: F401  (load scipy's own OpenBLAS before limiting threads)

    with threadpool_limits(args.threads, user_api="blas"):
        run(args)


def run(args):
    blas = ", ".join(
        f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    )
    print(f"numpy {np.__version__}; BLAS: {blas}; reps = {args.reps} (medians)\n")
    print("| measurement | times | result |\n|---|---|---|")
    print(bench_default_run(args.reps), flush=True)
    print(bench_naive_vs_optimized(args.reps, args.quick), flush=True)
    print(bench_trials(args.reps, args.quick), flush=True)
    print(bench_memory_fraction(args.reps, args.quick), flush=True)


if __name__ == "__main__":
    main()
