"""The single discrete loop behind :func:`solve` and :func:`solve_trials`.

The loop runs B independent trials stacked on a leading axis, never forms the m×n residual, and
tracks e_t with the cheap Gram formula until it falls below ``1e4·eps`` above the floor, after
which it switches for good to the exact residual norm computed in row blocks (performance.md §2b):
the reported error stays accurate down to ~1e-16 instead of bottoming out near 1e-8.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._validation import check_choice, check_float, check_int, check_memory
from .algorithms import ALGORITHMS, StepContext, block_rows, default_step
from .initializers import INITIALIZERS, resolve_init
from .problem import Problem, exact_sq_residual
from .result import Progress, Result

EXACT_SWITCH = 1e4 * np.finfo(float).eps  # relative e below which the cheap formula is not trusted
DIVERGENCE_FACTOR = 1e10                   # e_t above this × max(1, e_0) counts as divergence
MAX_ITER_LIMIT = 10_000_000

MESSAGES = {
    "converged": "Converged: e_t − floor fell to {err:.3g} ≤ tol = {tol:.3g} after {it} {unit}.",
    "max_iter": "Stopped at max_iter = {it} {unit} with e_t = {err:.3g} (floor {floor:.3g}, tol {tol:.3g}).",
    "diverged": "Diverged at {unit_single} {it}: the iterates overflowed or became NaN. "
                "Try a smaller step (η = {step:.3g} now; the largest stable step is about {hint}).",
    "stopped": "Stopped by the callback at {unit_single} {it} with e_t = {err:.3g}.",
}


# ---------------------------------------------------------------------- configuration
@dataclass
class RunSpec:
    """Validated, resolved settings of a run (shared by solve, solve_trials and the flow)."""

    problem: Problem
    algorithm: str
    init: object
    init_name: str
    width: int
    step: float
    max_iter: int
    tol: float
    init_options: dict
    algo_options: dict

    def config(self, seed) -> dict:
        p = self.problem
        cfg = {
            "m": p.shape[0], "n": p.shape[1], "rank": p.rank, "kappa": p.kappa, "sigma1": p.sigma1,
            "problem": p.description, "algorithm": self.algorithm, "init": self.init_name,
            "width": self.width, "step": self.step, "step_times_sigma1": self.step * p.sigma1,
            "max_iter": self.max_iter, "tol": self.tol, "seed": seed,
        }
        init_opts = dict(self.init_options)
        if self.init_name in INITIALIZERS and isinstance(self.init, str):
            init_opts = {**INITIALIZERS[self.init_name].defaults, **init_opts}
            if self.init_name == "ward-kolda" and init_opts.get("D") is None:
                init_opts["D"] = float(init_opts["C"]) * float(init_opts["nu"]) / 9.0
        cfg.update({f"init_{k}": v for k, v in init_opts.items()})
        cfg.update(self.algo_options)
        return cfg


def make_spec(problem: Problem, algorithm: str, init, width: int, step, max_iter: int, tol: float,
              options: dict, memory_budget=None) -> RunSpec:
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an agdcore.Problem (see make_problem / Problem.from_array), got {type(problem).__name__}.")
    check_choice(algorithm, "algorithm", ALGORITHMS)
    m, n = problem.shape
    width = check_int(width, "width", 1, min(m, n))
    max_iter = check_int(max_iter, "max_iter", 0, MAX_ITER_LIMIT)
    tol = check_float(tol, "tol", 0.0)
    check_memory(8.0 * (m + n) * width * 12, f"width {width} factors for a {m}x{n} problem", memory_budget)
    algo = ALGORITHMS[algorithm]
    init_keys = set(INITIALIZERS[init].defaults) if isinstance(init, str) and init in INITIALIZERS else set()
    if isinstance(init, str):
        check_choice(init, "init", INITIALIZERS)
    unknown = set(options) - init_keys - set(algo.defaults)
    if unknown:
        valid = sorted(init_keys | set(algo.defaults))
        raise ValueError(f"Unknown option(s) {sorted(unknown)} for algorithm {algorithm!r} with init "
                         f"{init if isinstance(init, str) else 'explicit'!r}; valid options: {valid or 'none'}.")
    init_options = {k: v for k, v in options.items() if k in init_keys and v is not None}
    algo_options = {**algo.defaults, **{k: v for k, v in options.items() if k in algo.defaults}}
    if algorithm == "scaledgd-lambda":
        lam = algo_options.get("lam")
        algo_options["lam"] = 0.01 * problem.sigma1 if lam is None else check_float(lam, "lam", 0.0)
    if algorithm == "precgd":
        algo_options["damping"] = check_float(algo_options["damping"], "damping", 0.0)
    init_name = init if isinstance(init, str) else ("explicit" if isinstance(init, (tuple, list)) else getattr(init, "__name__", "callable"))
    if step is None:
        step = default_step(algorithm, init_name, problem.sigma1, init_options)
    step = check_float(step, "step", 0.0, lo_open=True)
    return RunSpec(problem, algorithm, init, init_name, width, step, max_iter, tol, init_options, algo_options)


def record_schedule(max_iter: int, n_records: int = 100) -> np.ndarray:
    """0 and about ``n_records`` log-spaced iterations up to ``max_iter``."""
    if max_iter <= 0:
        return np.array([0])
    pts = np.geomspace(1, max_iter, max(2, n_records)).astype(int)
    return np.unique(np.concatenate([[0], pts, [max_iter]]))


def stability_hint(spec: RunSpec) -> str:
    if ALGORITHMS[spec.algorithm].preconditioned:
        return "0.5 (dimensionless; ScaledGD needs η ≤ 2/3)"
    return f"{1.0 / spec.problem.sigma1:.3g} = 1/σ₁(A)"


# ---------------------------------------------------------------------- the loop
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
                stop_now = _call(callback, Progress(t, max_iter, float(t), float(e[0]), last_cb - t0,
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


def _call(callback, progress) -> bool:
    try:
        return bool(callback(progress))
    except StopIteration:
        return True


# ---------------------------------------------------------------------- public API
def solve(problem: Problem, algorithm: str = "agd", init="ward-kolda", width: int = 10, step=None,
          max_iter: int = 10_000, tol: float = 1e-10, seed=1, *, callback=None,
          callback_interval: float = 0.1, n_records: int = 100, exact_every: int = 1,
          memory_budget=None, theory: bool = True, **options) -> Result:
    """Run one algorithm from one initialization on ``problem``.

    Parameters
    ----------
    problem : Problem
        From :func:`make_problem` or :meth:`Problem.from_array`.
    algorithm : str
        A key of :data:`ALGORITHMS`: ``agd``, ``gd``, ``flow``, ``scaledgd``, ``precgd``,
        ``scaledgd-lambda``, ``fa``.
    init : str, callable or (X0, Y0)
        A key of :data:`INITIALIZERS` (``ward-kolda``, ``gaussian``, ``spectral``, ``nystrom``,
        ``zeros``), a callable ``(problem, width, step, rng, **opts) -> (X0, Y0)``, or arrays.
    width : int
        Factor width d, ``1 <= d <= min(m, n)``.
    step : float or None
        Step size η > 0; None picks the default (see :func:`agdcore.algorithms.default_step`).
    max_iter : int
        Iteration cap (for the flow: the horizon is ``max_iter · η`` time units).
    tol : float
        Converged when e_t − floor ≤ tol, with e_t = ‖A − X_tY_tᵀ‖²/‖A‖² and the Eckart–Young floor
        for width d (0 for exactly low-rank A with d ≥ r).
    seed : int or Generator
        Seed of the initialization (and of feedback alignment's B).
    callback : callable, optional
        Called with a :class:`Progress` at most every ``callback_interval`` seconds; returning True
        or raising StopIteration stops the run (status ``stopped``).
    **options
        Init parameters (``C``, ``D``, ``nu``, ``scale``, ``perturbation``) and algorithm parameters
        (``damping`` for precgd, ``lam`` for scaledgd-lambda, ``rtol``/``atol`` for the flow).

    Examples
    --------
    >>> import agdcore as agd
    >>> p = agd.make_problem(m=60, n=50, rank=3, kappa=5.0, seed=0)
    >>> r = agd.solve(p, width=6, seed=1)
    >>> r.status, r.final_error < 1e-10
    ('converged', True)
    """
    spec = make_spec(problem, algorithm, init, width, step, max_iter, tol, options, memory_budget)
    n_records = check_int(n_records, "n_records", 2, 10_000)
    exact_every = check_int(exact_every, "exact_every", 1)
    rng = np.random.default_rng(seed)
    X0, Y0, _ = resolve_init(init, problem, spec.width, spec.step, rng, spec.init_options)
    cfg = spec.config(seed if not isinstance(seed, np.random.Generator) else None)
    if algorithm == "flow":
        from .flow import solve_flow_spec

        result = solve_flow_spec(spec, X0, Y0, cfg, callback=callback, callback_interval=callback_interval,
                                 n_records=n_records)
    else:
        algo = ALGORITHMS[algorithm]
        states = {}
        if algo.make_state is not None:
            states = {k: v[None] for k, v in algo.make_state(problem.A, spec.width, rng).items()}
        live_rank = _live_rank(spec, X0)
        floor = problem.floor(spec.width)

        def snapshot(err, rec, sx, sy, bal, live, t):
            return _assemble(spec, cfg, "stopped", "running", err.copy(), list(rec), list(sx), list(sy),
                             list(bal), None if live is None else live[: t + 1].copy(), floor, X0, Y0, 0.0)

        start = time.perf_counter()
        out = run_batch(spec, X0[None], Y0[None], states, record=True, live_rank=live_rank, callback=callback,
                        callback_interval=callback_interval, exact_every=exact_every, n_records=n_records,
                        snapshot=snapshot)
        seconds = time.perf_counter() - start
        k = int(out.stop[0])
        st = str(out.status[0])
        err = out.errors[0, : k + 1]
        live = None if out.live is None else out.live[: k + 1]
        msg = _message(st, spec, err, k, floor)
        result = _assemble(spec, cfg, st, msg, err, out.rec_index, out.sv_x, out.sv_y, out.balance, live,
                           floor, out.X[0], out.Y[0], seconds, diverged_at=k if st == "diverged" else None)
    if theory:
        from .bounds import theory_report

        object.__setattr__(result, "bounds", theory_report(problem, result, X0, Y0))
    return result


def _live_rank(spec: RunSpec, X0) -> int | None:
    """The live bound of Lemma D3 applies to AGD on an exactly rank-r A with X₀ in col(A), d ≥ r."""
    p = spec.problem
    if spec.algorithm != "agd" or spec.width < p.rank or not p.is_exactly_low_rank:
        return None
    return p.rank if p.in_column_span(X0) else None


def _message(status, spec, err, k, floor) -> str:
    finite = err[np.isfinite(err)]
    last = float(finite[-1]) if finite.size else float("nan")
    unit = "time units" if spec.algorithm == "flow" else "iterations"
    return MESSAGES[status].format(err=last - floor if status == "converged" else last, tol=spec.tol, it=k,
                                   unit=unit, unit_single="time" if spec.algorithm == "flow" else "iteration",
                                   floor=floor, step=spec.step, hint=stability_hint(spec))


def _assemble(spec, cfg, status, message, err, rec, sx, sy, bal, live, floor, X, Y, seconds,
              t=None, diverged_at=None) -> Result:
    d = spec.width
    return Result(
        config=cfg, status=status, message=message, error=np.asarray(err, dtype=float),
        t=np.arange(len(err), dtype=float) if t is None else np.asarray(t, dtype=float),
        record_index=np.asarray(rec, dtype=int),
        sv_x=np.asarray(sx, dtype=float).reshape(-1, d), sv_y=np.asarray(sy, dtype=float).reshape(-1, d),
        balance=np.asarray(bal, dtype=float), live_bound=live, floor=float(floor), X=X, Y=Y,
        seconds=float(seconds), diverged_at=diverged_at,
    )
