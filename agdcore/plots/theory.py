"""Pure Plotly figures (and the arithmetic they plot) for the Theory and Paper pages.

No Streamlit here. Every figure is projector-readable (≥ 15 px ticks, 20 px titles), uses the
Okabe–Ito colour-blind-safe palette, puts the legend below the plot (never over the data), and
labels every curve with its grade: [paper] verified in Ward & Kolda's text, [derived] proved in
theory.md, [exact] a theorem-free identity, [Monte Carlo] an estimate with its standard error.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import bounds
from .._validation import check_float, check_int

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
FONT = dict(size=17)
V2_LIMIT_2R = 2.0 / (math.sqrt(2.0) - 1.0) ** 2   # d = 2r, r → ∞: ≈ 11.66


def escape_md(text: str) -> str:
    """Escape what Streamlit Markdown would read as emphasis, strikethrough, links or LaTeX in plain text."""
    for ch in ("\\", "_", "*", "~", "$", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def style(fig: go.Figure, title: str, height: int = 520) -> go.Figure:
    """House style: large fonts, white template, legend below the plotting area."""
    fig.update_layout(template="plotly_white", title=dict(text=title, font=dict(size=21)), font=FONT,
                      height=height, margin=dict(l=80, r=30, t=70, b=40), hoverlabel=dict(font_size=15),
                      legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0, font=dict(size=15)))
    fig.update_xaxes(tickfont=dict(size=15), title_font=dict(size=17), showline=True, linecolor="#444", mirror=True)
    fig.update_yaxes(tickfont=dict(size=15), title_font=dict(size=17), showline=True, linecolor="#444", mirror=True,
                     exponentformat="power")
    return fig


def log_ticks(lo: float, hi: float) -> dict:
    """Tick settings for a log axis: whole decades (every 2nd/3rd when it spans many), never cluttered 2…9 labels."""
    span = math.log10(max(hi, 1e-300) / max(lo, 1e-300))
    return {"dtick": 3 if span > 15 else 2 if span > 8 else 1} if span >= 1.5 else {"dtick": "D2"}


# ---------------------------------------------------------------------- calculator
def calculator(r, d, kappa, C, nu, theta, eps, e0) -> dict:
    """ρ, the over-parameterization factors, the derived a-priori rate and T(ε) (Cor. D5/D6).

    Raises ``ValueError`` naming the offending input and its allowed range.
    """
    r = check_int(r, "r", 1, 100_000)
    d = check_int(d, "d", r, 10_000_000)
    kappa = check_float(kappa, "κ", 1.0, 1e8)
    C = check_float(C, "C", 0.0, 1e6, lo_open=True)
    nu = check_float(nu, "ν", 0.0, 1.0, lo_open=True)
    theta = check_float(theta, "θ", 0.0, 1.0, hi_open=True)
    e0 = check_float(e0, "e₀", 0.0, 1e6, lo_open=True)
    eps = check_float(eps, "ε", 0.0, e0, lo_open=True, hi_open=True)
    rho = bounds.rho(nu, d, r)
    a2 = (1 - theta) ** 2 * rho ** 2 / (C ** 2 * kappa ** 2)
    f2 = bounds.overparam_factor(d, r)
    c_prime = C ** 2 / (2 * (1 - theta) ** 2 * nu ** 2)
    return {"r": r, "d": d, "d/r": d / r, "rho": rho, "v2": f2,
            "v1": bounds.overparam_factor(d, r, "v1"), "a2": a2, "rate": (1 - a2) ** 2, "one_minus_rate": a2 * (2 - a2),
            "T": t_derived(a2, e0, eps), "C_prime": c_prime,
            "T_closed": c_prime * f2 * kappa ** 2 * math.log(e0 / eps) + 1}


def t_derived(a2, e0: float, eps: float):
    """⌈log(e₀/ε) / (−2 log(1 − a²))⌉ with log1p, so tiny a² (huge κ) stays accurate; works on arrays."""
    return np.ceil(np.log(e0 / eps) / (-2.0 * np.log1p(-np.asarray(a2, dtype=float))))


def _a2(rho, C, kappa, theta):
    return (1 - theta) ** 2 * rho ** 2 / (C ** 2 * np.asarray(kappa, dtype=float) ** 2)


def _line(fig: go.Figure, x, y, name: str, color: int, hover: str, *, width: float = 4, dash: str = "solid") -> None:
    """One labelled line; ``hover`` (the formula) shows in the tooltip next to the point's value."""
    fig.add_scatter(x=x, y=y, mode="lines", name=name, line=dict(color=OKABE_ITO[color], width=width, dash=dash),
                    hovertemplate=f"x = %{{x:.4g}}<br>y = %{{y:.4g}}<extra>{hover}</extra>")


