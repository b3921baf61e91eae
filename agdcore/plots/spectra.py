"""Singular values of one run (Explore): σ_i(X_t), σ_i(Y_t) against t, balancedness, the spectra at one iterate.

``singular_values_figure(result, factor="Y")``
    All d singular values of Y_t (or X_t) against t; round-off ones are listed, not allowed to squash the axis.
``balance_figure(result)``
    ‖XᵀX − YᵀY‖_F against t.
``spectrum_figure(result, k, sigma_a=None)``
    σ_i(X_t), σ_i(Y_t) (and σ_i(A), √σ_i(A)) at the k-th recorded iterate.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from ._style import OKABE_ITO, SERIES, _sci, compact, log_range, positive, set_log_range, style_figure
from .run import _hover

ROUNDOFF = 1e-9  # singular values below ROUNDOFF·max are "round-off level"


def index_colors(d: int) -> list[str]:
    """d colour-blind-safe colours, dark (index 1) to light (index d), from the Viridis scale."""
    return list(_index_colors(int(d)))


@lru_cache(maxsize=64)
def _index_colors(d: int) -> tuple[str, ...]:  # Plotly's sampler inspects modules on every call: ~40 ms
    return tuple(sample_colorscale("Viridis", list(np.linspace(0.0, 0.85, d))) if d > 1 else [SERIES[0]])


def split_roundoff(sv: np.ndarray, rel: float = ROUNDOFF) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (meaningful, round-off) over the columns of ``sv`` (n_records, d).

    A column is round-off when it never exceeds ``rel`` times the largest finite value.
    """
    sv = np.asarray(sv, dtype=float)
    finite = sv[np.isfinite(sv)]
    top = float(finite.max()) if finite.size else 0.0
    with np.errstate(invalid="ignore"):
        col_max = np.nanmax(np.where(np.isfinite(sv), sv, np.nan), axis=0) if sv.size else np.zeros(0)
    col_max = np.nan_to_num(col_max, nan=0.0)
    small = col_max <= rel * top if top > 0 else np.ones(sv.shape[1], dtype=bool)
    return ~small, small


def roundoff_note(sv: np.ndarray, small: np.ndarray, what: str) -> str | None:
    """Text saying which singular values are at round-off level (None when there are none)."""
    if not small.any():
        return None
    ids = np.nonzero(small)[0] + 1
    vals = positive(sv[:, small])
    level = float(np.nanmax(vals)) if np.isfinite(vals).any() else 0.0
    span = f"σ_{{{ids[0]}}}…σ_{{{ids[-1]}}}" if len(ids) > 1 else f"σ_{{{ids[0]}}}"
    if level == 0:
        return f"{span}({what}) are exactly 0 (not drawn on a log axis)"
    return f"{span}({what}) stay at round-off level (≤ {_sci(level)}), below the axis"


def singular_values_figure(result, factor: str = "Y", *, height: int = 480) -> go.Figure:
    """All d singular values of Y_t (``factor="Y"``) or X_t against iterations, log y.

    Singular values that stay at round-off level (e.g. the d − r zero directions of X_t for the
    Ward–Kolda init) do not set the y-range; the subtitle says where they are, so the top r stay
    readable.
    """
    if factor not in ("X", "Y"):
        raise ValueError(f"factor must be 'X' or 'Y', got {factor!r}.")
    sv = np.asarray(result.sv_x if factor == "X" else result.sv_y, dtype=float)
    t = np.asarray(result.t, dtype=float)[np.asarray(result.record_index, dtype=int)]
    d = sv.shape[1] if sv.ndim == 2 else 0
    fig = go.Figure()
    colors = index_colors(max(d, 1))
    keep, small = split_roundoff(sv) if d else (np.zeros(0, bool), np.zeros(0, bool))
    tx = compact(t)
    for i in range(d):
        name = f"σ_{{{i + 1}}}"
        fig.add_trace(
            go.Scatter(
                x=tx,
                y=compact(positive(sv[:, i])),
                mode="lines",
                name=name,
                line=dict(color=colors[i], width=2.5),
                hovertemplate=_hover(
                    f"σ_{{{i + 1}}}({factor}_t)", f"singular value {i + 1} of {factor}_t", result.x_label
                ),
            )
        )
    note = roundoff_note(sv, small, f"{factor}_t") if d else None
    style_figure(
        fig,
        title=f"Singular values of {factor}_t (all d = {d})",
        x_title=result.x_label,
        y_title=f"σ_i({factor}_t)",
        height=height,
        subtitle=note or "all of them above round-off level",
        wrap=True,
    )
    fig.update_layout(showlegend=d <= 20, legend=dict(y=-0.22))
    if d and keep.any():
        set_log_range(fig, log_range(sv[:, keep]))
    return fig


