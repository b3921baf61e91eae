"""The Landscape page's settings, theory card and messages (the page itself only lays them out)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from agdcore import landscape as L
from agdcore import notes
from agdcore.grades import GRADES
from agdcore.plots import curvature as PC
from agdcore.plots import landscape as PL

from . import style, urlstate
from .urlstate import Param

PREFIX = "landscape"
DEFAULT_STARTS = ("balanced", "gaussian", "ward-kolda", "unbalanced")
DEFAULT_METHODS = ("agd", "gd")
PARAMS = [
    Param("eta", 0.3, "float", 0.01, 2.0, label="Step η", help="0.01 … 2; the thresholds scale like 1/a"),
    Param("a", 1.0, "float", 0.1, 10.0, label="Target a (the minimizers are xy = a)", fmt="%.3g", help="0.1 … 10"),
    Param("starts", ",".join(DEFAULT_STARTS), "str", label="Starts"),
    Param("methods", ",".join(DEFAULT_METHODS), "str", label="Methods"),
    Param("model", "scalar", "choice", choices=("scalar", "vector"), label="Model"),
    Param("seed", 0, "int", 0, 2**31 - 1, label="Seed (Gaussian start, vector form)"),
]
BY_NAME = {p.name: p for p in PARAMS}
LISTS = {"starts": L.STARTS, "methods": L.METHODS}
MODEL_LABELS = {
    "scalar": "scalar: f = ½(a − xy)²",
    "vector": "vector (m = n = 20): ½‖A − xyᵀ‖², drawn at (‖x‖, ‖y‖)",
}

# (title, grade, LaTeX, one line, anchor in docs/theory.md): every formula the page uses
CARD = [
    (
        "Gradient and Hessian",
        "D",
        r"\nabla f=-(a-xy)\binom{y}{x},\qquad \nabla^2f=\begin{pmatrix}y^2&2xy-a\\2xy-a&x^2\end{pmatrix}",
        "Exact calculus; checked against central differences.",
        "landscape-hessian",
    ),
    (
        "Curvature along a path",
        "D",
        r"\lambda_{\max}(\nabla^2f)=\tfrac{x^2+y^2}2+\sqrt{\big(\tfrac{x^2-y^2}2\big)^2+(2xy-a)^2}",
        "The curve drawn along every path in the second chart.",
        "landscape-hessian",
    ),
    (
        "Curvature on the valley xy = a",
        "D",
        r"\lambda=x^2+\frac{a^2}{x^2}\ \ge 2a\quad(\text{the other eigenvalue is }0\text{: flat along the valley})",
        "Flattest at the balanced point x = y = √a; sharper towards both ends.",
        "landscape-valley",
    ),
    (
        "Step thresholds",
        "D",
        r"\text{GD: }\eta<\frac2\lambda,\qquad \text{AGD: }\eta a^2<\lambda<\frac2\eta+\eta a^2\quad"
        r"(r^+\approx(1-\eta\lambda+\eta^2a^2)\,r)",
        "Above the threshold the residual flips sign and grows: oscillation, then divergence or a jump to a flatter point.",
        "landscape-threshold",
    ),
    (
        "AGD in closed form",
        "D",
        r"x^+=x+\eta(a-xy)\,y,\quad y^+=y+\eta(a-x^+y)\,x^+,\quad r^+=(1-\eta x^{+2})(1-\eta y^2)\,r",
        "The scalar case of the residual recursion; checked against one step of agdcore.solve on A = (a).",
        "landscape-agd",
    ),
    (
        "Gradient flow: conserved imbalance, landing point",
        "D",
        r"\tfrac{d}{dt}(x^2-y^2)=0,\quad \lambda_\infty=\sqrt{(x_0^2-y_0^2)^2+4a^2};\quad "
        r"\text{GD: }x_+^2-y_+^2=(1-\eta^2r^2)(x^2-y^2)",
        "A balanced start lands at the flattest point, an unbalanced one sharper; large GD steps re-balance.",
        "landscape-flow",
    ),
    (
        "The starts (Ward–Kolda at d = 1)",
        "D",
        r"x_0=\frac1{\sqrt\eta\,C},\ \ y_0=\sqrt\eta\,D\,a,\quad \eta x_0^2=\frac1{C^2}=\frac1{64}\ \text{for every }\eta,"
        r"\quad \frac{x_0}{y_0}=\frac{9}{32\,\eta a}",
        "Not large in absolute terms, and above y₀ only while ηa < 9/32: its size is tied to the step, so its landing "
        "point is flat enough for that step.",
        "landscape-starts",
    ),
    (
        "Vector form at (‖x‖, ‖y‖)",
        "D",
        r"\tfrac12\|A-xy^\top\|_F^2\ \ge\ \tfrac12(a-\|x\|\|y\|)^2,\quad A=a\,e_1e_1^\top",
        "Exact when x, y are multiples of e₁ (the Ward–Kolda X₀ is, and stays so).",
        "landscape-vector",
    ),
]


def badge(grade: str) -> str:
    label, color, _ = GRADES[grade]
    return f":{color}-badge[{label}]"


def parse_list(name: str, text: str) -> tuple[list[str], str | None]:
    """A comma-separated URL list of starts or methods: the valid keys, or the default and a message."""
    allowed = LISTS[name]
    keys = [k.strip() for k in str(text).split(",") if k.strip()]
    bad = [k for k in keys if k not in allowed]
    if bad or not keys:
        default = [k for k in BY_NAME[name].default.split(",")]
        return default, (
            f"URL parameter '{name}' = '{str(text)[:60]}' is invalid: it must list one or more of "
            f"{', '.join(allowed)}, separated by commas. Using the default ({', '.join(default)})."
        )
    return keys, None


def settings() -> tuple[dict, list[str]]:
    """Draw the settings (sidebar); return the values and any message about bad URL values."""
    ss = st.session_state
    errors = list(urlstate.init_state(PARAMS, PREFIX)) or urlstate.url_errors(PARAMS, PREFIX)
    lists = {}
    for name in LISTS:
        keys, msg = parse_list(name, ss[f"{PREFIX}_{name}"])
        if msg and msg not in errors:
            errors.append(msg)
        lists[name] = keys
        if f"{PREFIX}_{name}_pick" not in ss:
            ss[f"{PREFIX}_{name}_pick"] = keys
    sb = st.sidebar
    sb.header("Landscape")
    drawing = ss.get(f"{PREFIX}__drawing")
    if isinstance(drawing, set):
        drawing.add("eta")
    eta = sb.slider(BY_NAME["eta"].label, 0.01, 2.0, step=0.01, key=f"{PREFIX}_eta", help=BY_NAME["eta"].help)
    a = urlstate.widget(BY_NAME["a"], PREFIX, sb)
    picks = {}
    for name, title in (("starts", "Starts"), ("methods", "Methods")):
        picks[name] = sb.multiselect(title, list(LISTS[name]), key=f"{PREFIX}_{name}_pick", format_func=LISTS[name].get)
        ss[f"{PREFIX}_{name}"] = ",".join(picks[name]) or BY_NAME[name].default
    model = urlstate.widget(BY_NAME["model"], PREFIX, sb, radio=True, format_func=MODEL_LABELS.get)
    seed = urlstate.widget(BY_NAME["seed"], PREFIX, sb)
    values = urlstate.current_values(PARAMS, PREFIX)
    urlstate.sync_url(PARAMS, PREFIX, values)
    return dict(
        eta=float(eta), a=float(a), starts=picks["starts"], methods=picks["methods"], model=model, seed=int(seed)
    ), errors


@st.cache_data(max_entries=64, show_spinner=False)
def figures(a: float, eta: float, methods: tuple, starts: tuple, seed: int, vector: bool):
    """The runs and both figures, cached on the plain settings."""
    paths = L.run_all(a, eta, methods, starts, seed=seed, vector=vector)
    return paths, PL.landscape_figure(paths, a, eta, vector=vector), PC.curvature_figure(paths, a, eta)


def threshold_of(p: L.Path) -> tuple[float, float, str]:
    """(step threshold, curvature it is computed at, where that curvature was met) for a diverged path:
    the start's curvature if η already exceeds its threshold there, else the largest one on the path."""
    lam = p.curvature()
    limit = (lambda v: float(L.gd_step_limit(v))) if p.method != "agd" else (lambda v: float(L.agd_step_limit(v, p.a)))
    if p.eta > limit(lam[0]):
        return limit(lam[0]), float(lam[0]), "at its start"
    k = int(np.nanargmax(lam))
    return limit(lam[k]), float(lam[k]), f"at t = {k}, the sharpest point it reached"


