"""Running a sweep from the Sweeps page: the shared Dask client (cached) and the run with progress and Stop.

The finished pieces are kept in ``st.session_state["sweeps__run"]`` as they arrive, so a Stop (any
click reruns the page, which interrupts :func:`agdcore.sweeps.run_plan` and cancels its tasks) keeps them.
"""

from __future__ import annotations

import time

import streamlit as st

from agdcore.sweeps import SweepPlan, engine_info, get_client, run_plan, scheduler_address

PREFIX = "sweeps"


@st.cache_resource(show_spinner="Starting the Dask cluster (first sweep only)…")
def _dask(address: str | None) -> dict:
    # A dict, not the Client: Streamlit refuses to cache awaitables (and a Client is one).
    return {"client": get_client(address)}


def dask_client():
    """The shared Dask client: $AGDCORE_DASK_SCHEDULER if set, else the local loopback cluster."""
    address = scheduler_address()
    entry = _dask(address)
    if entry["client"].status != "running":
        _dask.clear()
        entry = _dask(address)
    return entry["client"]


def run(plan: SweepPlan, v: dict) -> None:
    """Run the sweep with a progress bar; finished pieces are kept in the session as they arrive."""
    client = dask_client() if v["engine"] == "dask" else None
    state = {
        "plan": plan,
        "parts": [],
        "values": dict(v),
        "df": None,
        "started": time.perf_counter(),
        "engine": engine_info(client) if client is not None else "serial",
    }
    st.session_state[f"{PREFIX}__run"] = state
    stop_slot = st.empty()  # Stop: any click reruns the page, which interrupts run_plan -> tasks cancelled
    stop_slot.button(
        "Stop",
        key=f"{PREFIX}_stop",
        icon=":material/stop_circle:",
        help="cancels every outstanding task; the finished trials are kept",
    )
    bar = st.progress(0.0, text=f"0 of {plan.n_trials} trials on {state['engine']}")
    last = [0.0]

    def progress(done: int, total: int) -> bool:  # also called every ~0.25 s while Dask works
        now = time.perf_counter()
        if done == total or now - last[0] >= 0.2:  # ≤ 5 updates a second; each is also where Stop lands
            bar.progress(
                done / total, text=f"{done} of {total} trials on {state['engine']} · {now - state['started']:.0f} s"
            )
            last[0] = now
        return False

    state["df"] = run_plan(plan, engine=v["engine"], client=client, callback=progress, parts=state["parts"])
    bar.empty()
    stop_slot.empty()
