"""Sweeps: a grid of settings × many random initializations on Dask; medians, bands, failure rates.

The page only lays out the screen: validation, seeds and execution are :mod:`agdcore.sweeps`, the
figures :mod:`agdcore.plots.sweep`. Settings are bound to the URL (validated, never trusted).
"""

import time

import numpy as np
import streamlit as st

import agdcore as agd
from agdcore.plots import sweep as sp
from agdcore.sweeps import (
    PARAMETERS,
    SweepPlan,
    engine_info,
    get_client,
    parse_values,
    plan_sweep,
    run_plan,
    scheduler_address,
    summarize,
    to_table,
)
from agdui import ensure_router
from agdui.style import apply_style, show_chart
from agdui.urlstate import Param, current_values, init_state, sync_url, widget

ensure_router()  # deep links on a fresh server must go through app.py

PREFIX = "sweeps"
NAMES = tuple(PARAMETERS)
SEED_MAX = 2**31 - 1
DEFAULT_VALUES = {
    "width": "5, 10, 20",
    "width_ratio": "1, 2, 4",
    "kappa": "5, 10, 20, 40",
    "step_mult": "0.25, 0.5, 1, 1.5",
    "C": "2, 4, 8, 16",
    "nu": "0.1, 0.25, 0.5, 0.75, 1",
    "scale": "0.0001, 0.001, 0.01",
    "noise": "0, 0.01, 0.1",
    "algorithm": "agd, gd, scaledgd",
    "init": "ward-kolda, gaussian, nystrom",
}


def default_values(name: str) -> str:
    """Example values of a swept parameter; for a registry option without one, around its default."""
    if name in DEFAULT_VALUES:
        return DEFAULT_VALUES[name]
    use = agd.options.option_uses().get(name)
    d = None if use is None else use.option.default
    return "" if not d else ", ".join(f"{v:g}" for v in (d / 2, d, 2 * d))


def label_of(name: str) -> str:
    return sp.LABELS.get(name) or PARAMETERS[name][1]


PARAMS = [
    Param("x", "kappa", "choice", choices=NAMES, label="Swept parameter"),
    Param("xv", DEFAULT_VALUES["kappa"], "str", label="Its values (comma-separated)"),
    Param("y", "width", "choice", choices=("none", *NAMES), label="Second swept parameter"),
    Param("yv", DEFAULT_VALUES["width"], "str", label="Its values (comma-separated)"),
    Param("trials", 10, "int", 1, 1000, label="Trials per cell", help="random initializations per grid cell"),
    Param("tol", 1e-8, "float", 0.0, 1.0, label="Tolerance on e_t − floor", fmt="%.1e"),
    Param(
        "max_iter",
        5000,
        "int",
        10,
        1_000_000,
        label="Max iterations",
        help="a trial that has not reached the tolerance by then counts as a failure",
    ),
    Param("m", 100, "int", 2, 2000, label="Rows m"),
    Param("n", 100, "int", 2, 2000, label="Columns n"),
    Param("rank", 5, "int", 1, 200, label="True rank r"),
    Param("kappa", 10.0, "float", 1.0, 1e6, label="Condition number κ (if not swept)", fmt="%.4g"),
    Param("width", 10, "int", 1, 500, label="Factor width d (if not swept)"),
    Param("algorithm", "agd", "choice", choices=tuple(agd.ALGORITHMS), label="Algorithm (if not swept)"),
    Param("init", "ward-kolda", "choice", choices=tuple(agd.INITIALIZERS), label="Initialization (if not swept)"),
    Param(
        "step",
        None,
        "optfloat",
        1e-12,
        1e6,
        label="Fixed step η (empty = theory default)",
        fmt="%.5g",
        help="empty: η = theory default × step multiple; e.g. 9/(4Cνσ₁) for the Ward–Kolda init",
    ),
    Param("noise", 0.0, "float", 0.0, 10.0, label="Noise ‖N‖_F/‖A‖_F (if not swept)", fmt="%.3g"),
    Param("problem_seed", 0, "int", 0, SEED_MAX, label="Seed of A"),
    Param("seed", 0, "int", 0, SEED_MAX, label="Base seed of the trials"),
    Param(
        "engine",
        "dask",
        "choice",
        choices=("dask", "serial"),
        label="Run on",
        help="dask: the local cluster (one worker per core) or $AGDCORE_DASK_SCHEDULER; serial: this process",
    ),
]
BY_NAME = {p.name: p for p in PARAMS}
LISTS = (("x", "xv"), ("y", "yv"))


