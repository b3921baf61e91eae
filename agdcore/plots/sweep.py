"""Pure Plotly figures for sweeps (never imports streamlit), from :func:`agdcore.sweeps.summarize` tables.

``line_figure(summary, x)``           1-D: median iterations to tol with the interquartile band.
``heatmap_figure(summary, x, y)``     2-D: median iterations to tol per cell (log colour scale).
``profile_figure(summary, x, y)``     2-D: one median line per value of ``y``.
``failure_figure(summary, ...)``      failure rate against ν with the Monte-Carlo δ(ν).

Where the swept parameters are κ and/or the width, the paper's shapes κ² and d/(√d − √(r−1))²
(Ward & Kolda, NeurIPS 2023 v2: T = C·d/(√d−√(r−1))²·κ²·log(1/ε)) are drawn over the data with
only their unknown constant fitted (least squares on log T) — the legend says so.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..bounds import overparam_values
from ._labels import LABELS, SYMBOLS, _is_numeric, _levels
from ._style import OKABE_ITO, SERIES, log_tickvals, style_figure, tick_text
from .failures import failure_figure, wilson  # noqa: F401 (re-exported: part of this module's API)

Y_TITLE = "iterations to tol"
PAPER = "Ward & Kolda (NeurIPS 2023, v2): T = C·d/(√d−√(r−1))²·κ²·log(1/ε) [paper]"
SHAPES = {
    "kappa": ("κ²", lambda s: s["kappa"] ** 2),
    "width": ("d/(√d − √(r−1))²", lambda s: overparam_values(s["width"], s["rank"])),
}


def theory_shape(summary, params) -> tuple[str, np.ndarray] | None:
    """The paper's shape in the swept parameters (κ², d/(√d−√(r−1))² or their product), or None."""
    keys = [("width" if p in ("width", "width_ratio") else p) for p in params]
    keys = [k for k in keys if k in SHAPES]
    if not keys or "rank" not in summary and "width" in keys:
        return None
    names, values = zip(*[(SHAPES[k][0], np.asarray(SHAPES[k][1](summary), float)) for k in keys])
    return "·".join(names), np.prod(values, axis=0)


def fit_constant(observed, shape) -> tuple[float, int]:
    """c minimising Σ (log T − log(c·shape))² over cells with finite positive T: exp(mean(log T/shape))."""
    obs, shp = np.asarray(observed, float), np.asarray(shape, float)
    ok = np.isfinite(obs) & (obs > 0) & np.isfinite(shp) & (shp > 0)
    if not ok.any():
        return math.nan, 0
    return float(np.exp(np.mean(np.log(obs[ok]) - np.log(shp[ok])))), int(ok.sum())


def _theory_trace(name, x, y, c, n, color, show=True, group="theory") -> go.Scatter:
    hover = (
        f"<b>paper shape {name} (constant fitted)</b><br>T ≈ c·{name}, c = {c:.3g}: only c is fitted, "
        f"by least squares on log T over {n} cells<br>{PAPER}<br>%{{x}} → %{{y:.4g}}<extra></extra>"
    )
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name=f"paper shape {name} (constant fitted)",
        legendgroup=group,
        showlegend=show,
        line=dict(color=color, dash="dash", width=3),
        hovertemplate=hover,
    )


def _axis(values) -> dict:
    v = np.asarray(values, float)
    return {"log_x": bool(v.min() > 0 and v.max() / v.min() >= 4)}


def _readable_axes(fig: go.Figure, xs=None, ys=None) -> None:
    """Label a log x axis at the swept values and a log y axis with the house log ticks (no tiny minor labels)."""
    if xs is not None and fig.layout.xaxis.type == "log":
        fig.update_xaxes(tickvals=list(xs), ticktext=[f"{v:g}" for v in xs])
    y = np.asarray([v for v in (ys if ys is not None else []) if np.isfinite(v) and v > 0], float)
    if y.size:  # at least 0.8 decades shown, so that two or more 1-2-5 ticks always fall inside
        lo, hi = math.log10(y.min()), math.log10(y.max())
        pad = max(0.15, (0.8 - (hi - lo)) / 2)
        ticks = log_tickvals(lo - pad, hi + pad)
        fig.update_yaxes(range=[lo - pad, hi + pad], tickvals=ticks, ticktext=tick_text(ticks))
    fig.update_layout(legend=dict(y=-0.22), margin=dict(b=60), showlegend=True)


