"""The reference lines drawn over an experiment's runs (live bound, floor, local rate, GD at time η·t)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import bounds
from ._fits import rate_shape_constant, rate_shape_line

if TYPE_CHECKING:
    from ._run import RunConfig

RATE_SHAPE_LEVEL = 1e-10  # the level the fitted shape is pinned to (the experiments' TOL)
LIVE_HOVER = "e₀ ∏ q_k², q_k = max_i≤r |1 − η σ_i²(X_k+1)| · max(1, |1 − η σ₁²(Y_k)|)"


@dataclass(frozen=True)
class Overlay:
    """A reference line drawn over a run, labelled with its grade and a plain-text formula."""

    label: str
    formula: str
    x: np.ndarray
    y: np.ndarray
    panel: str | None = None  # None: the run's own panel; "excess": the panel of e_t − floor
    dash: str | None = None  # None: the figure's next overlay dash


def thin(n: int, max_points: int = 2000) -> np.ndarray:
    """Indices 0..n-1 to plot: all of them if few, else a union of linear and log spacing (+ last)."""
    if n <= max_points:
        return np.arange(n)
    half = max_points // 2
    idx = np.concatenate([np.linspace(0, n - 1, half), np.geomspace(1, n - 1, half), [0, n - 1]])
    return np.unique(idx.astype(int))


def overlays(cfg: RunConfig, res, problem) -> list[Overlay]:
    out = []
    info = bounds.BOUND_INFO
    if "live_bound" in cfg.overlays and res.live_bound is not None:
        k = thin(len(res.live_bound))
        out.append(Overlay(info["live_bound"].label, LIVE_HOVER, res.t[k], res.live_bound[k]))
    if "as_time" in cfg.overlays:
        k = thin(len(res.t))
        out.append(
            Overlay(
                f"{cfg.label} replotted at time η·t",
                f"time = η × iteration, η = {res.config['step']:g}",
                res.config["step"] * res.t[k],
                res.error[k],
                panel="time",
            )
        )
    if "floor" in cfg.overlays and res.floor > 0:
        k = thin(len(res.t), 200)
        out.append(
            Overlay(
                f"Eckart–Young floor, width {cfg.width}: {res.floor:.3g} (exact)",
                "Σ_{i>d} σ_i²(A) / ‖A‖²_F",
                res.t[k],
                np.full(len(k), res.floor),
            )
        )
    if "rate_shape" in cfg.overlays:
        out.extend(rate_shape_overlay(res, problem.kappa))
    if "excess" in cfg.overlays and res.floor > 0:
        k = thin(len(res.t))
        out.append(
            Overlay(
                f"{cfg.label}: e_t − its floor",
                f"e_t − Σ_i>d σ_i²(A)/‖A‖²_F, floor {res.floor:.4g}",
                res.t[k],
                res.error[k] - res.floor,
                panel="excess",
                dash="solid",
            )
        )
    rate = (
        bounds.local_rate(cfg.algorithm, res.config["step"], problem.sigma_r) if "local_rate" in cfg.overlays else None
    )
    if rate is not None and res.final_error > 0:
        t_end, e_end = res.t[-1], res.final_error
        span = min(t_end, np.log(1e-2 / e_end) / -np.log(rate)) if rate < 1 else 0
        tt = np.linspace(t_end - span, t_end, 50)
        key = {"gd": "local_gd", "scaledgd": "local_scaledgd"}.get(cfg.algorithm, "local_precgd")
        out.append(
            Overlay(
                f"{info[key].label}, slope anchored at the last iterate",
                f"e_t+1/e_t = {rate:.4g}",
                tt,
                e_end * rate ** (tt - t_end),
            )
        )
    return out


def rate_shape_label(c_hat: float) -> str:
    """The legend of the fitted shape: what it is, the fitted constant, and that it is fitted."""
    return f"shape of the paper's rate, T = ĉ·κ²·log(e₀/ε): ĉ = {c_hat:.3g} fitted to this run (not the paper's C)"


def rate_shape_overlay(res, kappa: float) -> list[Overlay]:
    """The paper's κ²·log(1/ε) shape through the run's e₀ and its iteration count to 1e-10 (none if not reached)."""
    T = res.iterations_to_tol
    if T is None or not T > 0:
        return []
    c_hat = rate_shape_constant(float(res.error[0]), T, kappa, RATE_SHAPE_LEVEL)
    end = float(res.t[-1])
    tt = np.unique(np.concatenate([np.linspace(0.0, end, 150), np.geomspace(1.0, max(end, 1.0), 100)]))
    y = rate_shape_line(float(res.error[0]), c_hat, kappa, tt)
    return [Overlay(rate_shape_label(c_hat), f"e₀·exp(−t/(ĉκ²)), ĉ = {c_hat:.4g}, κ = {kappa:g}", tt, y)]
