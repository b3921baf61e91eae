"""The Lesson page's pieces: the step from the URL, cached runs, and the charts of a step in the
projector setting. The content (steps, settings, texts, questions) is :mod:`agdcore.lesson`'s."""

from __future__ import annotations

import html

import streamlit as st

from agdcore import lesson as L
from agdcore import plots

from . import live, style
from . import reconstruction_view as RV

N_STEPS = len(L.STEPS)
KEY = "lesson"

CSS = """
<style>
.lesson-text { font-size: 1.3rem; line-height: 1.5; margin: 0.2rem 0 0.6rem 0; }
.lesson-question { font-size: 1.3rem; line-height: 1.45; }
</style>
"""


def step_from_url() -> tuple[int, str | None]:
    """(step number 1…N, error message or None) from ``?step=``; anything invalid falls back to 1."""
    raw = st.query_params.get("step")
    if raw is None:
        return 1, None
    try:
        k = int(raw)
    except (TypeError, ValueError):
        k = 0
    if 1 <= k <= N_STEPS:
        return k, None
    return 1, f"URL parameter 'step' must be a whole number in 1 … {N_STEPS}, got {raw!r}; showing step 1."


def go_to(k: int) -> None:
    """Button callback: make step k the page's state (and its shareable URL)."""
    st.query_params["step"] = str(min(max(int(k), 1), N_STEPS))


@st.cache_resource(max_entries=32, show_spinner=False)
def problem_of(step: int, label: str):
    return L.build_problem(_run(step, label))


@st.cache_resource(max_entries=32, show_spinner="Solving…")
def result_of(step: int, label: str, keep_factors: bool):
    """One run of a step (cached: a step's state is computed once per server)."""
    return L.solve_run(_run(step, label), keep_factors=keep_factors)


def _run(step: int, label: str):
    return next(r for r in L.STEPS[step - 1].runs if r.label == label)


def results(step: int) -> dict:
    """label -> Result for every run of the step (the first keeps its factors when pictures are drawn)."""
    s = L.STEPS[step - 1]
    pics = "pictures" in s.charts
    return {r.label: result_of(step, r.label, pics and i == 0) for i, r in enumerate(s.runs)}


def text_block(text: str, cls: str = "lesson-text") -> None:
    st.markdown(f"<div class='{cls}'>{html.escape(text)}</div>", unsafe_allow_html=True)


def charts(step: int, res: dict) -> None:
    """The step's charts, each through :func:`agdcore.plots.projector` (large fonts, thick lines)."""
    s = L.STEPS[step - 1]
    first = s.runs[0]
    r0 = res[first.label]
    figs = []
    for name in s.charts:
        if name == "pictures":
            problem = problem_of(step, first.label)
            RV.panel(
                problem,
                first.solve,
                live.run_key({"lesson": step, "run": first.label}),
                r0,
                f"{KEY}{step}",
                default_k=round(s.picture_at * (len(r0.record_index) - 1)),
                decorate=lambda f: plots.projector(f, rewrap=False),
            )
        elif name == "compare":
            figs.append((name, plots.runs_figure(list(res.items()), title="e_t of each run")))
        elif name == "loss":
            figs.append((name, plots.loss_figure(r0, overlays=("floor",), title=f"e_t of {first.label}")))
        elif name.startswith("sv_x"):  # "sv_x" (the first run) or "sv_x@<label>"
            label = name.partition("@")[2] or first.label
            fig = plots.singular_values_figure(res[label], "X")
            if label != first.label or len(res) > 1:
                fig.update_layout(title_text=f"{fig.layout.title.text} — {label}")
            figs.append((name, fig))
    if len(figs) == 3:  # the comparison across the page, the two spectra under it
        style.show_chart(plots.projector(figs[0][1]), f"{KEY}{step}__chart_{figs[0][0]}")
        figs = figs[1:]
    cols = st.columns(len(figs)) if len(figs) > 1 else [st.container()]
    for col, (name, fig) in zip(cols, figs):
        style.show_chart(plots.projector(fig), f"{KEY}{step}__chart_{name.replace('@', '_')}", col)
