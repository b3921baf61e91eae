"""Pure Plotly figures for the Theory and Paper pages (the arithmetic they plot is in :mod:`agdcore.bounds`).

No Streamlit here. The house style is :mod:`agdcore.plots._style`'s, as on Explore: every figure
is projector-readable (≥ 15 px ticks, 20 px titles), uses the Okabe–Ito colour-blind-safe palette,
puts the legend below the plot (never over the data), and labels every curve with its grade:
[paper] verified in Ward & Kolda's text, [derived] proved in docs/theory.md, [exact] a theorem-free identity, [Monte Carlo] an estimate with its standard error.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .. import bounds
from .._validation import check_int
from ._style import OKABE_ITO, house_layout, log_range, positive, set_log_range
from .experiment import DASHES, E_TITLE, RECOVERY_TITLE, experiment_figure  # noqa: F401  (Paper page; kept here for old callers)

V2_LIMIT_2R = 2.0 / (math.sqrt(2.0) - 1.0) ** 2  # d = 2r, r → ∞: ≈ 11.66


def escape_md(text: str) -> str:
    """Deprecated copy of :func:`agdui.style.md_escape` (the core cannot import agdui), same characters.

    Kept only because pages/paper.py still calls ``tp.escape_md``; new code uses ``agdui.style.md_escape``.
    """
    for ch in ("\\", "*", "_", "$", "[", "]", "`", "~"):
        text = str(text).replace(ch, "\\" + ch)
    return text


def style(fig: go.Figure, title: str, height: int = 520) -> go.Figure:
    """The house style of :mod:`agdcore.plots._style` (as on Explore), axis titles and types left as set."""
    return house_layout(fig, title=title, height=height)


def _log_axis(fig: go.Figure, axis: str, values, pad: float = 0.1, **where) -> None:
    """Log type, a range covering ``values`` and the house log ticks (:func:`agdcore.plots.set_log_range`)."""
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(type="log", **where)
    set_log_range(fig, log_range(values, pad=pad), axis, **where)


# ---------------------------------------------------------------------- calculator
def calculator(r, d, kappa, C, nu, theta, eps, e0) -> dict:
    """The Theory page's calculator: :func:`agdcore.bounds.a_priori_calculator` (kept here for old callers)."""
    return bounds.a_priori_calculator(r, d, kappa, C, nu, theta, eps, e0)


def _line(fig: go.Figure, x, y, name: str, color: str, hover: str, *, width: float = 4, dash: str = "solid") -> None:
    """One labelled line (``color`` an Okabe–Ito name); ``hover`` (the formula) shows in the tooltip."""
    fig.add_scatter(
        x=x,
        y=y,
        mode="lines",
        name=name,
        line=dict(color=OKABE_ITO[color], width=width, dash=dash),
        hovertemplate=f"x = %{{x:.4g}}<br>y = %{{y:.4g}}<extra>{hover}</extra>",
    )


def _you(fig: go.Figure, x: float, y: float, name: str) -> None:
    fig.add_scatter(
        x=[x],
        y=[y],
        mode="markers",
        name=name,
        hovertemplate="%{x:.4g}, T = %{y:,.0f}<extra>your input</extra>",
        marker=dict(size=16, color=OKABE_ITO["orange"], symbol="diamond", line=dict(width=2, color="black")),
    )


T_HOVER = "T = ⌈log(e₀/ε) / (−2 log(1 − (1−θ)²ρ²/(C²κ²)))⌉, derived (docs/theory.md#iterations-bound)"


