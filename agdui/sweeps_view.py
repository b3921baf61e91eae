"""The Sweeps page's results: metrics, heatmaps / bands, failures against δ, the recovery phase diagram,
the table and its CSV; and the small example result the page opens on (cached on its settings).

Figures come from :mod:`agdcore.plots.sweep` and :mod:`agdcore.plots.phase`; tables from
:mod:`agdcore.sweeps`. Nothing here computes a sweep except :func:`example_table` (a few cells, serial).
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

import agdcore as agd
from agdcore.observe import OBSERVATIONS
from agdcore.plots import phase
from agdcore.plots import sweep as sp
from agdcore.sweeps import summarize, to_table
from agdui.style import show_chart

PREFIX = "sweeps"

# The example the page opens on: κ × d on a small problem, a few trials (≈ 0.2 s, computed once).
EXAMPLE = {
    "grid": {"kappa": [2, 4, 8, 16], "width": [3, 6, 12]},
    "trials": 5,
    "base": {"m": 40, "n": 30, "rank": 3, "tol": 1e-8, "max_iter": 5000},
}


def example_text() -> str:
    g, b = EXAMPLE["grid"], EXAMPLE["base"]
    return (
        f"κ = {', '.join(map(str, g['kappa']))} × d = {', '.join(map(str, g['width']))}; "
        f"{b['m']}×{b['n']}, r = {b['rank']}, {EXAMPLE['trials']} trials per cell, AGD from the Ward–Kolda "
        f"start, tol {b['tol']:.0e}"
    )


@st.cache_data(show_spinner="Computing the example sweep…", max_entries=4)
def example_table(grid: dict, trials: int, base: dict):
    """The example sweep's table (serial: no cluster is started just for it), cached on its settings."""
    return agd.sweep(grid, trials, base=base, seed=0, engine="serial")


def show_example() -> None:
    """The example result, marked as such: a heatmap of median iterations over κ × d."""
    st.info(
        f"**Example result** ({example_text()}): press **Run sweep** to sweep your own settings "
        "(chosen in the sidebar).",
        icon=":material/science:",
    )
    df = example_table(EXAMPLE["grid"], EXAMPLE["trials"], EXAMPLE["base"])
    fig = sp.heatmap_figure(summarize(df, by=["kappa", "width"]), "kappa", "width", tol=EXAMPLE["base"]["tol"])
    fig.update_layout(title_text=f"Example result: {fig.layout.title.text} over κ × d")
    show_chart(fig, key=f"{PREFIX}_example")


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
    observed = "recovery_rate" in summary
    c = st.columns(5 if observed else 4)
    c[0].metric("trials", f"{len(df):,}", help=f"{v['trials']} per cell")
    c[1].metric("cells", f"{len(summary):,}", help=" × ".join(swept))
    c[2].metric(
        "failed",
        f"{(~np.isfinite(df['iterations_to_tol'])).mean():.0%}",
        help="tol not reached within max_iter (diverged or too slow)",
    )
    c[3].metric("wall time", f"{df.attrs['seconds']:.1f} s", help=f"on {df.attrs['engine']}")
    if observed:
        c[4].metric("recovered", f"{df['recovered'].mean():.0%}", help="trials with ‖XYᵀ − M★‖²/‖M★‖² ≤ 1e-3")
        show_phase(summary, swept, state["plan"].base)
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
    show_table(df, summary)


def show_phase(summary, swept: list, base: dict) -> None:
    """The recovery phase diagram when the sampling (rate / measurements) is one of the swept axes."""
    sampling = phase.sampling_param(swept)
    if sampling is None:
        return
    other = next((p for p in swept if p != sampling), None)
    fig = phase.phase_figure(summary, sampling, other, m=base["m"], n=base["n"])
    show_chart(fig, key=f"{PREFIX}_phase")
    obs = OBSERVATIONS[base["observe"]]
    st.caption(
        f"Observed: {obs.label}. A trial counts as recovered when its final ‖XYᵀ − M★‖²/‖M★‖² ≤ 1e-3, "
        "whether or not it reached the tolerance on the observed loss. The dashed line marks where the "
        + ("expected number of observed entries p·mn" if sampling == "rate" else "number of measurements p")
        + " equals the r(m+n−r) degrees of freedom of a rank-r m×n matrix — a count, not a threshold "
        "theorem: fewer generic observations cannot determine a rank-r matrix, and more do not guarantee "
        "that these methods find it."
    )


def show_table(df, summary) -> None:
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
            "recovery_rate": st.column_config.NumberColumn("fraction recovered", format="percent"),
            "median_recovery_error": st.column_config.NumberColumn("median recovery error", format="%.3g"),
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
