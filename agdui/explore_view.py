"""Pieces of the Explore page: the sidebar settings, the result panels, the theory check, the scrubber."""

from __future__ import annotations

import streamlit as st

import agdcore as agd
from agdcore import plots

from . import export, player, run_text, style
from . import observed_view as OV
from . import reconstruction_view as RV
from . import settings as S
from .upload import upload_box
from .urlstate import widget

PREFIX = "explore"


def params() -> list:
    """Explore's URL-bound settings (derived from the registries on every call)."""
    return S.PROBLEM_PARAMS + S.solver_params()


def _params_by_name() -> dict:
    return {p.name: p for p in params()}


def __getattr__(name: str):
    if name == "PARAMS":
        return params()
    if name == "P":
        return _params_by_name()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _v(name: str):
    key = f"{PREFIX}_{name}"
    return st.session_state[key] if key in st.session_state else _params_by_name()[name].default


# ---------------------------------------------------------------------- sidebar
def sidebar(upload) -> None:
    """Matrix source, method selectors (immediate) and the settings form (applied on submit)."""
    sb = st.sidebar
    P = _params_by_name()
    sb.header("Settings")
    widget(
        P["source"],
        PREFIX,
        sb,
        radio=True,
        horizontal=True,
        format_func=lambda s: {"synthetic": "Synthetic", "upload": "Upload", "photo": "Photo"}[s],
    )
    if _v("source") == "upload":
        upload_box(sb, upload, PREFIX)
    OV.selector(PREFIX, sb)
    observe = _v("observe")  # bound now: the labels say what applies to the observed data
    widget(P["algorithm"], PREFIX, sb, format_func=lambda a: OV.algorithm_label(a, observe))
    widget(P["init"], PREFIX, sb, format_func=lambda i: OV.init_label(i, observe))
    with sb.form(f"{PREFIX}_form", border=True):
        if _v("source") == "synthetic":
            _problem_fields()
        elif _v("source") == "upload":
            widget(P["upload_rank"], PREFIX)
        else:
            st.caption(RV.PHOTO_CAPTION)
        mn = upload.shape if _v("source") == "upload" and upload is not None else (_v("m"), _v("n"))
        mn = RV.photo_shape() if _v("source") == "photo" else mn
        OV.option_field(PREFIX, _v("observe"), int(mn[0]), int(mn[1]), _rank_now(upload))
        widget(P["width"], PREFIX)
        st.caption(f"d/r = {_v('width')}/{_rank_now(upload)} = {_v('width') / max(_rank_now(upload), 1):.3g}")
        for opt in S.options_of(_v("algorithm"), _v("init")):
            _option_field(P[opt.name], opt, upload)
        widget(P["step"], PREFIX, placeholder=f"default step: {_step_hint(upload)}")
        c1, c2 = st.columns(2)
        widget(P["max_iter"], PREFIX, c1)
        widget(P["tol"], PREFIX, c2)
        widget(P["seed"], PREFIX)
        st.form_submit_button("Apply", type="primary", icon=":material/play_arrow:", width="stretch")


def _problem_fields() -> None:
    P = _params_by_name()
    c1, c2 = st.columns(2)
    widget(P["m"], PREFIX, c1)
    widget(P["n"], PREFIX, c2)
    c1, c2 = st.columns(2)
    widget(P["rank"], PREFIX, c1)
    widget(P["kappa"], PREFIX, c2)
    widget(P["spectrum"], PREFIX)
    c1, c2 = st.columns(2)
    widget(P["noise"], PREFIX, c1)
    widget(P["sigma1"], PREFIX, c2)
    widget(P["problem_seed"], PREFIX)


def _option_field(p, opt, upload) -> None:
    """The widget of one option of the selected init/algorithm; empty shows the entry's own default."""
    if p.kind != "optfloat":
        widget(p, PREFIX)
    elif opt.default is not None:  # shared name, this entry's own default (scale: 1e-3 or 1)
        widget(p, PREFIX, label=f"{opt.label} (empty = {opt.default:g})", placeholder=f"{opt.default:g}")
    else:
        widget(p, PREFIX, placeholder=_resolved_text(opt, upload))


def _resolved_text(opt, upload) -> str:
    """``Cν/9 = 0.444``: the resolved default at the current values (σ₁ of the last built A)."""
    entry = agd.INITIALIZERS.get(_v("init"))
    names = [
        o.name
        for o in (
            entry.options if entry is not None and opt in entry.options else agd.ALGORITHMS[_v("algorithm")].options
        )
    ]
    values = {n: _v(n) for n in names if n != opt.name}
    sigma1 = st.session_state.get(f"{PREFIX}__sigma1") or _v("sigma1")
    try:
        return f"{opt.resolve_text} = {opt.resolve(values, float(sigma1)):.4g}"
    except (TypeError, ValueError, KeyError, ZeroDivisionError):
        return opt.resolve_text