def _cap(values, max_iter: float) -> np.ndarray:
    """Quartiles with "never" (inf) drawn at max_iter: a lower bound for a trial that failed."""
    return np.minimum(np.asarray(values, float), max_iter)


def line_figure(summary, x: str, *, max_iter: float, tol: float, height: int = 480) -> go.Figure:
    """1-D sweep: median iterations to tol against ``x`` with the interquartile band (25 %–75 %)."""
    s = summary.sort_values(x) if _is_numeric(summary[x]) else summary
    xs, med = s[x].tolist(), s["median"].to_numpy(float)
    fig = go.Figure()
    blue = OKABE_ITO["blue"]
    numeric = _is_numeric(xs) and len(xs) >= 2  # one value: a marker with bars, not a band
    hover = f"{SYMBOLS[x] or x} = %{{x}}<br>median %{{y:.4g}}<br>%{{customdata}}<extra></extra>"
    custom = [
        f"IQR {a:.4g} – {b:.4g}; {f} of {k} failed"
        for a, b, f, k in zip(s["q25"], s["q75"], s["failures"], s["trials"])
    ]
    if numeric:
        fig.add_trace(
            go.Scatter(
                x=xs + xs[::-1],
                y=np.r_[_cap(s["q25"], max_iter), _cap(s["q75"], max_iter)[::-1]],
                fill="toself",
                fillcolor="rgba(0,114,178,0.18)",
                line=dict(width=0),
                mode="lines",
                name="interquartile range (25 %–75 % of trials)",
                hoverinfo="skip",
            )
        )
    err = (
        dict(
            type="data",
            symmetric=False,
            array=_cap(s["q75"], max_iter) - med,
            arrayminus=med - _cap(s["q25"], max_iter),
            thickness=2,
            width=8,
        )
        if not numeric
        else None
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=np.where(np.isfinite(med), med, np.nan),
            mode="lines+markers" if numeric else "markers",
            name="median over trials" + ("" if numeric else " (bars: 25 %–75 % of trials)"),
            line=dict(color=blue, width=3),
            marker=dict(size=10),
            error_y=err,
            customdata=custom,
            hovertemplate=hover,
        )
    )
    _add_not_reached(fig, xs, med, max_iter)
    shape = theory_shape(s, [x])
    if shape is not None and numeric:
        c, n = fit_constant(med, shape[1])
        if n:
            fig.add_trace(_theory_trace(shape[0], xs, c * shape[1], c, n, OKABE_ITO["vermillion"]))
    style_figure(
        fig,
        title=f"Iterations to tol = {tol:.0e} against {LABELS[x]}",
        x_title=LABELS[x],
        y_title=Y_TITLE,
        log_y=True,
        height=height,
        **(_axis(xs) if numeric else {}),
    )
    if not numeric:
        fig.update_xaxes(type="category")
    _readable_axes(fig, xs, _visible_y(fig))
    return fig


def _visible_y(fig: go.Figure) -> list:
    return [v for tr in fig.data for v in np.ravel(np.asarray(tr.y, float)) if tr.y is not None]


def _add_not_reached(fig, xs, med, max_iter, color="#444", name="median not reached (≥ half of trials failed)"):
    bad = ~np.isfinite(np.asarray(med, float))
    if bad.any():
        fig.add_trace(
            go.Scatter(
                x=[v for v, b in zip(xs, bad) if b],
                y=[max_iter] * int(bad.sum()),
                mode="markers",
                marker=dict(symbol="x", size=14, color=color, line=dict(width=1)),
                name=name,
                hovertemplate=f"median > max_iter = {max_iter:g}<extra></extra>",
            )
        )


