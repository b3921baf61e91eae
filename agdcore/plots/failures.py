"""Failure rates of a sweep against ν, with the Monte-Carlo δ(ν) of the theory (pure Plotly)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._labels import LABELS, SYMBOLS, _levels
from ._style import OKABE_ITO, SERIES, style_figure


def wilson(k, n, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval for k failures out of n trials (elementwise)."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def failure_figure(summary, delta: dict, *, group: str | None = None, height: int = 460) -> go.Figure:
    """Empirical failure rate against ν (95 % Wilson intervals) with δ(ν) = P[σ_r(VᵀΦ₁) < ρ(ν)] (Monte Carlo).

    ``delta`` maps width d -> (ν values, δ values); ``group`` is a second swept parameter (one series each).
    """
    fig = go.Figure()
    levels = _levels(summary, group) if group else [None]
    for k, level in enumerate(levels):
        s = summary if level is None else summary[summary[group] == level]
        s = s.sort_values("nu")
        lo, hi = wilson(s["failures"], s["trials"])
        rate = s["failure_rate"].to_numpy(float)
        label = "" if level is None else (f", {SYMBOLS[group]} = {level}" if SYMBOLS[group] else f", {level}")
        fig.add_trace(
            go.Scatter(
                x=s["nu"],
                y=rate,
                mode="markers+lines",
                name=f"failure rate (tol not reached within max_iter){label}",
                line=dict(color=SERIES[k % len(SERIES)], width=2.5),
                marker=dict(size=10),
                error_y=dict(type="data", symmetric=False, array=hi - rate, arrayminus=rate - lo, thickness=2, width=7),
                customdata=np.c_[s["failures"], s["trials"]],
                hovertemplate="ν = %{x}<br>%{customdata[0]} of %{customdata[1]} trials failed<br>"
                "rate %{y:.3f} (95 % Wilson interval)<extra></extra>",
            )
        )
    dash = ["dash", "dot", "dashdot", "longdash"]
    for k, (d, (nus, deltas)) in enumerate(sorted(delta.items())):
        fig.add_trace(
            go.Scatter(
                x=nus,
                y=deltas,
                mode="lines",
                line=dict(color=OKABE_ITO["vermillion"], dash=dash[k % 4], width=3),
                name=f"Monte-Carlo δ(ν) = P[σ_r(VᵀΦ₁) < ρ(ν)], d = {d} [derived]",
                hovertemplate=(
                    "<b>δ(ν), Monte Carlo</b><br>P[σ_r(G) < ρ(ν)], G ∈ R^{r×d} iid N(0, 1/d), "
                    "ρ = ν(√d − √(r−1))/√d<br>the probability that the init misses the theory's "
                    "assumption (docs/theory.md#delta)<br>ν = %{x}: δ = %{y:.4f}<extra></extra>"
                ),
            )
        )
    style_figure(
        fig,
        title="Failures against the Monte-Carlo δ of the theory",
        x_title=LABELS["nu"],
        y_title="probability",
        log_y=False,
        height=height,
    )
    fig.update_yaxes(range=[-0.02, 1.02])
    return fig
