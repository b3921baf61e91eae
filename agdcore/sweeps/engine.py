"""Executing a sweep plan: one task of stacked trials on a worker, and the serial / Dask engines.

Dask is imported only when a Dask engine is used (see :mod:`agdcore.sweeps.dask_clients`).
"""

from __future__ import annotations

import functools
import queue
import time
import uuid

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..algorithms import default_step
from ..initializers import INITIALIZERS
from ..observe import make_observed
from ..options import options_for
from ..trials import solve_trials
from .dask_clients import engine_info, get_client
from .plan import SweepPlan, plan_sweep
from .table import to_table


# ---------------------------------------------------------------------- one task (runs on a worker)
@functools.lru_cache(maxsize=4)
def _problem(m, n, rank, kappa, spectrum, noise, problem_seed, observe="full", rate=None, measurements=None):
    return make_observed(
        observe, m, n, rank, kappa, spectrum, noise, problem_seed, rate=rate, measurements=measurements
    )


def solve_piece(s: dict, seeds) -> dict:
    """Run one cell's settings from the given seeds; returns per-trial outcome arrays."""
    p = _problem(
        s["m"], s["n"], s["rank"], s["kappa"], s["spectrum"], s["noise"], s["problem_seed"],
        s.get("observe", "full"), s.get("rate"), s.get("measurements"),
    )  # fmt: skip
    init_opts = {o.name: s[o.name] for o in INITIALIZERS[s["init"]].options if s.get(o.name) is not None}
    opts = {o.name: s[o.name] for o in options_for(s["algorithm"], s["init"]) if s.get(o.name) is not None}
    step = (
        s["step"]
        if s["step"] is not None
        else s["step_mult"] * default_step(s["algorithm"], s["init"], p.sigma1, init_opts)
    )
    r = solve_trials(
        p,
        seeds=seeds,
        algorithm=s["algorithm"],
        init=s["init"],
        width=s["width"],
        step=step,
        max_iter=s["max_iter"],
        tol=s["tol"],
        chunk=min(len(seeds), 16),
        **opts,
    )
    return {
        "step": float(r.config["step"]),
        "iterations_to_tol": r.iterations_to_tol,
        "final_error": r.final_error,
        "status": np.asarray(r.status, dtype=str),
        "seconds": r.seconds,
        **({} if r.final_recovery_error is None else {"final_recovery_error": r.final_recovery_error}),
    }


def run_task(pieces: list) -> list:
    """Worker entry point: ``pieces`` = [(cell, trial indices, settings, seeds)]; BLAS on one thread."""
    from threadpoolctl import threadpool_limits

    out = []
    with threadpool_limits(limits=1):
        for cell, trials, settings, seeds in pieces:
            out.append((cell, trials, solve_piece(settings, list(seeds))))
    return out


# ---------------------------------------------------------------------- execution
def iter_sweep(
    plan: SweepPlan, *, engine: str = "dask", client=None, scheduler: str | None = None, heartbeat: float = 0.25
):
    """Yield ``(cell, trials, outcomes)`` as tasks finish; outstanding Dask tasks are cancelled on exit.

    On Dask, ``None`` is yielded every ``heartbeat`` seconds while nothing finishes, so a caller can
    stay responsive (a Streamlit page is only interrupted at its next ``st`` call). Closing the
    generator early (``break``, an exception, a Streamlit rerun) cancels every task that has not
    finished, in a ``finally`` clause.
    """
    check_choice(engine, "engine", ("dask", "serial"))
    payloads = [[(c, t, plan.settings[c], plan.seeds[c, list(t)].tolist()) for c, t in task] for task in plan.tasks]
    if engine == "serial":
        for pieces in payloads:
            yield from run_task(pieces)
        return
    client = client or get_client(scheduler)
    token = uuid.uuid4().hex[:10]
    order = sorted(range(len(payloads)), key=lambda i: -_priority(plan, payloads[i]))  # slow cells first:
    futures = [
        client.submit(
            run_task,
            payloads[i],
            key=f"agd-sweep-{token}-{i:06d}",
            pure=False,  # workers start
            priority=_priority(plan, payloads[i]),
        )
        for i in order
    ]  # what arrives first
    try:
        finished = queue.SimpleQueue()  # filled by Dask's callback threads; waiting on it costs no CPU
        for fut in futures:
            fut.add_done_callback(finished.put)
        for _ in futures:
            while True:
                try:
                    fut = finished.get(timeout=heartbeat)
                    break
                except queue.Empty:
                    yield None
            yield from _pieces(fut)
    finally:
        client.cancel(futures, force=True)


