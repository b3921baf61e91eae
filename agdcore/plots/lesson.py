"""The Lesson page's figure: e_t of a few runs on one log axis (the other charts are Explore's builders).

Pure Plotly, the house style (:mod:`agdcore.plots._style`); a diverged run ends in a cross at the
iteration it overflowed, and its legend entry says so.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._style import OKABE_ITO, SERIES, log_range, positive, set_log_range, style_figure, thin

DASHES = ("solid", "dash", "dot", "dashdot")


LOG_X_RATIO = 10  # runs whose lengths differ this much get a log iteration axis (a 13-step run stays visible)


def runs_figure(runs, *, title: str, height: int = 480, max_points: int = 1500, log_x: bool | None = None) -> go.Figure:
    """e_t = ‖A − X_tY_tᵀ‖²/‖A‖² of each ``(label, result)`` against the iteration, on a log axis;
    the tolerance line of the first run; a cross where a run diverged. ``log_x`` (default: when the
    longest run is ``LOG_X_RATIO`` times the shortest) draws the iterations t ≥ 1 on a log axis."""
    lengths = [max(1, len(r.error) - 1) for _, r in runs] or [1]
    if log_x is None:
        log_x = max(lengths) >= LOG_X_RATIO * min(lengths)
    fig = go.Figure()
    every = []
    for i, (label, r) in enumerate(runs):
        err = positive(r.error)
        t = np.asarray(r.t, dtype=float)
        idx = thin(len(err), max_points, log=log_x)
        if log_x:
            idx = idx[idx >= 1]  # t = 0 has no place on a log axis
        k = r.iterations_to_tol
        note = "diverged" if r.status == "diverged" else ("not reached" if k is None else f"{k:,} iterations")
        name = f"{label} ({note})"
        color = SERIES[i % len(SERIES)]
        fig.add_scatter(
            x=t[idx],
            y=err[idx],
            mode="lines",
            name=name,
            line=dict(color=color, width=3.5, dash=DASHES[i % len(DASHES)]),
            hovertemplate=f"<b>{label}</b><br>iteration %{{x:,}}<br>e_t = %{{y:.3e}}<extra></extra>",
        )
        every.append(err[np.isfinite(err)])
        if r.diverged_at is not None:
            fin = np.nonzero(np.isfinite(err))[0]
            y = float(err[fin[-1]]) if fin.size else 1.0
            fig.add_scatter(
                x=[float(t[min(int(r.diverged_at), len(t) - 1)])],
                y=[y],
                mode="markers",
                name=f"{label}: diverged at iteration {r.diverged_at} (overflow)",
                marker=dict(symbol="x", size=20, color=OKABE_ITO["vermillion"], line=dict(width=2)),
            )
    if runs:
        tol = float(runs[0][1].config.get("tol", 0.0) or 0.0)
        floor = float(runs[0][1].floor)
        if tol > 0:
            ends = [1 if log_x else 0, max(lengths)]
            fig.add_scatter(
                x=ends,
                y=[floor + tol] * 2,
                mode="lines",
                name=f"tolerance {tol:.0e}",
                line=dict(color="#6b6b6b", dash="dot", width=2),
                hoverinfo="skip",
            )
            every.append(np.array([floor + tol]))
    style_figure(
        fig,
        title=title,
        x_title="iteration t (log scale, from t = 1)" if log_x else "iteration t",
        log_x=log_x,
        y_title="e_t = ‖A − X_{t}Y_{t}^{T}‖² / ‖A‖²",
        height=height,
        wrap=True,
    )
    set_log_range(fig, log_range(np.concatenate(every) if every else [1.0]))
    return fig
