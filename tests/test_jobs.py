"""The server's job queue (agdui/jobs.py): bounded, fair, shared, cancellable; and its Dask backend."""

from __future__ import annotations

import threading

import pytest
from test_sweep_dask import cluster  # noqa: F401, F811  (a real scheduler and workers on loopback)

import agdcore as agd
from agdui import job_tasks, jobs


def gated(gate: threading.Event, log: list, name: str):
    """A job body that records its start and waits for ``gate`` (or Stop)."""

    def fn(*, report, stopped):
        log.append(name)
        while not gate.wait(0.01):
            if stopped():
                return f"{name} stopped"
        return name

    return fn


def wait_all(*js):
    for j in js:
        assert j.wait(10), f"job {j.key} did not finish"


def test_at_most_slots_run_and_the_rest_wait_in_order():
    q, gate, log = jobs.JobQueue(jobs.ThreadBackend(), slots=2), threading.Event(), []
    js = [q.submit(f"s{i}", f"k{i}", gated(gate, log, f"k{i}")) for i in range(5)]
    assert [j.state for j in js] == ["running"] * 2 + ["queued"] * 3
    assert [q.ahead(j) for j in js[2:]] == [0, 1, 2]  # places in line, first come first served
    assert len(q.running) == 2
    gate.set()
    wait_all(*js)
    assert [j.result() for j in js] == [f"k{i}" for i in range(5)]
    assert sorted(log[:2]) == ["k0", "k1"] and log[2:] == ["k2", "k3", "k4"]  # FIFO after the first two


def test_a_new_apply_replaces_the_sessions_queued_job():
    q, gate, log = jobs.JobQueue(jobs.ThreadBackend(), slots=1), threading.Event(), []
    first = q.submit("busy", "k0", gated(gate, log, "k0"))
    old = q.submit("me", "old", gated(gate, log, "old"))
    other = q.submit("you", "yours", gated(gate, log, "yours"))
    new = q.submit("me", "new", gated(gate, log, "new"))  # same session, new settings
    assert old.state == "cancelled" and old.wait(0) and old.result() is None
    assert q.ahead(other) == 0 and q.ahead(new) == 1  # the replacement goes to the back: no queue jumping
    gate.set()
    wait_all(first, other, new)
    assert "old" not in log and new.result() == "new"


def test_stop_while_queued_and_while_running():
    q, gate, log = jobs.JobQueue(jobs.ThreadBackend(), slots=1), threading.Event(), []
    running = q.submit("a", "k0", gated(gate, log, "k0"))
    queued = q.submit("b", "k1", gated(gate, log, "k1"))
    q.cancel(queued, "b")  # Stop while waiting: it leaves the line and never runs
    assert queued.state == "cancelled" and not q.waiting
    q.cancel(running, "a")  # Stop while running: the worker is told, and returns early
    wait_all(running)
    assert running.result() == "k0 stopped" and "k1" not in log
    assert not q.running and not q.by_owner


def test_identical_settings_share_one_job_and_stop_by_one_keeps_it_for_the_other():
    q, gate, log = jobs.JobQueue(jobs.ThreadBackend(), slots=2), threading.Event(), []
    a = q.submit("a", "same", gated(gate, log, "same"))
    b = q.submit("b", "same", gated(gate, log, "same"))
    assert a is b and a.owners == {"a", "b"}
    q.cancel(a, "a")
    assert a.state == "running" and not a.stop_flag.is_set()  # b still waits for it
    gate.set()
    wait_all(a)
    assert log == ["same"] and b.result() == "same"


def test_one_job_per_session_even_when_running():
    q, gate, log = jobs.JobQueue(jobs.ThreadBackend(), slots=2), threading.Event(), []
    first = q.submit("me", "k0", gated(gate, log, "k0"))
    again = q.submit("me", "k0", gated(gate, log, "k0"))  # a rerun with the same settings joins
    assert again is first
    second = q.submit("me", "k1", gated(gate, log, "k1"))
    wait_all(first)  # replaced while running: told to stop
    assert first.result() == "k0 stopped" and q.by_owner == {"me": second}
    gate.set()
    wait_all(second)


def test_errors_reach_the_waiting_session():
    q = jobs.JobQueue(jobs.ThreadBackend(), slots=1)

    def bad(*, report, stopped):
        raise ValueError("width must be ≥ 1")

    j = q.submit("a", "bad", bad)
    wait_all(j)
    with pytest.raises(ValueError, match="width"):
        j.result()
    assert not q.running  # the slot is free again


def test_solve_task_reports_progress_and_stops():
    p = agd.make_problem(40, 30, 3, 5.0, seed=0)
    seen = []
    r = job_tasks.solve_task(
        p,
        {"width": 4, "init": "gaussian", "scale": 1e-4, "max_iter": 10**7, "tol": 0.0},
        report=seen.append,
        stopped=lambda: len(seen) >= 2,
    )
    assert r.status == "stopped" and len(seen) >= 2
    it, max_iter, t, err, snap = seen[-1]
    assert max_iter == 10**7 and 0 < it <= r.n_iter and err == pytest.approx(snap.error[-1])


