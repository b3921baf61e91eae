"""Pictures of the reconstruction: A, XₜYₜᵀ, the best rank-d matrix and the residual as heatmaps.

Pure NumPy + Plotly (never imports Streamlit). :func:`picture_data` cuts the matrices to at most
``max_side`` rows and columns (evenly spaced, the same for every panel) and fills in what the solver
did not see (NaN: unobserved entries of a completion problem); :func:`reconstruction_figure` draws
them side by side. A, XₜYₜᵀ and the best rank-d matrix share one colour scale (one colour bar);
the residual, usually far smaller, has its own scale, symmetric about 0, and its title says so.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._style import OKABE_ITO, house_layout, html

HOLE_COLOR = OKABE_ITO["green"]  # unobserved entries: never a colour of the grey or red-blue scales
MAX_SIDE = 160  # rows/columns drawn per panel (a 2000×2000 A is shown on an evenly spaced 160×160 grid)
SIGNED_FRACTION = 0.25  # negative entries beyond this fraction of the maximum: a signed (red-blue) scale
DENSE_MASK_LIMIT = 4_000_000  # m·n up to which the observed entries of a completion are drawn


def _grid(size: int, max_side: int) -> np.ndarray:
    return np.arange(size) if size <= max_side else np.unique(np.linspace(0, size - 1, max_side).round().astype(int))


def truth_at(problem, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
    """The target (A, or M★ of an observed problem) at the grid ``rows`` × ``cols``; None if unknown."""
    if getattr(problem, "kind", "dense") == "dense":
        return np.asarray(problem.A)[np.ix_(rows, cols)]
    truth = problem.truth
    if hasattr(truth, "US"):  # FactoredTruth: M★ = U diag(s) Vᵀ
        return truth.US[rows] @ truth.V[cols].T
    if hasattr(truth, "M"):  # DenseTruth
        return np.asarray(truth.M)[np.ix_(rows, cols)]
    if hasattr(truth, "vals") and problem.kind == "completion":  # HeldOut: observed + held-out = the matrix
        full = observed_entries(problem)
        if full is None:
            return None
        full[truth.rows, truth.cols] = truth.vals
        return full[np.ix_(rows, cols)]
    return None


def observed_entries(problem) -> np.ndarray | None:
    """The m×n matrix of what a completion problem observed, NaN elsewhere (None for other kinds or
    when m·n exceeds ``DENSE_MASK_LIMIT``)."""
    if getattr(problem, "kind", "dense") != "completion":
        return None
    m, n = problem.shape
    if m * n > DENSE_MASK_LIMIT:
        return None
    out = np.full((m, n), np.nan)
    out[problem.rows, problem.cols] = problem.vals
    return out


def best_rank(problem, d: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
    """The best rank-d approximation of the target at the grid (Eckart–Young: its truncated SVD).

    Fully observed problems only (on observed data there is no single best rank-d image to compare
    with: the solver never saw the whole matrix).
    """
    if getattr(problem, "kind", "dense") != "dense":
        return None
    U, s, Vt = problem.top_svd(int(min(d, min(problem.shape))))
    return (U[rows] * s) @ Vt[:, cols]


def picture_data(problem, X: np.ndarray, Y: np.ndarray, *, max_side: int = MAX_SIDE) -> dict:
    """What :func:`reconstruction_figure` draws, on one grid of at most ``max_side`` rows and columns.

    Returns a dict with ``rows``, ``cols`` (the grid), ``target`` (A or M★; None when unknown),
    ``observed`` (completion: the observed entries, NaN elsewhere; else None), ``approx`` (XₜYₜᵀ),
    ``best`` (the best rank-d matrix, fully observed problems only), ``residual`` (target − approx)
    and ``shape`` (m, n).
    """
    m, n = problem.shape
    rows, cols = _grid(m, max_side), _grid(n, max_side)
    approx = X[rows] @ Y[cols].T
    target = truth_at(problem, rows, cols)
    obs = observed_entries(problem)
    return {
        "rows": rows,
        "cols": cols,
        "shape": (m, n),
        "target": target,
        "observed": None if obs is None else obs[np.ix_(rows, cols)],
        "approx": approx,
        "best": best_rank(problem, X.shape[1], rows, cols),
        "residual": None if target is None else target - approx,
    }


def shared_range(*mats) -> tuple[float, float]:
    """(zmin, zmax) of the finite entries of the target-like panels: symmetric about 0 when the
    matrix has entries of both signs (a red-blue scale), else [min, max] (a grey scale: pixels; a
    picture whose truncated SVD dips a little below 0, by less than 25% of its maximum, stays grey)."""
    vals = np.concatenate([np.ravel(a)[np.isfinite(np.ravel(a))] for a in mats if a is not None] or [np.zeros(1)])
    lo, hi = float(vals.min()), float(vals.max())
    if lo < -SIGNED_FRACTION * max(hi, 0.0):
        big = max(abs(lo), abs(hi)) or 1.0
        return -big, big
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def reconstruction_figure(
    data: dict,
    *,
    t_label: str,
    d: int,
    target_name: str = "A",
    height: int = 400,
) -> go.Figure:
    """The target (with holes, for completion), XₜYₜᵀ, the best rank-d matrix and the residual.

    ``t_label`` names the iterate ("iteration t = 120"). Every panel is drawn in the target's units:
    the pictures on one colour scale taken from the target (XₜYₜᵀ values outside it are drawn at
    its ends, and the subtitle says so), the residual on a red-blue scale symmetric about 0 with the
    same magnitude, max|target| — so a small residual looks faint, as it is, and fades as t grows.
    """
    target, approx = data["target"], data["approx"]
    panels = []
    if data["observed"] is not None:
        panels.append(("seen entries", data["observed"]))
    elif target is not None:
        panels.append((target_name, target))
    panels.append(("XₜYₜᵀ", approx))
    if data["best"] is not None:
        panels.append((f"best rank {d}", data["best"]))
    elif data["observed"] is not None and target is not None:
        panels.append((f"{target_name} (hidden)", target))
    n_shared = len(panels)
    zmin, zmax = shared_range(*([target] if target is not None else [a for _, a in panels]))
    signed = zmin < 0 and bool(np.isclose(-zmin, zmax))  # shared_range's red-blue case
    big = max(abs(zmin), abs(zmax)) or 1.0
    residual = data["residual"]
    if residual is not None:
        panels.append(("residual", residual))
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[0] for p in panels], horizontal_spacing=0.03)
    for i, (name, mat) in enumerate(panels):
        is_res = residual is not None and i == len(panels) - 1
        fig.add_trace(
            go.Heatmap(
                z=mat,
                coloraxis="coloraxis2" if is_res else "coloraxis",
                name=name,
                hovertemplate=f"{name}<br>row %{{y}}, column %{{x}}<br>value %{{z:.4g}}<extra></extra>",
            ),
            row=1,
            col=i + 1,
        )
    slack = 1e-3 * (zmax - zmin)
    m, n = data["shape"]
    lines = [f"first {n_shared}: one colour scale · residual {target_name} − XₜYₜᵀ in the same units (red +, blue −)"]
    if data["observed"] is not None:
        lines.append("green: entries the solver never saw")
    if data["best"] is not None:
        lines.append(f"best rank {d}: the truncated SVD, the closest rank-{d} matrix (Eckart–Young)")
    extra = []
    if residual is not None and np.nanmax(np.abs(residual)) > big * (1 + 1e-3):
        extra.append(f"residual beyond ±max|{target_name}| drawn at the ends")
    if np.any(approx < zmin - slack) or np.any(approx > zmax + slack):
        extra.append(f"XₜYₜᵀ outside {target_name}'s range drawn at the ends")
    if len(data["rows"]) < m or len(data["cols"]) < n:
        extra.append(f"every k-th row and column: {len(data['rows'])}×{len(data['cols'])} of {m}×{n}")
    if extra:
        lines.append(" · ".join(extra))
    house_layout(fig, title=f"Reconstruction at {t_label}", subtitle=lines[0], height=height, legend_below=False)
    fig.update_layout(title_subtitle_text="<br>".join(html(x) for x in lines))  # one note a line
    top = 40 + 19 * len(lines) + 34  # title (pinned to the top), one line a note, the panel titles
    bar = dict(thickness=14, len=0.85, y=0.42, tickfont=dict(size=13))
    fig.update_layout(
        coloraxis=dict(
            colorscale="RdBu_r" if signed else "gray",
            cmin=zmin,
            cmax=zmax,
            colorbar=dict(x=1.0, title="", **bar),
        ),
        coloraxis2=dict(colorscale="RdBu_r", cmin=-big, cmax=big, colorbar=dict(x=1.07, title="", **bar)),
        coloraxis2_showscale=residual is not None and not signed,  # a signed A: the first bar is the same
        plot_bgcolor=HOLE_COLOR if data["observed"] is not None else "white",
        margin=dict(l=20, r=90, t=top, b=10),
        title=dict(y=1, yref="container", yanchor="top", pad=dict(t=10)),  # at the top, no gap above
    )
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="", constrain="domain")
    fig.update_yaxes(
        showticklabels=False, showgrid=False, ticks="", autorange="reversed", constrain="domain", constraintoward="top"
    )
    for i in range(1, len(panels) + 1):
        fig.update_yaxes(scaleanchor=f"x{i if i > 1 else ''}", row=1, col=i)
    fig.update_annotations(font_size=16, yshift=4)
    return fig
