"""Where the queue's jobs run (:mod:`agdui.jobs`): threads of this process, or the Dask cluster.

``ThreadBackend`` runs each job in a daemon thread (tests, ``AGD_JOBS=thread``, and small runs of a
session alone on the server). ``DaskBackend`` runs it as a task on the product's one cluster
(:func:`agdcore.sweeps.dask_clients.get_client`): large arguments (:class:`Shared`) are sent once,
progress crosses through a Dask ``Variable`` and Stop through a Dask ``Event``.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the queue's Job (agdui.jobs imports this module, not the other way round)
    from .jobs import Job

PROGRESS_EVERY = 0.15  # seconds between a worker's progress reports
WATCH_EVERY = 0.01  # seconds between checks for finished Dask futures (local state, no messages)


class Shared:
    """Marks a large argument (a Problem): the Dask backend sends it to the cluster once and reuses it."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


class ThreadBackend:
    """Runs each job in a daemon thread of this process (tests; no worker processes)."""

    slots_default = 2

    def prepare(self, args: tuple) -> tuple:
        return tuple(a.obj if isinstance(a, Shared) else a for a in args)

    def start(self, job: Job, done: Callable[[Job], None]) -> None:
        def report(payload) -> None:
            job.progress = payload

        def work() -> None:
            try:
                job.value = job.fn(*job.args, report=report, stopped=job.stop_flag.is_set, **job.kwargs)
            except BaseException as exc:  # handed to the waiting sessions
                job.error = exc
            done(job)

        threading.Thread(target=work, daemon=True, name=f"agd-job-{job.id}").start()

    def latest(self, job: Job):
        return job.progress

    def stop(self, job: Job) -> None:
        job.stop_flag.set()


class DaskBackend:
    """Runs each job as a Dask task on the product's one cluster; progress and Stop cross by name."""

    def __init__(self, scheduler: str | None = None):
        self.scheduler = scheduler
        self._scattered: OrderedDict = OrderedDict()  # id(obj) -> (obj, future): large inputs sent once
        self._lock = threading.Lock()
        self._pending: dict = {}  # Dask future -> (job, done callback)
        self._watcher: threading.Thread | None = None

    def client(self):
        from agdcore.sweeps.dask_clients import get_client

        return get_client(self.scheduler)

    @property
    def slots_default(self) -> int:
        """Threads of the cluster's workers. The embedded local cluster's are known without starting it:
        a small run that stays in the server's thread (agdui.job_tasks.small_and_alone) must not wait for
        the cluster to start."""
        from agdcore.sweeps.dask_clients import local_workers, scheduler_address

        return local_workers() if scheduler_address(self.scheduler) is None else self.client_slots()

    def client_slots(self) -> int:
        info = self.client().scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def prepare(self, args: tuple) -> tuple:
        return tuple(self.scatter(a.obj) if isinstance(a, Shared) else a for a in args)

    def scatter(self, obj):
        """``obj`` on the cluster once (kept for the 8 most recent objects): later jobs pass a reference."""
        client = self.client()
        with self._lock:
            hit = self._scattered.get(id(obj))
            # reuse only a copy the current cluster still holds: after the cluster was closed and started
            # again, or a worker holding it died, the old future is lost and a job using it is cancelled
            if hit is not None and hit[0] is obj and hit[1].client is client and hit[1].status == "finished":
                self._scattered.move_to_end(id(obj))
                return hit[1]
        # Sent as pickled bytes: unpickled on the worker, the arrays are fresh aligned copies, so BLAS
        # sums in the same order as in this process and the numbers match agdcore.solve here to the bit
        # (arrays deserialized by Dask in place can be misaligned: ~1e-12 relative differences).
        fut = client.scatter(_Blob(pickle.dumps(obj)), hash=False)
        with self._lock:
            self._scattered[id(obj)] = (obj, fut)
            while len(self._scattered) > 8:
                self._scattered.popitem(last=False)
        return fut

    def start(self, job: Job, done: Callable[[Job], None]) -> None:
        from distributed import Event, Variable

        client = self.client()
        var, ev = Variable(f"agd-progress-{job.id}", client=client), Event(f"agd-stop-{job.id}", client=client)
        var.set(None)  # so that polling never waits (an unset variable's get times out with a logged error)
        fut = client.submit(_dask_task, job.fn, job.id, *job.args, key=f"agd-job-{job.id}", pure=False, **job.kwargs)
        job.handle = (fut, var, ev, threading.Lock())  # the lock: no read of the variable once it is deleted

        with self._lock:
            self._pending[fut] = (job, done)
            if self._watcher is None or not self._watcher.is_alive():
                self._watcher = threading.Thread(target=self._watch, daemon=True, name="agd-jobs-watch")
                self._watcher.start()

    def _watch(self) -> None:
        """Hands finished futures to the queue (a daemon thread polling local future states every
        ``WATCH_EVERY`` s; unlike Dask's done-callbacks it needs no executor, so a server shutting
        down with runs in flight logs nothing)."""
        while True:
            with self._lock:
                done = [f for f in self._pending if f.done()]
                items = [(f, *self._pending.pop(f)) for f in done]
            for fut, job, finished in items:
                try:
                    value = fut.result()
                except BaseException as exc:  # the worker died, the cluster went away, …
                    value = _Failure(exc)
                if isinstance(value, _Failure):
                    job.error = value.exc
                else:
                    job.value = value
                finished(job)
            time.sleep(WATCH_EVERY)

    def latest(self, job: Job):
        if job.handle is None:
            return None
        with job.handle[3]:
            if job.finished.is_set():  # ended: its variable is (being) deleted, and a get would wait 5 s and
                return job.progress  # make the scheduler log a traceback; the last progress is kept
            try:
                job.progress = job.handle[1].get(timeout=5) or job.progress
            except Exception:  # the cluster went away
                pass
        return job.progress

    def stop(self, job: Job) -> None:
        if job.handle is not None:
            try:
                job.handle[2].set()
            except Exception:  # the cluster went away: the job ends with it
                pass

    def cleanup(self, job: Job) -> None:
        if job.handle is not None:
            try:
                with job.handle[3]:  # after job.finished is set (JobQueue._finished): no get can follow
                    job.handle[1].delete()
            except Exception:
                pass