# ---------------------------------------------------------------------- settings
def check_lists(ss) -> list[str]:
    """First visit: value lists from the URL must parse for their parameter, else use the default list."""
    msgs = []
    for pkey, vkey in LISTS:
        name = ss[f"{PREFIX}_{pkey}"]
        if name == "none":
            continue
        try:
            parse_values(name, ss[f"{PREFIX}_{vkey}"])
        except ValueError as exc:
            msgs.append(
                f"URL parameter '{vkey}' = '{str(ss[f'{PREFIX}_{vkey}'])[:40]}' is invalid: {exc} "
                f"Using the default ({default_values(name)})."
            )
            ss[f"{PREFIX}_{vkey}"] = default_values(name)
    return msgs


def _reset_values(pkey: str, vkey: str) -> None:
    name = st.session_state[f"{PREFIX}_{pkey}"]
    st.session_state[f"{PREFIX}_{vkey}"] = default_values(name)


def sidebar() -> None:
    sb = st.sidebar
    sb.header("Sweep")
    for pkey, vkey in LISTS:
        widget(
            BY_NAME[pkey],
            PREFIX,
            sb,
            on_change=_reset_values,
            args=(pkey, vkey),
            format_func=lambda v: "(none)" if v == "none" else f"{v} — {label_of(v)}",
        )
        if st.session_state[f"{PREFIX}_{pkey}"] != "none":
            sb.text_input(BY_NAME[vkey].label, key=f"{PREFIX}_{vkey}")
    for name in ("trials", "tol", "max_iter"):
        widget(BY_NAME[name], PREFIX, sb)
    with sb.expander("Fixed settings", expanded=False):
        for name in ("m", "n", "rank", "kappa", "width", "algorithm", "init", "step", "noise", "problem_seed", "seed"):
            widget(BY_NAME[name], PREFIX)
    widget(BY_NAME["engine"], PREFIX, sb, format_func=lambda v: {"dask": "Dask", "serial": "this process"}[v])


def make_plan(v: dict) -> SweepPlan:
    """The validated plan for the settings (ValueError names what is wrong)."""
    if v["y"] != "none" and v["y"] == v["x"]:
        raise ValueError(f"the two swept parameters are both {v['x']!r}; choose two different ones (or none).")
    grid = {v["x"]: v["xv"]}
    if v["y"] != "none":
        grid[v["y"]] = v["yv"]
    base = {
        k: v[k]
        for k in (
            "m",
            "n",
            "rank",
            "kappa",
            "width",
            "algorithm",
            "init",
            "step",
            "noise",
            "problem_seed",
            "max_iter",
            "tol",
        )
    }
    return plan_sweep(grid, v["trials"], base=base, seed=v["seed"])


# ---------------------------------------------------------------------- running
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


def finished_table(state: dict):
    """The table of a run: complete, or the trials finished before it was stopped."""
    if state["df"] is not None:
        return state["df"]
    plan = state["plan"]
    df = to_table(plan, state["parts"])
    df.attrs.update(
        swept=list(plan.params), complete=False, engine=state["engine"], seconds=time.perf_counter() - state["started"]
    )
    state["df"] = df
    return df


# ---------------------------------------------------------------------- results
@st.cache_data(max_entries=64, show_spinner=False)
def delta_curve(nu_lo: float, nu_hi: float, d: int, r: int) -> tuple[list, list]:
    nus = np.linspace(nu_lo, nu_hi, 25).tolist()
    return nus, [agd.bounds.delta_mc(nu, d, r, n_samples=4000, seed=0) for nu in nus]