def heatmap_figure(summary, x: str, y: str, *, tol: float, height: int = 520) -> go.Figure:
    """2-D sweep: median iterations to tol per cell, log colour scale, the number written in each cell."""
    xs, ys = _levels(summary, x), _levels(summary, y)
    z = np.full((len(ys), len(xs)), np.nan)
    text = [["" for _ in xs] for _ in ys]
    hover = [["" for _ in xs] for _ in ys]
    for _, row in summary.iterrows():
        i, j = ys.index(row[y]), xs.index(row[x])
        med = row["median"]
        z[i, j] = math.log10(med) if np.isfinite(med) and med > 0 else np.nan
        text[i][j] = f"{med:.0f}" if np.isfinite(med) else "not reached"
        hover[i][j] = (
            f"{SYMBOLS[x] or x} = {row[x]}, {SYMBOLS[y] or y} = {row[y]}<br>median {text[i][j]}, "
            f"IQR {row['q25']:.4g} – {row['q75']:.4g}<br>{row['failures']} of {row['trials']} failed"
        )
    finite = z[np.isfinite(z)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    ticks = log_tickvals(lo, hi)
    fig = go.Figure(
        go.Heatmap(
            x=[_fmt(v) for v in xs],
            y=[_fmt(v) for v in ys],
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=16),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="Viridis",
            zmin=lo,
            zmax=hi if hi > lo else lo + 1,
            xgap=2,
            ygap=2,
            colorbar=dict(
                title=dict(text="median<br>iterations", font=dict(size=16)),
                tickvals=np.log10(ticks),
                ticktext=tick_text(ticks),
                tickfont=dict(size=14),
            ),
        )
    )
    style_figure(
        fig,
        title=f"Median iterations to tol = {tol:.0e}",
        x_title=LABELS[x],
        y_title=LABELS[y],
        log_y=False,
        height=height,
    )
    fig.update_xaxes(type="category", showgrid=False)
    fig.update_yaxes(type="category", showgrid=False)
    fig.update_layout(plot_bgcolor="#d9d9d9")  # cells whose median was not reached show as grey
    return fig


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, (float, np.floating)) else str(v)


def profile_figure(summary, x: str, y: str, *, max_iter: float, tol: float, height: int = 480) -> go.Figure:
    """2-D sweep as lines: median iterations against ``x``, one line (and fitted shape) per value of ``y``."""
    fig = go.Figure()
    # the shape is drawn against x only when x itself is κ or the width (else it would be flat in x)
    shape = theory_shape(summary, [x, y]) if _is_numeric(summary[x]) and theory_shape(summary, [x]) else None
    fit = fit_constant(summary["median"], shape[1]) if shape is not None else (math.nan, 0)
    for k, level in enumerate(_levels(summary, y)):
        s = summary[summary[y] == level]
        s = s.sort_values(x) if _is_numeric(s[x]) else s
        color = SERIES[k % len(SERIES)]
        med = s["median"].to_numpy(float)
        label = f"{SYMBOLS[y]} = {level}" if SYMBOLS[y] else str(level)
        fig.add_trace(
            go.Scatter(
                x=s[x].tolist(),
                y=np.where(np.isfinite(med), med, np.nan),
                mode="lines+markers",
                name=f"median, {label}",
                line=dict(color=color, width=3),
                marker=dict(size=9),
                hovertemplate=f"{label}<br>{SYMBOLS[x] or x} = %{{x}}<br>median %{{y:.4g}}<extra></extra>",
            )
        )
        _add_not_reached(fig, s[x].tolist(), med, max_iter, color=color, name=f"not reached, {label}")
        if fit[1]:
            sh = theory_shape(s, [x, y])[1]
            fig.add_trace(_theory_trace(shape[0], s[x].tolist(), fit[0] * sh, *fit, color, show=False))
    if fit[1]:  # one legend entry (black, dashed) for the fitted shape drawn in each line's colour
        entry = _theory_trace(shape[0], [None], [None], *fit, "#000000")
        entry.name += ": dashed, in each line's colour"
        fig.add_trace(entry)
    numeric = _is_numeric(summary[x])
    style_figure(
        fig,
        title=f"Iterations to tol = {tol:.0e}: one line per {LABELS[y]}",
        x_title=LABELS[x],
        y_title=Y_TITLE,
        height=height,
        **(_axis(summary[x]) if numeric else {}),
    )
    if not numeric:
        fig.update_xaxes(type="category")
    _readable_axes(fig, _levels(summary, x) if numeric else None, _visible_y(fig))
    return fig