def messages(paths, a: float, eta: float) -> None:
    """At most two warnings: the diverged paths, each with the step and its threshold, and the GD paths
    that oscillate because no point of the valley is flat enough for the step."""
    lines = []
    for p in paths:
        if p.status == "diverged":
            thr, lam, where = threshold_of(p)
            formula = "2/λ" if p.method != "agd" else "4/(λ + √(λ² − 8a²))"
            above = "above" if eta > thr else "below"
            lines.append(
                f"- **{style.md_escape(p.label)}** diverged at t = {p.diverged_at}: η = {eta:g} is {above} its "
                f"threshold {formula} = {thr:.3g}, λ = {lam:.3g} {where}."
            )
    if lines:
        st.warning(
            f"**The step η = {eta:g} is above the divergence threshold for {len(lines)} "
            f"{'path' if len(lines) == 1 else 'paths'}** — the residual flips sign and grows every step until "
            "the iterates overflow (✕ on the map):\n" + "\n".join(lines),
            icon=":material/warning:",
        )
    stuck = [style.md_escape(p.label) for p in paths if p.status == "oscillating" and p.method == "gd"]
    if stuck:
        st.warning(
            f"**{', '.join(stuck)} {'oscillates' if len(stuck) == 1 else 'oscillate'} and never "
            f"{'converges' if len(stuck) == 1 else 'converge'}.** η = {eta:g} ≥ 1/a = {1 / a:.3g}: every point of "
            f"the valley has λ ≥ 2a = {2 * a:.3g} ≥ 2/η = {2 / eta:.3g}, so GD has nowhere to settle (AGD "
            "still has: 2/η + ηa² > 2a for every step).",
            icon=":material/warning:",
        )


