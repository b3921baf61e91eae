"""Pure Plotly figure of the Paper page's experiments: every run's curve and its overlays, per x-axis panel.

No Streamlit here; the house style is :mod:`agdcore.plots._style`'s (as on Explore). Runs on observed
problems (completion, sensing) plot their recovery error ‖XYᵀ − M★‖²/‖M★‖², the others e_t.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..experiments._fits import loglog_slope
from ..experiments.paper_more import kappa_points
from ._style import SERIES, house_layout, log_range, set_log_range

DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def _log_y(fig: go.Figure, values, **where) -> None:
    fig.update_yaxes(type="log", **where)
    set_log_range(fig, log_range(values, pad=0.1), "y", **where)


E_TITLE = "e<sub>t</sub> = ‖A − XY<sup>T</sup>‖<sub>F</sub><sup>2</sup> / ‖A‖<sub>F</sub><sup>2</sup> (log scale)"
PANEL_TITLES = {"iteration": "x-axis: iteration t", "time": "x-axis: time t"}
EXCESS_TITLES = {  # both panels on iterations: the titles say what is plotted (log scales)
    "iteration": "e<sub>t</sub>",
    "excess": "e<sub>t</sub> − each run's own Eckart–Young floor",
}
RECOVERY_TITLE = "recovery ‖XY<sup>T</sup> − M★‖<sup>2</sup> / ‖M★‖<sup>2</sup> (log scale)"


def experiment_figure(outcome, title: str, x_log: bool = False) -> go.Figure:
    """e_t of every run and its overlays; gradient-flow runs (and time overlays) get their own time-axis panel.

    Runs on observed problems (completion, sensing) plot their recovery error ‖XYᵀ − M★‖²/‖M★‖² instead.
    """
    if getattr(outcome, "figure", "curves") == "kappa":
        return kappa_figure(outcome, title)
    runs = outcome.runs
    observed = any(r.config.observed for r in runs)
    what = "recovery error" if observed else "e_t"
    used = {r.config.panel for r in runs} | {o.panel for r in runs for o in r.overlays if o.panel}
    panels = [p for p in ("iteration", "time", "excess") if p in used] or ["iteration"]
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        horizontal_spacing=0.1,
        subplot_titles=[(EXCESS_TITLES if "excess" in panels else PANEL_TITLES)[p] for p in panels]
        if len(panels) > 1
        else None,
    )
    for i, run in enumerate(runs):
        color = SERIES[(i if run.config.color is None else run.config.color) % len(SERIES)]
        col = panels.index(run.config.panel) + 1
        x, y = _positive(run.x, run.y, x_log)
        unit = "time t" if run.config.panel == "time" else "iteration t"
        fig.add_scatter(
            x=x,
            y=y,
            name=f"{run.config.label} [{run.config.source}]",
            mode="lines+markers" if len(x) < 60 else "lines",
            line=dict(color=color, width=3.5, dash=run.config.dash),
            marker=dict(size=8),
            row=1,
            col=col,
            hovertemplate=f"{unit} = %{{x:.4g}}<br>{what} = %{{y:.3e}}<extra>{run.config.label}</extra>",
        )
        for j, ov in enumerate(run.overlays):
            ocol = panels.index(ov.panel or run.config.panel) + 1
            ounit = "time t" if (ov.panel or run.config.panel) == "time" else "iteration t"
            dash = ov.dash or DASHES[1 + j % 4]
            ox, oy = _positive(ov.x, ov.y, x_log)
            fig.add_scatter(
                x=ox,
                y=oy,
                mode="lines",
                name=ov.label,
                line=dict(color=color, width=2.5, dash=dash),
                row=1,
                col=ocol,
                hovertemplate=f"{ounit} = %{{x:.4g}}<br>%{{y:.3e}}<extra>{ov.formula}</extra>",
            )
    house_layout(fig, title=title, height=580)
    for c, p in enumerate(panels, start=1):
        xt = "time t (gradient flow; GD at t = η × iteration)" if p == "time" else "iteration t"
        whole = p == "iteration" and not x_log and max((r.x[-1] for r in runs if r.config.panel == p), default=0) <= 12
        fig.update_xaxes(
            title_text=xt + (" (log scale)" if x_log else ""),
            type="log" if x_log else "linear",
            dtick=1 if whole else None,
            row=1,
            col=c,
        )
        ytitle = (RECOVERY_TITLE if observed else E_TITLE) if c == 1 else None
        fig.update_yaxes(title_text=ytitle, row=1, col=c)
        xs, ys = _panel_data(fig, c)
        if x_log and xs.size:
            set_log_range(fig, log_range(xs, pad=0.05), "x", row=1, col=c)
        _log_y(fig, ys if ys.size else [1.0], row=1, col=c)
    fig.update_annotations(font_size=17)
    return fig


def kappa_figure(outcome, title: str) -> go.Figure:
    """Iterations to TOL against κ (log-log): the runs, the least-squares line (labelled fitted) and slope 2.

    The slope-2 line is the shape of the paper's κ² drawn through the smallest κ's point; its constant is
    not the paper's (the paper's C could not be retrieved).
    """
    from ..experiments import TOL

    k, its = kappa_points(outcome.runs)
    fig = go.Figure()
    src = outcome.runs[0].config.source if outcome.runs else ""
    fig.add_scatter(
        x=k,
        y=its,
        mode="markers+lines",
        name=f"measured: iterations to e_t ≤ {TOL:g}, Ward–Kolda init [{src}]",
        line=dict(color=SERIES[0], width=2),
        marker=dict(size=11),
        hovertemplate="κ = %{x:g}<br>%{y:,.0f} iterations<extra>measured</extra>",
    )
    if len(k) >= 2:
        s, b = loglog_slope(k, its)
        kk = np.geomspace(k[0], k[-1], 50)
        fig.add_scatter(
            x=kk,
            y=np.exp(b) * kk**s,
            mode="lines",
            name=f"least-squares fit to these runs: T ∝ κ^{{{s:.2f}}} (slope and constant fitted)",
            line=dict(color=SERIES[1], width=3),
            hovertemplate=f"fitted: T = {np.exp(b):.3g}·κ^{s:.3f}<extra></extra>",
        )
        fig.add_scatter(
            x=kk,
            y=its[0] * (kk / k[0]) ** 2,
            mode="lines",
            name=f"slope 2: the κ² of the paper's count [V], through the κ = {k[0]:g} point (constant not the paper's)",
            line=dict(color=SERIES[2], width=3, dash="dash"),
            hovertemplate="κ² through the first point<extra></extra>",
        )
    house_layout(fig, title=title, height=580)
    fig.update_xaxes(title_text="condition number κ = σ<sub>1</sub>/σ<sub>r</sub> (log scale)", type="log")
    fig.update_yaxes(title_text=f"iterations to e<sub>t</sub> ≤ {TOL:g} (log scale)", type="log")
    xs, ys = _panel_data(fig, 1)
    if xs.size:
        set_log_range(fig, log_range(xs, pad=0.08), "x")
        fig.update_yaxes(type="log")
        set_log_range(fig, log_range(ys, pad=0.15), "y")
    return fig


def _panel_data(fig: go.Figure, col: int) -> tuple[np.ndarray, np.ndarray]:
    """The x and y values drawn in subplot column ``col`` (the traces on axis x, x2, …)."""
    axis = "x" if col == 1 else f"x{col}"
    tr = [t for t in fig.data if (t.xaxis or "x") == axis and t.x is not None and len(t.x)]
    xs = np.concatenate([np.asarray(t.x, dtype=float) for t in tr]) if tr else np.zeros(0)
    ys = np.concatenate([np.asarray(t.y, dtype=float) for t in tr]) if tr else np.zeros(0)
    return xs, ys


def _positive(x, y, x_log: bool):
    """Drop points a log axis cannot show (y ≤ 0 or NaN; x ≤ 0 on a log x-axis)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y) & (y > 0) & ((x > 0) if x_log else True)
    return x[keep], y[keep]
