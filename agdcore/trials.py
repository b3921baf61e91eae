"""Many independent initializations on one problem, run as stacked arrays in chunks."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._loop import initial_state, run_batch
from ._spec import make_spec
from ._validation import check_int, check_memory
from .initializers import resolve_init
from .problem import Problem
from .solver import solve


def iteration_quartiles(its, method: str = "linear") -> np.ndarray:
    """25/50/75 % quartiles of iterations to tol, unreached trials (NaN) counted as ∞.

    The one implementation behind every "median iterations to tol" (Compare, sweeps, experiments).
    ``method`` is NumPy's: "linear" (the textbook median, midpoint of the middle pair; sweeps and
    experiments) or "lower" (always an actual trial's count; Compare's table).
    """
    its = np.asarray(its, dtype=float)
    its = np.where(np.isfinite(its), its, np.inf)
    with np.errstate(invalid="ignore"):
        q = np.quantile(its, [0.25, 0.5, 0.75], method=method)
    return np.nan_to_num(q, nan=np.inf, posinf=np.inf)  # ∞ − ∞ inside an interpolation is "never"


@dataclass(frozen=True, eq=False)
class TrialsResult:
    """Per-trial outcomes of :func:`solve_trials` (K trials).

    ``iterations_to_tol`` is the first iteration (flow: time) with e_t − floor ≤ tol, NaN if never;
    ``errors`` is (K, len(t)) with NaN after each trial stopped (see :meth:`filled_errors`).
    """

    config: dict
    seeds: np.ndarray
    iterations_to_tol: np.ndarray
    final_error: np.ndarray
    status: np.ndarray
    errors: np.ndarray
    t: np.ndarray
    floor: float
    seconds: np.ndarray
    final_recovery_error: np.ndarray | None = None  # observed problems: ‖XYᵀ − M★‖²/‖M★‖² at each end

    @property
    def recovered(self) -> np.ndarray | None:
        """Per trial: final recovery error ≤ 1e-3 (None for the fully observed problem)."""
        from ._observed import RECOVERY_TOL

        rec = self.final_recovery_error
        return None if rec is None else np.isfinite(rec) & (rec <= RECOVERY_TOL)

    def filled_errors(self) -> np.ndarray:
        """Errors with each trial's last value carried forward after it stopped (for medians/bands)."""
        E = self.errors.copy()
        for k in range(E.shape[0]):
            ok = np.nonzero(np.isfinite(E[k]))[0]
            if ok.size:
                last = ok[-1]
                E[k, last + 1 :] = E[k, last] if self.status[k] != "diverged" else np.inf
        return E

    def quantiles(self, qs=(0.25, 0.5, 0.75), columns=None) -> np.ndarray:
        """(len(qs), len(t)) quantiles of the filled error curves; only at ``columns`` (indices into t)
        when given: the same values there, and far cheaper than all 60,000 columns of a long run (NumPy's
        nanquantile loops in Python over columns that hold a NaN)."""
        E = self.filled_errors()
        with np.errstate(invalid="ignore"):
            return np.nanquantile(E if columns is None else E[:, columns], qs, axis=0)

    def iteration_quartiles(self) -> np.ndarray:
        """25/50/75 % quartiles of iterations to tol, unreached trials counted as ∞.

        Uses the "lower" method, so each quartile is an actual trial's count (or ∞), well defined
        even when some trials never reached tol.
        """
        return iteration_quartiles(self.iterations_to_tol, method="lower")

    def to_records(self) -> list[dict]:
        return [
            {
                "seed": int(s),
                "iterations_to_tol": (None if not np.isfinite(k) else float(k)),
                "final_error": float(e),
                "status": str(st),
                "seconds": float(sec),
                **({} if rec is None else {"final_recovery_error": float(rec)}),
            }
            for s, k, e, st, sec, rec in zip(
                self.seeds,
                self.iterations_to_tol,
                self.final_error,
                self.status,
                self.seconds,
                [None] * len(self.seeds) if self.final_recovery_error is None else self.final_recovery_error,
            )  # fmt: skip
        ]