def _you(fig: go.Figure, x: float, y: float, name: str) -> None:
    fig.add_scatter(x=[x], y=[y], mode="markers", name=name, hovertemplate="%{x:.4g}, T = %{y:,.0f}<extra>your input</extra>",
                    marker=dict(size=16, color=OKABE_ITO[1], symbol="diamond", line=dict(width=2, color="black")))


T_HOVER = "T = ⌈log(e₀/ε) / (−2 log(1 − (1−θ)²ρ²/(C²κ²)))⌉, derived (Cor. D6)"


def t_vs_kappa_figure(r: int, d: int, C: float, nu: float, theta: float, eps: float, e0: float,
                      kappa_now: float) -> go.Figure:
    """Derived T(ε) against κ on log–log axes, with its fitted slope and a κ³ slope guide."""
    kap = np.geomspace(1.0, max(1e4, 10 * kappa_now), 200)
    rho = bounds.rho(nu, d, r)
    T = t_derived(_a2(rho, C, kap, theta), e0, eps)
    slope = float(np.polyfit(np.log(kap[100:]), np.log(T[100:]), 1)[0])
    fig = go.Figure()
    _line(fig, kap, T, f"T(ε), a-priori (derived, Cor. D6) — slope {slope:.2f}", 0, T_HOVER)
    _line(fig, kap, T[0] * kap ** 3, "κ³ slope guide (JCD22 shape, as quoted by W&K) — slope only, constant unknown", 3,
          "T(κ = 1) · κ³: a slope guide, not a bound", width=3, dash="dot")
    t_now = float(t_derived(_a2(rho, C, kappa_now, theta), e0, eps))
    _you(fig, kappa_now, t_now, f"your κ = {kappa_now:g}: T = {t_now:,.0f}")
    fig.update_xaxes(type="log", title_text="condition number κ = σ₁/σ_r (log scale)", **log_ticks(1.0, kap[-1]))
    fig.update_yaxes(type="log", title_text="iterations T(ε) (log scale)", **log_ticks(T.min(), T[0] * kap[-1] ** 3))
    return style(fig, f"T(ε) grows like κ² (d = {d}, r = {r}, C = {C:g}, ν = {nu:g}, θ = {theta:g}, ε = {eps:g})")


def t_vs_ratio_figure(r: int, kappa: float, C: float, nu: float, theta: float, eps: float, e0: float,
                      ratio_now: float) -> go.Figure:
    """Derived T(ε) against d/r for fixed r, with its d/r → ∞ limit and the current d marked."""
    d = _grid(r, 20 * r)
    rho = nu * (np.sqrt(d) - np.sqrt(r - 1)) / np.sqrt(d)
    T = t_derived(_a2(rho, C, kappa, theta), e0, eps)
    lim = float(t_derived(_a2(nu, C, kappa, theta), e0, eps))
    d_now = int(round(ratio_now * r))
    t_now = float(t_derived(_a2(bounds.rho(nu, d_now, r), C, kappa, theta), e0, eps))
    fig = go.Figure()
    _line(fig, d / r, T, "T(ε), a-priori (derived, Cor. D6)", 0, T_HOVER)
    _line(fig, [1, 20], [lim, lim], f"limit d/r → ∞ (ρ → ν): T = {lim:,.0f}", 6, "T with ρ = ν (d/r → ∞)", width=2,
          dash="dash")
    _you(fig, d_now / r, t_now, f"your d = {d_now}: T = {t_now:,.0f}")
    fig.update_xaxes(title_text="over-parameterization d/r")
    fig.update_yaxes(type="log", title_text="iterations T(ε) (log scale)", **log_ticks(min(lim, T.min()), T.max()))
    return style(fig, f"T(ε) against d/r (r = {r}, κ = {kappa:g}): most of the gain is by d = 2r")