def balance_figure(result, *, height: int = 420) -> go.Figure:
    """Balancedness ‖X_tᵀX_t − Y_tᵀY_t‖_F at the recorded iterates (log y)."""
    t = np.asarray(result.t, dtype=float)[np.asarray(result.record_index, dtype=int)]
    name = "‖XₜᵀXₜ − YₜᵀYₜ‖_F"
    fig = go.Figure(
        go.Scatter(
            x=compact(t),
            y=compact(positive(result.balance)),
            mode="lines+markers",
            name=name,
            line=dict(color=OKABE_ITO["blue"], width=3),
            marker=dict(size=5),
            hovertemplate=_hover(name, "imbalance of the factors (0 = balanced)", result.x_label),
        )
    )
    style_figure(fig, title="Balancedness ‖XᵀX − YᵀY‖_F", x_title=result.x_label, y_title=name, height=height)
    fig.update_layout(showlegend=False)
    set_log_range(fig, log_range(result.balance, pad=0.1))
    return fig


def spectrum_figure(result, k: int, sigma_a=None, *, height: int = 420) -> go.Figure:
    """σ_i(X_t) and σ_i(Y_t) against the index i at the k-th recorded iterate (the scrubber view).

    Parameters
    ----------
    result : agdcore.Result
    k : int
        Position in ``result.record_index`` (clipped to the valid range).
    sigma_a : array, optional
        Singular values of A; the top d are drawn with √σ_i(A), the balanced optimum of σ_i(X) = σ_i(Y).
    """
    n_rec = len(result.record_index)
    k = int(min(max(k, 0), n_rec - 1))
    it = int(result.record_index[k])
    sx, sy = np.asarray(result.sv_x[k], dtype=float), np.asarray(result.sv_y[k], dtype=float)
    d = sx.size
    i = np.arange(1, d + 1)
    fig = go.Figure()
    traces = [("σ_i(X_t)", sx, OKABE_ITO["blue"], "circle"), ("σ_i(Y_t)", sy, OKABE_ITO["orange"], "diamond")]
    shown = [sx, sy]
    if sigma_a is not None:
        sa = np.zeros(d)
        top = np.asarray(sigma_a, dtype=float)[:d]
        sa[: top.size] = top
        traces += [
            ("σ_i(A) (exact)", sa, "#7a7a7a", "square"),
            ("√σ_i(A): balanced optimum (exact)", np.sqrt(sa), OKABE_ITO["green"], "triangle-up"),
        ]
        shown.append(sa)
    for name, y, color, sym in traces:
        fig.add_trace(
            go.Scatter(
                x=i,
                y=positive(y),
                mode="markers",
                name=name,
                marker=dict(symbol=sym, size=14, color=color, line=dict(width=1, color="white")),
                hovertemplate=f"<b>{name}</b><br>i = %{{x}}<br>value = %{{y:.3e}}<extra></extra>",
            )
        )
    word = "time" if result.is_flow else "iteration"
    t_val = float(result.t[it]) if it < len(result.t) else float(it)
    allv = positive(np.concatenate(shown))
    top = np.nanmax(allv) if np.isfinite(allv).any() else 0.0
    n_small = int(np.sum(np.nan_to_num(np.concatenate(shown[:2])) <= ROUNDOFF * top))
    note = f"{n_small} value(s) of X_t, Y_t at round-off level or 0: below the axis" if n_small else None
    style_figure(
        fig,
        title=f"Spectra at {word} t = {t_val:.4g}",
        x_title="index i",
        y_title="singular value",
        height=height,
        subtitle=note,
        wrap=True,
    )
    fig.update_xaxes(dtick=1 if d <= 20 else None)
    meaningful = allv[allv > ROUNDOFF * top] if top > 0 else allv[:0]
    if meaningful.size:
        set_log_range(fig, log_range(meaningful))
    return fig
