"""Theory page: the mathematics with the grade of every statement, a calculator, δ and the v1/v2 factors."""

import numpy as np
import streamlit as st

from agdcore import bounds
from agdcore.grades import GRADES
from agdcore.plots import theory as tp
from agdui import ensure_router, style

ensure_router()  # deep links on a fresh server must go through app.py

B = bounds.BOUND_INFO

# (title, grade, LaTeX, source and caveats)
CARDS = {
    "Problem and algorithm": [
        (
            "Objective",
            "V",
            r"\min_{X\in\mathbb{R}^{m\times d},\,Y\in\mathbb{R}^{n\times d}} f(X,Y)=\tfrac12\|XY^\top-A\|_F^2,"
            r"\qquad \operatorname{rank}A=r\le d",
            "Ward & Kolda, abstract and intro (v2: d ≥ r; v1 had d > r).",
        ),
        (
            "ε-optimality and the dashboard's error",
            "V",
            r"\|A-X_TY_T^\top\|_F^2\le\varepsilon\|A\|_F^2,\qquad "
            r"e_t=\frac{\|A-X_tY_t^\top\|_F^2}{\|A\|_F^2},\qquad \kappa=\frac{\sigma_1(A)}{\sigma_r(A)}",
            "Abstract (v2 / NeurIPS).",
        ),
        (
            "AGD update (the paper's Assumption 1)",
            "U",
            r"X_{t+1}=X_t+\eta\,(A-X_tY_t^\top)\,Y_t,\qquad "
            r"Y_{t+1}=Y_t+\eta\,(A-X_{t+1}Y_t^\top)^\top X_{t+1}",
            "Fixed step η, X first then Y with the new X. The formulas (A1a–b) were lost from the stored text; the order is "
            "a recollection [U], the formulas themselves are the standard gradients [D].",
        ),
        (
            "Residual recursion (3.1)",
            "D",
            r"R_{t+1}=(I_m-\eta X_{t+1}X_{t+1}^\top)\,R_t\,(I_n-\eta Y_tY_t^\top),\qquad R_t=A-X_tY_t^\top",
            "theory.md §3: one line of algebra, exact for any init. Simultaneous GD adds a cross term η²RYXᵀR.",
        ),
    ],
    "Initialization (the paper's Assumption 2)": [
        (
            "Unbalanced random init (A2a)",
            "U",
            r"X_0=\frac{1}{\sqrt{\eta}\,C\,\sigma_1(A)}\,A\Phi_1,\qquad Y_0=\sqrt{\eta}\,D\,\sigma_1(A)\,\Phi_2,"
            r"\qquad \Phi_1\sim\mathcal N(0,\tfrac1d)^{n\times d},\ \Phi_2\sim\mathcal N(0,\tfrac1n)^{n\times d}",
            "X₀ inside col(A), large; Y₀ small — confirmed in the paper's prose [V]. The exact scalings and variances are a "
            "reconstruction [U], supported by the verified v2 factor d/(√d−√(r−1))² (theory.md §4.1).",
        ),
        (
            "Constants used in this dashboard",
            "S",
            r"C=8,\quad \nu=\tfrac12,\quad D=\frac{C\nu}{9},\quad \eta=\frac{9}{4C\nu\,\sigma_1(A)}",
            "From a third-party implementation (ward_and_kolda_init) [S]; that they are the paper's is unconfirmed [U]. "
            "Note η ∝ 1/σ₁(A), not 1/σ₁².",
        ),
        (
            "ρ (A2b)",
            "U",
            r"\rho=\nu\,\frac{\sqrt d-\sqrt{r-1}}{\sqrt d}\ \le\ \sigma_r(V^\top\Phi_1)\ \text{with probability}\ \ge 1-\delta",
            "Form reconstructed [U]; as the quantity the proof needs it is derived [D] (theory.md §4.3).",
        ),
        (
            "δ (A2d)",
            "U",
            r"\delta=(C_1\nu)^{d-r+1}+e^{-C_2 d}\ (+\ \text{Gaussian upper-tail terms})",
            "C₁, C₂ are the non-explicit Rudelson–Vershynin constants (Prop. A.1). Below we estimate the lower-tail event "
            "P[σ_r(VᵀΦ₁) < ρ] by Monte Carlo instead of inventing C₁, C₂.",
        ),
    ],
    "Rates and iteration complexity": [
        (
            "Paper, v2 / NeurIPS headline",
            "V",
            B["paper_T"].latex,
            "Introduction of arXiv v2. C is an absolute constant whose value is not in the retrievable text.",
        ),
        ("Paper, v1 headline", "V", B["paper_T_v1"].latex, "Introduction of arXiv v1 (d > r). v2 replaced the factor."),
        (
            "A-priori rate (Cor. D5)",
            "D",
            B["a_priori"].latex,
            "Derived in theory.md with probability ≥ 1 − δ for η below an explicit threshold. Not the paper's Theorem 5.1.",
        ),
        (
            "Iterations T(ε) (Cor. D6)",
            "D",
            B["T_a_priori"].latex + r"\ \le\ \frac{C^2}{2(1-\theta)^2\nu^2}\,"
            r"\frac{d}{(\sqrt d-\sqrt{r-1})^2}\,\kappa^2\log\frac{e_0}{\varepsilon}+1",
            "The right side has exactly the paper's v2 shape with C′ = C²/(2(1−θ)²ν²) — consistent with, not equal to, the "
            "paper's theorem.",
        ),
        (
            "Live bound (Lemma D3)",
            "D",
            B["live_bound"].latex,
            "Exact consequence of (3.1) when X_t stays in col(A); drawn live on the Explore page.",
        ),
        (
            "Frozen-X limit (η → 0)",
            "D",
            r"e_t\approx e_0\Big(1-\frac{\sigma_r^2(A\Phi_1)}{C^2\sigma_1^2(A)}\Big)^{2t}",
            "X stays at X₀ and AGD becomes GD on least squares in Y: sharp for tiny steps, pessimistic at practical ones.",
        ),
    ],
    "Peers": [
        (
            "Jiang, Chen & Ding 2022 (JCD22), GD from small random init",
            "V",
            B["jcd_T"].latex,
            "As quoted in Ward & Kolda's v1 introduction, with their footnote that the results are \"not precisely directly "
            'comparable" (GD vs AGD, ε-approximate rank-r approximation).',
        ),
        (
            "Ye & Du 2021, GD from small Gaussian init (Thm 1.1)",
            "S",
            r"T=O\Big(\frac{1}{\eta\sigma_r}\ln\frac{r\sigma_r}{\epsilon}+\frac{1}{\eta\sigma_r}\ln\frac{\sigma_r}{\delta}\Big),"
            r"\quad \epsilon=\tilde O\Big(\frac{\sigma_r}{\sqrt{r\sigma_1}(m+n)}\Big),\quad \eta=O\Big(\frac{\sigma_r\epsilon^2}{r\sigma_1^3}\Big)",
            "Read in the NeurIPS submission text (their rank d is our r; ε is the init scale, δ the loss target). "
            'The abstract [V] says only "polynomial rate"; camera-ready constants unverified.',
        ),
        (
            "Ye & Du 2021, gradient flow (Cor. 1.2)",
            "S",
            r"t=O\Big(\frac{1}{\sigma_r}\ln\frac{r\sigma_r}{\epsilon}+\frac{1}{\sigma_r}\ln\frac{\sigma_r}{\delta}\Big)\ \ \text{(time, not iterations)}",
            "Submission text. The full-rank gradient-flow note's own rate (three stages, a κ/σ_d·ln(κd) warm-up term) is "
            "garbled in our copy [U].",
        ),
    ],
}


