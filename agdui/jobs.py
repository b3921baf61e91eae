"""Heavy work off the page's thread: a fair queue with at most ``slots`` jobs running at once.

One queue per server process (:func:`default_queue`) serves every browser session:

* **Bounded concurrency.** At most ``slots`` jobs run at once (default: the Dask workers' threads,
  i.e. the cores of the local cluster). Further jobs wait in FIFO order.
* **Fair.** A session (``owner``) has at most one job: submitting a new one cancels its previous job
  (a new Apply replaces the queued run), so no session can hold two places in line.
* **Shared.** A job is keyed on its settings; a second session asking for the same key while it is
  queued or running joins it instead of computing it twice (and one asking just after it finished
  gets its result: the last few finished jobs are kept).
* **Cancellable.** :meth:`JobQueue.cancel` removes a session from its job; a job nobody waits for
  leaves the queue, or, when already running, is asked to stop (the worker's callback polls a flag).
* **Progress.** The job's function receives a reporter: ``report(payload)`` publishes the latest
  progress (e.g. a partial result for live redraws), ``stopped()`` tells it to end early.

Backends (:mod:`agdui.job_backends`; the jobs themselves: :mod:`agdui.job_tasks`): ``"dask"`` runs
jobs on the Dask cluster the sweeps already use
(:func:`agdcore.sweeps.dask_clients.get_client`: the embedded local cluster, or the scheduler in
``$AGDCORE_DASK_SCHEDULER``), progress through a Dask ``Variable`` and Stop through a Dask ``Event``;
``"thread"`` runs them in threads of this process (tests, and ``AGD_JOBS=thread``).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from .job_backends import PROGRESS_EVERY, DaskBackend, Shared, ThreadBackend

__all__ = ["Job", "JobQueue", "Shared", "ThreadBackend", "DaskBackend", "PROGRESS_EVERY", "default_queue"]

QUEUED, RUNNING, DONE, CANCELLED = "queued", "running", "done", "cancelled"
_IDS = itertools.count(1)
RECENT = 16  # finished jobs kept for sessions that ask for the same settings just after


class Job:
    """One heavy computation: its key, owners (waiting sessions), state, progress and outcome."""

    def __init__(self, key: str, fn: Callable, args: tuple, kwargs: dict):
        self.id = f"{next(_IDS)}-{os.getpid()}-{key}"
        self.key, self.fn, self.args, self.kwargs = key, fn, args, kwargs
        self.owners: set[str] = set()
        self.state = QUEUED
        self.submitted = time.perf_counter()
        self.started: float | None = None
        self.ended: float | None = None
        self.finished = threading.Event()
        self.value = None
        self.error: BaseException | None = None
        self.progress = None  # latest payload reported (thread backend, or cached from the Dask variable)
        self.stop_flag = threading.Event()
        self.handle = None  # backend data (Dask future, variable, event, lock)
        self.local = False  # run in a thread of this process (see JobQueue.submit)

    def wait(self, timeout: float) -> bool:
        """True once the job has ended (done or cancelled)."""
        return self.finished.wait(timeout)

    def result(self):
        """The value (raises the job's exception; None for a cancelled job)."""
        if self.error is not None:
            raise self.error
        return self.value


class JobQueue:
    """The fair, bounded queue (see the module doc). Thread-safe; one per server process."""

    def __init__(self, backend=None, slots: int | None = None):
        self.backend = backend if backend is not None else ThreadBackend()
        self.local_backend = self.backend if isinstance(self.backend, ThreadBackend) else ThreadBackend()
        self._slots = slots
        self._lock = threading.RLock()
        self.waiting: deque[Job] = deque()
        self.running: list[Job] = []
        self.by_owner: dict[str, Job] = {}
        self.recent: OrderedDict[str, Job] = OrderedDict()  # the last RECENT finished jobs, by key

    @property
    def slots(self) -> int:
        if self._slots is None:
            self._slots = self.backend.slots_default
        return self._slots

    def _backend(self, job: Job):
        return self.local_backend if job.local else self.backend

    def submit(self, owner: str, key: str, fn: Callable, *args, local: bool = False, **kwargs) -> Job:
        """Queue ``fn(*args, report=, stopped=, **kwargs)`` for ``owner``; join a live job with the same key.

        The owner's previous job (if different) is cancelled for this owner first. Arguments wrapped
        in :class:`Shared` are sent to the workers once (before the lock: it may take a moment).
        ``local=True`` runs the job in a thread of this process (it still takes a slot in the queue):
        for work a worker process cannot import, e.g. an algorithm registered at run time.
        """
        args = (self.local_backend if local else self.backend).prepare(args)
        with self._lock:
            old = self.by_owner.get(owner)
            if old is not None and old.key == key and old.state in (QUEUED, RUNNING):
                return old
            if old is not None:
                self._cancel(old, owner)
            job = next((j for j in (*self.running, *self.waiting) if j.key == key), None)
            if job is None and key in self.recent:  # finished a moment ago (before its result was cached)
                return self.recent[key]
            if job is None:
                job = Job(key, fn, args, kwargs)
                job.local = local
                self.waiting.append(job)
            job.owners.add(owner)
            self.by_owner[owner] = job
            self._dispatch()
            return job

    def cancel(self, job: Job, owner: str) -> None:
        """``owner`` no longer waits for ``job``; nobody left → dequeue it, or stop it if running."""
        with self._lock:
            self._cancel(job, owner)
            self._dispatch()

    def _cancel(self, job: Job, owner: str) -> None:
        job.owners.discard(owner)
        if self.by_owner.get(owner) is job:
            del self.by_owner[owner]
        if job.owners or job.state in (DONE, CANCELLED):
            return
        if job.state == QUEUED:
            self.waiting.remove(job)
            job.state = CANCELLED
            job.finished.set()
        else:  # running: the worker polls the flag; its slot is freed when it returns
            self._backend(job).stop(job)

    def busy_for(self, owner: str) -> bool:
        """True when a job of another session (not ``owner``) is queued or running."""
        with self._lock:
            return any(o != owner for j in (*self.running, *self.waiting) for o in j.owners)

    def ahead(self, job: Job) -> int:
        """Jobs waiting before ``job`` (0 when it is next, or running)."""
        with self._lock:
            for i, j in enumerate(self.waiting):
                if j is job:
                    return i
            return 0

    def latest(self, job: Job):
        """The job's latest progress payload (None before its first report)."""
        return self._backend(job).latest(job)

    def _dispatch(self) -> None:
        while self.waiting and len(self.running) < self.slots:
            job = self.waiting.popleft()
            job.state, job.started = RUNNING, time.perf_counter()
            self.running.append(job)
            try:
                self._backend(job).start(job, self._finished)
            except BaseException as exc:  # e.g. the cluster could not start: the job fails, not the queue
                job.error = exc
                self._finished(job)

    def _finished(self, job: Job) -> None:
        with self._lock:
            if job in self.running:
                self.running.remove(job)
            job.state, job.ended = DONE, time.perf_counter()
            if job.error is None and job.owners and _complete(job.value):
                self.recent[job.key] = job
                while len(self.recent) > RECENT:
                    self.recent.popitem(last=False)
            for owner in list(job.owners):
                if self.by_owner.get(owner) is job:
                    del self.by_owner[owner]
            job.finished.set()
            self._dispatch()
        cleanup = getattr(self._backend(job), "cleanup", None)
        if cleanup is not None:
            cleanup(job)


def _complete(value) -> bool:
    """False for a stopped run (a Result's status, or any trial's in a TrialsResult's status array)."""
    status = getattr(value, "status", None)
    if status is None:
        return True
    if isinstance(status, str):
        return status != "stopped"
    return not any(s == "stopped" for s in status)


_QUEUE: JobQueue | None = None
_QUEUE_LOCK = threading.Lock()


def lost_by_the_cluster(error: BaseException | None) -> bool:
    """True for a job that failed because the cluster lost it (a cancelled future, a killed worker, a
    closed connection), not because of its own computation: such a job is worth one more try."""
    if error is None:
        return False
    import asyncio
    import concurrent.futures

    if isinstance(error, (asyncio.CancelledError, concurrent.futures.CancelledError, ConnectionError)):
        return True
    return type(error).__module__.split(".")[0] == "distributed"


def default_queue() -> JobQueue:
    """The server's one queue: Dask backend unless ``AGD_JOBS=thread``; slots = the cluster's threads."""
    global _QUEUE
    with _QUEUE_LOCK:
        if _QUEUE is None:
            kind = os.environ.get("AGD_JOBS", "dask").strip().lower()
            _QUEUE = JobQueue(ThreadBackend() if kind == "thread" else DaskBackend())
        return _QUEUE
