"""Long computations on a page: progress bar, Stop button, redraws bounded by work, result cache.

Use :func:`run_live` for anything that may take more than about a second::

    def compute(live):                       # live: LiveRun
        return live.solve(problem, **kwargs)  # agdcore.solve on a worker, through the fair queue

    result, stopped = run_live("explore", run_id, compute, label="Solving", draw=draw_charts)

* Heavy work leaves the page's thread: :meth:`LiveRun.solve` (and Compare's trials) go through the
  server's one fair queue (:mod:`agdui.jobs`) to the Dask workers, at most one job per core at a
  time; a waiting session sees its place ("Queued: 3 runs ahead of yours"), identical settings
  share one computation, and the worker sends progress back. ``compute`` may also call agdcore
  itself with ``callback=live.solve_callback`` (in the script thread, as before).
* A progress bar and a **Stop** button appear once the run has taken ``show_after`` seconds.
* ``draw(snapshot)`` redraws the charts from a partial result when the run has advanced by a visible
  amount (see :class:`LiveRun`): the number of redraws is bounded by the work, not by wall time, so
  a loaded server sends no more frames than an idle one.
* Finished results are cached on ``run_id`` (a string built from the settings, never from arrays;
  see :func:`run_key`) in ``st.cache_data``, shared by every session; a later rerun with the same
  settings returns at once.
* Stop: any widget interaction makes Streamlit interrupt the script at its next ``st`` call (the
  progress updates are such calls, several a second). The Stop button's callback records the run id;
  the rerun then returns the last snapshot with ``stopped=True`` instead of starting over, and the
  interrupted wait withdraws the session from its queued or running job. Changing a setting (new
  run id) runs normally again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import threading
import time
from collections.abc import Callable

import streamlit as st

from agdcore.sweeps.dask_clients import local_workers

from . import job_tasks, jobs


# ---------------------------------------------------------------------- result cache on settings
class _Miss(Exception):
    """Raised inside the cached function on a miss, so that nothing is stored."""


@st.cache_data(max_entries=96, max_size="1GB", show_spinner=False)
def _store(kind: str, run_id: str, _value=None):
    # Keyed on (kind, run_id) only; `_value` is not hashed. Called without a value it is a lookup that
    # raises on a miss (exceptions are never cached); called with a value on a miss it stores it.
    if _value is None:
        raise _Miss
    return _value


def cache_get(kind: str, run_id: str):
    """The cached value for ``(kind, run_id)`` or None."""
    try:
        return _store(kind, run_id)
    except _Miss:
        return None


def cache_put(kind: str, run_id: str, value) -> None:
    """Store ``value`` under ``(kind, run_id)`` (a no-op when already stored)."""
    _store(kind, run_id, _value=value)


def run_key(settings: dict) -> str:
    """A short, stable id for a dict of plain settings (sorted JSON → SHA-1)."""
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:20]


# ---------------------------------------------------------------------- progress + stop
def _request_stop(key: str, run_id: str) -> None:
    st.session_state[f"{key}__stop"] = run_id


def clear_stop(key: str) -> None:
    """Forget a Stop (e.g. a "Run to the end" button), so the same settings run again."""
    st.session_state.pop(f"{key}__stop", None)
    st.session_state.pop(f"{key}__partial", None)


def stop_requested(key: str, run_id: str) -> bool:
    """True when the user pressed Stop during the run ``run_id`` of ``key``."""
    return st.session_state.get(f"{key}__stop") == run_id


class LiveRun:
    """Progress bar + Stop button + redraws bounded by work for one run, placed where it is created.

    Redraws are bounded by the run's *work*, not by wall time: a redraw happens only when the run has
    advanced by a visible amount since the last one — another 1/``max_redraws`` of its iterations, or
    half a decade of e_t (the loss chart is logarithmic) — at most every ``redraw_every`` seconds and
    at most ``max_redraws`` times in all. A slow (shared) server therefore never sends more frames than
    a fast one; it sends them further apart. A single ~5 s run that converges over ten decades still
    redraws about 20 times (≈ 4 a second). The progress bar follows the same rule with finer steps.

    Parameters
    ----------
    key : str
        Page-unique key (used for the Stop button and session-state entries).
    run_id : str
        Id of the settings being run (see :func:`run_key`).
    label : str
        Text in front of the progress.
    draw : callable, optional
        ``draw(snapshot)`` redraws the charts from a partial result.
    show_after, redraw_every : float
        Seconds before the bar/Stop appear, and minimum seconds between redraws.
    max_redraws : int
        Most redraws in one run.
    where : DeltaGenerator, optional
        Container for the progress bar and Stop button (default: the current position).
    """

    DECADES_PER_REDRAW = 0.5  # e_t must fall this many decades (or 1/max_redraws of the iterations pass)
    BAR_STEPS = 100  # the bar moves in at most this many steps (plus ten per decade of e_t)

    def __init__(
        self,
        key: str,
        run_id: str,
        *,
        label: str = "Running",
        draw: Callable | None = None,
        show_after: float = 0.5,
        redraw_every: float = 0.2,
        max_redraws: int = 24,
        where=None,
    ):
        self.key, self.run_id, self.label, self.draw = key, run_id, label, draw
        self.show_after, self.redraw_every, self.max_redraws = show_after, redraw_every, max_redraws
        self.box = (where if where is not None else st).empty()
        self.bar = None
        self.snapshot = None
        self.start = time.perf_counter()
        # the first redraw comes with the progress bar: a run that ends sooner is drawn once, when done
        self._last_draw = self.start + max(0.0, show_after - redraw_every)
        self._last_bar = 0.0
        self._last_keep = self.start
        self._phase = ""
        self._bar_mark = (-1.0, math.inf)  # (fraction, e_t) at the last bar update
        self._draw_mark = (0.0, math.inf)  # (fraction, e_t) at the last redraw
        self.redraws = 0
        self.draw_cpu = 0.0
        self.status_text = None
        self.shared = False  # the run was shared with another session
        self.queued_seconds = 0.0  # seconds spent queued
        self.job_seconds = 0.0  # seconds from the job's start to its end (on a worker)

    def _advanced(self, mark: tuple, fraction: float | None, error: float | None, steps: int, decades: float) -> bool:
        """True when the run moved a visible amount past ``mark``; unknown progress counts as moved."""
        if fraction is None and error is None:
            return True
        f0, e0 = mark
        if fraction is not None and fraction - f0 >= 1.0 / steps:
            return True
        if error is not None and error > 0 and math.isfinite(error):
            if not math.isfinite(e0):
                return True
            return math.log10(e0 / error) >= decades
        return False

    def update(self, fraction: float, text: str, *, error: float | None = None) -> None:
        """Show progress (creates the bar and the Stop button after ``show_after`` seconds).

        The bar moves only when the run has advanced (1 % of its iterations or a tenth of a decade
        of ``error``) or a new part begins (the text before ":" changed), at most ten times a second;
        otherwise only its elapsed time ticks, once a second.
        """
        now = time.perf_counter()
        if now - self.start < self.show_after or now - self._last_bar < 0.1:
            return
        fraction = min(max(float(fraction), 0.0), 1.0)
        phase = text.split(":", 1)[0] if ":" in text else ""  # e.g. Compare's "#2 AGD · …": a new part
        moved = self._advanced(self._bar_mark, fraction, error, self.BAR_STEPS, 0.1)
        if self.bar is not None and not moved and phase == self._phase and now - self._last_bar < 1.0:
            return  # nothing visible changed (the elapsed time still ticks once a second)
        self._last_bar, self._phase = now, phase
        if moved:
            self._bar_mark = (fraction, error if error is not None else math.inf)
        self._show(fraction, f"{self.label}: {text} · {now - self.start:.1f} s")

    def queued(self, ahead: int, running: int) -> None:
        """Show the run's place in the queue (at once: a waiting student must see why nothing moves).

        The text (with the seconds waited) is refreshed every half second even when the place has not
        changed: each refresh is an ``st`` call, where Streamlit can interrupt the script for Stop.
        """
        now = time.perf_counter()
        if ahead > 0:
            text = f"Queued: {ahead} run{'s' if ahead != 1 else ''} ahead of yours"
        else:
            text = f"Queued: yours is next ({running} run{'s' if running != 1 else ''} in progress)"
        if text != self.status_text or now - self._last_bar >= 0.5:
            self.status_text, self._last_bar = text, now
            self._show(0.0, f"{text} · waiting {now - self.start:.0f} s")

    def _show(self, fraction: float, msg: str) -> None:
        if self.bar is None:
            with self.box.container():
                cols = st.columns([5, 1], vertical_alignment="center")
                self.bar = cols[0].progress(fraction, text=msg)
                cols[1].button(
                    "Stop",
                    key=f"{self.key}__stop_button",
                    icon=":material/stop_circle:",
                    on_click=_request_stop,
                    args=(self.key, self.run_id),
                    type="primary",
                    help="Stop the run and keep what has been computed so far",
                )
        else:
            self.bar.progress(fraction, text=msg)

    def keep(self, snap) -> None:
        """Keep ``snap`` as the run's latest partial result (what Stop shows), without drawing it.

        It goes to session state at once: on Stop, Streamlit starts the next run in a new thread while
        this one is still winding down, so the partial result must already be there.
        """
        if dataclasses.is_dataclass(snap) and hasattr(snap, "seconds"):
            snap = dataclasses.replace(snap, seconds=time.perf_counter() - self.start)
        self.snapshot = snap
        st.session_state[f"{self.key}__partial"] = (self.run_id, snap)

    def maybe_draw(self, make_snapshot: Callable, *, fraction: float | None = None, error: float | None = None):
        """Redraw from ``make_snapshot()`` when the run advanced visibly (see the class doc), else nothing.

        ``fraction`` (of the iterations) and ``error`` (e_t) measure the work done; without them the
        redraw is limited by ``redraw_every`` and ``max_redraws`` only.
        """
        now = time.perf_counter()
        if self.redraws >= self.max_redraws or now - self._last_draw < self.redraw_every:
            return
        if not self._advanced(self._draw_mark, fraction, error, self.max_redraws, self.DECADES_PER_REDRAW):
            return
        self._last_draw = now
        self._draw_mark = (
            fraction if fraction is not None else self._draw_mark[0],
            error if error is not None else self._draw_mark[1],
        )
        self.keep(make_snapshot())
        if self.draw is not None:
            self.redraws += 1
            c0 = time.thread_time()
            self.draw(self.snapshot)
            self.draw_cpu += time.thread_time() - c0

    def solve_callback(self, progress) -> bool:
        """Pass as ``callback=`` to :func:`agdcore.solve`."""
        unit = "time" if progress.t != progress.iteration else "iteration"
        where = f"time {progress.t:.4g}" if unit == "time" else f"iteration {progress.iteration:,}"
        self.update(
            progress.fraction, f"{where} of {progress.max_iter:,} · e_t = {progress.error:.2e}", error=progress.error
        )
        drawn = self.redraws
        self.maybe_draw(progress.snapshot, fraction=progress.fraction, error=progress.error)
        now = time.perf_counter()
        if self.redraws == drawn and now - self._last_keep >= 0.4:  # Stop shows a recent partial result
            self._last_keep = now
            self.keep(progress.snapshot())
        return False

    def solve(self, problem, **kwargs):
        """:func:`agdcore.solve` off the page's thread, with the same progress, redraws and Stop.

        The run goes through the server's fair queue (:mod:`agdui.jobs`) to a worker process (a small
        run of a session alone on the server stays in this process: :func:`agdui.job_tasks.small_and_alone`);
        while it waits, the bar shows its place ("Queued: 3 runs ahead of yours"). Another session asking
        for the same settings at the same time shares the run. Interrupting the script (Stop, a new
        Apply) withdraws this session from the job; a job nobody waits for is dequeued or stopped.
        """
        local = not job_tasks.portable(kwargs) or job_tasks.small_and_alone(problem, kwargs, session_id())
        return self.run_job(job_tasks.solve_task, jobs.Shared(problem), kwargs, local=local)

    def run_job(self, fn: Callable, *args, local: bool = False, key: str | None = None, show: Callable | None = None):
        """``fn(*args, report=, stopped=)`` through the queue under ``key`` (default: the run id).

        ``show(payload)`` displays each new progress payload; the default reads solve progress
        ``(iteration, max_iter, t, e_t, partial result)`` and redraws from the partial result.
        """
        for attempt in (1, 2):
            job = self._await_job(fn, args, local, key, show)
            if attempt == 1 and jobs.lost_by_the_cluster(job.error):
                continue  # a worker died or the cluster restarted under the job: run it once more
            return job.result()

    def _await_job(self, fn: Callable, args: tuple, local: bool, key: str | None, show: Callable | None):
        q = jobs.default_queue()
        owner = session_id()
        job = q.submit(owner, key or self.run_id, fn, *args, local=local)
        self.shared = self.shared or len(job.owners) > 1 or owner not in job.owners
        show = show or self._show_solve
        seen = None
        try:
            while not job.wait(0.1):
                if job.state == jobs.QUEUED:
                    self.queued(q.ahead(job), len(q.running))
                    continue
                payload = q.latest(job)
                if payload is not None and payload is not seen and payload != seen:
                    seen = payload
                    show(payload)
        except BaseException:
            q.cancel(job, owner)
            raise
        self.queued_seconds += (job.started or job.submitted) - job.submitted
        self.job_seconds += (job.ended or time.perf_counter()) - (job.started or job.submitted)
        return job

    def _show_solve(self, payload) -> None:
        it, max_iter, t, err, snap = payload
        where = f"time {t:.4g}" if t != it else f"iteration {it:,}"
        frac = min(1.0, it / max(1, max_iter))
        self.update(frac, f"{where} of {max_iter:,} · e_t = {err:.2e}", error=err)
        drawn = self.redraws
        self.maybe_draw(lambda: snap, fraction=frac, error=err)
        if self.redraws == drawn:
            self.keep(snap)

    def trials_callback(self, prefix: str = "", offset: int = 0, total: int | None = None) -> Callable:
        """A ``callback(n_done, n_total)`` for :func:`agdcore.solve_trials` (``offset`` trials done before)."""

        def cb(n_done: int, n_total: int) -> bool:
            tot = total or n_total
            self.update((offset + n_done) / max(tot, 1), f"{prefix}{offset + n_done} of {tot} trials")
            return False

        return cb

    def close(self) -> None:
        self.box.empty()


def run_live(
    key: str,
    run_id: str,
    compute: Callable[[LiveRun], object],
    *,
    kind: str = "run",
    label: str = "Running",
    draw: Callable | None = None,
    cache: bool = True,
    stopped_value: Callable[[object], object] | None = None,
    where=None,
    redraw_every: float = 0.4,
) -> tuple[object, bool]:
    """Run ``compute(live)`` with progress/Stop, or return the cached or stopped result.

    Parameters
    ----------
    key : str
        Page-unique key.
    run_id : str
        Settings id (also the cache key, with ``kind``).
    compute : callable
        ``compute(live) -> value``; pass ``live.solve_callback`` / ``live.trials_callback()`` to agdcore.
    kind : str
        Cache namespace ("explore", "trial", ...).
    label : str
        Progress text.
    draw : callable, optional
        Live redraw from snapshots (see :class:`LiveRun`).
    cache : bool
        Store the finished value (stopped values are never cached).
    stopped_value : callable, optional
        Turns the last snapshot into the value returned after Stop (default: the snapshot, with
        ``message`` rewritten when it is an :class:`agdcore.Result`).
    where : DeltaGenerator, optional
        Container for the progress bar and Stop button.
    redraw_every : float
        Minimum seconds between live redraws (see :class:`LiveRun`).

    Returns
    -------
    value, stopped : (object or None, bool)
        ``value`` is None only when Stop came before any snapshot.
    """
    if cache:
        hit = cache_get(kind, run_id)
        if hit is not None:
            admit()
            return hit, False
    partial = st.session_state.get(f"{key}__partial")
    if stop_requested(key, run_id):
        snap = partial[1] if partial and partial[0] == run_id else None
        return (stopped_value or _stopped_result)(snap), True
    st.session_state.pop(f"{key}__stop", None)
    live = LiveRun(key, run_id, label=label, draw=draw, where=where, redraw_every=redraw_every)
    c0 = time.thread_time()
    try:
        value = compute(live)
    except BaseException:  # Streamlit's rerun/stop exceptions: keep the partial result for the Stop path
        if live.snapshot is not None:
            st.session_state[f"{key}__partial"] = (run_id, live.snapshot)
        raise
    live.close()
    _log_stats(kind, run_id, live, time.thread_time() - c0)
    st.session_state.pop(f"{key}__partial", None)
    if cache and getattr(value, "status", None) != "stopped":
        cache_put(kind, run_id, value)
    admit()
    return value, False


# ---------------------------------------------------------------------- admission of page work
ADMIT_HOLD = 0.3  # seconds a session's page work (figures after a result) counts against the limit
_ADMIT = threading.BoundedSemaphore(max(1, local_workers()))  # one per core


def admit(timeout: float = 30.0) -> None:
    """Stagger sessions that start drawing a result at the same moment (a class opening one link).

    Drawing a result (building and sending its figures) is Python work in this one server process;
    twenty sessions woken at once by one shared or cached result would run it in twenty threads and
    starve the event loop that answers pings and health checks. So at most ``cores`` sessions start
    it in any ``ADMIT_HOLD`` seconds; a single user never waits (the semaphore is free).
    """
    if _ADMIT.acquire(timeout=timeout):
        release = threading.Timer(ADMIT_HOLD, _ADMIT.release)
        release.daemon = True
        release.start()


def session_id() -> str:
    """This browser session's id (the queue's owner of its jobs)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else f"thread-{threading.get_ident()}"


def _log_stats(kind: str, run_id: str, live: LiveRun, cpu: float, **extra) -> None:
    """With $AGD_LOAD_STATS set (benchmarks/bench_load.py), append one JSON line per finished run."""
    path = os.environ.get("AGD_LOAD_STATS")
    if not path:
        return
    row = {"kind": kind, "run_id": run_id, "redraws": live.redraws, "draw_cpu": live.draw_cpu,
           "compute_cpu": cpu - live.draw_cpu, "seconds": time.perf_counter() - live.start, "wait": live.queued_seconds, "job": live.job_seconds, "shared": live.shared, **extra}  # fmt: skip
    with open(path, "a") as f:
        f.write(json.dumps(row) + "\n")


def _stopped_result(snapshot):
    if snapshot is None or not dataclasses.is_dataclass(snapshot) or not hasattr(snapshot, "message"):
        return snapshot
    k = len(snapshot.error) - 1
    where = f"time {snapshot.t[-1]:.4g}" if snapshot.config.get("algorithm") == "flow" else f"iteration {k:,}"
    return dataclasses.replace(
        snapshot, status="stopped", message=f"Stopped by you at {where}; the charts show the run up to there."
    )