def solve_trials(
    problem: Problem,
    seeds=range(10),
    algorithm: str = "agd",
    init="ward-kolda",
    width: int = 10,
    step=None,
    max_iter: int = 10_000,
    tol: float = 1e-10,
    *,
    chunk: int = 16,
    exact_every: int = 10,
    callback=None,
    should_stop=None,
    memory_budget=None,
    **options,
) -> TrialsResult:
    """Run one configuration from many seeds; trial k uses ``seed = seeds[k]`` exactly as :func:`solve`.

    Trials are stacked on a leading axis and iterated together in chunks of ``chunk`` (finished
    trials drop out of the stack). ``callback(n_done, n_total)`` is called after each chunk;
    returning True stops (remaining trials get status ``stopped``). ``should_stop`` (zero-argument
    callable, e.g. ``threading.Event().is_set``) is polled every iteration, so another thread can
    stop a long chunk at once.
    """
    seeds = np.asarray(list(seeds), dtype=np.int64)
    if seeds.ndim != 1 or seeds.size == 0:
        raise ValueError("seeds must be a non-empty sequence of integers.")
    chunk = check_int(chunk, "chunk", 1, 4096)
    spec = make_spec(problem, algorithm, init, width, step, max_iter, tol, options, memory_budget)
    m, n = problem.shape
    check_memory(
        8.0 * (seeds.size * (max_iter + 1) + chunk * (m + n) * spec.width * 12),
        f"{seeds.size} trials x {max_iter} iterations",
        memory_budget,
    )
    cfg = spec.config(None)
    cfg["trials"] = int(seeds.size)
    floor = problem.floor(spec.width)
    K = seeds.size
    if spec.unit == "time":
        return _flow_trials(problem, seeds, spec, cfg, floor, callback, options, memory_budget)
    errors = np.full((K, max_iter + 1), np.nan)
    status = np.full(K, "stopped", dtype=object)
    seconds = np.zeros(K)
    recovery = np.full(K, np.nan) if getattr(problem, "has_recovery", False) else None
    for start in range(0, K, chunk):
        idx = np.arange(start, min(K, start + chunk))
        t0 = time.perf_counter()
        Xs, Ys, states = [], [], []
        for s in seeds[idx]:
            rng = np.random.default_rng(int(s))
            X0, Y0, _ = resolve_init(init, problem, spec.width, spec.step, rng, spec.init_options)
            Xs.append(X0)
            Ys.append(Y0)
            states.append(initial_state(spec, rng))
        st = {k: np.stack([s_[k] for s_ in states]) for k in states[0]}
        out = run_batch(spec, np.stack(Xs), np.stack(Ys), st, exact_every=exact_every, should_stop=should_stop)
        errors[idx] = out.errors
        status[idx] = out.status
        if recovery is not None:
            recovery[idx] = out.final_recovery
        seconds[idx] = (time.perf_counter() - t0) / idx.size
        if callback is not None and callback(int(idx[-1] + 1), K):
            break
        if should_stop is not None and should_stop():
            break
    t = np.arange(max_iter + 1, dtype=float)
    return _finish(cfg, seeds, errors, status, t, floor, seconds, tol, recovery=recovery)


def _finish(cfg, seeds, errors, status, t, floor, seconds, tol, its=None, recovery=None) -> TrialsResult:
    K = len(seeds)
    given = its is not None
    its = np.full(K, np.nan) if its is None else np.asarray(its, dtype=float)
    final = np.full(K, np.nan)
    for k in range(K):
        hit = np.nonzero(errors[k] - floor <= tol)[0]
        if hit.size and not given:
            its[k] = t[hit[0]]
        ok = np.nonzero(np.isfinite(errors[k]))[0]
        if ok.size:
            final[k] = errors[k, ok[-1]]
    return TrialsResult(cfg, seeds, its, final, status.astype(str), errors, t, floor, seconds, recovery)


def _flow_trials(problem, seeds, spec, cfg, floor, callback, options, memory_budget) -> TrialsResult:
    grid = None
    rows, status, seconds, its = [], [], [], []
    for i, s in enumerate(seeds):
        r = solve(
            problem,
            "flow",
            spec.init,
            spec.width,
            spec.step,
            spec.max_iter,
            spec.tol,
            int(s),
            theory=False,
            memory_budget=memory_budget,
            **options,
        )
        if grid is None:
            horizon = max(spec.max_iter * spec.step, 1e-12)
            grid = np.unique(np.concatenate([[0.0], np.geomspace(horizon * 1e-4, horizon, 300)]))
        e = np.full(grid.size, np.nan)
        upto = grid <= r.t[-1] + 1e-12
        with np.errstate(divide="ignore"):
            e[upto] = np.exp(np.interp(grid[upto], r.t, np.log(np.maximum(r.error, 1e-300))))
        e[np.nonzero(upto)[0][-1]] = r.error[-1]
        rows.append(e)
        status.append(r.status)
        seconds.append(r.seconds)
        its.append(np.nan if r.time_to_tol is None else r.time_to_tol)
        if callback is not None and callback(i + 1, len(seeds)):
            break
    K = len(seeds)
    errors = np.full((K, grid.size), np.nan)
    errors[: len(rows)] = rows
    st = np.array(status + ["stopped"] * (K - len(status)), dtype=object)
    sec = np.array(seconds + [0.0] * (K - len(seconds)))
    its = np.array(its + [np.nan] * (K - len(its)))
    return _finish(cfg, seeds, errors, st, grid, floor, sec, spec.tol, its)
