"""The Landscape page's map: the contour map of ½(a − xy)² with the valley of minimizers and animated
trajectories (the arithmetic is :mod:`agdcore.landscape`; the curvature chart is
:mod:`agdcore.plots.curvature`).

Pure Plotly, house style of :mod:`agdcore.plots._style`. The animation uses Plotly's own frames,
play/pause buttons and slider, so it plays in the browser with no server round trip.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import landscape as L
from ._style import OKABE_ITO, SERIES, _sci, house_layout, thin

DASH = {"agd": "solid", "gd": "dash", "flow": "dot"}
HEAD = {"agd": "circle", "gd": "square", "flow": "diamond"}
PATH_POINTS = 240  # per trajectory sent to the browser
N_FRAMES = 48
FRAME_MS = 140
TOP, BOTTOM = 84, 200  # px above the plot (title, subtitle) and below it (axis, slider, then ▶ / ■ buttons)
START_COLORS = dict(zip(L.STARTS, SERIES))


def _color(path: L.Path) -> str:
    return START_COLORS.get(path.start, OKABE_ITO["black"])


def _outcome(p: L.Path) -> str:
    if p.status == "diverged":
        return f"diverged at t = {p.diverged_at}"
    if p.status == "converged":
        return f"converged, t = {p.t[-1]:.0f}, λ = {p.curvature()[-1]:.3g}"
    return f"{p.status} after t = {p.t[-1]:.0f}"


def view_box(paths, a: float) -> tuple[list[float], list[float]]:
    """x and y ranges covering the starts, the landing points of the runs that did not diverge and the
    flattest valley point (√a, √a), with a margin; the same span on both axes."""
    pts = [(np.sqrt(a), np.sqrt(a))]
    for p in paths:
        X, Y = p.coords()
        pts.append((X[0], Y[0]))
        if p.status != "diverged":
            pts.append((X[-1], Y[-1]))
    xs, ys = np.array(pts).T
    lo, hi = min(0.0, xs.min(), ys.min()), max(xs.max(), ys.max())
    pad = 0.12 * (hi - lo)
    rng = [lo - pad if lo < 0 else -pad, hi + pad]
    return rng, list(rng)


def _frame_times(paths) -> np.ndarray:
    t_max = max(float(p.t[-1]) for p in paths)
    if t_max < 1:
        return np.array([0.0, t_max])
    ts = np.unique(np.round(np.geomspace(1, t_max, N_FRAMES - 1)))
    return np.concatenate([[0.0], ts])


def _path_xy(p: L.Path):
    X, Y = p.coords()
    keep = thin(len(X), PATH_POINTS, log=True)
    return p.t[keep], X[keep], Y[keep]


def _path_traces(p: L.Path, t_until: float, tt, X, Y, mark=None) -> list[dict]:
    """The three animated traces of one path up to time ``t_until`` (plain dicts: frames are built
    unvalidated, which is 20× faster): line, head, and the ✕ of a diverged path at ``mark`` (x, y),
    shown once the path has ended."""
    k = max(int(np.searchsorted(tt, t_until, side="right")), 1)
    show_x = mark is not None and t_until >= p.t[-1]
    return [
        dict(type="scatter", x=_r(X[:k]), y=_r(Y[:k])),
        dict(type="scatter", x=_r(X[k - 1 : k]), y=_r(Y[k - 1 : k])),
        dict(type="scatter", x=[mark[0]] if show_x else [], y=[mark[1]] if show_x else []),
    ]


def _exit_point(X, Y, xr, yr):
    """Where a diverged path was last seen inside the view: its last iterate inside the box."""
    inside = np.flatnonzero((X >= xr[0]) & (X <= xr[1]) & (Y >= yr[0]) & (Y <= yr[1]))
    k = inside[-1] if inside.size else 0
    return float(f"{X[k]:.5g}"), float(f"{Y[k]:.5g}")


def _r(v) -> list[float]:
    """Coordinates as a short list (5 significant digits: ample for a chart, a third of the bytes)."""
    return [float(f"{x:.5g}") for x in v]


def landscape_figure(paths, a: float, eta: float, *, vector: bool = False, height: int = 700) -> go.Figure:
    """Contour map of f over (x, y) (vector form: of ½(a − ‖x‖‖y‖)² over (‖x‖, ‖y‖)), the hyperbola of
    minimizers drawn and labelled, and every path animated with Plotly frames (▶ / ⏸ and a slider).

    The figure as built shows the final state (every path whole); the frames replay it from t = 0.
    A diverged path is drawn until it leaves and marked with ✕ where it was last seen.
    """
    xr, yr = view_box(paths, a)
    gx, gy = np.linspace(*xr, 181), np.linspace(*yr, 181)
    z = np.log10(L.loss(gx[None, :], gy[:, None], a) + 1e-6 * a * a)
    fig = go.Figure()
    fig.add_contour(
        x=gx,
        y=gy,
        z=z,
        ncontours=18,
        colorscale=[[0, "#ffffff"], [1, "#9ecae1"]],
        line=dict(width=0.8, color="#7a9cb8"),
        showscale=False,
        hovertemplate="x = %{x:.3g}<br>y = %{y:.3g}<br>log<sub>10</sub> f = %{z:.2f}<extra></extra>",
        name="f",
        showlegend=False,
    )
    xn = "‖x‖" if vector else "x"
    yn = "‖y‖" if vector else "y"
    for sign in (1, -1):
        if (sign > 0 and xr[1] <= 0) or (sign < 0 and xr[0] >= 0):
            continue
        xs = np.geomspace(1e-3 * a / yr[1], xr[1], 800) if sign > 0 else -np.geomspace(1e-3 * a / -yr[0], -xr[0], 800)
        ys = a / xs
        ok = (ys >= yr[0]) & (ys <= yr[1])
        if ok.sum() < 2:
            continue
        fig.add_scatter(
            x=xs[ok],
            y=ys[ok],
            mode="lines",
            line=dict(color=OKABE_ITO["black"], width=5),
            name=f"valley {xn}{yn} = a (minimizers)",
            legendgroup="valley",
            showlegend=sign > 0,
            hovertemplate=f"{xn}·{yn} = a: curvature {xn}² + a²/{xn}²<extra></extra>",
        )
    xa = a / (0.9 * yr[1]) if yr[1] > 0 else -1
    if 0 < xa < xr[1]:
        fig.add_annotation(
            x=xa, y=a / xa, text=f"<b>{xn}{yn} = a</b>", showarrow=False, xshift=14, xanchor="left", font=dict(size=17)
        )
    fig.add_scatter(
        x=[np.sqrt(a)],
        y=[np.sqrt(a)],
        mode="markers",
        marker=dict(symbol="star", size=18, color=OKABE_ITO["yellow"], line=dict(color="black", width=1.5)),
        name=f"flattest point: λ = 2a = {_sci(2 * a)}",
        hovertemplate="balanced minimizer: λ = 2a<extra></extra>",
    )
    # static start markers, then per path: line, head, diverged mark (the animated traces)
    for p in paths:
        X, Y = p.coords()
        fig.add_scatter(
            x=X[:1],
            y=Y[:1],
            mode="markers",
            marker=dict(symbol="circle-open", size=16, color=_color(p), line=dict(width=3)),
            legendgroup=p.label,
            showlegend=False,
            hovertemplate=f"start: {L.STARTS.get(p.start, p.start)}<br>{xn} = %{{x:.3g}}, {yn} = %{{y:.3g}}<extra></extra>",
        )
    animated, cache = [], []
    for p in paths:
        tt, X, Y = _path_xy(p)
        exit_at = _exit_point(X, Y, xr, yr) if p.status == "diverged" else None
        cache.append((tt, X, Y, exit_at))
        line, head, mark = (go.Scatter(**d) for d in _path_traces(p, np.inf, tt, X, Y, exit_at))
        c = _color(p)
        line.update(
            mode="lines",
            line=dict(color=c, width=4.5, dash=DASH[p.method]),
            name=p.label,
            legendgroup=p.label,
            hovertemplate=f"{p.label} ({_outcome(p)})<br>{xn} = %{{x:.4g}}, {yn} = %{{y:.4g}}<extra></extra>",
        )
        head.update(
            mode="markers",
            marker=dict(symbol=HEAD[p.method], size=14, color=c, line=dict(color="white", width=1.5)),
            legendgroup=p.label,
            showlegend=False,
            hoverinfo="skip",
        )
        mark.update(
            mode="markers+text",
            marker=dict(symbol="x", size=22, color=OKABE_ITO["vermillion"], line=dict(color="black", width=1)),
            text=["diverged"] if p.status == "diverged" else [],
            textposition="top center",
            textfont=dict(size=16, color=OKABE_ITO["vermillion"]),
            legendgroup=p.label,
            name=f"✕ {p.label}: diverged, t = {p.diverged_at}",
            showlegend=p.status == "diverged",
            hoverinfo="skip",
        )
        i0 = len(fig.data)
        fig.add_traces([line, head, mark])
        animated.extend(range(i0, i0 + 3))
    times = _frame_times(paths)
    frames = []
    for j, t in enumerate(times):
        data = []
        for p, (tt, X, Y, exit_at) in zip(paths, cache):
            data.extend(_path_traces(p, t, tt, X, Y, exit_at))
        frames.append(go.Frame(data=data, traces=animated, name=f"f{j}", _validate=False))
    fig.frames = frames
    _controls(fig, times, height - TOP - BOTTOM)
    house_layout(
        fig,
        title=f"The landscape f = ½(a − {xn}{yn})², a = {_sci(a)}, step η = {_sci(eta)}",
        subtitle=(
            "shading: log₁₀ of ½(a − ‖x‖‖y‖)², a lower bound of ½‖A − xyᵀ‖², exact when x, y ∥ e₁"
            if vector
            else "shading: log₁₀ f (darker = higher) — AGD solid, GD dashed, flow dotted; ○ start; ✕ diverged"
        ),
        height=height,
        legend_below=False,
    )
    fig.update_xaxes(title_text=xn, range=xr, title_standoff=4)
    fig.update_yaxes(title_text=yn, range=yr)
    fig.update_layout(
        legend=dict(x=1.02, xanchor="left", y=1, yanchor="top", font=dict(size=15), tracegroupgap=2),
        margin=dict(l=70, r=20, t=TOP, b=BOTTOM),
    )
    return fig


def _controls(fig: go.Figure, times, plot_px: float) -> None:
    """Plotly's own ▶ / ⏸ buttons and a slider over the frames (client-side; no server round trip)."""
    still = dict(frame=dict(duration=0, redraw=True), mode="immediate", transition=dict(duration=0))
    play = dict(frame=dict(duration=FRAME_MS, redraw=True), fromcurrent=False, transition=dict(duration=0))
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                xanchor="left",
                y=-150 / plot_px,
                yanchor="top",
                pad=dict(t=0, r=8),
                font=dict(size=16),
                buttons=[
                    dict(label="▶ Play", method="animate", args=[None, play]),
                    dict(label="■ Pause", method="animate", args=[[None], still]),
                ],
            )
        ],
        sliders=[
            dict(
                active=len(times) - 1,
                x=0,
                len=1,
                y=-48 / plot_px,
                yanchor="top",
                pad=dict(t=0, b=10),
                currentvalue=dict(prefix="iteration t = ", font=dict(size=16)),
                font=dict(size=13),
                steps=[dict(label=f"{t:.0f}", method="animate", args=[[f"f{j}"], still]) for j, t in enumerate(times)],
            )
        ],
    )
