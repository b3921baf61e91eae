"""The single discrete loop behind :func:`agdcore.solve` and :func:`agdcore.solve_trials`.

The loop runs B independent trials stacked on a leading axis, never forms the m×n residual, and
tracks e_t with the cheap Gram formula until it falls below ``1e4·eps`` above the floor, after
which it switches for good to the exact residual norm computed in row blocks (docs/performance.md#exact-residual):
the reported error stays accurate down to ~1e-16 instead of bottoming out near 1e-8.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._spec import RunSpec, call_callback, record_schedule
from .algorithms import ALGORITHMS
from .result import Progress

EXACT_SWITCH = 1e4 * np.finfo(float).eps  # relative e below which the cheap formula is not trusted
DIVERGENCE_FACTOR = 1e10  # e_t above this × max(1, e_0) counts as divergence


@dataclass
class BatchOutcome:
    errors: np.ndarray  # (B, max_iter + 1)
    stop: np.ndarray  # (B,) iteration at which each trial ended
    status: np.ndarray  # (B,) of str
    X: np.ndarray  # (B, m, d) final
    Y: np.ndarray
    rec_index: list
    sv_x: list
    sv_y: list
    balance: list
    live: np.ndarray | None
    recovery: np.ndarray | None = None  # trial 0's recovery error per iteration (observed problems, record)
    final_recovery: np.ndarray | None = None  # (B,) recovery error at each trial's last iterate
    factors: tuple | None = None  # trial 0's (X_t, Y_t) at the recorded iterates (keep_factors)


def run_batch(
    spec: RunSpec,
    X: np.ndarray,
    Y: np.ndarray,
    states: dict,
    *,
    record: bool = False,
    live_rank: int | None = None,
    callback=None,
    callback_interval: float = 0.1,
    exact_every: int = 1,
    n_records: int = 100,
    snapshot=None,
    should_stop=None,
    keep_factors: bool = False,
) -> BatchOutcome:
    """Iterate B stacked trials until each converges, diverges, is stopped or reaches max_iter.

    ``should_stop`` (a zero-argument callable, e.g. ``threading.Event().is_set``) is polled every
    iteration; when it returns True the remaining trials end with status ``stopped``.
    """
    run = _Batch(spec, X, Y, states, record, live_rank, n_records, exact_every)
    run.kept = ([], []) if keep_factors and record else None
    clock = _Clock(callback, callback_interval, snapshot)
    H = None
    with np.errstate(all="ignore"):
        for t in range(spec.max_iter + 1):
            if t == spec.max_iter:
                run.last(t, X, Y)
                break
            Xn, Yn, Hn, s, grams = run.step(X, Y, H)
            e, bad = run.measure(t, X, Y, s)
            run.track(t, X, Y, bad, grams)
            conv = ~bad & np.isfinite(e) & (e - run.floor <= spec.tol)
            done = bad | conv
            if clock.due() and clock.report(run, t, e):
                run.finish(~done, t, "stopped", X, Y)
                done[:] = True
            if should_stop is not None and not done.all() and should_stop():
                run.finish(~done, t, "stopped", X, Y)
                done[:] = True
            if bad.any():
                run.finish(bad, t, "diverged", X, Y)
            if conv.any():
                run.finish(conv, t, "converged", X, Y)
            if done.all():
                break
            if done.any():
                Xn, Yn, Hn = run.drop(done, Xn, Yn, Hn)
            X, Y, H = Xn, Yn, Hn
    return run.outcome()


class _Batch:
    """The mutable state of one batch run: per-trial errors, stop points, records, live bound."""

    kept = None  # ([X_t], [Y_t]) of trial 0 at the records, when the caller keeps the factors

    def __init__(self, spec, X, Y, states, record, live_rank, n_records, exact_every):
        p = spec.problem
        self.spec, self.problem, self.norm2 = spec, p, p.norm2
        self.ctx = p.step_context(spec.step, spec.algo_options, states)
        self.step_fn = ALGORITHMS[spec.algorithm].step
        B, max_iter = X.shape[0], spec.max_iter
        self.floor = p.floor(spec.width)
        self.errors = np.full((B, max_iter + 1), np.nan)
        self.stop = np.full(B, max_iter)
        self.status = np.full(B, "max_iter", dtype=object)
        self.Xf, self.Yf = np.empty_like(X), np.empty_like(Y)
        self.active = np.arange(B)
        self.exact = np.zeros(B, dtype=bool)
        self.exact_every = exact_every
        self.record = record
        self.schedule = set(record_schedule(max_iter, n_records).tolist()) if record else set()
        self.rec_index, self.sv_x, self.sv_y, self.balance = [], [], [], []
        self.live_rank = live_rank
        self.live = np.full(max_iter + 1, np.nan) if live_rank else None
        self.div_limit = None
        self.trust_s = getattr(p, "residual_is_exact", False)  # s is exact: no switch to sq_error
        has_rec = getattr(p, "has_recovery", False)
        self.final_rec = np.full(B, np.nan) if has_rec else None
        self.recovery = np.full(max_iter + 1, np.nan) if has_rec and record else None
        self.rec_every = has_rec and p.cheap_recovery

    def _exact(self, X, Y) -> float:
        return self.problem.sq_error(X, Y) / self.norm2

    def step(self, X, Y, H):
        try:
            return self.step_fn(self.ctx, X, Y, H)
        except np.linalg.LinAlgError:
            return X, Y, None, np.full(len(self.active), np.nan), None

    def measure(self, t, X, Y, s):
        """e_t of the active trials (exact in the low-error phase) and which ones diverged."""
        e = s / self.norm2
        if self.div_limit is None:
            self.div_limit = DIVERGENCE_FACTOR * np.maximum(1.0, np.where(np.isfinite(e), e, 1.0))
            if self.live is not None:
                self.live[0] = e[0]
        bad = ~np.isfinite(e) | (e > self.div_limit[self.active])
        low = ~bad & (e - self.floor < EXACT_SWITCH) & (not self.trust_s)
        newly = low & ~self.exact[self.active]
        self.exact[self.active[newly]] = True
        in_exact = self.exact[self.active] & ~bad
        if in_exact.any():
            due = (t % self.exact_every == 0) or (t in self.schedule)
            for j in np.nonzero(in_exact)[0]:
                e[j] = self._exact(X[j], Y[j]) if (due or newly[j]) else np.nan
        self.errors[self.active, t] = np.where(bad, np.nan, e)
        return e, bad

    def track(self, t, X, Y, bad, grams):
        """Record trial 0's spectra on the schedule and advance the live bound."""
        if self.record and t in self.schedule and not bad[0]:
            self._record(t, X[0], Y[0])
        if self.recovery is not None and not bad[0] and (self.rec_every or t in self.schedule):
            self.recovery[t] = self.problem.recovery_error(X[0], Y[0])
        if self.live is not None and not bad[0] and grams is not None:
            self.live[t + 1] = self.live[t] * _live_q(grams, self.spec.step, self.live_rank) ** 2

    def _record(self, t, Xt, Yt):
        self.rec_index.append(t)
        if self.kept is not None:  # copies: the step rules may reuse their buffers
            self.kept[0].append(Xt.copy())
            self.kept[1].append(Yt.copy())
        with np.errstate(all="ignore"):
            ok = np.all(np.isfinite(Xt)) and np.all(np.isfinite(Yt))
            self.sv_x.append(np.linalg.svd(Xt, compute_uv=False) if ok else np.full(Xt.shape[1], np.nan))
            self.sv_y.append(np.linalg.svd(Yt, compute_uv=False) if ok else np.full(Yt.shape[1], np.nan))
            self.balance.append(float(np.linalg.norm(Xt.T @ Xt - Yt.T @ Yt)) if ok else np.nan)

    def finish(self, mask, t, label, Xc, Yc, exact_done=False):
        """End the trials in ``mask`` at iteration t with status ``label`` (final e exact when finite)."""
        idx = self.active[mask]
        self.stop[idx] = t
        self.status[idx] = label
        self.Xf[idx], self.Yf[idx] = Xc[mask], Yc[mask]
        errors = self.errors
        for j, i in zip(np.nonzero(mask)[0], idx):
            if not exact_done and (np.isfinite(errors[i, t]) or label != "diverged"):
                if np.all(np.isfinite(Xc[j])) and np.all(np.isfinite(Yc[j])):
                    errors[i, t] = self._exact(Xc[j], Yc[j])
            if self.final_rec is not None:
                self.final_rec[i] = self.problem.recovery_error(Xc[j], Yc[j])
                if self.recovery is not None and i == 0:
                    self.recovery[t] = self.final_rec[i]
        if self.record and mask.any() and (not self.rec_index or self.rec_index[-1] != t):
            self._record(t, Xc[0], Yc[0])

    def last(self, t, X, Y):
        """At max_iter: exact e for every active trial; those within tol count as converged."""
        e = np.array([self._exact(X[j], Y[j]) for j in range(len(self.active))])
        self.errors[self.active, t] = e
        conv = np.isfinite(e) & (e - self.floor <= self.spec.tol)
        active = self.active
        self.finish(np.ones(len(active), bool), t, "max_iter", X, Y, exact_done=True)
        self.status[active[conv]] = "converged"

    def drop(self, done, Xn, Yn, Hn):
        keep = ~done
        self.active = self.active[keep]
        self.ctx.state = {k: v[keep] for k, v in self.ctx.state.items()}
        return Xn[keep], Yn[keep], None if Hn is None else Hn[keep]

    def outcome(self) -> BatchOutcome:
        if self.live is not None:
            self.live[self.stop[0] + 1 :] = np.nan
        return BatchOutcome(
            self.errors,
            self.stop,
            self.status,
            self.Xf,
            self.Yf,
            self.rec_index,
            self.sv_x,
            self.sv_y,
            self.balance,
            self.live,
            None if self.recovery is None else self.recovery[: self.stop[0] + 1],
            self.final_rec,
            None if self.kept is None else (np.stack(self.kept[0]), np.stack(self.kept[1])),
        )

    def progress(self, t, e, elapsed, snapshot) -> Progress:
        errors, live = self.errors, self.live
        return Progress(
            t,
            self.spec.max_iter,
            float(t),
            float(e[0]),
            elapsed,
            lambda: snapshot(
                errors[0, : t + 1], self.rec_index, self.sv_x, self.sv_y, self.balance, live, t, self._recovery_upto(t)
            ),
        )

    def _recovery_upto(self, t):
        return None if self.recovery is None else self.recovery[: t + 1].copy()