class _Blob:
    """Pickled bytes of a large argument (see :meth:`DaskBackend.scatter`)."""

    __slots__ = ("data", "__weakref__")

    def __init__(self, data: bytes):
        self.data = data


_UNPICKLED: OrderedDict = OrderedDict()  # on a worker: id(blob) -> (blob, object), the 4 most recent


def _load(arg):
    if not isinstance(arg, _Blob):
        return arg
    hit = _UNPICKLED.get(id(arg))
    if hit is None or hit[0] is not arg:
        hit = (arg, pickle.loads(arg.data))
        _UNPICKLED[id(arg)] = hit
        while len(_UNPICKLED) > 4:
            _UNPICKLED.popitem(last=False)
    return hit[1]


def _dask_task(fn: Callable, job_id: str, *args, **kwargs):
    """On a Dask worker: run ``fn`` with a reporter that publishes through a Dask Variable."""
    from distributed import Event, Variable

    args = tuple(_load(a) for a in args)

    var, ev = Variable(f"agd-progress-{job_id}"), Event(f"agd-stop-{job_id}")
    state = {"stop": False, "checked": 0.0}

    def report(payload) -> None:
        var.set(payload)

    def stopped() -> bool:
        now = time.perf_counter()
        if not state["stop"] and now - state["checked"] >= PROGRESS_EVERY:
            state["checked"] = now
            state["stop"] = ev.is_set()
        return state["stop"]

    try:
        return fn(*args, report=report, stopped=stopped, **kwargs)
    except Exception as exc:  # returned, not raised: a bad setting is the user's message, not a worker error log
        return _Failure(exc)


class _Failure:
    __slots__ = ("exc",)

    def __init__(self, exc: Exception):
        self.exc = exc
