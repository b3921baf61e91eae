"""Speed figures of the observed problems (completion, sensing), measured side by side in one process.

Run: ``.venv/bin/python benchmarks/bench_observed.py [--quick]``. Variants run round-robin inside
every repetition (1 BLAS thread) and the medians are reported, so the ratios stay meaningful on a
noisy shared machine. Prints a Markdown table:

* a completion iteration (m = n = 2000, p = 0.05, d = 10) of ``agd.solve`` against a dense
  masked-residual loop (forms R = M ∘ (XYᵀ − A) as an m×n array) measured in the same run, for AGD
  and GD (target ≥ 5×), and the iteration at m = n = 5000, p = 0.01 (the "interactive" size);
* a sensing iteration as a multiple of one pass over the (p, m·n) operator (a gemv).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_core import med, rounds  # the same round-robin and median as the core benchmark
from threadpoolctl import threadpool_limits

import agdcore as agd


def per_iter_solve(p, algorithm, width, iters, seed=1):
    """Marginal seconds per iteration of agd.solve (recording and the recovery curve on, theory off)."""
    secs = []
    for k in (iters, 3 * iters):
        r = agd.solve(
            p, algorithm=algorithm, init="gaussian", width=width, max_iter=k, tol=0.0, seed=seed, theory=False
        )
        assert r.n_iter == k, r.message
        secs.append(r.seconds)
    return (secs[1] - secs[0]) / (2 * iters)


def dense_masked(p):
    """The dense reference's data: the 0/1 mask and A with zeros off Ω, as m×n float arrays."""
    mask = np.zeros(p.shape)
    mask[p.rows, p.cols] = 1.0
    A = np.zeros(p.shape)
    A[p.rows, p.cols] = p.vals
    return mask, A


def per_iter_dense(mask, A, w, algorithm, width, iters, seed=1):
    """The textbook masked loop: R = w·M∘(XYᵀ − A) as an m×n array, loss from R, both gradients."""
    rng = np.random.default_rng(seed)
    m, n = A.shape
    X, Y = 1e-3 * rng.standard_normal((m, width)), 1e-3 * rng.standard_normal((n, width))
    eta = 0.5
    t0 = time.perf_counter()
    for _ in range(iters):
        R = w * mask * (X @ Y.T - A)
        float(np.vdot(R, R))
        if algorithm == "agd":
            X = X - eta * (R @ Y)
            R = w * mask * (X @ Y.T - A)
            Y = Y - eta * (R.T @ X)
        else:
            X, Y = X - eta * (R @ Y), Y - eta * (R.T @ X)
    return (time.perf_counter() - t0) / iters


def bench_completion(reps, quick):
    m = n = 1000 if quick else 2000
    rate, d, iters = 0.05, 10, 10
    p = agd.make_completion(m, n, 5, 10.0, rate=rate, seed=0)
    mask, A = dense_masked(p)
    rows = []
    for alg in ("agd", "gd"):
        res = rounds(
            {
                "dense": lambda alg=alg: per_iter_dense(mask, A, p.weight, alg, d, iters),
                "agdcore": lambda alg=alg: per_iter_solve(p, alg, d, iters),
            },
            reps,
        )
        ratio = med([a / b for a, b in zip(res["dense"], res["agdcore"])])
        rows.append(
            f"| completion {alg.upper()} iteration, m = n = {m}, p = {rate}, d = {d} (|Ω| = {p.n_observed:,}) | "
            f"dense masked loop {med(res['dense']) * 1e3:.1f} ms/it, agdcore {med(res['agdcore']) * 1e3:.2f} ms/it | "
            f"**{ratio:.1f}x** (target >= 5x) |"
        )
    return rows


def bench_completion_large(reps, quick):
    m = n = 2000 if quick else 5000
    t0 = time.perf_counter()
    p = agd.make_completion(m, n, 5, 10.0, rate=0.01, seed=0)
    build = time.perf_counter() - t0
    t = [per_iter_solve(p, "agd", 10, 10) for _ in range(max(1, reps // 2))]
    return [
        f"| completion AGD iteration, m = n = {m}, p = 0.01, d = 10 (|Ω| = {p.n_observed:,}) | "
        f"{med(t) * 1e3:.1f} ms/it (problem built in {build:.2f} s) | interactive |"
    ]


def per_pass(op, reps=5):
    v = np.ones(op.shape[1])
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        op @ v
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_sensing(reps, quick):
    m = n = 40 if quick else 60
    r, d = 3, 6
    meas = 5 * r * (m + n - r)
    p = agd.make_sensing(m, n, r, 5.0, measurements=meas, seed=0)
    rows = []
    for alg in ("agd", "gd"):
        res = rounds({"pass": lambda: per_pass(p.op), "iter": lambda alg=alg: per_iter_solve(p, alg, d, 10)}, reps)
        ratio = med([b / a for a, b in zip(res["pass"], res["iter"])])
        rows.append(
            f"| sensing {alg.upper()} iteration, m = n = {m}, p = {meas} measurements, d = {d} "
            f"(operator {p.op.nbytes / 1e6:.0f} MB) | iteration {med(res['iter']) * 1e3:.2f} ms, one pass over the "
            f"operator {med(res['pass']) * 1e3:.2f} ms | **{ratio:.2f} passes** "
            f"(floor: {'4, two residuals + two adjoints' if alg == 'agd' else '2, one residual + one adjoint'}) |"
        )
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repetitions")
    args = ap.parse_args(argv)
    reps = 3 if args.quick else 5
    print("| measurement | times | result |\n|---|---|---|")
    with threadpool_limits(limits=1):
        for row in [*bench_completion(reps, args.quick), *bench_completion_large(reps, args.quick)]:
            print(row, flush=True)
        for row in bench_sensing(reps, args.quick):
            print(row, flush=True)


if __name__ == "__main__":
    main()
