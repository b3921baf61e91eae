"""The theory-check panel of a run: assumptions (green/red with reasons) and predicted vs observed."""

from __future__ import annotations

import math

import streamlit as st

from agdcore.plots.observed import is_observed

from . import style


def _num(x, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return f"{int(x):,}"
    return f"{x:.{digits}g}"


def _rate(x) -> str:
    return "—" if x is None else f"{x:.7f}"


def quantity_rows(result) -> list[tuple[str, str, str]]:
    """(quantity in LaTeX/Markdown, value, source) rows for the theory table."""
    b = result.bounds or {}
    k = result.iterations_to_tol
    cert = b.get("certificate") or {}
    rows = [
        (
            r"$\rho$",
            _num(b.get("rho")),
            r"$\nu(\sqrt d-\sqrt{r-1})/\sqrt d$, the lower bound on $\sigma_r(V^\top\Phi_1)$ — derived (docs/theory.md#rho)",
        ),
        (
            r"$\delta$",
            _num(b.get("delta_mc")),
            r"$\Pr[\sigma_r(V^\top\Phi_1)<\rho]$, the failure probability — Monte Carlo, 4000 draws",
        ),
        (
            r"$T_{\text{a-priori}}(\varepsilon)$",
            _num(b.get("T_a_priori")),
            r"iterations to $e_t\le\varepsilon=$ tol, worst case over the init — derived, docs/theory.md#iterations-bound",
        ),
        (
            r"$T_{\text{frozen-}X}(\varepsilon)$",
            _num(b.get("T_frozen_x")),
            r"iterations predicted for this draw of $X_0$ in the $\eta\to0$ limit — derived",
        ),
        (
            r"$T_{\text{observed}}$",
            "not reached" if k is None else _num(float(result.t[k]) if result.is_flow else k),
            ("time" if result.is_flow else "iterations") + r" until $e_t-$ floor $\le$ tol — measured",
        ),
        (
            r"$d/(\sqrt d-\sqrt{r-1})^2$",
            _num(b.get("overparam_factor_v2")),
            r"over-parameterization factor in $T=C\cdot$factor$\cdot\kappa^2\log(1/\varepsilon)$, $C$ a numerical constant whose value our copy lost — paper (v2)",
        ),
        (
            r"$q_{\text{observed}}$",
            _rate(result.observed_rate()),
            r"rate $e_{t+1}/e_t$ fitted on $e_t-$ floor $\in[10^{-10},10^{-3}]$ — measured",
        ),
        (
            r"$q_{\text{live}}$",
            _rate(b.get("live_rate")),
            r"mean $q_t^2$ of the live bound on that window — derived, docs/theory.md#live-bound",
        ),
        (r"$q_{\text{frozen-}X}$", _rate(b.get("rate_frozen_x")), r"$(1-\eta\sigma_r^2(X_0))^2$ — derived"),
        (
            r"$q_{\text{a-priori}}$",
            _rate(b.get("rate_a_priori")),
            r"$(1-(1-\theta)^2\rho^2/(C^2\kappa^2))^2$, $\theta=\frac12$ — derived, docs/theory.md#a-priori-bound",
        ),
        (
            r"$q_{\text{local}}$",
            _rate(b.get("local_rate")),
            "peers' local rate at the optimum — derived, docs/theory.md#local-rates",
        ),
        (
            "certificate",
            "—" if not cert else ("holds" if cert.get("holds") else "does not hold"),
            "docs/theory.md#certificate for this draw (a very conservative sufficient condition) — derived",
        ),
    ]
    return rows


def coverage_line(bounds: dict) -> None:
    """The one line answering "does a guarantee cover this run?" (``bounds["coverage"]``)."""
    cov = bounds.get("coverage")
    if not cov:
        return
    text = style.md_escape(cov["line"])
    if cov["covered"]:
        st.success(text, icon=":material/verified:")
    else:
        st.warning(text, icon=":material/gpp_maybe:")


def theory_check(result) -> None:
    """Render the panel: assumptions on the left, numbers on the right, headline formula below."""
    st.subheader("Theory check")
    b = result.bounds or {}
    if not b:
        st.info("The theory report is computed when a run finishes; this run was stopped early.")
        return
    left, right = st.columns([4, 7], gap="large")
    with left:
        coverage_line(b)
        st.markdown("**Assumptions of the Ward–Kolda guarantee**")
        for c in b.get("checks", []):
            st.markdown(style.check_row(c["ok"], c["name"], c["detail"]))
        if b.get("applies"):
            st.info(
                "Every listed hypothesis holds, so the live bound (docs/theory.md#live-bound) bounds this run; the a-priori "
                "curve is a bound only when the certificate covers the run (the line above).",
                icon=":material/info:",
            )
        elif is_observed(result):  # completion / sensing: no bound at all (see the caption of the chart)
            st.warning(
                "The guarantee is for fully observed A: no bound is drawn on this run.", icon=":material/report:"
            )
        else:
            st.warning("Not every assumption holds: the bounds are drawn for reference only.", icon=":material/report:")
    with right:
        # drawn only while open: its ~40 typeset formulas were a third of the browser's work on every Apply
        style.lazy_section(NUMBERS_LABEL, NUMBERS_KEY, numbers_table, result, icon=":material/table:")


NUMBERS_LABEL = "The numbers: ρ, δ, predicted and observed iterations and rates, each with its source"
NUMBERS_KEY = "theory_check__numbers_open"  # that expander is open (kept for the session, on every page)


def numbers_table(result) -> None:
    """The quantities behind the bounds (value, meaning, source) and the paper's headline formula."""
    lines = ["| | value | meaning — source |", "|---|---:|---|"]
    lines += [f"| {q} | {v} | {s} |" for q, v, s in quantity_rows(result)]
    st.markdown("\n".join(lines))
    st.markdown(
        "The paper's headline (Ward & Kolda, NeurIPS 2023; $C$ is a numerical constant whose value our copy of the text lost):"
    )
    st.latex(
        r"T \;=\; C\,\frac{d}{(\sqrt d-\sqrt{r-1})^2}\,\frac{\sigma_1^2(A)}{\sigma_r^2(A)}\,"
        r"\log\frac1\varepsilon \quad\text{iterations to}\quad \|A-X_TY_T^\top\|_F^2\le\varepsilon\|A\|_F^2"
    )