def t_vs_kappa_figure(
    r: int, d: int, C: float, nu: float, theta: float, eps: float, e0: float, kappa_now: float
) -> go.Figure:
    """Derived T(ε) against κ on log–log axes, with its fitted slope and a κ³ slope guide."""
    kap = np.geomspace(1.0, max(1e4, 10 * kappa_now), 200)
    rho = bounds.rho(nu, d, r)
    T = bounds.T_a_priori(rho, C, kap, e0, eps, theta)
    slope = float(np.polyfit(np.log(kap[100:]), np.log(T[100:]), 1)[0])
    fig = go.Figure()
    _line(
        fig, kap, T, f"T(ε), a-priori (derived, docs/theory.md#iterations-bound) — slope {slope:.2f}", "blue", T_HOVER
    )
    _line(
        fig,
        kap,
        T[0] * kap**3,
        "κ³ slope guide (JCD22 shape, as quoted by W&K) — slope only, constant unknown",
        "vermillion",
        "T(κ = 1) · κ³: a slope guide, not a bound",
        width=3,
        dash="dot",
    )
    t_now = bounds.T_a_priori(rho, C, kappa_now, e0, eps, theta)
    _you(fig, kappa_now, t_now, f"your κ = {kappa_now:g}: T = {t_now:,.0f}")
    style(fig, f"T(ε) grows like κ² (d = {d}, r = {r}, C = {C:g}, ν = {nu:g}, θ = {theta:g}, ε = {eps:g})")
    fig.update_xaxes(title_text="condition number κ = σ₁/σ_r (log scale)")
    fig.update_yaxes(title_text="iterations T(ε) (log scale)")
    _log_axis(fig, "x", [1.0, kap[-1]], pad=0.0)
    _log_axis(fig, "y", [T.min(), T[0] * kap[-1] ** 3])
    return fig


def t_vs_ratio_figure(
    r: int, kappa: float, C: float, nu: float, theta: float, eps: float, e0: float, ratio_now: float
) -> go.Figure:
    """Derived T(ε) against d/r for fixed r, with its d/r → ∞ limit and the current d marked."""
    d = _grid(r, 20 * r)
    T = bounds.T_a_priori(bounds.rho_values(nu, d, r), C, kappa, e0, eps, theta)
    lim = bounds.T_a_priori(nu, C, kappa, e0, eps, theta)
    d_now = int(round(ratio_now * r))
    t_now = bounds.T_a_priori(bounds.rho(nu, d_now, r), C, kappa, e0, eps, theta)
    fig = go.Figure()
    _line(fig, d / r, T, "T(ε), a-priori (derived, docs/theory.md#iterations-bound)", "blue", T_HOVER)
    _line(
        fig,
        [1, 20],
        [lim, lim],
        f"limit d/r → ∞ (ρ → ν): T = {lim:,.0f}",
        "black",
        "T with ρ = ν (d/r → ∞)",
        width=2,
        dash="dash",
    )
    _you(fig, d_now / r, t_now, f"your d = {d_now}: T = {t_now:,.0f}")
    style(fig, f"T(ε) against d/r (r = {r}, κ = {kappa:g}): most of the gain is by d = 2r")
    fig.update_xaxes(title_text="over-parameterization d/r")
    fig.update_yaxes(title_text="iterations T(ε) (log scale)")
    _log_axis(fig, "y", [min(lim, T.min()), T.max()])
    return fig


def delta_table(nus, d: int, r: int, n_samples: int = 20_000, seed: int = 0) -> dict:
    """Monte-Carlo δ(ν) = P[σ_r(VᵀΦ₁) < ρ(ν)] with its binomial standard error (agdcore.bounds.delta_mc)."""
    nus = np.asarray(nus, dtype=float)
    p = np.array([bounds.delta_mc(float(v), d, r, n_samples, seed) for v in nus])
    return {"nu": nus, "delta": p, "se": np.sqrt(p * (1 - p) / n_samples), "n": n_samples, "d": d, "r": r}


