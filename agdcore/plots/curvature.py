"""The Landscape page's second chart: the curvature λ_max of the Hessian along each trajectory against
the step's thresholds (docs/theory.md#landscape-threshold). Pure Plotly, house style."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import landscape as L
from ._style import OKABE_ITO, house_layout, log_range, set_log_range, thin
from .landscape import DASH, _color


def curvature_figure(paths, a: float, eta: float, *, height: int = 480) -> go.Figure:
    """λ_max of the Hessian along each path against the GD threshold 2/η and AGD's limit 2/η + ηa²;
    a diverged path is marked ✕ at the top of the axis at the step it left."""
    fig = go.Figure()
    gd_lim = 2.0 / eta
    agd_lo, agd_hi = L.agd_curvature_limits(eta, a)
    finite = [p.curvature() for p in paths]
    kept = [lam for p, lam in zip(paths, finite) if p.status != "diverged"] or finite
    top = max(3 * agd_hi, *(np.nanmax(lam) * 2 for lam in kept))
    rng = log_range([min(np.nanmin(lam) for lam in finite) / 1.5, 2 * a, top], pad=0.05)
    t_max = max(float(p.t[-1]) for p in paths) + 1
    for p, lam in zip(paths, finite):
        keep = thin(len(lam), 1500, log=True)
        fig.add_scatter(
            x=p.t[keep] + 1,
            y=lam[keep],
            mode="lines",
            line=dict(color=_color(p), width=4, dash=DASH[p.method]),
            name=p.label,
            hovertemplate=f"{p.label}<br>t = %{{x:.0f}} − 1<br>λ<sub>max</sub> = %{{y:.4g}}<extra></extra>",
        )
        if p.status == "diverged":
            above = np.flatnonzero(lam > 10 ** rng[1])
            fig.add_scatter(
                x=[(above[0] if above.size else p.diverged_at) + 1],
                y=[10 ** (rng[1] - 0.04)],
                mode="markers+text",
                marker=dict(symbol="x", size=20, color=OKABE_ITO["vermillion"], line=dict(color="black", width=1)),
                text=["diverged"],
                textposition="bottom center",
                textfont=dict(size=15, color=OKABE_ITO["vermillion"]),
                showlegend=False,
                hovertemplate=f"{p.label}: diverged at t = {p.diverged_at}<extra></extra>",
            )
    for y, name, color, dash in (
        (gd_lim, f"GD threshold 2/η = {gd_lim:.3g}", "#000000", "solid"),
        (agd_hi, f"AGD limit 2/η + ηa² = {agd_hi:.3g}", "#000000", "dashdot"),
        (2 * a, f"flattest valley point 2a = {2 * a:.3g}", "#777777", "dot"),
    ):
        fig.add_scatter(
            x=[1, t_max],
            y=[y, y],
            mode="lines",
            line=dict(color=color, width=3.5, dash=dash),
            name=name,
            hovertemplate=f"{name}<extra></extra>",
        )
    house_layout(
        fig,
        title="Curvature along the path: λ_{max}(∇²f) against the step's thresholds",
        subtitle="a run can settle only where λ < 2/η (GD) or ηa² < λ < 2/η + ηa² (AGD)",
        height=height,
        legend_below=False,
    )
    fig.update_layout(
        legend=dict(x=1.02, xanchor="left", y=1, yanchor="top", font=dict(size=15), tracegroupgap=2),
        margin=dict(l=80, r=20, t=84, b=60),
    )
    fig.update_xaxes(title_text="iteration t + 1 (flow: time/η + 1)", type="log")
    fig.update_yaxes(title_text="λ<sub>max</sub> of the Hessian", type="log")
    set_log_range(fig, rng, "y")
    set_log_range(fig, [0, np.log10(t_max) + 0.05], "x")
    return fig