def _pieces(fut) -> list:
    try:
        return fut.result()
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            f"a Dask worker cannot import {exc.name!r}: install agdcore on every worker machine (pip install -e .)."
        ) from None


def _priority(plan: SweepPlan, pieces) -> int:
    """Expected cost (κ²/step multiple): the slow cells start first so they do not straggle at the end."""
    s = plan.settings[pieces[0][0]]
    return int(min(1e9, s["kappa"] ** 2 / max(s["step_mult"], 1e-6)))


def sweep(
    grid: dict,
    trials: int = 10,
    *,
    base: dict | None = None,
    seed: int = 0,
    engine: str = "dask",
    client=None,
    scheduler: str | None = None,
    task_size: int | None = None,
    callback=None,
) -> pd.DataFrame:
    """Run a grid × ``trials`` sweep and return a tidy table, one row per trial.

    Parameters
    ----------
    grid : dict
        Parameter -> values, parameters from :data:`PARAMETERS` (values may be text "5,10,20").
    trials : int
        Random initializations per cell (1 to 10,000).
    base : dict, optional
        Fixed settings (:data:`BASE_DEFAULTS` keys: problem size, rank, κ, solver, tol, ...).
    seed : int
        Base seed; trial seeds are derived from (seed, cell, trial) (see the module docstring).
    engine : {"dask", "serial"}
        "dask" uses ``client``, else the scheduler at ``scheduler`` or $AGDCORE_DASK_SCHEDULER, else
        the embedded local cluster; "serial" runs here (tests, tiny sweeps). Same seeds -> same table.
    callback : callable, optional
        ``callback(n_done, n_total)`` in trials after each task (and every ~0.25 s on Dask while
        waiting); returning True stops the sweep
        (outstanding tasks are cancelled) and the partial table is returned with ``attrs["complete"]`` False.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell, trial``, the swept parameters, every other setting, ``step`` (η used),
        then ``seed, iterations_to_tol`` (NaN = tol not reached), ``final_error, status, seconds``.
    """
    plan = plan_sweep(grid, trials, base=base, seed=seed, task_size=task_size)
    return run_plan(plan, engine=engine, client=client, scheduler=scheduler, callback=callback)


def run_plan(
    plan: SweepPlan,
    *,
    engine: str = "dask",
    client=None,
    scheduler: str | None = None,
    callback=None,
    parts: list | None = None,
) -> pd.DataFrame:
    """Execute a :func:`plan_sweep` plan (see :func:`sweep`); ``attrs["seconds"]`` excludes cluster start.

    ``parts``, if given, is a list that collects the finished pieces as they arrive, so a caller
    that is interrupted (e.g. a Streamlit rerun) keeps them: ``to_table(plan, parts)``.
    """
    check_choice(engine, "engine", ("dask", "serial"))
    if engine == "dask" and client is None:
        client = get_client(scheduler)
    t0 = time.perf_counter()
    parts = [] if parts is None else parts
    done, stopped = 0, False
    gen = iter_sweep(plan, engine=engine, client=client)
    try:
        for piece in gen:
            if piece is not None:  # None: a heartbeat, nothing finished
                parts.append(piece)
                done += len(piece[1])
            if callback is not None and callback(done, plan.n_trials) and done < plan.n_trials:
                stopped = True
                break
    finally:
        gen.close()
    df = to_table(plan, parts)
    df.attrs.update(
        swept=list(plan.params),
        grid={k: list(v) for k, v in plan.grid.items()},
        trials=plan.trials,
        seed=plan.seed,
        base=dict(plan.base),
        complete=not stopped and len(df) == plan.n_trials,
        engine="serial" if engine == "serial" else engine_info(client),
        seconds=time.perf_counter() - t0,
    )
    return df
