"""The jobs the pages submit to the queue (:mod:`agdui.jobs`): one solve, or one configuration's trials.

Functions here are sent to the Dask workers by reference, so they live in an importable module and
take only plain arguments (and a :class:`agdui.jobs.Shared` problem).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from .job_backends import PROGRESS_EVERY
from .jobs import default_queue

REPORT_AFTER = 0.3  # seconds before a job starts reporting progress (the bar appears after 0.5 s)


def portable(kwargs: dict) -> bool:
    """True when the run uses only agdcore's own algorithm and initializer (importable on any worker);
    an entry registered at run time lives only in this process."""
    import agdcore as agd

    algo = agd.ALGORITHMS.get(kwargs.get("algorithm", "agd"))
    init = agd.INITIALIZERS.get(kwargs.get("init", "ward-kolda")) if isinstance(kwargs.get("init", ""), str) else None
    if algo is None or init is None:
        return False
    fns = [v for e in (algo, init) for v in vars(e).values() if callable(v)]
    return all(getattr(f, "__module__", "").startswith("agdcore") for f in fns)


SMALL_WORK = 1e9  # m·n·d·max_iter of a run cheap enough for the server's own thread (the default run: 1e9)


def small_and_alone(problem, kwargs: dict, owner: str) -> bool:
    """True when a run may skip the worker processes: the embedded local cluster (no
    $AGDCORE_DASK_SCHEDULER), a small fully observed run (m·n·d·max_iter ≤ ``SMALL_WORK``: at most ~1.5 s even when
    it runs to max_iter, ~50 ms for the default run) and no other session's job queued or running.

    It still takes a slot of the queue; what it saves is the round trips to a worker (scatter, progress
    variable, stop event, result), ~0.1 s of an Apply's ~0.3 s script time on this machine.
    """
    if os.environ.get("AGDCORE_DASK_SCHEDULER", "").strip() or os.environ.get("AGD_JOBS", "") == "thread":
        return False
    import agdcore as agd
    from agdcore._observed import ObservedProblem

    algo = agd.ALGORITHMS.get(kwargs.get("algorithm"))
    width, max_iter = kwargs.get("width"), kwargs.get("max_iter")
    if isinstance(problem, ObservedProblem) or algo is None or algo.unit != "iteration" or None in (width, max_iter):
        return False  # completion, sensing, the flow (an ODE solve): their cost is not m·n·d per step
    m, n = problem.shape
    work = float(m) * n * int(width) * int(max_iter)
    return work <= SMALL_WORK and not default_queue().busy_for(owner)


def solve_task(problem, kwargs: dict, *, report: Callable, stopped: Callable):
    """:func:`agdcore.solve` with progress ``(iteration, max_iter, t, e_t, partial Result)`` and Stop."""
    import agdcore as agd

    t0, last = time.perf_counter(), [0.0]

    def cb(p) -> bool:
        now = time.perf_counter()
        if now - t0 >= REPORT_AFTER and now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            report((p.iteration, p.max_iter, p.t, p.error, p.snapshot()))
        return stopped()

    return agd.solve(problem, callback=cb, callback_interval=0.05, **kwargs)


def trials_task(problem, kwargs: dict, K: int, *, report: Callable, stopped: Callable):
    """:func:`agdcore.solve_trials` on seeds 0 … K−1, reporting ``n_done`` after each chunk; Stop at once."""
    import agdcore as agd

    def cb(n_done: int, n_total: int) -> bool:
        report(n_done)
        return False

    return agd.solve_trials(problem, seeds=range(K), chunk=min(K, 16), callback=cb, should_stop=stopped, **kwargs)
