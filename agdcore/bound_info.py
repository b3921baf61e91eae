"""The labels of every bound the product draws: its legend text with its source, its grade, its
LaTeX and where it comes from (one entry per bound; :mod:`agdcore.bounds` holds the formulas)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BoundInfo:
    key: str
    label: str  # legend text, with its source
    grade: str  # paper | secondary | derived | unverified | exact
    latex: str
    source: str


BOUND_INFO: dict[str, BoundInfo] = {
    b.key: b
    for b in [
        BoundInfo(
            "live_bound",
            "live bound e₀∏q_k² (derived, docs/theory.md#live-bound)",
            "derived",
            r"e_t \le e_0\prod_{k<t} q_k^2,\quad q_k=\max_{i\le r}|1-\eta\sigma_i^2(X_{k+1})|\,\max(1,|1-\eta\sigma_1^2(Y_k)|)",
            "docs/theory.md#live-bound (from the exact residual recursion, docs/theory.md#residual-recursion); applies to AGD on exactly rank-r A with X₀ in col(A)",
        ),
        BoundInfo(
            "frozen_x",
            "frozen-X prediction (derived, η→0 limit)",
            "derived",
            r"e_t \approx e_0\,(1-\eta\,\sigma_r^2(X_0))^{2t}",
            "docs/theory.md#frozen-x; exact as η → 0, pessimistic at practical steps",
        ),
        BoundInfo(
            "a_priori",
            "a-priori bound (derived, docs/theory.md#a-priori-bound; not the paper's constant)",
            "derived",
            r"e_t \le e_0\Big(1-\frac{(1-\theta)^2\rho^2}{C^2\kappa^2}\Big)^{2t},\quad \rho=\nu\frac{\sqrt d-\sqrt{r-1}}{\sqrt d}",
            "docs/theory.md#a-priori-bound: holds with probability ≥ 1 − δ for η below an explicit threshold",
        ),
        BoundInfo(
            "T_a_priori",
            "a-priori iterations T(ε) (derived, docs/theory.md#iterations-bound)",
            "derived",
            r"T(\varepsilon)=\Big\lceil \frac{\log(e_0/\varepsilon)}{-\log\big((1-(1-\theta)^2\rho^2/(C^2\kappa^2))^2\big)}\Big\rceil",
            "docs/theory.md#iterations-bound; same shape as the paper's v2 headline",
        ),
        BoundInfo(
            "paper_T",
            "paper: T = C·d/(√d−√(r−1))²·κ²·log(1/ε) (C a numerical constant; its value is not in our copy)",
            "paper",
            r"T = C\,\frac{d}{(\sqrt d-\sqrt{r-1})^2}\,\frac{\sigma_1^2(A)}{\sigma_r^2(A)}\,\log(1/\varepsilon)",
            "Ward & Kolda, arXiv v2 / NeurIPS 2023, introduction [V]; C is a numerical constant (“a numerical constant”, introduction); its value is not in our copy of the text (docs/theory.md#paper-headline)",
        ),
        BoundInfo(
            "paper_T_v1",
            "paper v1: T = C·d/(d−r)·κ²·log(1/ε)",
            "paper",
            r"T = C\,\frac{d}{d-r}\,\kappa^2\log(1/\varepsilon)",
            "Ward & Kolda, arXiv v1 introduction [V] (docs/theory.md#paper-headline)",
        ),
        BoundInfo(
            "jcd_T",
            "JCD22 (as quoted by Ward & Kolda): T = C·κ³·log(1/ε)",
            "paper",
            r"T = C\,\kappa^3\log(1/\varepsilon)",
            "Jiang, Chen & Ding 2022, as summarised in Ward & Kolda v1 [V] (docs/theory.md#jcd)",
        ),
        BoundInfo(
            "delta_mc",
            "δ = P[σ_r(VᵀΦ₁) < ρ] (Monte Carlo)",
            "derived",
            r"\delta \approx \Pr[\sigma_r(V^\top\Phi_1) < \rho],\ \Phi_1\sim N(0,1/d)",
            "docs/theory.md#delta: the paper's δ has non-explicit constants C₁, C₂; we estimate the lower-tail event",
        ),
        BoundInfo(
            "floor",
            "Eckart–Young floor Σ_{i>d}σ_i²/‖A‖² (exact)",
            "exact",
            r"e_\star(d)=\sum_{i>d}\sigma_i^2(A)\big/\|A\|_F^2",
            "Eckart–Young–Mirsky theorem (docs/theory.md#floor)",
        ),
        BoundInfo(
            "local_gd",
            "GD local rate (1 − ησ_r)² (derived linearization)",
            "derived",
            r"e_{t+1}/e_t \to (1-\eta\sigma_r)^2",
            "docs/theory.md#local-rates (linearization at a balanced optimum)",
        ),
        BoundInfo(
            "local_scaledgd",
            "ScaledGD local rate max(|1−2η|,|1−η|)² (derived)",
            "derived",
            r"e_{t+1}/e_t \to \max(|1-2\eta|,|1-\eta|)^2",
            "docs/theory.md#local-rates (exact local rate)",
        ),
        BoundInfo(
            "local_precgd",
            "PrecGD / ScaledGD(λ) local rate (1 − η)² (derived)",
            "derived",
            r"e_{t+1}/e_t \to (1-\eta)^2",
            "docs/theory.md#local-rates, measured 0.50 at η = 0.5",
        ),
    ]
}