def test_dask_backend_matches_agdcore_solve_and_stops():
    """The real engine: the local Dask cluster; same numbers as agdcore.solve in a 1-BLAS-thread process."""
    from agdcore.sweeps.dask_clients import close_clients

    p = agd.make_problem(60, 50, 3, 10.0, seed=1)
    q = jobs.JobQueue(jobs.DaskBackend())
    try:
        assert q.slots >= 1
        j = q.submit("a", "k", job_tasks.solve_task, jobs.Shared(p), {"width": 5, "seed": 3})
        wait_all(j)
        want = agd.solve(p, width=5, seed=3)
        got = j.result()
        assert got.n_iter == want.n_iter
        assert got.final_error == pytest.approx(want.final_error, rel=1e-9)
        long = q.submit(
            "b",
            "long",
            job_tasks.solve_task,
            jobs.Shared(p),
            {"init": "gaussian", "scale": 1e-4, "max_iter": 10**7, "tol": 0},
        )
        while q.latest(long) is None:  # progress crosses from the worker
            assert not long.wait(0.1), "the long run ended before reporting progress"
        q.cancel(long, "b")
        wait_all(long)
        assert long.result().status == "stopped"
    finally:
        close_clients()


def test_a_problem_sent_to_a_cluster_that_was_closed_is_sent_again():
    """The backend keeps a scattered problem for later jobs; after the cluster is closed and started again
    (a test, a restarted scheduler) that copy is lost, and a job using it was cancelled ('lost
    dependencies'): the problem is sent to the new cluster instead."""
    from agdcore.sweeps.dask_clients import close_clients

    p = agd.make_problem(40, 30, 2, 5.0, seed=2)
    backend = jobs.DaskBackend()
    try:
        for round_ in range(2):
            q = jobs.JobQueue(backend)
            j = q.submit("a", f"k{round_}", job_tasks.solve_task, jobs.Shared(p), {"width": 3, "seed": 1})
            wait_all(j)
            assert j.error is None, j.error
            assert j.result().status == "converged"
            close_clients()  # the next round starts a new local cluster; the same problem object is reused
    finally:
        close_clients()


def test_an_interrupted_comparison_withdraws_and_its_worker_stops(monkeypatch):
    """Compare's trials go through the queue; Stop (an exception at a progress update) stops the job."""
    from agdui import compare_run as R

    q = jobs.JobQueue(jobs.ThreadBackend(), slots=2)
    monkeypatch.setattr(jobs, "_QUEUE", q)

    class Interrupted(BaseException):  # what Streamlit raises at a yield point after Stop
        pass

    class FakeLive:
        calls = 0

        def update(self, fraction, text):
            self.calls += 1
            if self.calls == 3:  # the job is running by now
                assert len(q.running) == 1
                raise Interrupted

    p = agd.make_problem(m=60, n=60, rank=3, seed=0)
    with pytest.raises(Interrupted):
        R.run_trials(FakeLive(), p, dict(init="gaussian", max_iter=2_000_000, tol=0.0), 10, "#1", 0, 10)
    for _ in range(200):
        if not q.running:
            break
        threading.Event().wait(0.05)
    assert not q.running and not q.waiting and not q.by_owner


def test_portable_runs_go_to_workers_and_runtime_registrations_stay_here():
    assert all(job_tasks.portable({"algorithm": a, "init": i}) for a in agd.ALGORITHMS for i in agd.INITIALIZERS)
    assert not job_tasks.portable({"algorithm": "no-such", "init": "ward-kolda"})


def test_a_session_asking_just_after_a_job_finished_gets_its_result():
    q = jobs.JobQueue(jobs.ThreadBackend(), slots=1)
    calls = []

    def fn(*, report, stopped):
        calls.append(1)
        return "value"

    first = q.submit("a", "same", fn)
    wait_all(first)
    late = q.submit("b", "same", fn)  # before session a could cache the result
    assert late is first and late.result() == "value" and len(calls) == 1


def test_with_AGDCORE_DASK_SCHEDULER_the_dashboards_runs_go_to_that_cluster(cluster, monkeypatch):  # noqa: F811
    """Scale-out: a `dask scheduler` + two `dask worker`s on loopback (tests/test_sweep_dask.py's fixture)."""
    monkeypatch.setenv("AGDCORE_DASK_SCHEDULER", cluster["address"])
    q = jobs.JobQueue(jobs.DaskBackend())
    assert q.slots == 2  # its two single-thread workers
    assert q.backend.client().scheduler.address == cluster["address"]
    p = agd.make_problem(40, 30, 3, 5.0, seed=2)
    s = q.submit("a", "solve", job_tasks.solve_task, jobs.Shared(p), {"width": 4, "seed": 1})
    wait_all(s)
    assert s.result().n_iter == agd.solve(p, width=4, seed=1).n_iter