def delta_table(nus, d: int, r: int, n_samples: int = 20_000, seed: int = 0) -> dict:
    """Monte-Carlo δ(ν) = P[σ_r(VᵀΦ₁) < ρ(ν)] with its binomial standard error (agdcore.bounds.delta_mc)."""
    nus = np.asarray(nus, dtype=float)
    p = np.array([bounds.delta_mc(float(v), d, r, n_samples, seed) for v in nus])
    return {"nu": nus, "delta": p, "se": np.sqrt(p * (1 - p) / n_samples), "n": n_samples, "d": d, "r": r}


def delta_figure(table: dict) -> go.Figure:
    """δ against ν on a log axis with ±1 standard-error bars; zero counts drawn as a 3/N upper bound."""
    nu, p, se, n = table["nu"], table["delta"], table["se"], table["n"]
    hit = p > 0
    minus = np.minimum(se, 0.8 * p)[hit]   # a log axis cannot show δ − SE ≤ 0: cut the whisker at 0.2·δ
    cut = " (lower bar cut at 0.2·δ where δ − SE ≤ 0.2·δ)" if np.any(minus < se[hit]) else ""
    fig = go.Figure()
    fig.add_scatter(x=nu[hit], y=p[hit], mode="lines+markers", name=f"δ (Monte Carlo, N = {n:,}) ± 1 standard error{cut}",
                    error_y=dict(type="data", array=se[hit], arrayminus=minus, thickness=2, width=6),
                    line=dict(color=OKABE_ITO[0], width=3), marker=dict(size=10),
                    hovertemplate="ν = %{x:.3g}<br>δ ≈ %{y:.3g}<extra>P[σ_r(VᵀΦ₁) < ρ(ν)], SE = √(δ(1−δ)/N)</extra>")
    if (~hit).any():
        fig.add_scatter(x=nu[~hit], y=np.full((~hit).sum(), 3.0 / n), mode="markers",
                        marker=dict(size=13, symbol="triangle-down", color=OKABE_ITO[3]),
                        name=f"0 of {n:,} samples: δ < 3/N (95% upper bound)",
                        hovertemplate="ν = %{x:.3g}<br>no sample below ρ<extra>rule of three: δ < 3/N</extra>")
    fig.update_xaxes(title_text="confidence parameter ν (ρ = ν(√d − √(r−1))/√d)")
    shown = np.concatenate([p[hit] - minus, p[hit] + se[hit], [3.0 / n] if (~hit).any() else []])
    fig.update_yaxes(type="log", title_text="failure probability δ (log scale)",
                     **log_ticks(shown[shown > 0].min(initial=1.0), shown.max(initial=1.0)))
    return style(fig, f"δ = P[σ_r(VᵀΦ₁) < ρ] by Monte Carlo (d = {table['d']}, r = {table['r']})")


def overparam_figure(r: int, d_max: int | None = None) -> go.Figure:
    """The two versions' factors d/(d−r) (v1) and d/(√d−√(r−1))² (v2) against d, limits marked."""
    r = check_int(r, "r", 1, 100_000)
    d_max = max(4 * r, 40) if d_max is None else check_int(d_max, "d_max", r + 1)
    d = _grid(r, d_max)
    v2 = d / (np.sqrt(d) - np.sqrt(r - 1)) ** 2
    v1 = np.where(d > r, d / np.maximum(d - r, 1), np.nan)
    fig = go.Figure()
    _line(fig, d, v2, "v2 / NeurIPS: d/(√d − √(r−1))² (paper)", 0, "d/(√d − √(r−1))², paper v2 [V]")
    _line(fig, d, v1, "v1: d/(d − r) (paper)", 1, "d/(d − r), paper v1 [V]", dash="dash")
    _line(fig, [r, d_max], [V2_LIMIT_2R] * 2, "v2 at d = 2r as r → ∞: 2/(√2−1)² ≈ 11.66 (exact limit)", 3,
          "lim 2r/(√(2r) − √(r−1))² = 2/(√2 − 1)²", width=3, dash="dot")
    _line(fig, [r, d_max], [1, 1], "both → 1 as d/r → ∞ (exact limit)", 6, "both factors → 1", width=2, dash="dashdot")
    if 2 * r <= d_max:
        f2 = bounds.overparam_factor(2 * r, r)
        fig.add_scatter(x=[2 * r, 2 * r], y=[f2, 2.0], mode="markers+text", text=[f"{f2:.2f}", "2"], textposition="top right",
                        textfont=dict(size=16), marker=dict(size=14, color=OKABE_ITO[2], line=dict(width=2)),
                        name=f"d = 2r = {2 * r}: v2 = {f2:.2f}, v1 = 2", hovertemplate="d = %{x}: %{y:.4g}<extra>d = 2r</extra>")
    fig.update_xaxes(title_text=f"factor width d (r = {r})")
    fig.update_yaxes(type="log", title_text="factor in T (log scale)", **log_ticks(1.0, max(v2.max(), V2_LIMIT_2R)))
    return style(fig, f"Over-parameterization factor of the paper's two versions (r = {r})")