def show_results(state: dict) -> None:
    df, v = finished_table(state), state["values"]
    swept = df.attrs["swept"]
    if not len(df):
        st.warning("The sweep was stopped before any trial finished.", icon=":material/stop_circle:")
        return
    if not df.attrs["complete"]:  # interrupted by Stop (or by a setting changed while it ran)
        st.warning(
            f"Sweep stopped after {len(df)} of {state['plan'].n_trials} trials; every outstanding task "
            "was cancelled. The charts show the finished trials.",
            icon=":material/stop_circle:",
        )
    summary = summarize(df, by=swept)
    c = st.columns(4)
    c[0].metric("trials", f"{len(df):,}", help=f"{v['trials']} per cell")
    c[1].metric("cells", f"{len(summary):,}", help=" × ".join(swept))
    c[2].metric(
        "failed",
        f"{(~np.isfinite(df['iterations_to_tol'])).mean():.0%}",
        help="tol not reached within max_iter (diverged or too slow)",
    )
    c[3].metric("wall time", f"{df.attrs['seconds']:.1f} s", help=f"on {df.attrs['engine']}")
    if len(swept) == 2:
        show_chart(sp.heatmap_figure(summary, swept[0], swept[1], tol=v["tol"]), key=f"{PREFIX}_heatmap")
        show_chart(
            sp.profile_figure(summary, swept[0], swept[1], max_iter=v["max_iter"], tol=v["tol"]),
            key=f"{PREFIX}_profile",
        )
    else:
        show_chart(sp.line_figure(summary, swept[0], max_iter=v["max_iter"], tol=v["tol"]), key=f"{PREFIX}_line")
    st.caption(
        "Failures (tol not reached within max_iter) count as “never”, so a median is shown only while "
        "fewer than half of a cell's trials fail. Dashed lines: the paper's shape in κ and d with only "
        "its unknown constant fitted (least squares on log iterations) — compare slopes, not levels."
    )
    if "nu" in swept:
        show_failures(summary, swept)
    shown = summary.assign(
        **{q: [f"{x:.0f}" if np.isfinite(x) else "not reached" for x in summary[q]] for q in ("q25", "median", "q75")}
    )
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "failure_rate": st.column_config.NumberColumn("failure rate", format="percent"),
            "q25": "25 % iterations",
            "median": "median iterations",
            "q75": "75 % iterations",
        },
    )
    st.download_button(
        "Download the table (CSV, one row per trial)",
        df.to_csv(index=False),
        "agd_sweep.csv",
        "text/csv",
        on_click="ignore",
        icon=":material/download:",
    )


def show_failures(summary, swept: list) -> None:
    other = next((p for p in swept if p != "nu"), None)
    delta = {}
    for (d, r), _ in summary.groupby(["width", "rank"]):
        delta[int(d)] = delta_curve(float(summary["nu"].min()), float(summary["nu"].max()), int(d), int(r))
    show_chart(sp.failure_figure(summary, delta, group=other), key=f"{PREFIX}_failures")
    st.caption(
        "With an empty step, ν also sets η = 9/(4Cνσ₁): a small ν means a large step, which can diverge "
        "whatever δ says. Fix η in *Fixed settings* to see the effect of the initialization alone."
    )


# ---------------------------------------------------------------------- the screen
def main() -> None:
    apply_style()
    ss = st.session_state
    first = not ss.get(f"{PREFIX}__init")
    errors = init_state(PARAMS, PREFIX)
    if first:  # URL messages stay up until a setting changes
        errors += check_lists(ss)
        ss[f"{PREFIX}__errors"] = (errors, current_values(PARAMS, PREFIX))
    sidebar()
    v = current_values(PARAMS, PREFIX)
    sync_url(PARAMS, PREFIX, v)
    st.title("Sweeps")
    st.markdown(
        "A grid of settings × many random initializations: how the iterations to tolerance scale with "
        "κ, the width d and the other knobs, and how often a run fails."
    )
    msgs, loaded = ss.get(f"{PREFIX}__errors", ([], None))
    for msg in msgs if loaded == v else []:
        st.error(msg, icon=":material/link_off:")
    if st.button("Run sweep", type="primary", icon=":material/play_arrow:", key=f"{PREFIX}_run"):
        try:
            run(make_plan(v), v)
        except (ValueError, ConnectionError) as exc:
            st.error(f"Sweep settings: {exc}", icon=":material/error:")
        except Exception as exc:  # noqa: BLE001 - lost workers, a task error: keep what finished
            st.error(
                f"The sweep failed while running ({type(exc).__name__}: {str(exc)[:300]}). "
                "The trials that finished are shown below.",
                icon=":material/error:",
            )
    state = ss.get(f"{PREFIX}__run")
    if state is None:
        st.info("Choose one or two swept parameters and their values in the sidebar, then press **Run sweep**.")
    else:
        show_results(state)


main()
