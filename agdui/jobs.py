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

Backends: ``"dask"`` runs jobs on the Dask cluster the sweeps already use
(:func:`agdcore.sweeps.dask_clients.get_client`: the embedded local cluster, or the scheduler in
``$AGDCORE_DASK_SCHEDULER``), progress through a Dask ``Variable`` and Stop through a Dask ``Event``;
``"thread"`` runs them in threads of this process (tests, and ``AGD_JOBS=thread``).
"""

from __future__ import annotations

import itertools
import os
import pickle
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

QUEUED, RUNNING, DONE, CANCELLED = "queued", "running", "done", "cancelled"
_IDS = itertools.count(1)
PROGRESS_EVERY = 0.15  # seconds between a worker's progress reports
WATCH_EVERY = 0.01  # seconds between checks for finished Dask futures (local state, no messages)
RECENT = 16  # finished jobs kept for sessions that ask for the same settings just after


class Shared:
    """Marks a large argument (a Problem): the Dask backend sends it to the cluster once and reuses it."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


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
        self.handle = None  # backend data (Dask future, variable, event)
        self.local = False  # run in a thread of this process (see JobQueue.submit)

    def wait(self, timeout: float) -> bool:
        """True once the job has ended (done or cancelled)."""
        return self.finished.wait(timeout)

    def result(self):
        """The value (raises the job's exception; None for a cancelled job)."""
        if self.error is not None:
            raise self.error
        return self.value


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
        return self.client_slots()

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
        job.handle = (fut, var, ev)

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
        try:
            job.progress = job.handle[1].get(timeout=5) or job.progress
        except Exception:  # the job ended and its variable was deleted, or the cluster went away
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


# ---------------------------------------------------------------------- the jobs the pages submit
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
    from agdcore._observed import ObservedProblem

    if isinstance(problem, ObservedProblem):  # completion / sensing: their cost is not m·n·d per iteration
        return False
    m, n = problem.shape
    work = float(m) * n * int(kwargs.get("width", 10)) * int(kwargs.get("max_iter", 10_000))
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