def test_opt_in_local_cluster_with_the_scheduler_in_its_own_process(monkeypatch):
    """AGDCORE_DASK_LOCAL=subprocess: the scheduler leaves the server's interpreter; jobs still run."""
    import os

    import psutil

    from agdcore.sweeps import dask_clients as sw

    sw.close_clients()
    monkeypatch.setenv("AGDCORE_DASK_LOCAL", "subprocess")
    try:
        client = sw.get_client()
        assert "local Dask cluster, " in sw.engine_info(client)
        here = {c.laddr.port for c in psutil.Process(os.getpid()).net_connections("tcp") if c.status == "LISTEN"}
        assert int(client.scheduler.address.rsplit(":", 1)[1]) not in here  # not served by this process
        q = jobs.JobQueue(jobs.DaskBackend())
        p = agd.make_problem(40, 30, 3, 5.0, seed=4)
        j = q.submit("a", "k", job_tasks.solve_task, jobs.Shared(p), {"width": 4, "seed": 2})
        wait_all(j)
        assert j.result().n_iter == agd.solve(p, width=4, seed=2).n_iter
    finally:
        sw.close_clients()


def test_only_failures_of_the_cluster_are_worth_another_try():
    """A session retries a job once when the cluster lost it, never when the computation itself failed."""
    from distributed import KilledWorker

    assert jobs.lost_by_the_cluster(KilledWorker("agd-job-1", "tcp://127.0.0.1:1", None))
    assert jobs.lost_by_the_cluster(ConnectionError("scheduler gone"))
    assert not jobs.lost_by_the_cluster(ValueError("width must be ≥ 1"))
    assert not jobs.lost_by_the_cluster(FloatingPointError("overflow"))
    assert not jobs.lost_by_the_cluster(None)


def test_a_small_run_of_a_lone_session_skips_the_workers_but_not_the_queue(monkeypatch):
    """Explore's default run is cheap: alone on the server it runs in the server's thread (no round
    trips to a worker); with another session in line, a big run, observed data or a remote scheduler,
    it goes to the workers as before."""
    q, gate, log = jobs.JobQueue(jobs.ThreadBackend(), slots=2), threading.Event(), []
    monkeypatch.setattr(jobs, "_QUEUE", q)
    monkeypatch.delenv("AGDCORE_DASK_SCHEDULER", raising=False)
    monkeypatch.delenv("AGD_JOBS", raising=False)
    p = agd.make_problem(m=100, n=100, rank=5, seed=0)
    default = dict(algorithm="agd", width=10, max_iter=10_000)
    assert job_tasks.small_and_alone(p, default, "me")
    assert not job_tasks.small_and_alone(p, {**default, "algorithm": "flow"}, "me")  # an ODE solve: no such bound
    assert not job_tasks.small_and_alone(p, {**default, "max_iter": 100_000}, "me")  # up to ~15 s: a worker's job
    assert not job_tasks.small_and_alone(agd.make_completion(m=40, n=30, rank=2, rate=0.5, seed=0), default, "me")
    mine = q.submit("me", "mine", gated(gate, log, "mine"))
    assert job_tasks.small_and_alone(p, default, "me")  # its own earlier job does not count (it is replaced)
    theirs = q.submit("you", "theirs", gated(gate, log, "theirs"))
    assert not job_tasks.small_and_alone(p, default, "me")  # someone else is in line: the fair path
    gate.set()
    wait_all(mine, theirs)
    assert job_tasks.small_and_alone(p, default, "me")
    monkeypatch.setenv("AGDCORE_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    assert not job_tasks.small_and_alone(p, default, "me")  # a named cluster runs every solve


def test_the_local_clusters_slots_are_known_without_starting_it(monkeypatch):
    """A small lone run stays in the server's thread: dispatching it must not start the Dask cluster."""
    from agdcore.sweeps import dask_clients

    def no_start():
        raise AssertionError("the local cluster was started")

    monkeypatch.delenv("AGDCORE_DASK_SCHEDULER", raising=False)
    monkeypatch.setattr(dask_clients, "_start_local", no_start)
    monkeypatch.setattr(dask_clients, "_CLIENTS", {})
    q = jobs.JobQueue(jobs.DaskBackend())
    assert q.slots == dask_clients.local_workers() >= 1
    p = agd.make_problem(m=30, n=20, rank=2, seed=0)
    j = q.submit("me", "small", job_tasks.solve_task, jobs.Shared(p), {"width": 3, "seed": 1}, local=True)
    wait_all(j)
    assert j.result().status == "converged"


def test_an_ended_jobs_progress_is_not_read_from_its_deleted_variable():
    """A session polling just after its job ended must not read the job's Dask variable, which is deleted
    on the way out: the read would wait 5 s and the scheduler would log a traceback."""

    reads = []

    class DeletedVariable:
        def get(self, timeout=None):
            reads.append(timeout)
            raise TimeoutError  # what distributed raises after waiting ``timeout`` s

        def delete(self):
            pass

    job = jobs.Job("k", None, (), {})
    job.handle = (None, DeletedVariable(), None, threading.Lock())
    job.progress = "last payload"
    job.finished.set()
    assert jobs.DaskBackend().latest(job) == "last payload" and reads == []
