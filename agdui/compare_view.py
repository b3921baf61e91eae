"""Screen pieces of the Compare page: sidebar (presets, counts, view), the settings form, results."""

from __future__ import annotations

import streamlit as st

import agdcore as agd
from agdcore import plots

from . import compare_run as R
from . import export, live, style
from .urlstate import set_values, widget

PREFIX = R.PREFIX


class _LiveParams:
    """Compare's settings by name, rebuilt from the registries on access (a later registration shows)."""

    def __getitem__(self, name: str):
        return {p.name: p for p in R.params()}[name]


P = _LiveParams()


def _v(name: str):
    return st.session_state.get(f"{PREFIX}_{name}", P[name].default)


def apply_preset(name: str) -> None:
    """Button callback: load a preset into the settings (runs before the widgets are drawn)."""
    set_values(R.PARAMS, PREFIX, R.PRESETS[name])
    live.clear_stop(PREFIX)


def sidebar() -> None:
    sb = st.sidebar
    sb.header("Presets")
    for name in R.PRESETS:
        sb.button(
            name,
            key=f"{PREFIX}_preset_{abs(hash(name)) % 10**8}",
            on_click=apply_preset,
            args=(name,),
            width="stretch",
            icon=":material/bolt:",
        )
    sb.caption(
        "The first preset is the paper's headline comparison (same step η = 9/(4Cνσ₁), d = 10; "
        "σ(A) = 10, 7.75, 5.5, 3.25, 1 as in theory.md §10). Expect about 300 against tens of "
        "thousands of iterations; it takes ~10 s."
    )
    sb.header("Layout")
    widget(P["n_configs"], PREFIX, sb)
    widget(P["log_x"], PREFIX, sb)


def settings_form() -> None:
    """The matrix, the trials and the configurations, applied together by "Run comparison"."""
    with st.form(f"{PREFIX}_form"):
        summary = (
            f"Matrix {_v('m')}×{_v('n')}, r = {_v('rank')}, κ = {_v('kappa'):g}, {_v('spectrum')}, "
            f"noise {_v('noise'):g}, σ₁ = {_v('sigma1'):g} · K = {_v('trials')} trials · "
            f"max {_v('max_iter'):,} iterations · tol {_v('tol'):.0e}"
        )
        with st.expander(summary, icon=":material/tune:"):
            cols = st.columns(4)
            for i, name in enumerate(["m", "n", "rank", "kappa", "spectrum", "noise", "sigma1", "problem_seed"]):
                widget(P[name], PREFIX, cols[i % 4])
            cols = st.columns(3)
            for i, name in enumerate(["trials", "max_iter", "tol"]):
                widget(P[name], PREFIX, cols[i])
        n = int(_v("n_configs"))
        for row in range(0, n, 3):
            cols = st.columns(3)
            for j in range(row + 1, min(n, row + 3) + 1):
                _config_box(cols[(j - 1) % 3], j)
        st.form_submit_button("Run comparison", type="primary", icon=":material/play_arrow:")


def _config_box(col, j: int) -> None:
    box = col.container(border=True)
    box.markdown(f"**Configuration #{j}**")
    widget(P[f"c{j}_algorithm"], PREFIX, box, format_func=lambda a: f"{agd.ALGORITHMS[a].label} ({a})")
    widget(P[f"c{j}_init"], PREFIX, box, format_func=lambda i: agd.INITIALIZERS[i].label)
    c1, c2 = box.columns([2, 3])
    widget(P[f"c{j}_width"], PREFIX, c1)
    widget(
        P[f"c{j}_step"],
        PREFIX,
        c2,
        label="Step η",
        placeholder="default",
        help="Empty = the default step of the algorithm/init (Ward–Kolda: 9/(4Cνσ₁); preconditioned: 0.5; "
        "otherwise 0.5/σ₁)",
    )
    init = _v(f"c{j}_init")
    par = R.INIT_PARAM.get(init)
    default = agd.INITIALIZERS[init].defaults.get(par) if par else None
    lab = f"Init parameter: {par} (empty = {default:g})" if par and default is not None else "Init parameter (unused)"
    widget(P[f"c{j}_param"], PREFIX, box, label=lab, placeholder="default")


def results(runs, values: dict, missing: list[str], chart_slot=None) -> None:
    """Chart of medians/IQR, the iterations table with ratios to #1, the per-trial spread, downloads."""
    if missing:
        st.info("Stopped: not run — " + "; ".join(missing), icon=":material/stop_circle:")
    if not runs:
        if chart_slot is not None:
            chart_slot.empty()
        return
    style.show_chart(
        plots.trials_figure(runs, log_x=bool(values["log_x"]), tol=float(values["tol"])),
        f"{PREFIX}__chart_trials",
        chart_slot,
    )
    st.caption(
        "Solid: median of e_t over the K trials (same seeds for every configuration); band: 25–75 % of "
        "trials. A trial that stopped keeps its last value."
    )
    text = R.headline(runs, int(values["max_iter"]))
    if text:
        st.markdown(f"**{style.md_escape(text)}**")
    st.dataframe(
        R.summary_table(runs, int(values["max_iter"])),
        hide_index=True,
        width="stretch",
        column_config={"configuration": st.column_config.TextColumn(width="large")},
    )
    style.show_chart(plots.iterations_figure(runs), f"{PREFIX}__chart_iters")
    _downloads(runs, values)


def _downloads(runs, values: dict) -> None:
    import json

    c1, c2 = st.columns(2)
    c1.download_button(
        "Median and quartile curves (CSV)",
        data=lambda: export.trials_csv(runs),
        file_name="agd_compare.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        key=f"{PREFIX}_dl_csv",
    )
    payload = lambda: json.dumps(
        {
            "settings": {k: values[k] for k in values},  # noqa: E731
            "configurations": [{"label": lab, "config": tr.config, "trials": tr.to_records()} for lab, tr in runs],
        },
        indent=1,
        default=str,
    )
    c2.download_button(
        "Per-trial results (JSON)",
        data=payload,
        file_name="agd_compare.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        key=f"{PREFIX}_dl_json",
    )
    with st.expander("Python snippet: reproduce this comparison with agdcore", icon=":material/code:"):
        st.code(
            export.compare_snippet(
                values, R.configs(values), int(values["trials"]), int(values["max_iter"]), float(values["tol"])
            ),
            language="python",
        )
