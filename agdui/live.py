"""Long computations on a page: progress bar, Stop button, throttled live redraws, result cache.

Use :func:`run_live` for anything that may take more than about a second::

    def compute(live):                       # live: LiveRun
        return agd.solve(problem, ..., callback=live.solve_callback)

    result, stopped = run_live("explore", run_id, compute, label="Solving", draw=draw_charts)

* A progress bar and a **Stop** button appear once the run has taken ``show_after`` seconds.
* ``draw(snapshot)`` is called with ``progress.snapshot()`` at most every ``redraw_every`` seconds
  (≤ 5 redraws a second by default), so the charts grow while the solver runs.
* Finished results are cached on ``run_id`` (a string built from the settings, never from arrays;
  see :func:`run_key`) in ``st.cache_data``; a later rerun with the same settings returns at once.
* Stop: any widget interaction makes Streamlit interrupt the script at its next ``st`` call (the
  progress updates are such calls, several a second). The Stop button's callback records the run id;
  the rerun then returns the last snapshot with ``stopped=True`` instead of starting over. Changing
  a setting (new run id) runs normally again.

Threads are not used: the solver runs in the script thread, which is what makes Stop and widget
changes interrupt it promptly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable

import streamlit as st


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
    """Progress bar + Stop button + throttled redraws for one run, placed where it is created.

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
    where : DeltaGenerator, optional
        Container for the progress bar and Stop button (default: the current position).
    """

    def __init__(
        self,
        key: str,
        run_id: str,
        *,
        label: str = "Running",
        draw: Callable | None = None,
        show_after: float = 0.5,
        redraw_every: float = 0.4,
        where=None,
    ):
        self.key, self.run_id, self.label, self.draw = key, run_id, label, draw
        self.show_after, self.redraw_every = show_after, redraw_every
        self.box = (where if where is not None else st).empty()
        self.bar = None
        self.snapshot = None
        self.start = time.perf_counter()
        # the first redraw comes with the progress bar: a run that ends sooner is drawn once, when done
        self._last_draw = self.start + max(0.0, show_after - redraw_every)
        self._last_bar = 0.0
        self.redraws = 0

    def update(self, fraction: float, text: str) -> None:
        """Show progress (creates the bar and the Stop button after ``show_after`` seconds)."""
        now = time.perf_counter()
        if now - self.start < self.show_after or now - self._last_bar < 0.1:
            return
        self._last_bar = now
        fraction = min(max(float(fraction), 0.0), 1.0)
        msg = f"{self.label}: {text} · {now - self.start:.1f} s"
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

    def maybe_draw(self, make_snapshot: Callable) -> None:
        """Every ``redraw_every`` seconds: take a snapshot, keep it for Stop, and call ``draw`` with it.

        The snapshot goes to session state at once: on Stop, Streamlit starts the next run in a new
        thread while this one is still winding down, so the partial result must already be there.
        """
        now = time.perf_counter()
        if now - self._last_draw < self.redraw_every:
            return
        self._last_draw = now
        snap = make_snapshot()
        if dataclasses.is_dataclass(snap) and hasattr(snap, "seconds"):
            snap = dataclasses.replace(snap, seconds=now - self.start)
        self.snapshot = snap
        st.session_state[f"{self.key}__partial"] = (self.run_id, self.snapshot)
        if self.draw is not None:
            self.redraws += 1
            self.draw(self.snapshot)

    def solve_callback(self, progress) -> bool:
        """Pass as ``callback=`` to :func:`agdcore.solve`."""
        unit = "time" if progress.t != progress.iteration else "iteration"
        where = f"time {progress.t:.4g}" if unit == "time" else f"iteration {progress.iteration:,}"
        self.update(progress.fraction, f"{where} of {progress.max_iter:,} · e_t = {progress.error:.2e}")
        self.maybe_draw(progress.snapshot)
        return False

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
            return hit, False
    partial = st.session_state.get(f"{key}__partial")
    if stop_requested(key, run_id):
        snap = partial[1] if partial and partial[0] == run_id else None
        return (stopped_value or _stopped_result)(snap), True
    st.session_state.pop(f"{key}__stop", None)
    live = LiveRun(key, run_id, label=label, draw=draw, where=where, redraw_every=redraw_every)
    try:
        value = compute(live)
    except BaseException:  # Streamlit's rerun/stop exceptions: keep the partial result for the Stop path
        if live.snapshot is not None:
            st.session_state[f"{key}__partial"] = (run_id, live.snapshot)
        raise
    live.close()
    st.session_state.pop(f"{key}__partial", None)
    if cache and getattr(value, "status", None) != "stopped":
        cache_put(kind, run_id, value)
    return value, False


def _stopped_result(snapshot):
    if snapshot is None or not dataclasses.is_dataclass(snapshot) or not hasattr(snapshot, "message"):
        return snapshot
    k = len(snapshot.error) - 1
    where = f"time {snapshot.t[-1]:.4g}" if snapshot.config.get("algorithm") == "flow" else f"iteration {k:,}"
    return dataclasses.replace(
        snapshot, status="stopped", message=f"Stopped by you at {where}; the charts show the run up to there."
    )