def badge(grade: str) -> str:
    label, color, _ = GRADES[grade]
    return f":{color}-badge[{label}]"


def formulas() -> None:
    st.markdown("\n".join(f"- {badge(g)} {text}" for g, (_, _, text) in GRADES.items()))
    for section, cards in CARDS.items():
        with st.expander(section, expanded=True):
            for title, grade, latex, note in cards:
                st.markdown(f"**{title}** {badge(grade)}")
                st.latex(latex)
                st.caption(style.md_escape(note))


def calculator_inputs() -> dict:
    c = st.columns(4)
    r = c[0].number_input("rank r", value=5, step=1, key="th_r", help="integer ≥ 1")
    mode = c[1].radio("enter width as", ["d", "d/r"], horizontal=True, key="th_mode")
    if mode == "d":
        d = c[1].number_input("width d", value=10, step=1, key="th_d", help="integer ≥ r")
    else:
        ratio = c[1].number_input("d/r", value=2.0, step=0.5, key="th_ratio", help="≥ 1; d = round(r·d/r)")
        ok = (
            all(isinstance(v, (int, float)) and np.isfinite(v) for v in (ratio, r))
            and 1 <= ratio
            and abs(ratio * r) < 1e9
        )
        if not ok:
            st.error(
                f"Calculator input: d/r must be a number between 1 and 1e9/r, got {ratio!r}.", icon=":material/error:"
            )
        d = int(round(ratio * r)) if ok else None
    kappa = c[2].number_input("condition number κ", value=10.0, step=1.0, key="th_kappa", help="1 ≤ κ ≤ 1e8")
    C = c[3].number_input("init constant C", value=8.0, step=1.0, key="th_C", help="0 < C ≤ 1e6")
    c = st.columns(4)
    nu = c[0].number_input("confidence ν", value=0.5, step=0.05, key="th_nu", help="0 < ν ≤ 1")
    theta = c[1].number_input("θ (Cor. D5)", value=0.5, step=0.05, key="th_theta", help="0 ≤ θ < 1")
    eps = c[2].number_input("target ε", value=1e-10, format="%.2e", key="th_eps", help="0 < ε < e₀")
    e0 = c[3].number_input("initial error e₀", value=1.0, step=0.1, key="th_e0", help="0 < e₀ ≤ 1e6; ≈ 1 for this init")
    return dict(r=r, d=d, kappa=kappa, C=C, nu=nu, theta=theta, eps=eps, e0=e0)