class _Clock:
    """Calls the progress callback at most every ``interval`` seconds."""

    def __init__(self, callback, interval, snapshot):
        self.callback, self.interval, self.snapshot = callback, interval, snapshot
        self.t0 = self.last = time.perf_counter()

    def due(self) -> bool:
        return self.callback is not None and time.perf_counter() - self.last >= self.interval

    def report(self, run: _Batch, t: int, e) -> bool:
        """Call the callback; True when it asks to stop."""
        self.last = time.perf_counter()
        return call_callback(self.callback, run.progress(t, e, self.last - self.t0, self.snapshot))


def initial_state(spec: RunSpec, rng: np.random.Generator) -> dict:
    """The per-trial state of the algorithm (feedback alignment's B), drawn after the init."""
    algo = ALGORITHMS[spec.algorithm]
    return {} if algo.make_state is None else algo.make_state(spec.problem, spec.width, rng)


def _live_q(grams, eta, r):
    """q_t = max_{i≤r} |1 − η σ_i²(X_{t+1})| · max(1, |1 − η σ₁²(Y_t)|)  (docs/theory.md#live-bound)."""
    G, Hn = grams
    ey, ex = np.linalg.eigvalsh(np.stack([G[0], Hn[0]]))  # one LAPACK call for both d×d Grams
    ex = ex[-r:]
    qx = max(abs(1 - eta * ex[0]), abs(1 - eta * ex[-1]))
    return qx * max(1.0, abs(1 - eta * ey[-1]))