def table(paths, eta: float) -> list[dict]:
    """One row per path: how it ended, and where the gradient flow from its start would land,
    λ∞ = √(c² + 4a²), c = ‖x₀‖² − ‖y₀‖² (docs/theory.md#landscape-flow), against the step's limit."""
    rows = []
    for p in paths:
        X, Y = p.coords()
        lam_flow = L.flow_landing(float(X[0]), float(Y[0]), p.a)[2]
        limit = 2 / eta if p.method != "agd" else L.agd_curvature_limits(eta, p.a)[1]
        rows.append(
            {
                "start": L.STARTS[p.start],
                "method": L.METHODS[p.method],
                "outcome": p.status if p.status != "diverged" else f"diverged at t = {p.diverged_at}",
                "t": float(p.t[-1]),
                "start (x, y)": f"({X[0]:.3g}, {Y[0]:.3g})",
                "λ at the end": float("nan") if p.status == "diverged" else float(p.curvature()[-1]),
                "flow's λ∞": lam_flow,
                "λ∞ < limit": f"{'yes' if lam_flow < limit else 'no'} ({limit:.3g})",
            }
        )
    return rows


def theory_card() -> None:
    """Every formula the page uses, with its grade and a link to its derivation (docs/theory.md)."""
    with st.container(border=True):
        st.markdown("#### Theory card: every formula on this page")
        for title, grade, latex, note, anchor in CARD:
            st.markdown(f"**{title}** {badge(grade)} — {notes.link(anchor, 'derivation')} · `{notes.cite(anchor)}`")
            st.latex(latex)
            st.caption(style.md_escape(note))
        st.caption(style.md_escape("Grades: " + "; ".join(f"[{k}] {t}" for k, (_, _, t) in GRADES.items() if k in "D")))
