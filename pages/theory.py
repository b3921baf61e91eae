"""Theory page: the mathematics with the grade of every statement, a calculator, δ and the v1/v2 factors."""

import numpy as np
import streamlit as st

from agdcore import bounds, notes
from agdcore.grades import GRADES
from agdcore.plots import theory as tp
from agdui import ensure_router, style
from agdui.theory_cards import CARDS

ensure_router()  # deep links on a fresh server must go through app.py


def badge(grade: str) -> str:
    label, color, _ = GRADES[grade]
    return f":{color}-badge[{label}]"


def derivation(anchor: str, expanded: bool = False, label: str | None = None) -> None:
    """The section of docs/theory.md behind a card (statement, grade, proof or source, the test that
    checks it), in an expander; read from the repository, never from outside the server."""
    try:
        text = notes.body(anchor)
    except KeyError:
        return
    label = label or f"Derivation, source and check — {notes.cite(anchor)}"
    with st.expander(label, expanded=expanded, icon=":material/menu_book:"):
        st.markdown(text)


def formulas() -> None:
    st.markdown("\n".join(f"- {badge(g)} {text}" for g, (_, _, text) in GRADES.items()))
    asked = st.query_params.get("note")  # a link from another page: theory?note=live-bound
    if asked in notes.anchors():
        derivation(asked, expanded=True, label=f"From your link: {notes.title(asked)} — {notes.cite(asked)}")
    used = set()
    for section, cards in CARDS.items():
        st.subheader(section)
        for title, grade, latex, note, anchor in cards:
            with st.container(border=True):
                st.markdown(f"**{title}** {badge(grade)}")
                st.latex(latex)
                st.caption(style.md_escape(note))
                if anchor:
                    used.add(anchor)
                    derivation(anchor)
    rest = [a for a in notes.anchors() if a not in used]
    if rest:
        st.subheader("More from the theory notes")
        for anchor in rest:
            derivation(anchor, label=f"{notes.title(anchor)} — {notes.cite(anchor)}")


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
    theta = c[1].number_input("θ (a-priori bound)", value=0.5, step=0.05, key="th_theta", help="0 ≤ θ < 1")
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
        help=f"rate = (1 − (1−θ)²ρ²/(C²κ²))² = {v['rate']:.12g} (docs/theory.md#a-priori-bound): e_t shrinks by this factor per iteration",
    )
    m[4].metric(
        "T(ε) a-priori [D]",
        f"{v['T']:,.0f}" if v["T"] < 1e15 else f"{v['T']:.3e}",
        help="docs/theory.md#iterations-bound",
    )
    st.markdown(
        f"Closed-form bound (docs/theory.md#iterations-bound): T ≤ C′·{v['v2']:.3f}·κ²·log(e₀/ε) + 1 = **{v['T_closed']:.4g}** with "
        f"C′ = C²/(2(1−θ)²ν²) = {v['C_prime']:.4g} {badge('D')}.  The paper's v2 bound is **C × "
        f"{v['paper_T_over_C']:.4g}** for an explicit numerical constant C that our copy of the paper lost {badge('V')}."
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
        "(arXiv 2305.06927). The stored copy of the paper lost its formulas; every statement below carries a grade. "
        + notes.link("paper-map", "The map of the paper's numbered statements")
        + " (docs/theory.md#paper-map) says what each Lemma, Proposition, Corollary and Theorem is about."
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
