"""Pure Plotly figure builders for AGD Explorer (never imports streamlit).

Every builder takes results from :func:`agdcore.solve` / :func:`agdcore.solve_trials` and returns a
``plotly.graph_objects.Figure`` styled for a projector: large fonts, the colour-blind-safe
Okabe–Ito palette, log axes for errors and singular values, axis titles with units. Every overlay
(bound) carries its source (paper / derived / exact) in its legend name and its formula in its hover.

Public builders (signatures are stable; other pages import them):

``loss_figure(result, *, overlays=OVERLAYS, title=None)``
    e_t with the live bound, frozen-X prediction, a-priori bound, Eckart–Young floor, tolerance and a
    divergence marker.
``bound_curves(result, overlays=OVERLAYS)``
    The overlays as data (the figure and the CSV download share them).

The singular-value figures are in :mod:`agdcore.plots.spectra`, the many-trials figures of the
Compare page in :mod:`agdcore.plots.trials`; all are re-exported by :mod:`agdcore.plots`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._style import MAX_POINTS, OKABE_ITO, _sci, compact, html, log_range, positive, set_log_range, style_figure, thin
from .observed import is_observed, observed_loss_figure

PESSIMISTIC = 10.0  # a bound whose T(ε) exceeds this × the plotted range is called flat
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


_CITATION = re.compile(r",?\s*docs/theory\.md#[a-z0-9-]+")


def legend_text(name: str) -> str:
    """A bound's legend entry: its name and grade without the section it cites, which its hover and the
    page's "Derivations" links carry (the anchors made each entry two lines and pushed the legend below
    a 1280x720 fold).

    >>> legend_text("a-priori bound (derived, docs/theory.md#a-priori-bound; not the paper's constant)")
    "a-priori bound (derived; not the paper's constant)"
    """
    return _CITATION.sub("", name)


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
        out.append(
            {
                "key": key,
                "name": name,
                "formula": HOVER_FORMULA[key],
                "t": tt,
                "y": np.asarray(y, dtype=float),
                "note": note,
            }
        )

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
    if "floor" in overlays and not is_observed(result):  # Eckart–Young is about the fully observed A
        name = _label(result, "floor", BOUND_INFO["floor"].label)
        if floor > 0:
            add("floor", [floor, floor], name, tt=ends)
        else:
            add("floor", [], name + " = 0: below any log axis", tt=np.array([]), note="zero")
    tol = float(result.config.get("tol", 0.0) or 0.0)
    if "tol" in overlays and tol > 0:
        add("tol", [floor + tol] * 2, f"tolerance: e_t − floor = {tol:.0e} (your setting)", tt=ends)
    return out


def loss_figure(
    result,
    *,
    overlays: Sequence[str] = OVERLAYS,
    title: str | None = None,
    height: int = 520,
    max_points: int = MAX_POINTS,
) -> go.Figure:
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
    that they look flat. A divergent run gets a vertical marker at ``result.diverged_at``. A run on
    observed data (completion, sensing) gets :func:`agdcore.plots.observed.observed_loss_figure`
    instead: its training loss and recovery error, and no bound.
    """
    if is_observed(result):
        fig = observed_loss_figure(result, title=title, height=height, max_points=max_points)
        if result.diverged_at is not None:
            _mark_divergence(fig, result, positive(result.error))
        return fig
    fig = go.Figure()
    x_label = result.x_label
    err = positive(result.error)
    t = np.asarray(result.t, dtype=float)
    idx = thin(len(err), max_points)
    fig.add_trace(
        go.Scatter(
            x=compact(t[idx]),
            y=compact(err[idx]),
            mode="lines",
            name="e_t (observed)",
            line=dict(color=OKABE_ITO["black"], width=3.5),
            connectgaps=True,
            hovertemplate=_hover("e_t (observed)", HOVER_FORMULA["observed"], x_label),
        )
    )
    extra = []
    for c in bound_curves(result, overlays):
        if c["y"].size == 0:  # legend-only note (e.g. a zero floor)
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="lines",
                    name=legend_text(c["name"]),
                    line=_STYLE[c["key"]],
                    hoverinfo="skip",
                )
            )
            continue
        i = thin(len(c["y"]), max_points)
        fig.add_trace(
            go.Scatter(
                x=compact(c["t"][i]),
                y=compact(positive(c["y"][i])),
                mode="lines",
                name=legend_text(c["name"]),
                line=_STYLE[c["key"]],
                hovertemplate=_hover(c["name"], c["formula"], x_label),
            )
        )
        if c["key"] in ("floor", "tol"):
            extra.extend(c["y"])
    style_figure(
        fig,
        title=title or "Relative error e_t",
        x_title=x_label,
        y_title="e_t = ‖A − X_{t}Y_{t}^{T}‖² / ‖A‖²",
        height=height,
        legend_top=False,  # the house legend position (Theory and Paper charts share it; tests pin it)
        wrap=True,  # long legend entries fit a phone-width chart
    )
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
    fig.add_trace(
        go.Scatter(
            x=[tk],
            y=[y],
            mode="markers",
            name=name,
            marker=dict(symbol="x", size=18, color=OKABE_ITO["vermillion"], line=dict(width=2)),
            hovertemplate=f"<b>{name}</b><br>{result.message}<extra></extra>",
        )
    )