def delta_figure(table: dict) -> go.Figure:
    """δ against ν on a log axis with ±1 standard-error bars; zero counts drawn as a 3/N upper bound."""
    nu, p, se, n = table["nu"], table["delta"], table["se"], table["n"]
    hit = p > 0
    minus = np.minimum(se, 0.8 * p)[hit]  # a log axis cannot show δ − SE ≤ 0: cut the whisker at 0.2·δ
    cut = " (lower bar cut at 0.2·δ where δ − SE ≤ 0.2·δ)" if np.any(minus < se[hit]) else ""
    fig = go.Figure()
    fig.add_scatter(
        x=nu[hit],
        y=p[hit],
        mode="lines+markers",
        name=f"δ (Monte Carlo, N = {n:,}) ± 1 standard error{cut}",
        error_y=dict(type="data", array=se[hit], arrayminus=minus, thickness=2, width=6),
        line=dict(color=OKABE_ITO["blue"], width=3),
        marker=dict(size=10),
        hovertemplate="ν = %{x:.3g}<br>δ ≈ %{y:.3g}<extra>P[σ_r(VᵀΦ₁) < ρ(ν)], SE = √(δ(1−δ)/N)</extra>",
    )
    if (~hit).any():
        fig.add_scatter(
            x=nu[~hit],
            y=np.full((~hit).sum(), 3.0 / n),
            mode="markers",
            marker=dict(size=13, symbol="triangle-down", color=OKABE_ITO["vermillion"]),
            name=f"0 of {n:,} samples: δ < 3/N (95% upper bound)",
            hovertemplate="ν = %{x:.3g}<br>no sample below ρ<extra>rule of three: δ < 3/N</extra>",
        )
    style(fig, f"δ = P[σ_r(VᵀΦ₁) < ρ] by Monte Carlo (d = {table['d']}, r = {table['r']})")
    fig.update_xaxes(title_text="confidence parameter ν (ρ = ν(√d − √(r−1))/√d)")
    fig.update_yaxes(title_text="failure probability δ (log scale)")
    shown = np.concatenate([p[hit] - minus, p[hit] + se[hit], [3.0 / n] if (~hit).any() else []])
    _log_axis(fig, "y", shown if np.any(shown > 0) else [1.0])
    return fig


def overparam_figure(r: int, d_max: int | None = None) -> go.Figure:
    """The two versions' factors d/(d−r) (v1) and d/(√d−√(r−1))² (v2) against d, limits marked."""
    r = check_int(r, "r", 1, 100_000)
    d_max = max(4 * r, 40) if d_max is None else check_int(d_max, "d_max", r + 1)
    d = _grid(r, d_max)
    v2 = bounds.overparam_values(d, r)
    v1 = positive(bounds.overparam_values(d, r, "v1"))  # ∞ at d = r: not drawn
    fig = go.Figure()
    _line(fig, d, v2, "v2 / NeurIPS: d/(√d − √(r−1))² (paper)", "blue", "d/(√d − √(r−1))², paper v2 [V]")
    _line(fig, d, v1, "v1: d/(d − r) (paper)", "orange", "d/(d − r), paper v1 [V]", dash="dash")
    _line(
        fig,
        [r, d_max],
        [V2_LIMIT_2R] * 2,
        "v2 at d = 2r as r → ∞: 2/(√2−1)² ≈ 11.66 (exact limit)",
        "vermillion",
        "lim 2r/(√(2r) − √(r−1))² = 2/(√2 − 1)²",
        width=3,
        dash="dot",
    )
    _line(
        fig,
        [r, d_max],
        [1, 1],
        "both → 1 as d/r → ∞ (exact limit)",
        "black",
        "both factors → 1",
        width=2,
        dash="dashdot",
    )
    if 2 * r <= d_max:
        f2 = bounds.overparam_factor(2 * r, r)
        fig.add_scatter(
            x=[2 * r, 2 * r],
            y=[f2, 2.0],
            mode="markers+text",
            text=[f"{f2:.2f}", "2"],
            textposition="top right",
            textfont=dict(size=16),
            marker=dict(size=14, color=OKABE_ITO["green"], line=dict(width=2)),
            name=f"d = 2r = {2 * r}: v2 = {f2:.2f}, v1 = 2",
            hovertemplate="d = %{x}: %{y:.4g}<extra>d = 2r</extra>",
        )
    style(fig, f"Over-parameterization factor of the paper's two versions (r = {r})")
    fig.update_xaxes(title_text=f"factor width d (r = {r})")
    fig.update_yaxes(title_text="factor in T (log scale)")
    _log_axis(fig, "y", [1.0, max(v2.max(), V2_LIMIT_2R)])
    return fig


def _grid(lo: int, hi: int, n: int = 400) -> np.ndarray:
    """Integers from lo to hi: all of them when few, else about n log-spaced ones (ends included)."""
    if hi - lo <= n:
        return np.arange(lo, hi + 1)
    return np.unique(np.concatenate([np.geomspace(lo, hi, n).round(), [lo, min(2 * lo, hi), hi]])).astype(int)
