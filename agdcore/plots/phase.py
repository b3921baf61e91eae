"""The recovery phase diagram of a sweep on an observed problem (completion, sensing); pure Plotly.

``phase_figure(summary, sampling, other, m=, n=)`` draws, per cell of a :func:`agdcore.sweeps.summarize`
table, the fraction of trials that recovered M★ (``recovery_rate``: ‖XYᵀ − M★‖²/‖M★‖² ≤ 1e-3) as a
heatmap with a fixed 0–1 colour scale: the sampling (rate p or measurements p) on x, the other swept
parameter on y (rank r, width d, ...; the fixed rank r when only the sampling is swept). Over it the
degrees of freedom r(m+n−r) of a rank-r m×n matrix: p = r(m+n−r)/(mn) for completion (the rate at
which the expected number of observed entries equals it), p = r(m+n−r) measurements for sensing. It is
an exact count of parameters, not a recovery theorem, and the legend says so.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .._observed import RECOVERY_TOL
from ..observe import OBSERVATION_OPTIONS
from ._labels import LABELS, SYMBOLS, _is_numeric, _levels
from ._style import OKABE_ITO, style_figure

SAMPLING = tuple(OBSERVATION_OPTIONS)  # the swept parameters that set how much is observed
COLORBAR = "fraction recovered"
DOF = "degrees of freedom r(m+n−r)"
DOF_NOTE = "an exact count of the parameters of a rank-r m×n matrix, not a recovery theorem"
DOF_LEGEND = f"{DOF} (an exact count, not a recovery theorem)"
LINE = OKABE_ITO["vermillion"]
TOL_TEXT = f"{RECOVERY_TOL:.0e}".replace("e-0", "e-")  # "1e-3"


def sampling_param(params) -> str | None:
    """The swept parameter that sets the sampling (``rate`` or ``measurements``), or None."""
    return next((p for p in params if p in SAMPLING), None)


def degrees_of_freedom(rank, m: int, n: int):
    """r(m + n − r): the dimension of the set of rank-r m×n matrices (exact)."""
    r = np.asarray(rank, float)
    return r * (m + n - r)


def dof_sampling(sampling: str, rank, m: int, n: int):
    """The degrees of freedom on the sampling axis: the rate r(m+n−r)/(mn), or r(m+n−r) measurements."""
    d = degrees_of_freedom(rank, m, n)
    return d / (m * n) if sampling == "rate" else d


def _log(values) -> bool:
    v = np.asarray(values, float)
    return bool(len(v) >= 2 and v.min() > 0 and v.max() / v.min() >= 4)


def _edges(values, log: bool) -> np.ndarray:
    """Cell edges around sorted numeric values: midpoints (geometric on a log axis), half a step outside."""
    v = np.asarray(values, float)
    if log:
        return np.exp(_edges(np.log(v), False))
    if len(v) == 1:
        half = 0.5 if float(v[0]).is_integer() and v[0] >= 1 else max(abs(v[0]) * 0.25, 1e-3)
        return np.array([v[0] - half, v[0] + half])
    mid = (v[1:] + v[:-1]) / 2
    return np.r_[v[0] - (mid[0] - v[0]), mid, v[-1] + (v[-1] - mid[-1])]


def _axis(values):
    """(cell positions, edges, log?, tick values, tick texts): numbers stay numbers, choices become 0..k−1."""
    if _is_numeric(values):
        log = _log(values)
        pos = np.asarray(values, float)
        return pos, _edges(pos, log), log, pos.tolist(), [f"{v:g}" for v in values]
    pos = np.arange(len(values), dtype=float)
    return pos, _edges(pos, False), False, pos.tolist(), [str(v) for v in values]


def phase_figure(summary, sampling: str, other: str | None = None, *, m: int, n: int, height: int = 520) -> go.Figure:
    """Fraction of trials recovered per cell over ``sampling`` × ``other`` with the r(m+n−r) line.

    ``summary`` needs the columns ``sampling``, ``other`` (if given), ``recovery_rate``, ``trials`` and
    ``rank`` (a column when rank is swept, else the fixed rank). ``other=None``: one row, the rank.
    """
    other = other or "rank"
    xs, ys = _levels(summary, sampling), _levels(summary, other)
    z = np.full((len(ys), len(xs)), np.nan)
    text = [["" for _ in xs] for _ in ys]
    hover = [["" for _ in xs] for _ in ys]
    sx, sy = SYMBOLS[sampling] or sampling, SYMBOLS[other] or other
    for _, row in summary.iterrows():
        i, j = ys.index(row[other]), xs.index(row[sampling])
        frac, k = float(row["recovery_rate"]), int(row["trials"])
        z[i, j] = frac
        text[i][j] = f"{round(frac * k)}/{k}"
        med = row.get("median_recovery_error", np.nan)
        hover[i][j] = (
            f"{sx} = {row[sampling]:g}, {sy} = {row[other]}<br>{round(frac * k)} of {k} trials recovered "
            f"(error ≤ {TOL_TEXT})<br>median recovery error {med:.3g}"
        )
    px, ex, logx, tx, ttx = _axis(xs)
    py, ey, logy, ty, tty = _axis(ys)
    fig = go.Figure(
        go.Heatmap(
            x=ex,
            y=ey,
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=15),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="Blues",
            zmin=0.0,
            zmax=1.0,
            xgap=2,
            ygap=2,
            colorbar=dict(
                title=dict(text="fraction<br>recovered", font=dict(size=16)),
                tickvals=[0, 0.25, 0.5, 0.75, 1],
                ticktext=["0", "¼", "½", "¾", "1"],
                tickfont=dict(size=14),
            ),
            name=COLORBAR,
        )
    )
    _add_dof(fig, summary, sampling, other, m, n, ex, ey, py if other == "rank" else None)
    style_figure(
        fig,
        title=f"Recovery phase diagram: fraction of trials with ‖XYᵀ − M★‖²/‖M★‖² ≤ {TOL_TEXT}",
        x_title=LABELS[sampling],
        y_title=LABELS[other],
        log_x=logx,
        log_y=logy,
        height=height,
        subtitle=f"{m}×{n} matrix; in each cell: trials recovered / trials; dashed: {DOF} (a count, not a theorem)",
    )
    fig.update_xaxes(showgrid=False, tickvals=tx, ticktext=ttx, range=_range(ex, logx))
    fig.update_yaxes(showgrid=False, tickvals=ty, ticktext=tty, range=_range(ey, logy))
    fig.update_layout(plot_bgcolor="#d9d9d9", showlegend=True, legend=dict(y=-0.2), margin=dict(b=60))
    return fig


def _range(edges, log: bool) -> list:
    lo, hi = float(edges[0]), float(edges[-1])
    return [np.log10(lo), np.log10(hi)] if log else [lo, hi]


def _add_dof(fig, summary, sampling, other, m, n, ex, ey, ranks) -> None:
    """The r(m+n−r) line: a curve in (p, r) when the rank is on y, else a vertical line at the fixed r."""
    what = "p = r(m+n−r)/(mn)" if sampling == "rate" else "p = r(m+n−r) measurements"
    if ranks is not None and len(ranks) >= 2:  # rank on y: x = dof(r) along the whole y range
        r = np.linspace(max(ey[0], 0.0), min(ey[-1], min(m, n)), 200)
        x, y, name = dof_sampling(sampling, r, m, n), r, f"{DOF_LEGEND}: {what}"
    else:
        r = float(np.unique(summary["rank"])[0]) if other != "rank" else float(ranks[0])
        p = float(dof_sampling(sampling, r, m, n))
        x, y = np.array([p, p]), np.array([ey[0], ey[-1]])
        count = degrees_of_freedom(r, m, n)
        where = f"p = {count:g}/{m * n} = {p:.3g}" if sampling == "rate" else f"p = {count:g} measurements"
        name = f"{DOF} = {count:g} at r = {r:g}: {where} (an exact count, not a theorem)"
    inside = (x >= ex[0]) & (x <= ex[-1])
    if not inside.any():
        side = "below" if x.max() < ex[0] else "above"
        name += f" — {side} the swept range, not drawn"
        x, y = np.array([None]), np.array([None])
    fig.add_trace(
        go.Scatter(
            x=np.where(inside, x, np.nan) if inside.any() else x,
            y=y,
            mode="lines",
            name=name,
            line=dict(color=LINE, width=4, dash="dash"),
            hovertemplate=f"{DOF}<br>{what} = %{{x:.4g}}<br>{DOF_NOTE}<extra></extra>",
        )
    )