# ---------------------------------------------------------------------- Paper page
E_TITLE = "e<sub>t</sub> = ‖A − XY<sup>T</sup>‖<sub>F</sub><sup>2</sup> / ‖A‖<sub>F</sub><sup>2</sup> (log scale)"


def experiment_figure(outcome, title: str, x_log: bool = False) -> go.Figure:
    """e_t of every run and its overlays; gradient-flow runs (and time overlays) get their own time-axis panel."""
    runs = outcome.runs
    used = {r.config.panel for r in runs} | {o.panel for r in runs for o in r.overlays if o.panel}
    panels = [p for p in ("iteration", "time") if p in used] or ["iteration"]
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.1,
                        subplot_titles=[("x-axis: time t" if p == "time" else "x-axis: iteration t") for p in panels]
                        if len(panels) > 1 else None)
    for i, run in enumerate(runs):
        color = OKABE_ITO[i % len(OKABE_ITO)]
        col = panels.index(run.config.panel) + 1
        x, y = _positive(run.x, run.y, x_log)
        unit = "time t" if run.config.panel == "time" else "iteration t"
        fig.add_scatter(x=x, y=y, name=f"{run.config.label} [{run.config.source}]", mode="lines+markers" if len(x) < 60 else "lines",
                        line=dict(color=color, width=3.5), marker=dict(size=8), row=1, col=col,
                        hovertemplate=f"{unit} = %{{x:.4g}}<br>e_t = %{{y:.3e}}<extra>{run.config.label}</extra>")
        for j, ov in enumerate(run.overlays):
            ocol = panels.index(ov.panel or run.config.panel) + 1
            ounit = "time t" if (ov.panel or run.config.panel) == "time" else "iteration t"
            ox, oy = _positive(ov.x, ov.y, x_log)
            fig.add_scatter(x=ox, y=oy, mode="lines", name=ov.label, line=dict(color=color, width=2.5, dash=DASHES[1 + j % 4]),
                            row=1, col=ocol, hovertemplate=f"{ounit} = %{{x:.4g}}<br>%{{y:.3e}}<extra>{ov.formula}</extra>")
    for c, p in enumerate(panels, start=1):
        xt = "time t (gradient flow; GD at t = η × iteration)" if p == "time" else "iteration t"
        whole = p == "iteration" and not x_log and max((r.x[-1] for r in runs if r.config.panel == p), default=0) <= 12
        xmax = max((float(r.x[-1]) for r in runs if r.config.panel == p), default=10.0)
        dtick = log_ticks(1.0, xmax)["dtick"] if x_log else (1 if whole else None)
        fig.update_xaxes(title_text=xt + (" (log scale)" if x_log else ""), type="log" if x_log else "linear",
                         dtick=dtick, row=1, col=c)
        fig.update_yaxes(type="log", dtick=log_ticks(1.0, 10 ** _decades(runs))["dtick"], title_text=E_TITLE if c == 1 else None,
                         row=1, col=c)
    fig = style(fig, title, height=580)
    fig.update_annotations(font_size=17)
    return fig


def _decades(runs) -> float:
    ys = np.concatenate([np.asarray(r.y, dtype=float) for r in runs] or [np.ones(1)])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    return float(np.log10(ys.max() / ys.min())) if ys.size else 0.0


def _grid(lo: int, hi: int, n: int = 400) -> np.ndarray:
    """Integers from lo to hi: all of them when few, else about n log-spaced ones (ends included)."""
    if hi - lo <= n:
        return np.arange(lo, hi + 1)
    return np.unique(np.concatenate([np.geomspace(lo, hi, n).round(), [lo, min(2 * lo, hi), hi]])).astype(int)


def _positive(x, y, x_log: bool):
    """Drop points a log axis cannot show (y ≤ 0 or NaN; x ≤ 0 on a log x-axis)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y) & (y > 0) & ((x > 0) if x_log else True)
    return x[keep], y[keep]