def _rank_now(upload) -> int:
    if _v("source") == "photo":
        return RV.photo_facts()[2]
    if _v("source") == "upload":
        return int(_v("upload_rank")) or (st.session_state.get(f"{PREFIX}__numerical_rank") or 1)
    return int(_v("rank"))


def _step_hint(upload) -> str:
    sigma1 = st.session_state.get(f"{PREFIX}__sigma1") or _v("sigma1")
    try:
        eta = S.theory_default_step({n: _v(n) for n in _params_by_name()}, float(sigma1))
    except (ValueError, KeyError):
        return "η = ?"
    return f"η = {eta:.4g}"


# ---------------------------------------------------------------------- result panels
LOSS_HEIGHT = 490  # with the title, status line and legend, the loss chart fits a 1280x720 screen


def draw_main(result, slots: dict, live: bool = False, n: int = 0) -> None:
    """Loss curve and the singular values of Y and X into their placeholders.

    Live redraws go into a stack per chart (:func:`_layer`): each new chart is drawn over the previous
    one, which stays visible until the new one has painted. Streamlit mounts a new chart for every new
    figure, and a chart replaced in place showed an empty frame until Plotly had drawn it.
    """
    sfx = f"_live{n}" if live else ""
    style.show_chart(
        plots.loss_figure(result, height=LOSS_HEIGHT, max_points=500 if live else plots.MAX_POINTS),
        f"{PREFIX}__chart_loss{sfx}",
        _layer(slots, "loss", live),
        width_hint=940 if live else None,
    )
    if len(result.record_index) and (not live or n % 3 == 0):  # live: singular values on every third redraw
        for f in ("Y", "X"):
            style.show_chart(
                plots.singular_values_figure(result, f),
                f"{PREFIX}__chart_sv{f.lower()}{sfx}",
                _layer(slots, f"sv{f.lower()}", live),
                width_hint=460 if live else None,
            )


_STACK_CSS = (
    "<style>.st-key-{k} {{ display: grid !important; grid-template-columns: minmax(0, 1fr); }}"
    " .st-key-{k} > div {{ grid-area: 1 / 1; width: 100%; }}</style>"
)


def _layer(slots: dict, name: str, live: bool):
    """Where the next chart ``name`` goes: its slot, or once a live run has drawn it, a new top layer of
    its stack (the previous layers stay under the new one until it has painted; older ones are emptied)."""
    stacks = slots.setdefault("_stacks", {})
    if name not in stacks:
        if not live:
            return slots[name]
        key = f"{PREFIX}__stack_{name}"
        box = slots[name].container(key=key)
        box.html(_STACK_CSS.format(k=key))  # the stack's layers share one grid cell, later ones on top
        stacks[name] = (box, [])
    box, layers = stacks[name]
    layer = box.empty()
    layers.append(layer)
    if len(layers) > 3:  # two drawn layers stay under the newest, in case the browser is behind
        layers.pop(0).empty()
    return layer


def metrics(result, problem) -> None:
    """Headline numbers of the run (on observed data: both errors and the observation count)."""
    if plots.is_observed(result):
        return OV.metrics(result, problem)
    b = result.bounds or {}
    k = result.iterations_to_tol
    unit = "time" if result.is_flow else "iterations"
    cols = st.columns(5)
    cols[0].metric(
        f"{unit.capitalize()} to tol",
        "not reached" if k is None else (f"{result.t[k]:.4g}" if result.is_flow else f"{k:,}"),
    )
    cols[1].metric("Final eₜ", f"{result.final_error:.3e}")
    obs = result.observed_rate()
    per = "per unit of time" if result.is_flow else "per iteration, eₜ₊₁/eₜ"
    cols[2].metric(
        "Observed rate",
        "—" if obs is None else f"{obs:.5f}",
        help=f"factor on eₜ {per}: log-linear fit of eₜ − floor on the window [1e-10, 1e-3]",
    )
    pred, src = _predicted_rate(b)
    cols[3].metric("Predicted rate", "—" if pred is None else f"{pred:.5f}", help=f"from the {src}")
    sec = result.seconds
    cols[4].metric(
        "Wall time",
        f"{sec * 1000:.0f} ms" if sec < 0.1 else f"{sec:.2f} s",
        help=f"{result.n_iter:,} {unit}, solver loop only",
    )


def _predicted_rate(b: dict):
    for key, src in (("live_rate", "live bound"), ("local_rate", "local theory"), ("rate_frozen_x", "frozen X")):
        if b.get(key) is not None:
            return b[key], src
    return None, "theory"


