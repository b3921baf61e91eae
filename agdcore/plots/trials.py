"""Figures of many trials (the Compare page): median e_t with its interquartile band, iterations to tol.

``trials_figure(runs, *, log_x=False, tol=None)``
    Median and interquartile band of e_t for several :class:`agdcore.TrialsResult`.
``iterations_figure(runs)``
    Iterations to tolerance of every trial, a box plot per configuration on a log axis with 1-2-3-5
    ticks (so that 300 can be read as well as 1000).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._style import SERIES, _rgba, html, log_range, positive, set_log_range, style_figure, thin
from .observed import is_observed
from .run import _STYLE, HOVER_FORMULA, _hover


def trials_figure(
    runs: Sequence[tuple[str, object]], *, log_x: bool = False, tol: float | None = None, height: int = 540
) -> go.Figure:
    """Median e_t and interquartile band for each configuration.

    Parameters
    ----------
    runs : sequence of (label, agdcore.TrialsResult)
        One entry per configuration, in legend order.
    log_x : bool
        Log iteration axis (useful when one configuration needs 100× more iterations).
    tol : float, optional
        Draw the tolerance line floor + tol (floor of the first configuration).
    """
    fig = go.Figure()
    x_title = "iteration t"
    for j, (label, tr) in enumerate(runs):
        color = SERIES[j % len(SERIES)]
        t = np.asarray(tr.t, dtype=float)
        last = _last_active(tr)
        idx = thin(last + 1, log=log_x)
        with warnings.catch_warnings():  # columns where every trial skipped the exact evaluation are NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            q = tr.quantiles((0.25, 0.5, 0.75), columns=idx)  # only the drawn columns: same values, 30× less work
        x = t[idx] if not log_x else np.where(t[idx] > 0, t[idx], np.nan)
        if tr.config.get("algorithm") == "flow":
            x_title = "iteration t (time t for the flow)"
        fill = _rgba(color, 0.18)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=positive(q[2]),
                mode="lines",
                line=dict(width=0, color=color),
                legendgroup=f"c{j}",
                showlegend=False,
                hoverinfo="skip",
                connectgaps=True,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=positive(q[0]),
                mode="lines",
                line=dict(width=0, color=color),
                fill="tonexty",
                fillcolor=fill,
                legendgroup=f"c{j}",
                connectgaps=True,
                name=f"{label}: interquartile band",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=positive(q[1]),
                mode="lines",
                line=dict(width=3.5, color=color),
                legendgroup=f"c{j}",
                name=f"{label}: median of {len(tr.seeds)} trials",
                connectgaps=True,
                hovertemplate=_hover(f"{label} (median)", HOVER_FORMULA["observed"], "t"),
            )
        )
    if tol and runs:
        floor = float(runs[0][1].floor)
        tmax = max(float(np.asarray(tr.t)[_last_active(tr)]) for _, tr in runs)
        fig.add_trace(
            go.Scatter(
                x=[1 if log_x else 0, max(tmax, 1)],
                y=[floor + tol] * 2,
                mode="lines",
                name=f"tolerance: e_t − floor = {tol:.0e} (your setting)",
                line=_STYLE["tol"],
                hovertemplate=_hover("tolerance", HOVER_FORMULA["tol"], "t"),
            )
        )
    observed = bool(runs) and is_observed(runs[0][1])  # completion/sensing: e_t is the training loss
    style_figure(
        fig,
        title="Training loss on the observed data: median and interquartile band over trials"
        if observed
        else "Relative error e_t over trials: median and interquartile band",
        x_title=x_title,
        y_title="training loss (relative, log scale)" if observed else "e_t = ‖A − X_{t}Y_{t}^{T}‖² / ‖A‖²",
        log_x=log_x,
        height=height,
        legend_top=True,
        wrap=True,
    )
    if log_x and runs:
        tmax = max(float(np.asarray(tr.t)[_last_active(tr)]) for _, tr in runs)
        set_log_range(fig, [-0.05, math.log10(max(tmax, 10.0)) + 0.05], axis="x")
    return fig


def _last_active(tr) -> int:
    """Index of the last time any trial was still recording (curves stop there)."""
    ok = np.nonzero(np.isfinite(np.asarray(tr.errors, dtype=float)).any(axis=0))[0]
    return int(ok[-1]) if ok.size else 0


def iterations_figure(runs: Sequence[tuple[str, object]], *, height: int | None = None) -> go.Figure:
    """Iterations to tolerance of every trial, one row per configuration (log x; unreached trials omitted)."""
    fig = go.Figure()
    reached = []
    for j, (label, tr) in enumerate(runs):
        its = np.asarray(tr.iterations_to_tol, dtype=float)
        ok = np.isfinite(its) & (its > 0)
        tag = label.split(" ", 1)[0]
        reached.append(its[ok])
        fig.add_trace(
            go.Box(
                x=its[ok],
                y=[f"{tag} ({int(ok.sum())}/{its.size} reached)"] * int(ok.sum()),
                name=label,
                orientation="h",
                boxpoints="all",
                jitter=0.5,
                pointpos=0,
                marker=dict(color=SERIES[j % len(SERIES)], size=10),
                line=dict(color=SERIES[j % len(SERIES)], width=2),
                hovertemplate=f"{html(label)}<br>%{{x:.0f}} iterations<extra></extra>",
            )
        )
    style_figure(
        fig,
        title="Iterations to tolerance (each dot is one trial)",
        x_title="iterations to tol",
        y_title="",
        log_y=False,
        log_x=True,
        height=height or 150 + 80 * max(len(runs), 1),
        wrap=True,
    )
    fig.update_layout(showlegend=False, margin=dict(l=170))
    fig.update_yaxes(autorange="reversed", type="category")
    allv = np.concatenate(reached) if reached else np.zeros(0)
    if allv.size:
        set_log_range(fig, log_range(allv, pad=0.15), axis="x")
    return fig
