"""The single discrete loop behind :func:`agdcore.solve` and :func:`agdcore.solve_trials`.

The loop runs B independent trials stacked on a leading axis, never forms the m×n residual, and
tracks e_t with the cheap Gram formula until it falls below ``1e4·eps`` above the floor, after
which it switches for good to the exact residual norm computed in row blocks (performance.md §2b):
the reported error stays accurate down to ~1e-16 instead of bottoming out near 1e-8.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._spec import RunSpec, call_callback, record_schedule
from .algorithms import ALGORITHMS, StepContext, block_rows
from .problem import exact_sq_residual
from .result import Progress

EXACT_SWITCH = 1e4 * np.finfo(float).eps  # relative e below which the cheap formula is not trusted
DIVERGENCE_FACTOR = 1e10                   # e_t above this × max(1, e_0) counts as divergence


@dataclass
class BatchOutcome:
    errors: np.ndarray       # (B, max_iter + 1)
    stop: np.ndarray         # (B,) iteration at which each trial ended
    status: np.ndarray       # (B,) of str
    X: np.ndarray            # (B, m, d) final
    Y: np.ndarray
    rec_index: list
    sv_x: list
    sv_y: list
    balance: list
    live: np.ndarray | None


def run_batch(spec: RunSpec, X: np.ndarray, Y: np.ndarray, states: dict, *, record: bool = False,
              live_rank: int | None = None, callback=None, callback_interval: float = 0.1,
              exact_every: int = 1, n_records: int = 100, snapshot=None, should_stop=None) -> BatchOutcome:
    """Iterate B stacked trials until each converges, diverges, is stopped or reaches max_iter.

    ``should_stop`` (a zero-argument callable, e.g. ``threading.Event().is_set``) is polled every
    iteration; when it returns True the remaining trials end with status ``stopped``.
    """
    p = spec.problem
    A = p.A
    At = A.T  # the fused pass (large A) reads A row-blockwise; no transposed copy needed
    ctx = StepContext(A, At, p.norm2, spec.step, spec.algo_options, dict(states), block_rows(A))
    step_fn = ALGORITHMS[spec.algorithm].step
    B = X.shape[0]
    max_iter, tol, floor, norm2 = spec.max_iter, spec.tol, p.floor(spec.width), p.norm2
    errors = np.full((B, max_iter + 1), np.nan)
    stop = np.full(B, max_iter)
    status = np.full(B, "max_iter", dtype=object)
    Xf, Yf = np.empty_like(X), np.empty_like(Y)
    active = np.arange(B)
    exact = np.zeros(B, dtype=bool)
    schedule = set(record_schedule(max_iter, n_records).tolist()) if record else set()
    rec_index, sv_x, sv_y, balance = [], [], [], []
    live = np.full(max_iter + 1, np.nan) if live_rank else None
    H = None
    div_limit = None
    last_cb = time.perf_counter()
    t0 = last_cb

    def finish(mask, t, label, Xc, Yc, exact_done=False):
        idx = active[mask]
        stop[idx] = t
        status[idx] = label
        Xf[idx], Yf[idx] = Xc[mask], Yc[mask]
        for j, i in zip(np.nonzero(mask)[0], idx):  # final value: exact whenever finite
            if not exact_done and (np.isfinite(errors[i, t]) or label != "diverged"):
                if np.all(np.isfinite(Xc[j])) and np.all(np.isfinite(Yc[j])):
                    errors[i, t] = exact_sq_residual(A, Xc[j], Yc[j]) / norm2
        if record and mask.any() and (not rec_index or rec_index[-1] != t):
            _record(t, Xc[0], Yc[0])

    def _record(t, Xt, Yt):
        rec_index.append(t)
        with np.errstate(all="ignore"):
            ok = np.all(np.isfinite(Xt)) and np.all(np.isfinite(Yt))
            sv_x.append(np.linalg.svd(Xt, compute_uv=False) if ok else np.full(Xt.shape[1], np.nan))
            sv_y.append(np.linalg.svd(Yt, compute_uv=False) if ok else np.full(Yt.shape[1], np.nan))
            balance.append(float(np.linalg.norm(Xt.T @ Xt - Yt.T @ Yt)) if ok else np.nan)

    with np.errstate(all="ignore"):
        for t in range(max_iter + 1):
            if t == max_iter:
                e = np.array([exact_sq_residual(A, X[j], Y[j]) / norm2 for j in range(len(active))])
                errors[active, t] = e
                conv = np.isfinite(e) & (e - floor <= tol)
                finish(np.ones(len(active), bool), t, "max_iter", X, Y, exact_done=True)
                status[active[conv]] = "converged"
                break
            try:
                Xn, Yn, Hn, s, grams = step_fn(ctx, X, Y, H)
            except np.linalg.LinAlgError:
                s = np.full(len(active), np.nan)
                Xn, Yn, Hn, grams = X, Y, None, None
            e = s / norm2
            if div_limit is None:
                div_limit = DIVERGENCE_FACTOR * np.maximum(1.0, np.where(np.isfinite(e), e, 1.0))
                live is not None and live.__setitem__(0, e[0])
            bad = ~np.isfinite(e) | (e > div_limit[active])
            # exact evaluation in the low-error phase
            low = ~bad & (e - floor < EXACT_SWITCH)
            newly = low & ~exact[active]
            exact[active[newly]] = True
            in_exact = exact[active] & ~bad
            if in_exact.any():
                due = (t % exact_every == 0) or (t in schedule)
                for j in np.nonzero(in_exact)[0]:
                    if due or newly[j]:
                        e[j] = exact_sq_residual(A, X[j], Y[j]) / norm2
                    else:
                        e[j] = np.nan
            errors[active, t] = np.where(bad, np.nan, e)
            if record and t in schedule and not bad[0]:
                _record(t, X[0], Y[0])
            if live is not None and not bad[0] and grams is not None:
                live[t + 1] = live[t] * _live_q(grams, spec.step, live_rank) ** 2
            conv = ~bad & np.isfinite(e) & (e - floor <= tol)
            done = bad | conv
            if callback is not None and time.perf_counter() - last_cb >= callback_interval:
                last_cb = time.perf_counter()
                stop_now = call_callback(callback, Progress(t, max_iter, float(t), float(e[0]), last_cb - t0,
                                                    lambda t=t: snapshot(errors[0, : t + 1], rec_index, sv_x,
                                                                         sv_y, balance, live, t)))
                if stop_now:
                    finish(~done, t, "stopped", X, Y)
                    done[:] = True
            if should_stop is not None and not done.all() and should_stop():
                finish(~done, t, "stopped", X, Y)
                done[:] = True
            if bad.any():
                finish(bad, t, "diverged", X, Y)
            if conv.any():
                finish(conv, t, "converged", X, Y)
            if done.all():
                break
            if done.any():
                keep = ~done
                active = active[keep]
                Xn, Yn = Xn[keep], Yn[keep]
                Hn = None if Hn is None else Hn[keep]
                ctx.state = {k: v[keep] for k, v in ctx.state.items()}
            X, Y, H = Xn, Yn, Hn
    if live is not None:
        live[stop[0] + 1:] = np.nan
    return BatchOutcome(errors, stop, status, Xf, Yf, rec_index, sv_x, sv_y, balance, live)


def _live_q(grams, eta, r):
    """q_t = max_{i≤r} |1 − η σ_i²(X_{t+1})| · max(1, |1 − η σ₁²(Y_t)|)  (theory.md Lemma D3)."""
    G, Hn = grams
    ey, ex = np.linalg.eigvalsh(np.stack([G[0], Hn[0]]))  # one LAPACK call for both d×d Grams
    ex = ex[-r:]
    qx = max(abs(1 - eta * ex[0]), abs(1 - eta * ex[-1]))
    return qx * max(1.0, abs(1 - eta * ey[-1]))

