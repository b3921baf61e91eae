"""Gradient flow dX/dt = −∇_X f, dY/dt = −∇_Y f with scipy's ``solve_ivp`` (DOP853).

The x-axis of a flow run is time. The horizon is ``max_iter · η`` (the time a GD run with step η
covers in ``max_iter`` iterations); integration stops early at the time e(t) − floor reaches tol
(a terminal event). It runs in log-spaced chunks so a callback can report progress and stop it.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.integrate import solve_ivp

from ._spec import assemble, call_callback, run_message
from .result import Progress

N_OUTPUT = 300  # output times (log-spaced) over the horizon
N_CHUNKS = 24  # integration chunks (callback opportunities)


def solve_flow_spec(spec, X0, Y0, cfg, *, callback=None, callback_interval=0.1, n_records=100, keep_factors=False):
    p = spec.problem
    norm2 = p.norm2
    ctx = p.step_context(spec.step, spec.algo_options)
    m, n = p.shape
    d = spec.width
    floor = p.floor(d)
    horizon = spec.max_iter * spec.step
    rtol = float(spec.algo_options.get("rtol", 1e-8))
    atol = float(spec.algo_options.get("atol", 1e-12))

    def unpack(z):
        return z[: m * d].reshape(m, d), z[m * d :].reshape(n, d)

    def rhs(_t, z):
        gX, gY, *_ = ctx.grads(*unpack(z))
        return -np.concatenate([gX.ravel(), gY.ravel()])

    def cheap_error(z):
        return float(ctx.grads(*unpack(z))[2]) / norm2

    def reached(_t, z):
        # exact residual (the cheap Gram formula is only accurate to ~1e4·eps); aim a hair below tol
        # so the value at the located root satisfies e − floor ≤ tol after root-finding round-off
        return p.sq_error(*unpack(z)) / norm2 - floor - spec.tol * (1 - 1e-9)

    reached.terminal = True
    reached.direction = -1

    if horizon > 0:
        first = min(horizon, max(horizon * 1e-4, 1e-3 * spec.step))
        out_times = np.unique(np.concatenate([[0.0], np.geomspace(first, horizon, N_OUTPUT)]))
        edges = np.unique(np.concatenate([[0.0], np.geomspace(first, horizon, N_CHUNKS)]))
    else:
        out_times, edges = np.array([0.0]), np.array([0.0])
    times, states = [0.0], [np.concatenate([X0.ravel(), Y0.ravel()])]
    status = "max_iter"
    start = last_cb = time.perf_counter()
    z = states[0]
    with np.errstate(all="ignore"):
        if p.sq_error(X0, Y0) / norm2 - floor <= spec.tol:
            status = "converged"
        for a, b in zip(edges[:-1], edges[1:]):
            if status != "max_iter":
                break
            t_eval = out_times[(out_times > a) & (out_times <= b)]
            sol = solve_ivp(rhs, (a, b), z, method="DOP853", t_eval=t_eval, events=reached, rtol=rtol, atol=atol)
            ts = np.asarray(sol.t, dtype=float).ravel()
            ys = np.asarray(sol.y, dtype=float).reshape(z.size, -1)
            times.extend(ts.tolist())
            states.extend(ys.T)
            if sol.status == 1 and sol.t_events[0].size:
                times.append(float(sol.t_events[0][0]))
                states.append(sol.y_events[0][0])
                status = "converged"
                break
            if sol.status < 0 or not np.all(np.isfinite(ys[:, -1] if ys.size else z)):
                status = "diverged"
                break
            z = ys[:, -1] if ys.size else z
            if callback is not None and time.perf_counter() - last_cb >= callback_interval:
                last_cb = time.perf_counter()
                err_now = cheap_error(z)
                if call_callback(
                    callback,
                    Progress(
                        len(times) - 1,
                        spec.max_iter,
                        float(b),
                        float(err_now),
                        last_cb - start,
                        lambda: _snapshot(spec, cfg, times, states, unpack, floor, X0, Y0, n_records),
                    ),
                ):
                    status = "stopped"
                    break
    seconds = time.perf_counter() - start
    return _snapshot(
        spec, cfg, times, states, unpack, floor, X0, Y0, n_records, status=status, seconds=seconds, keep=keep_factors
    )


def _snapshot(spec, cfg, times, states, unpack, floor, X0, Y0, n_records, status="stopped", seconds=0.0, keep=False):
    p = spec.problem
    times = np.asarray(times, dtype=float)
    err = np.empty(len(states))
    for i, z in enumerate(states):
        err[i] = p.sq_error(*unpack(z)) / p.norm2 if np.all(np.isfinite(z)) else np.nan
    rec = np.unique(np.linspace(0, len(states) - 1, min(len(states), n_records)).astype(int))
    sx, sy, bal = [], [], []
    for i in rec:
        X, Y = unpack(states[i])
        ok = np.all(np.isfinite(states[i]))
        sx.append(np.linalg.svd(X, compute_uv=False) if ok else np.full(X.shape[1], np.nan))
        sy.append(np.linalg.svd(Y, compute_uv=False) if ok else np.full(Y.shape[1], np.nan))
        bal.append(float(np.linalg.norm(X.T @ X - Y.T @ Y)) if ok else np.nan)
    Xf, Yf = unpack(states[-1])
    k = len(states) - 1
    msg = (
        run_message(status, spec, err, k, floor)
        .replace(f" {k} time units", f" t = {times[-1]:.4g}")
        .replace(f"time {k}", f"time t = {times[-1]:.4g}")
    )
    if status == "max_iter":
        msg = (
            f"Reached the horizon t = {times[-1]:.4g} (= max_iter · η) with e_t = {err[-1]:.3g} "
            f"(floor {floor:.3g}, tol {spec.tol:.3g})."
        )
    return assemble(
        spec,
        cfg,
        status,
        msg,
        err,
        rec,
        sx,
        sy,
        bal,
        None,
        floor,
        Xf.copy(),
        Yf.copy(),
        seconds,
        t=times,
        diverged_at=k if status == "diverged" else None,
        factors=_kept(states, rec, unpack) if keep else None,
    )


def _kept(states, rec, unpack):
    """(X_t, Y_t) at the recorded outputs, stacked (``keep_factors``)."""
    pairs = [unpack(states[i]) for i in rec]
    return np.stack([x.copy() for x, _ in pairs]), np.stack([y.copy() for _, y in pairs])
