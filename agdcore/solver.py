"""The front door: :func:`solve` validates, initializes, dispatches to a driver and adds the theory.

The discrete rules run in :func:`agdcore._loop.run_batch`, the gradient flow in
:func:`agdcore.flow.solve_flow_spec`; both build their :class:`Result` with
:func:`agdcore._spec.assemble`.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from ._loop import initial_state, run_batch
from ._spec import RunSpec, assemble, make_spec, recovery_note, run_message
from ._validation import check_int
from .flow import solve_flow_spec
from .initializers import resolve_init
from .problem import Problem
from .report import theory_report
from .result import Result


def solve(
    problem: Problem,
    algorithm: str = "agd",
    init="ward-kolda",
    width: int = 10,
    step=None,
    max_iter: int = 10_000,
    tol: float = 1e-10,
    seed=1,
    *,
    callback=None,
    callback_interval: float = 0.1,
    n_records: int = 100,
    exact_every: int = 1,
    memory_budget=None,
    theory: bool = True,
    keep_factors: bool = False,
    **options,
) -> Result:
    """Run one algorithm from one initialization on ``problem``.

    Parameters
    ----------
    problem : Problem, CompletionProblem or SensingProblem
        From :func:`make_problem` or :meth:`Problem.from_array`; or an observed problem from
        :func:`make_completion` / :func:`make_sensing` (then ``error`` is the relative training loss
        and ``recovery_error`` the error against M★).
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
    keep_factors : bool
        Also keep X_t and Y_t at the ~``n_records`` recorded iterates (``result.factors``; for
        pictures of the reconstruction). Off by default; refused when they would take more than
        ``KEEP_FACTORS_BYTES`` (64 MB).
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
    if keep_factors:
        _check_keep_factors(problem, spec.width, n_records)
    rng = np.random.default_rng(seed)
    X0, Y0, _ = resolve_init(init, problem, spec.width, spec.step, rng, spec.init_options)
    cfg = spec.config(seed if not isinstance(seed, np.random.Generator) else None)
    if spec.unit == "time":
        result = solve_flow_spec(
            spec,
            X0,
            Y0,
            cfg,
            callback=callback,
            callback_interval=callback_interval,
            n_records=n_records,
            keep_factors=bool(keep_factors),
        )
    else:
        states = {k: v[None] for k, v in initial_state(spec, rng).items()}
        live_rank = _live_rank(spec, X0)
        floor = problem.floor(spec.width)

        def snapshot(err, rec, sx, sy, bal, live, t, recovery=None):
            return assemble(
                spec,
                cfg,
                "stopped",
                "running",
                err.copy(),
                list(rec),
                list(sx),
                list(sy),
                list(bal),
                None if live is None else live[: t + 1].copy(),
                floor,
                X0,
                Y0,
                0.0,
                recovery=recovery,
            )

        start = time.perf_counter()
        out = run_batch(
            spec,
            X0[None],
            Y0[None],
            states,
            record=True,
            live_rank=live_rank,
            callback=callback,
            callback_interval=callback_interval,
            exact_every=exact_every,
            n_records=n_records,
            snapshot=snapshot,
            keep_factors=bool(keep_factors),
        )
        seconds = time.perf_counter() - start
        k = int(out.stop[0])
        st = str(out.status[0])
        err = out.errors[0, : k + 1]
        live = None if out.live is None else out.live[: k + 1]
        msg = run_message(st, spec, err, k, floor)
        if out.final_recovery is not None:
            msg += recovery_note(float(out.final_recovery[0]))
        result = assemble(
            spec,
            cfg,
            st,
            msg,
            err,
            out.rec_index,
            out.sv_x,
            out.sv_y,
            out.balance,
            live,
            floor,
            out.X[0],
            out.Y[0],
            seconds,
            diverged_at=k if st == "diverged" else None,
            recovery=out.recovery,
            factors=out.factors,
        )
    if theory:
        result = dataclasses.replace(result, bounds=theory_report(problem, result, X0, Y0))
    return result


KEEP_FACTORS_BYTES = 64 * 2**20  # the most memory keep_factors may take


def _check_keep_factors(problem, width: int, n_records: int) -> None:
    m, n = problem.shape
    need = 8.0 * (n_records + 1) * (m + n) * width
    if need > KEEP_FACTORS_BYTES:
        raise ValueError(
            f"keep_factors would keep {need / 2**20:.0f} MB of factors ({n_records} records of "
            f"{m}x{width} and {n}x{width}); the limit is {KEEP_FACTORS_BYTES / 2**20:.0f} MB: use a "
            "smaller problem, width or n_records."
        )


def _live_rank(spec: RunSpec, X0) -> int | None:
    """The live bound (docs/theory.md#live-bound) applies to AGD on an exactly rank-r A with X₀ in col(A), d ≥ r."""
    p = spec.problem
    if p.kind != "dense" or spec.algorithm != "agd" or spec.width < p.rank or not p.is_exactly_low_rank:
        return None
    return p.rank if p.in_column_span(X0) else None
