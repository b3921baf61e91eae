"""Dask clients for sweeps: the embedded local cluster (lazy, reused) or an existing scheduler.

Pure (no streamlit). Dask is imported only when a client is first needed.
"""

from __future__ import annotations

import logging
import os
import re
import threading

_CLIENTS: dict = {}  # "local" or address -> {"client", "cluster"}: the lazy, reused singletons
_LOCK = threading.Lock()
_ADDRESS = re.compile(r"((tcp|tls|ws|wss|ucx)://)?[^\s/:]+:\d{1,5}")


def scheduler_address(scheduler: str | None = None) -> str | None:
    """The scheduler to use: ``scheduler``, else $AGDCORE_DASK_SCHEDULER, else None (local cluster)."""
    addr = (scheduler or os.environ.get("AGDCORE_DASK_SCHEDULER") or "").strip()
    if not addr:
        return None
    if not _ADDRESS.fullmatch(addr):
        raise ValueError(f"scheduler address {addr!r} must look like tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786).")
    return addr


def get_client(scheduler: str | None = None, *, timeout: float = 5.0):
    """A running Dask client: to ``scheduler`` (or $AGDCORE_DASK_SCHEDULER), else the local cluster.

    The local cluster is started on first use (one single-threaded worker process per core, on
    127.0.0.1, no dashboard) and reused. An unreachable scheduler raises ConnectionError after
    ``timeout`` seconds.
    """
    addr = scheduler_address(scheduler)
    with _LOCK:
        entry = _CLIENTS.get(addr or "local")
        if entry is None or entry["client"].status != "running":
            entry = _connect(addr, timeout) if addr else _start_local()
            _CLIENTS[addr or "local"] = entry
        return entry["client"]


def local_workers() -> int:
    """Worker processes of the embedded local cluster (one single-threaded worker per usable core),
    known without starting it."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _start_local() -> dict:
    import dask
    from distributed import Client, LocalCluster

    cores = local_workers()
    quiet = {
        "distributed.worker.profile.enabled": False,  # no dashboard shows it: save its CPU
        "distributed.admin.system-monitor.gil.enabled": False,
    }
    if local_mode() == "subprocess":
        cluster = _subprocess_cluster(cores, quiet)
        client = Client(cluster, set_as_default=False)
        client.wait_for_workers(cores, timeout=60)
        client.run(_warm)
        return {"client": client, "cluster": cluster}
    with dask.config.set(quiet):  # the nannies hand this configuration to their workers
        cluster = LocalCluster(
            n_workers=cores,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,  # scheduler health/metrics
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        )  # any port
    client = Client(cluster, set_as_default=False)
    client.run(_warm)
    return {"client": client, "cluster": cluster}


def local_mode() -> str:
    """``"subprocess"`` when $AGDCORE_DASK_LOCAL says so (the scheduler in its own process), else ``"inprocess"``.

    Opt-in (``AGDCORE_DASK_LOCAL=subprocess make run``): in the dashboard's server the scheduler would otherwise share the
    interpreter lock with every page thread, and under a class's load each small job then waits
    seconds for its messages to be handled (benchmarks/bench_load.py; README "Serving a class").
    """
    mode = os.environ.get("AGDCORE_DASK_LOCAL", "").strip().lower()
    return "subprocess" if mode == "subprocess" else "inprocess"


def _subprocess_cluster(cores: int, quiet: dict):
    """Scheduler and workers each in their own process, on 127.0.0.1, no dashboard."""
    from distributed.deploy.subprocess import SubprocessCluster

    env = {"DASK_" + k.upper().replace(".", "__").replace("-", "_"): str(v) for k, v in quiet.items()}
    for k, v in env.items():  # the `dask worker` processes read their configuration from the environment
        os.environ.setdefault(k, v)
    return SubprocessCluster(
        host="127.0.0.1",
        n_workers=cores,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )


def _warm() -> None:
    """Import the solver on a worker before the first task (part of the cluster start-up)."""
    from .. import trials  # noqa: F401


def _connect(addr: str, timeout: float) -> dict:
    from distributed import Client

    hint = "Is `dask scheduler` running there? Check the address, or unset AGDCORE_DASK_SCHEDULER."
    try:
        client = Client(addr, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError):
        raise ConnectionError(f"could not reach the Dask scheduler at {addr} within {timeout:g} s. {hint}") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        client.close()
        raise ConnectionError(
            f"the Dask scheduler at {addr} has no workers; start some with `dask worker {addr} --nthreads 1`."
        ) from None
    return {"client": client, "cluster": None}


def engine_info(client) -> str:
    """One line describing where a sweep runs, e.g. "local Dask cluster, 2 workers (127.0.0.1)"."""
    info = client.scheduler_info()
    n = len(info.get("workers", {}))
    local = any(e["client"] is client and e["cluster"] is not None for e in _CLIENTS.values())
    where = "local Dask cluster" if local else f"Dask scheduler {info.get('address', '?')}"
    return f"{where}, {n} worker{'s' if n != 1 else ''}"


def close_clients() -> None:
    """Close every cached client and the local cluster (tests, benchmarks, end of the CLI)."""
    with _LOCK:
        for entry in _CLIENTS.values():
            entry["client"].close()
            if entry["cluster"] is not None:
                entry["cluster"].close()
        _CLIENTS.clear()
