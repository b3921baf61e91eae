"""Screen pieces of the Compare page: sidebar (presets, counts, view), the settings form, results."""

from __future__ import annotations

import streamlit as st

import agdcore as agd
from agdcore import plots

from . import compare_run as R
from . import export, live, run_text, style
from . import observed_view as OV
from .urlstate import set_values, widget

PREFIX = R.PREFIX
SNIPPET_KEY = f"{PREFIX}__snippet_open"  # the snippet's expander is open (its code is drawn only then)


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
        "The first preset compares the Ward–Kolda start with a small Gaussian one, the comparison the paper's "
        "Fig. 1 makes in words (its settings could not be retrieved), at one step for both: η = 9/(4Cνσ₁), the "
        "product's default, graded [S] — not the ε-dependent step of the paper's guarantee (Cor. 5.2, Eq. (8)). "
        "d = 10, σ(A) = 10, 7.75, 5.5, 3.25, 1 as in docs/theory.md#worked-example. Expect about 300 against tens "
        "of thousands of iterations; it takes ~10 s."
    )
    sb.header("Layout")
    widget(P["n_configs"], PREFIX, sb)
    widget(P["log_x"], PREFIX, sb)


def settings_form() -> None:
    """The Observed choice (immediate, so its option appears), then the matrix, the trials and the
    configurations, applied together by "Run comparison"."""
    OV.selector(PREFIX, st.columns([2, 3])[0])
    observe = _v("observe")
    with st.form(f"{PREFIX}_form"):
        opt = OV.OBSERVATIONS[observe].option
        seen = (
            ""
            if opt is None
            else f", observed: {OV.OBSERVATIONS[observe].short} {opt.name} = {_v(opt.name) or 'default'}"
        )
        summary = (
            f"Matrix {_v('m')}×{_v('n')}, r = {_v('rank')}, κ = {_v('kappa'):g}, {_v('spectrum')}, "
            f"noise {_v('noise'):g}, σ₁ = {_v('sigma1'):g}{seen} · K = {_v('trials')} trials · "
            f"max {_v('max_iter'):,} iterations · tol {_v('tol'):.0e}"
        )
        with st.expander(summary, icon=":material/tune:"):
            cols = st.columns(4)
            for i, name in enumerate(["m", "n", "rank", "kappa", "spectrum", "noise", "sigma1", "problem_seed"]):
                widget(P[name], PREFIX, cols[i % 4])
            cols = st.columns(3)
            for i, name in enumerate(["trials", "max_iter", "tol"]):
                widget(P[name], PREFIX, cols[i])
            OV.option_field(PREFIX, observe, int(_v("m")), int(_v("n")), int(_v("rank")))
        n = int(_v("n_configs"))
        for row in range(0, n, 3):
            cols = st.columns(3)
            for j in range(row + 1, min(n, row + 3) + 1):
                _config_box(cols[(j - 1) % 3], j, observe)
        st.form_submit_button("Run comparison", type="primary", icon=":material/play_arrow:")


def _config_box(col, j: int, observe: str) -> None:
    box = col.container(border=True)
    box.markdown(f"**Configuration #{j}**")
    widget(P[f"c{j}_algorithm"], PREFIX, box, format_func=lambda a: OV.algorithm_label(a, observe))
    widget(P[f"c{j}_init"], PREFIX, box, format_func=lambda i: OV.init_label(i, observe))
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


def results(runs, values: dict, missing: list[str], chart_slot=None, problem=None) -> None:
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
    observed = plots.is_observed(runs[0][1])
    st.caption(
        f"Solid: median of {'the training loss on the observed data' if observed else 'e_t'} over the K trials "
        "(same seeds for every configuration); band: 25–75 % of trials. A trial that stopped keeps its last value."
    )
    if observed and problem is not None:  # one problem object (same Ω or 𝒜) for every configuration
        st.caption(
            "Every configuration sees the same observations. "
            + run_text.observed_caption(runs[0][1], problem, [tr.config.get("init") for _, tr in runs])
        )
    text = R.headline(runs, int(values["max_iter"]))
    if text:
        st.markdown(f"**{style.md_escape(text)}**")
    st.dataframe(
        R.summary_table(runs, int(values["max_iter"])),
        hide_index=True,
        width="stretch",
        column_config=table_columns(),
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
    code = export.compare_snippet(
        values, R.configs(values), int(values["trials"]), int(values["max_iter"]), float(values["tol"])
    )
    label = "Python snippet: reproduce this comparison with agdcore"
    style.lazy_section(label, SNIPPET_KEY, st.code, code, "python", icon=":material/code:")


# short headers that fit their column (the full meaning is the header's tooltip); the configuration
# column stays pinned while the others scroll sideways on a narrow screen
TABLE_HEADERS = {
    "reached tol": ("reached", "Trials that reached the tolerance, of K"),
    "median iterations": ("median its", "Median iterations to the tolerance over the K trials"),
    "interquartile range": ("IQR its", "Interquartile range of the iterations to tolerance: 25 % – 75 % of trials"),
    "iterations ÷ #1": ("÷ #1", "Median iterations divided by configuration #1's"),
    "median seconds / trial": ("s / trial", "Median wall time of one trial, in seconds"),
    "diverged": ("diverged", "Trials that diverged (NaN/overflow)"),
}


def table_columns() -> dict:
    """``st.dataframe`` column config of the iterations table: short labels, full help, pinned names."""
    cfg = {"configuration": st.column_config.TextColumn("configuration", width="medium", pinned=True)}
    for name, (label, help_text) in TABLE_HEADERS.items():
        cfg[name] = st.column_config.Column(label, help=help_text)
    return cfg
