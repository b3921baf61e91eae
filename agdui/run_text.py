"""Text about one run computed from the run itself (pure functions: no streamlit calls, unit-tested).

The captions under the singular-value charts state what the shown run did (which factor started
larger, how it grew), not what the Ward–Kolda start does for a small step; the observed-data lines
give the number of observations against the degrees of freedom and why no bound is drawn.
"""

from __future__ import annotations

import numpy as np

import agdcore as agd
from agdcore.plots.observed import is_observed
from agdcore.plots.spectra import split_roundoff

from .settings import degrees_of_freedom


def _relation(a: float, b: float) -> str:
    """ "smaller than" / "larger than" / "about as large as" for a against b (a factor 2 either way)."""
    if not (np.isfinite(a) and np.isfinite(b)) or b <= 0:
        return "not comparable with"
    ratio = a / b
    return "smaller than" if ratio < 0.5 else ("larger than" if ratio > 2 else "about as large as")


def _trend(v0: float, v1: float) -> str:
    if not (np.isfinite(v0) and np.isfinite(v1)):
        return "ends non-finite"
    if v1 > 1.05 * v0:
        return f"grows to {v1:.3g}"
    if v1 < v0 / 1.05:
        return f"shrinks to {v1:.3g}"
    return f"stays near {v1:.3g}"


def factor_captions(result) -> tuple[str, str]:
    """Captions of the Y and X singular-value charts, read off the run's first and last records."""
    if not len(result.record_index):
        return "All $d$ singular values of $Y_t$.", "All $d$ singular values of $X_t$."
    sx, sy = np.asarray(result.sv_x, dtype=float), np.asarray(result.sv_y, dtype=float)
    x0, y0 = float(np.nanmax(sx[0])), float(np.nanmax(sy[0]))
    x1, y1 = float(np.nanmax(sx[-1])), float(np.nanmax(sy[-1]))
    wk = result.config.get("init") == "ward-kolda"
    y_cap = (
        rf"All $d$ singular values of $Y_t$. In this run $Y_0$ starts {_relation(y0, x0)} $X_0$ "
        rf"($\sigma_1(Y_0)$ = {y0:.3g} vs $\sigma_1(X_0)$ = {x0:.3g}); $\sigma_1(Y_t)$ {_trend(y0, y1)}."
    )
    if wk and not y0 < x0 / 2:
        y_cap += (
            r" The Ward–Kolda start makes $X_0$ the large factor only for a small step "
            r"($X_0 \propto 1/\sqrt\eta$, $Y_0 \propto \sqrt\eta$)."
        )
    x_cap = rf"Singular values of $X_t$: $\sigma_1(X_t)$ starts at {x0:.3g} and {_trend(x0, x1)}."
    _, small = split_roundoff(sx)
    if wk and not is_observed(result) and small.any():
        k = int(small.sum())
        x_cap += (
            rf" With the Ward–Kolda init $X_t$ stays in $\operatorname{{col}}(A)$: {k} of its $d$ = {sx.shape[1]} singular "
            "values stay at round-off level."
        )
    return y_cap, x_cap


def observations_text(problem) -> str:
    """ "|Ω| = 1,810 observed entries vs r(m+n−r) = 236 degrees of freedom (7.67×)" (or measurements)."""
    m, n = problem.shape
    dof = degrees_of_freedom(m, n, problem.rank)
    obs = problem.observation()
    if obs.get("observe") == "completion":
        count, what = int(obs["n_observed"]), "|Ω| = {:,} observed entries"
    else:
        count, what = int(obs["measurements"]), "p = {:,} Gaussian measurements"
    return f"{what.format(count)} vs r(m+n−r) = {dof:,} degrees of freedom ({count / max(dof, 1):.3g}×)"


def observed_caption(result, problem, inits=None) -> str:
    """The line under the loss chart of an observed run: why no bound, the counts, and the label of
    every init used (``inits``, default the run's) that carries a caveat on such data (Ward–Kolda)."""
    text = f"Why no bound is drawn: {problem.why_no_theory}. {observations_text(problem)}."
    for init in dict.fromkeys(inits if inits is not None else [result.config.get("init")]):
        entry = agd.INITIALIZERS.get(init) if isinstance(init, str) else None
        if entry is not None and entry.label_for(problem.kind) != entry.label:
            text += f" Initialization: {entry.label_for(problem.kind)}."
    return text


def observed_intro(observe: str, upload: bool = False) -> str:
    """The page's one-paragraph reading of e_t on observed data (Markdown with TeX)."""
    what = "the entries of a set $\\Omega$ (rate $p$)" if observe == "completion" else "$p$ Gaussian measurements"
    if upload and observe == "completion":
        rec = "the **recovery error** on the held-out entries (those outside $\\Omega$)"
    else:
        rec = r"the **recovery error** $\|X_tY_t^\top - M_\star\|_F^2/\|M_\star\|_F^2$ on the whole matrix"
    of = "your $A$" if upload else r"$A = M_\star$"
    return (
        f"Here only {what} of {of} are observed: $e_t$ is the **training loss** on them, and {rec} "
        "says whether the matrix was found (≤ 1e-3 counts as recovered)."
    )