def overlay_caption(result, problem=None) -> None:
    """One line under the loss chart on what the overlays are and which ones look flat (on observed
    data: why no bound is drawn, the observations against the degrees of freedom, the init's label)."""
    if problem is not None and plots.is_observed(result):
        return st.caption(run_text.observed_caption(result, problem))
    curves = plots.bound_curves(result)
    flat = [c["name"].split(" (")[0] for c in curves if "flat here" in c["note"]]
    text = (
        "Dashed/dotted lines are bounds and predictions; the legend gives each one's source "
        "(paper / derived / exact) and hovering shows its formula."
    )
    if flat:
        text += (
            f" The {' and the '.join(flat)} {'is' if len(flat) == 1 else 'are'} honest but very "
            "pessimistic at this step size, so on this range they look flat (T(ε): the theory check's numbers below)."
        )
    if result.live_bound is None and not result.is_flow:
        text += " The live bound applies only to AGD on an exactly rank-r A with X₀ in col(A), d ≥ r."
    st.caption(text)


# ---------------------------------------------------------------------- scrubber (view-only fragment)
MORE_LABEL = "Balancedness, and the spectra of Xₜ and Yₜ at one iterate (with Play)"
MORE_KEY = f"{PREFIX}__more_open"  # that expander is open (its two charts are drawn only then)


def more_views(result, sigma_a, run_id: str) -> None:
    """Balancedness and the scrubbed spectra, in a lazy section (built, sent and painted only while open)."""

    def body() -> None:
        c1, c2 = st.columns(2)
        with c1:
            style.show_chart(plots.balance_figure(result), f"{PREFIX}__chart_balance")
        with c2:
            scrubber(result, sigma_a, run_id)

    style.lazy_section(MORE_LABEL, MORE_KEY, body, icon=":material/stacked_line_chart:")


def scrubber(result, sigma_a, run_id: str) -> None:
    """Spectra of X_t and Y_t at a chosen recorded iterate; a fragment, so it never reruns the solve.

    Play advances the slider a few times a second (a timed fragment rerun) until the last iterate.
    """
    play_key = f"{PREFIX}__playing"
    timer_on = bool(st.session_state.get(play_key))
    st.fragment(_scrub_body, run_every=0.4 if timer_on else None)(result, sigma_a, run_id, play_key, timer_on)


def _scrub_body(result, sigma_a, run_id: str, play_key: str, timer_on: bool) -> None:
    n = len(result.record_index)
    if n == 0:
        st.info("No recorded iterates.")
        return
    word = "time" if result.is_flow else "iteration"
    if n == 1:  # e.g. a spectral start already at tol: one iterate, nothing to scrub (a 0..0 slider is invalid)
        st.caption(f"Only one recorded iterate ({word} t = {float(result.t[int(result.record_index[0])]):,.6g}).")
        style.show_chart(plots.spectrum_figure(result, 0, sigma_a), f"{PREFIX}__chart_spectrum")
        return
    key = f"{PREFIX}_scrub_{run_id}"
    if key not in st.session_state:
        st.session_state[key] = n - 1
    playing = player.tick(play_key, key, n, timer_on)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    k = c1.slider(
        f"Recorded iterate ({n} recorded, log-spaced)",
        0,
        n - 1,
        key=key,
        format="%d",
        help=f"{word} t is shown in the chart title",
    )
    c2.button(
        "Pause" if playing else "Play",
        key=f"{PREFIX}_play",
        on_click=player.toggle,
        args=(play_key, key, n),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        width="stretch",
    )
    t_val = float(result.t[int(result.record_index[k])])
    st.caption(f"{word} t = {t_val:,.6g} (recorded iterate {k + 1} of {n})")
    style.show_chart(plots.spectrum_figure(result, k, sigma_a), f"{PREFIX}__chart_spectrum")


# ---------------------------------------------------------------------- downloads + snippet
SNIPPET_LABEL = "Python snippet: reproduce this run with agdcore"
SNIPPET_KEY = f"{PREFIX}__snippet_open"  # the snippet's expander is open (its code is drawn only then)


def downloads(result, values: dict, upload, problem=None) -> None:
    """CSV of the curves, JSON of the run (the CLI's schema), and the reproducing Python snippet."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Curves (CSV)",
        data=lambda: export.curves_csv(result),
        file_name="agd_curves.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        key=f"{PREFIX}_dl_csv",
    )
    c2.download_button(
        "Run (JSON, CLI schema)",
        data=lambda: result.to_json(indent=1),
        file_name="agd_run.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        key=f"{PREFIX}_dl_json",
    )
    name = upload.name if upload is not None else None
    code = export.explore_snippet(values, name, getattr(problem, "measurements", None))
    style.lazy_section(SNIPPET_LABEL, SNIPPET_KEY, st.code, code, "python", icon=":material/code:")
