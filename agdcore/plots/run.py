"""Pure Plotly figure builders for AGD Explorer (never imports streamlit).

Every builder takes results from :func:`agdcore.solve` / :func:`agdcore.solve_trials` and returns a
``plotly.graph_objects.Figure`` styled for a projector: large fonts, the colour-blind-safe
Okabe–Ito palette, log axes for errors and singular values, axis titles with units. Every overlay
(bound) carries its source (paper / derived / exact) in its legend name and its formula in its hover.

Public builders (signatures are stable; other pages import them):

``loss_figure(result, *, overlays=OVERLAYS, title=None)``
    e_t with the live bound, frozen-X prediction, a-priori bound, Eckart–Young floor, tolerance and a
    divergence marker.
``singular_values_figure(result, factor="Y")``
    All d singular values of Y_t (or X_t) against t; round-off ones are listed, not allowed to squash the axis.
``balance_figure(result)``
    ‖XᵀX − YᵀY‖_F against t.
``spectrum_figure(result, k, sigma_a=None)``
    σ_i(X_t), σ_i(Y_t) (and σ_i(A), √σ_i(A)) at the k-th recorded iterate.
``trials_figure(runs, *, log_x=False, tol=None)``
    Median and interquartile band of e_t for several :class:`agdcore.TrialsResult`.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from ._style import (MAX_POINTS, OKABE_ITO, SERIES, _rgba, _sci, html, log_range, positive,
                     set_log_range, style_figure, thin)

ROUNDOFF = 1e-9            # singular values below ROUNDOFF·max are "round-off level"
PESSIMISTIC = 10.0         # a bound whose T(ε) exceeds this × the plotted range is called flat
OVERLAYS = ("live_bound", "frozen_x", "a_priori", "floor", "tol")

HOVER_FORMULA = {
    "observed": "e_t = ‖A − X_t Y_tᵀ‖²_F / ‖A‖²_F",
    "live_bound": "e₀ ∏_{k<t} q_k²,  q_k = max_{i≤r}|1 − ησ_i²(X_{k+1})| · max(1, |1 − ησ₁²(Y_k)|)",
    "frozen_x": "e₀ (1 − η σ_r²(X₀))^{2t}",
    "a_priori": "e₀ (1 − (1−θ)²ρ²/(C²κ²))^{2t},  ρ = ν(√d − √(r−1))/√d,  θ = ½",
    "floor": "Σ_{i>d} σ_i²(A) / ‖A‖²_F",
    "tol": "floor + tol  (the stopping rule e_t − floor ≤ tol)",
}
_STYLE = {
    "live_bound": dict(color=OKABE_ITO["blue"], dash="dash", width=3),
    "frozen_x": dict(color=OKABE_ITO["orange"], dash="dashdot", width=3),
    "a_priori": dict(color=OKABE_ITO["purple"], dash="dot", width=3.5),
    "floor": dict(color=OKABE_ITO["green"], dash="longdash", width=2.5),
    "tol": dict(color="#6b6b6b", dash="dot", width=2),
}


def _label(result, key: str, fallback: str) -> str:
    labels = (result.bounds or {}).get("labels") or {}
    return (labels.get(key) or {}).get("label", fallback)


def _hover(name: str, formula: str, x_label: str) -> str:
    return f"<b>{html(name)}</b><br>{html(formula)}<br>{x_label} = %{{x:.4g}}<br>value = %{{y:.3e}}<extra></extra>"


# ---------------------------------------------------------------------- loss curve + overlays
def bound_curves(result, overlays: Sequence[str] = OVERLAYS) -> list[dict]:
    """The overlays that apply to ``result``, as data (shared by the figure and the CSV download).

    Returns
    -------
    list of dict
        Each with ``key``, ``name`` (legend text with its source), ``formula`` (hover text),
        ``t`` and ``y`` arrays (``y`` may be empty for a legend-only note), and ``note``.
    """
    from ..bounds import BOUND_INFO

    b = result.bounds or {}
    t = np.asarray(result.t, dtype=float)
    e0 = float(result.error[0]) if len(result.error) else float("nan")
    n = max(1, len(t) - 1)
    agd_discrete = result.config.get("algorithm") == "agd" and not result.is_flow
    out = []

    def add(key, y, name, tt=t, note=""):
        out.append({"key": key, "name": name, "formula": HOVER_FORMULA[key], "t": tt,
                    "y": np.asarray(y, dtype=float), "note": note})

    def geometric(key, rate_key, T_key, info_key):
        rate = b.get(rate_key)
        if not agd_discrete or rate is None or not rate > 0:
            return
        name = _label(result, info_key, BOUND_INFO[info_key].label)
        T = b.get(T_key)
        note = ""
        if T is not None and T > PESSIMISTIC * n:
            note = f"flat here: T(ε) = {_sci(T)} ≫ {n}"
        if not b.get("applies", True):
            note = (note + "; " if note else "") + "assumptions fail"
        with np.errstate(over="ignore", under="ignore"):
            y = e0 * np.exp(t * math.log(rate))
        add(key, y, name + (f" — {note}" if note else ""), note=note)

    if "live_bound" in overlays and result.live_bound is not None:
        live = np.asarray(result.live_bound, dtype=float)
        add("live_bound", live, _label(result, "live_bound", BOUND_INFO["live_bound"].label), tt=t[: len(live)])
    if "frozen_x" in overlays:
        geometric("frozen_x", "rate_frozen_x", "T_frozen_x", "frozen_x")
    if "a_priori" in overlays:
        geometric("a_priori", "rate_a_priori", "T_a_priori", "a_priori")
    floor = float(result.floor)
    ends = np.array([t[0], t[-1]]) if len(t) else np.array([0.0, 1.0])
    if "floor" in overlays:
        name = _label(result, "floor", BOUND_INFO["floor"].label)
        if floor > 0:
            add("floor", [floor, floor], name, tt=ends)
        else:
            add("floor", [], name + " = 0: below any log axis", tt=np.array([]), note="zero")
    tol = float(result.config.get("tol", 0.0) or 0.0)
    if "tol" in overlays and tol > 0:
        add("tol", [floor + tol] * 2, f"tolerance: e_t − floor = {tol:.0e} (your setting)", tt=ends)
    return out


def loss_figure(result, *, overlays: Sequence[str] = OVERLAYS, title: str | None = None,
                height: int = 520, max_points: int = MAX_POINTS) -> go.Figure:
    """e_t on a log axis against iterations (time for the flow), with the overlays that apply.

    Parameters
    ----------
    result : agdcore.Result
        A finished run or a live ``progress.snapshot()``.
    overlays : sequence of str
        Any of ``OVERLAYS``: ``live_bound`` (result.live_bound), ``frozen_x`` (e₀·rate_frozen_xᵗ),
        ``a_priori`` (e₀·rate_a_prioriᵗ), ``floor`` (Eckart–Young), ``tol`` (floor + tol).
    title : str, optional
        Defaults to "Relative error e_t".
    height : int
        Figure height in pixels.
    max_points : int
        Points per trace sent to the browser (fewer for cheap live redraws).

    Notes
    -----
    The y-range is fitted to the observed e_t (and the floor/tolerance lines), so bounds that are
    astronomically pessimistic are drawn honestly but never stretch the axis; their legend entry says
    that they look flat. A divergent run gets a vertical marker at ``result.diverged_at``.
    """
    fig = go.Figure()
    x_label = result.x_label
    err = positive(result.error)
    t = np.asarray(result.t, dtype=float)
    idx = thin(len(err), max_points)
    fig.add_trace(go.Scatter(x=t[idx], y=err[idx], mode="lines", name="e_t (observed)",
                             line=dict(color=OKABE_ITO["black"], width=3.5), connectgaps=True,
                             hovertemplate=_hover("e_t (observed)", HOVER_FORMULA["observed"], x_label)))
    extra = []
    for c in bound_curves(result, overlays):
        if c["y"].size == 0:  # legend-only note (e.g. a zero floor)
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=c["name"],
                                     line=_STYLE[c["key"]], hoverinfo="skip"))
            continue
        i = thin(len(c["y"]), max_points)
        fig.add_trace(go.Scatter(x=c["t"][i], y=positive(c["y"][i]), mode="lines", name=c["name"],
                                 line=_STYLE[c["key"]], hovertemplate=_hover(c["name"], c["formula"], x_label)))
        if c["key"] in ("floor", "tol"):
            extra.extend(c["y"])
    style_figure(fig, title=title or "Relative error e_t", x_title=x_label,
                 y_title="e_t = ‖A − X_{t}Y_{t}^{T}‖² / ‖A‖²", height=height)
    set_log_range(fig, log_range(np.concatenate([err[np.isfinite(err)], np.asarray(extra, dtype=float)])))
    if result.diverged_at is not None:
        _mark_divergence(fig, result, err)
    return fig


def _mark_divergence(fig: go.Figure, result, err: np.ndarray) -> None:
    k = int(result.diverged_at)
    t = np.asarray(result.t, dtype=float)
    tk = float(t[min(k, len(t) - 1)])
    finite = np.nonzero(np.isfinite(err[: k + 1]))[0]
    y = float(err[finite[-1]]) if finite.size else 1.0
    name = f"diverged at {result.x_label.split()[0]} {k} (NaN/overflow)"
    fig.add_vline(x=tk, line=dict(color=OKABE_ITO["vermillion"], width=3, dash="solid"))
    fig.add_trace(go.Scatter(x=[tk], y=[y], mode="markers", name=name,
                             marker=dict(symbol="x", size=18, color=OKABE_ITO["vermillion"], line=dict(width=2)),
                             hovertemplate=f"<b>{name}</b><br>{result.message}<extra></extra>"))


# ---------------------------------------------------------------------- singular values, balance
def index_colors(d: int) -> list[str]:
    """d colour-blind-safe colours, dark (index 1) to light (index d), from the Viridis scale."""
    return sample_colorscale("Viridis", list(np.linspace(0.0, 0.85, d))) if d > 1 else [SERIES[0]]


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
    for i in range(d):
        name = f"σ_{{{i + 1}}}"
        fig.add_trace(go.Scatter(x=t, y=positive(sv[:, i]), mode="lines", name=name,
                                 line=dict(color=colors[i], width=2.5),
                                 hovertemplate=_hover(f"σ_{{{i + 1}}}({factor}_t)", f"singular value {i + 1} of "
                                                      f"{factor}_t", result.x_label)))
    note = roundoff_note(sv, small, f"{factor}_t") if d else None
    style_figure(fig, title=f"Singular values of {factor}_t (all d = {d})", x_title=result.x_label,
                 y_title=f"σ_i({factor}_t)", height=height, subtitle=note or "all of them above round-off level")
    fig.update_layout(showlegend=d <= 20, legend=dict(y=-0.22))
    if d and keep.any():
        set_log_range(fig, log_range(sv[:, keep]))
    return fig


def balance_figure(result, *, height: int = 420) -> go.Figure:
    """Balancedness ‖X_tᵀX_t − Y_tᵀY_t‖_F at the recorded iterates (log y)."""
    t = np.asarray(result.t, dtype=float)[np.asarray(result.record_index, dtype=int)]
    name = "‖XₜᵀXₜ − YₜᵀYₜ‖_F"
    fig = go.Figure(go.Scatter(x=t, y=positive(result.balance), mode="lines+markers", name=name,
                               line=dict(color=OKABE_ITO["blue"], width=3), marker=dict(size=5),
                               hovertemplate=_hover(name, "imbalance of the factors (0 = balanced)", result.x_label)))
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
        traces += [("σ_i(A) (exact)", sa, "#7a7a7a", "square"),
                   ("√σ_i(A): balanced optimum (exact)", np.sqrt(sa), OKABE_ITO["green"], "triangle-up")]
        shown.append(sa)
    for name, y, color, sym in traces:
        fig.add_trace(go.Scatter(x=i, y=positive(y), mode="markers", name=name,
                                 marker=dict(symbol=sym, size=14, color=color, line=dict(width=1, color="white")),
                                 hovertemplate=f"<b>{name}</b><br>i = %{{x}}<br>value = %{{y:.3e}}<extra></extra>"))
    word = "time" if result.is_flow else "iteration"
    t_val = float(result.t[it]) if it < len(result.t) else float(it)
    allv = positive(np.concatenate(shown))
    top = np.nanmax(allv) if np.isfinite(allv).any() else 0.0
    n_small = int(np.sum(np.nan_to_num(np.concatenate(shown[:2])) <= ROUNDOFF * top))
    note = f"{n_small} value(s) of X_t, Y_t at round-off level or 0: below the axis" if n_small else None
    style_figure(fig, title=f"Spectra at {word} t = {t_val:.4g}", x_title="index i", y_title="singular value",
                 height=height, subtitle=note)
    fig.update_xaxes(dtick=1 if d <= 20 else None)
    meaningful = allv[allv > ROUNDOFF * top] if top > 0 else allv[:0]
    if meaningful.size:
        set_log_range(fig, log_range(meaningful))
    return fig


# ---------------------------------------------------------------------- trials (Compare)
def trials_figure(runs: Sequence[tuple[str, object]], *, log_x: bool = False, tol: float | None = None,
                  height: int = 540) -> go.Figure:
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
        with warnings.catch_warnings():  # columns where every trial skipped the exact evaluation are NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            q = tr.quantiles((0.25, 0.5, 0.75))
        last = _last_active(tr)
        idx = thin(last + 1, log=log_x)
        x = t[idx] if not log_x else np.where(t[idx] > 0, t[idx], np.nan)
        if tr.config.get("algorithm") == "flow":
            x_title = "iteration t (time t for the flow)"
        fill = _rgba(color, 0.18)
        fig.add_trace(go.Scatter(x=x, y=positive(q[2][idx]), mode="lines", line=dict(width=0, color=color),
                                 legendgroup=f"c{j}", showlegend=False, hoverinfo="skip", connectgaps=True))
        fig.add_trace(go.Scatter(x=x, y=positive(q[0][idx]), mode="lines", line=dict(width=0, color=color),
                                 fill="tonexty", fillcolor=fill, legendgroup=f"c{j}", connectgaps=True,
                                 name=f"{label}: interquartile band", hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=x, y=positive(q[1][idx]), mode="lines", line=dict(width=3.5, color=color),
                                 legendgroup=f"c{j}", name=f"{label}: median of {len(tr.seeds)} trials", connectgaps=True,
                                 hovertemplate=_hover(f"{label} (median)", HOVER_FORMULA["observed"], "t")))
    if tol and runs:
        floor = float(runs[0][1].floor)
        tmax = max(float(np.asarray(tr.t)[_last_active(tr)]) for _, tr in runs)
        fig.add_trace(go.Scatter(x=[1 if log_x else 0, max(tmax, 1)], y=[floor + tol] * 2, mode="lines",
                                 name=f"tolerance: e_t − floor = {tol:.0e} (your setting)", line=_STYLE["tol"],
                                 hovertemplate=_hover("tolerance", HOVER_FORMULA["tol"], "t")))
    style_figure(fig, title="Relative error e_t: median and interquartile band over trials", x_title=x_title,
                 y_title="e_t = ‖A − X_{t}Y_{t}^{T}‖² / ‖A‖²", log_x=log_x, height=height)
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
        fig.add_trace(go.Box(x=its[ok], y=[f"{tag} ({int(ok.sum())}/{its.size} reached)"] * int(ok.sum()),
                             name=label, orientation="h", boxpoints="all", jitter=0.5, pointpos=0,
                             marker=dict(color=SERIES[j % len(SERIES)], size=10),
                             line=dict(color=SERIES[j % len(SERIES)], width=2),
                             hovertemplate=f"{html(label)}<br>%{{x:.0f}} iterations<extra></extra>"))
    style_figure(fig, title="Iterations to tolerance (each dot is one trial)", x_title="iterations to tol",
                 y_title="", log_y=False, log_x=True, height=height or 150 + 80 * max(len(runs), 1))
    fig.update_layout(showlegend=False, margin=dict(l=170))
    fig.update_yaxes(autorange="reversed", type="category")
    allv = np.concatenate(reached) if reached else np.zeros(0)
    if allv.size:
        set_log_range(fig, log_range(allv, pad=0.15), axis="x")
    return fig