def calculator() -> dict | None:
    p = calculator_inputs()
    if p["d"] is None:
        return None
    try:
        v = bounds.a_priori_calculator(**p)
    except ValueError as exc:
        st.error(f"Calculator input: {exc}", icon=":material/error:")
        return None
    m = st.columns(5)
    m[0].metric("ρ [U form]", f"{v['rho']:.4f}")
    m[1].metric("v2 factor [V]", f"{v['v2']:.3f}", help="d/(√d − √(r−1))²")
    m[2].metric("v1 factor [V]", "∞ (d = r)" if not np.isfinite(v["v1"]) else f"{v['v1']:.3f}", help="d/(d − r)")
    m[3].metric(
        "1 − rate [D]",
        f"{v['one_minus_rate']:.3g}",
        help=f"rate = (1 − (1−θ)²ρ²/(C²κ²))² = {v['rate']:.12g} (Cor. D5): e_t shrinks by this factor per iteration",
    )
    m[4].metric("T(ε) a-priori [D]", f"{v['T']:,.0f}" if v["T"] < 1e15 else f"{v['T']:.3e}", help="Cor. D6")
    st.markdown(
        f"Closed-form bound of Cor. D6: T ≤ C′·{v['v2']:.3f}·κ²·log(e₀/ε) + 1 = **{v['T_closed']:.4g}** with "
        f"C′ = C²/(2(1−θ)²ν²) = {v['C_prime']:.4g} {badge('D')}.  The paper's v2 bound is **C × "
        f"{v['paper_T_over_C']:.4g}** for an absolute constant C it does not state {badge('V')}."
    )
    shared = (p["C"], p["nu"], p["theta"], p["eps"], p["e0"])
    style.show_chart(tp.t_vs_kappa_figure(v["r"], v["d"], *shared, p["kappa"]), key="th_fig_kappa")
    style.show_chart(tp.t_vs_ratio_figure(v["r"], p["kappa"], *shared, v["d/r"]), key="th_fig_ratio")
    return v


@st.cache_data(max_entries=32, show_spinner="Monte Carlo for δ …")
def delta_cached(d: int, r: int, n_samples: int) -> dict:
    return tp.delta_table(np.round(np.linspace(0.1, 1.0, 13), 3), d, r, n_samples)


def delta_section(r: int, d: int) -> None:
    n = st.select_slider("Monte-Carlo samples per ν", [5_000, 20_000, 100_000], value=20_000, key="th_delta_n")
    if n * r * d * min(r, d) > 5e8:
        st.error(
            f"δ by Monte Carlo: r·d·min(r, d)·samples = {n * r * d * min(r, d):.2g} is over the budget 5e8; "
            "use fewer samples or a smaller r and d in the calculator."
        )
        return
    style.show_chart(tp.delta_figure(delta_cached(d, r, n)), key="th_fig_delta")
    st.caption(
        style.md_escape(
            "Each point is the fraction of N draws of G = VᵀΦ₁ (r×d, iid N(0, 1/d)) with σ_r(G) < ρ(ν); "
            "error bars are ±1 binomial standard error √(δ(1−δ)/N). The same draws are reused for every "
            "ν. "
        )
        + badge("D")
    )


def main() -> None:
    style.apply_style()
    st.title("Theory: what is proved, by whom, and how sure we are")
    st.caption(
        "Ward & Kolda, *Convergence of Alternating Gradient Descent for Matrix Factorization*, NeurIPS 2023 "
        "(arXiv 2305.06927). The stored copy of the paper lost its formulas; every statement below carries a grade."
    )
    st.header("The mathematics, graded")
    formulas()
    st.header("Calculator: ρ, rate and T(ε)")
    v = calculator()
    r, d = (v["r"], v["d"]) if v else (5, 10)
    if not v:
        st.info("The sections below use the defaults r = 5, d = 10 until the calculator inputs are valid.")
    st.header("δ: how often the init is bad")
    delta_section(r, d)
    st.header("The over-parameterization factor: v1 vs v2")
    style.show_chart(tp.overparam_figure(r), key="th_fig_overparam")
    st.caption(
        "v1 (arXiv May 2023) had d/(d − r), which blows up at d = r; v2 / NeurIPS has d/(√d − √(r−1))², finite at "
        "d = r (≈ 4r², the paper's quadratic-in-r edge case) and bounded by 2/(√2−1)² ≈ 11.7 at d = 2r for every r: \"mild "
        'over-parameterization suffices for C to be an absolute constant" ' + badge("V")
    )


main()
