"""The loss chart of a run on observed data (matrix completion or sensing): the training loss on what
was observed and the recovery error against the truth, on one log axis, so that over-fitting (the
training loss falls, the recovery error does not) and implicit regularization are visible at a glance.

No Ward–Kolda bound is drawn: the guarantee is for the fully observed problem (``problem.why_no_theory``
says why, in one line; the page shows it under the chart).

``observed_loss_figure(result, *, title=None, height=520, max_points=MAX_POINTS)``
    Training loss, recovery error, the recovery threshold and the tolerance.
``is_observed(result)``
    Whether a result (or trials result) comes from a completion or sensing problem.
``curve_names(result)``
    The legend names of the two curves (shared with the page's captions and the CSV columns).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .._observed import RECOVERY_TOL
from ._style import MAX_POINTS, OKABE_ITO, html, log_range, positive, set_log_range, style_figure, thin

OBSERVED_KINDS = ("completion", "sensing")
TRAINING_FORMULA = {
    "completion": "‖P_Ω(A − X_tY_tᵀ)‖² / ‖P_Ω(A)‖²  (only the entries in Ω)",
    "sensing": "‖𝒜(X_tY_tᵀ) − b‖² / ‖b‖²  (the p measurements b = 𝒜(M★) + noise)",
}
RECOVERY_FORMULA = {
    "M★": "‖X_tY_tᵀ − M★‖²_F / ‖M★‖²_F  (the whole matrix, never seen by the solver)",
    "held-out entries": "‖P_Ωᶜ(X_tY_tᵀ − A)‖² / ‖P_Ωᶜ(A)‖²  (the entries outside Ω)",
}


def is_observed(result) -> bool:
    """True for a run (or trials) on a completion or sensing problem."""
    return (getattr(result, "config", None) or {}).get("observe") in OBSERVED_KINDS


def curve_names(result) -> dict:
    """``{"training": ..., "recovery": ...}``: the legend names of the two curves."""
    cfg = result.config or {}
    where = "observed entries" if cfg.get("observe") == "completion" else "observed measurements"
    if cfg.get("recovery") == "held-out entries":
        rec = "recovery error on the held-out entries ‖P_Ωᶜ(XYᵀ − A)‖²/‖P_Ωᶜ(A)‖²"
    else:
        rec = "recovery error ‖XYᵀ − M★‖²/‖M★‖²"
    return {"training": f"training loss on the {where}", "recovery": rec}


def _hover(name: str, formula: str, x_label: str) -> str:
    return f"<b>{html(name)}</b><br>{html(formula)}<br>{x_label} = %{{x:.4g}}<br>value = %{{y:.3e}}<extra></extra>"


def observed_loss_figure(
    result, *, title: str | None = None, height: int = 520, max_points: int = MAX_POINTS
) -> go.Figure:
    """Training loss and recovery error of one run on observed data, on a log axis.

    Parameters
    ----------
    result : agdcore.Result
        A run (or a live snapshot) on a completion or sensing problem.
    title : str, optional
        Defaults to "Training loss and recovery error".
    height, max_points : int
        Figure height in pixels; points per trace sent to the browser.

    Notes
    -----
    The recovery error is drawn where it was evaluated (every iteration when that is cheap, else at the
    recorded iterates), as markers joined by a line. A horizontal line marks the recovery threshold
    (≤ 1e-3 counts as recovered) and one the stopping tolerance (on the training loss).
    """
    cfg = result.config or {}
    names = curve_names(result)
    x_label = result.x_label
    t = np.asarray(result.t, dtype=float)
    train = positive(result.error)
    fig = go.Figure()
    idx = thin(len(train), max_points)
    fig.add_trace(
        go.Scatter(
            x=t[idx],
            y=train[idx],
            mode="lines",
            name=names["training"],
            line=dict(color=OKABE_ITO["black"], width=3.5),
            connectgaps=True,
            hovertemplate=_hover(names["training"], TRAINING_FORMULA.get(cfg.get("observe"), ""), x_label),
        )
    )
    rec = positive(result.recovery_error if result.recovery_error is not None else [])
    have = np.nonzero(np.isfinite(rec))[0]
    have = have[thin(have.size, max_points)] if have.size else have
    fig.add_trace(
        go.Scatter(
            x=t[have] if have.size else [None],
            y=rec[have] if have.size else [None],
            mode="lines+markers" if 0 < have.size <= 150 else "lines",
            name=names["recovery"] + ("" if have.size else " (not evaluated)"),
            line=dict(color=OKABE_ITO["vermillion"], width=3.5, dash="solid"),
            marker=dict(size=6, color=OKABE_ITO["vermillion"]),
            hovertemplate=_hover(names["recovery"], RECOVERY_FORMULA.get(cfg.get("recovery"), ""), x_label),
        )
    )
    ends = [float(t[0]), float(t[-1])] if t.size else [0.0, 1.0]
    extra = [RECOVERY_TOL]
    fig.add_trace(
        go.Scatter(
            x=ends,
            y=[RECOVERY_TOL] * 2,
            mode="lines",
            name=f"recovered: recovery error ≤ {RECOVERY_TOL:g}",
            line=dict(color=OKABE_ITO["vermillion"], dash="dot", width=2),
            hovertemplate=_hover("recovery threshold", "recovery error ≤ 1e-3 counts as recovered", x_label),
        )
    )
    tol = float(cfg.get("tol", 0.0) or 0.0)
    if tol > 0:
        extra.append(tol)
        fig.add_trace(
            go.Scatter(
                x=ends,
                y=[tol] * 2,
                mode="lines",
                name=f"tolerance {tol:.0e} on the training loss",
                line=dict(color="#6b6b6b", dash="dot", width=2),
                hovertemplate=_hover("tolerance", "the run stops when the training loss ≤ tol", x_label),
            )
        )
    style_figure(
        fig,
        title=title or "Training loss and recovery error",
        x_title=x_label,
        y_title="relative error (log scale)",
        height=height,
    )
    values = np.concatenate([train[np.isfinite(train)], rec[np.isfinite(rec)], np.asarray(extra, dtype=float)])
    set_log_range(fig, log_range(values))
    return fig
