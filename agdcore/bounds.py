"""Theory: pure scalar functions, each labelled with where it comes from.

Grades follow ``docs/theory.md``: **paper** = verified in Ward & Kolda's own text [V];
**secondary** = a third-party source [S]; **derived** = derived with proof in docs/theory.md and
checked numerically [D]; **unverified** = recollection [U]. No derived bound is presented as the
paper's theorem: the paper's headline complexity is only known up to a numerical constant C (its value is not in our copy), so
it is offered as a *shape* (κ², d/(√d − √(r−1))²), never as a curve with a made-up constant.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_float, check_int
from .bound_info import BOUND_INFO, BoundInfo  # noqa: F401  (re-exported: the labels live there)


# ---------------------------------------------------------------------- scalar formulas
def rho(nu: float, d: int, r: int) -> float:
    """ρ = ν(√d − √(r−1))/√d: the lower bound on σ_r(VᵀΦ₁) used by the theory (docs/theory.md#rho)."""
    nu = check_float(nu, "nu", 0.0, 1.0, lo_open=True)
    r = check_int(r, "r", 1)
    d = check_int(d, "d", r)
    return float(rho_values(nu, d, r))


def rho_values(nu, d, r):
    """:func:`rho` on arrays, unvalidated (NaN where d < r): the one formula, for figures and tables."""
    d, r = np.asarray(d, dtype=float), np.asarray(r, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d >= r, np.asarray(nu, dtype=float) * (np.sqrt(d) - np.sqrt(r - 1)) / np.sqrt(d), np.nan)


def overparam_factor(d: int, r: int, version: str = "v2") -> float:
    """d/(√d − √(r−1))² (paper v2 / NeurIPS) or d/(d − r) (paper v1, needs d > r)."""
    r = check_int(r, "r", 1)
    d = check_int(d, "d", r)
    return float(overparam_values(d, r, "v1" if version == "v1" else "v2"))


def overparam_values(d, r, version: str = "v2"):
    """:func:`overparam_factor` on arrays, unvalidated (NaN where d < r; v1 is ∞ at d = r): the one
    definition, also behind the sweeps' fitted shape and the Theory page's v1/v2 figure."""
    if version not in ("v1", "v2"):
        raise ValueError(f"version must be 'v1' or 'v2', got {version!r}.")
    d, r = np.asarray(d, dtype=float), np.asarray(r, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if version == "v1":
            f = np.where(d == r, np.inf, d / (d - r))
        else:
            f = d / (np.sqrt(d) - np.sqrt(r - 1)) ** 2
        return np.where(d >= r, f, np.nan)


def a2_a_priori(rho_, C, kappa, theta=0.5):
    """a² = (1−θ)²ρ²/(C²κ²), so that the a-priori rate is (1 − a²)² (docs/theory.md#a-priori-bound); works on arrays."""
    return (1 - theta) ** 2 * np.asarray(rho_, dtype=float) ** 2 / (C**2 * np.asarray(kappa, dtype=float) ** 2)


def rate_a_priori(rho_: float, C: float, kappa: float, theta: float = 0.5) -> float:
    """Per-iteration factor on e_t: (1 − (1−θ)²ρ²/(C²κ²))² (docs/theory.md#a-priori-bound, derived). It rounds to 1.0
    once a² < 1e-16 (κ ≳ 1e7 at the defaults): take the iterations from :func:`T_a_priori`, not from this."""
    return float((1.0 - a2_a_priori(rho_, C, kappa, theta)) ** 2)


def log_sq_one_minus(x):
    """log((1 − x)²) = 2 log|1 − x|, accurate for tiny x (log1p): the log of a rate (1 − x)²; works on arrays."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x < 0.5, 2.0 * np.log1p(-np.minimum(x, 0.5)), 2.0 * np.log(np.abs(1.0 - x)))


def iterations_to_eps(e0, eps, log_factor):
    """T(ε) = ⌈log(e₀/ε) / −log(factor)⌉, the iterations for e₀·factorᵗ ≤ ε: the one implementation.

    A float (arrays work too), possibly huge; 0 when e₀ ≤ ε, 1 when factor = 0, ∞ only when
    factor ≥ 1. Pass a stable ``log_factor`` (:func:`log_sq_one_minus`), not log of a rounded rate.
    """
    e0, eps, lf = (np.asarray(v, dtype=float) for v in (e0, eps, log_factor))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        T = np.ceil(np.log(e0 / eps) / -lf)
        T = np.where(lf >= 0, np.inf, np.where(np.isneginf(lf), 1.0, T))
        T = np.where(e0 <= eps, 0.0, T)
    return T if T.ndim else float(T)


def T_a_priori(rho_, C, kappa, e0, eps, theta=0.5):
    """Derived T(ε) = ⌈log(e₀/ε) / (−2 log(1 − a²))⌉, a² = (1−θ)²ρ²/(C²κ²) (docs/theory.md#iterations-bound), with log1p: exact
    κ² scaling when the rate rounds to 1. The Theory calculator, :func:`theory_report` and the figures show it."""
    return iterations_to_eps(e0, eps, log_sq_one_minus(a2_a_priori(rho_, C, kappa, theta)))


def T_closed_form(rho_, C, nu, kappa, d, r, e0, eps, theta=0.5) -> float:
    """C′·d/(√d−√(r−1))²·κ²·log(e₀/ε) + 1, C′ = C²/(2(1−θ)²ν²): the closed-form upper bound on T(ε) of docs/theory.md#iterations-bound."""
    c_prime = C**2 / (2 * (1 - theta) ** 2 * nu**2)
    return c_prime * float(overparam_values(d, r)) * kappa**2 * math.log(e0 / eps) + 1


def a_priori_calculator(r, d, kappa, C, nu, theta, eps, e0) -> dict:
    """The Theory page's calculator: ρ, the v1/v2 factors, the derived rate and T(ε) (docs/theory.md#a-priori-bound, docs/theory.md#iterations-bound); ``T`` is
    :func:`T_a_priori`, as in :func:`theory_report`. ``ValueError`` names a bad input and its range."""
    r = check_int(r, "r", 1, 100_000)
    d = check_int(d, "d", r, 10_000_000)
    kappa = check_float(kappa, "κ", 1.0, 1e8)
    C = check_float(C, "C", 0.0, 1e6, lo_open=True)
    nu = check_float(nu, "ν", 0.0, 1.0, lo_open=True)
    theta = check_float(theta, "θ", 0.0, 1.0, hi_open=True)
    e0 = check_float(e0, "e₀", 0.0, 1e6, lo_open=True)
    eps = check_float(eps, "ε", 0.0, e0, lo_open=True, hi_open=True)
    rho_ = rho(nu, d, r)
    a2 = float(a2_a_priori(rho_, C, kappa, theta))
    return {
        "r": r,
        "d": d,
        "d/r": d / r,
        "rho": rho_,
        "v2": overparam_factor(d, r),
        "v1": overparam_factor(d, r, "v1"),
        "a2": a2,
        "rate": (1 - a2) ** 2,
        "one_minus_rate": a2 * (2 - a2),
        "T": T_a_priori(rho_, C, kappa, e0, eps, theta),
        "C_prime": C**2 / (2 * (1 - theta) ** 2 * nu**2),
        "T_closed": T_closed_form(rho_, C, nu, kappa, d, r, e0, eps, theta),
        "paper_T_over_C": paper_T_shape(kappa, d, r, eps),
    }


def iterations_for(e0: float, eps: float, factor: float) -> int | None:
    """⌈log(e₀/ε) / −log(factor)⌉ (:func:`iterations_to_eps`) as an int however large; None when factor ≥ 1
    (a factor rounded to 1.0 included: take T from a² with :func:`T_a_priori` instead)."""
    if not (0 < factor < 1) or e0 <= 0 or eps <= 0:
        return None
    return _as_int(iterations_to_eps(e0, eps, math.log(factor)))


def _as_int(T) -> int | None:
    """T(ε) as an int (None when infinite or NaN): the type theory_report and iterations_for return."""
    T = float(T)
    return int(T) if math.isfinite(T) else None


def rate_frozen_x(step: float, sigma_r_x0: float) -> float:
    """(1 − η σ_r²(X₀))²: the exact rate of AGD in the frozen-X limit η → 0 (docs/theory.md#frozen-x)."""
    return (1.0 - step * sigma_r_x0**2) ** 2


def paper_T_shape(kappa: float, d: int, r: int, eps: float, C: float = 1.0) -> float:
    """C·d/(√d−√(r−1))²·κ²·log(1/ε): the paper's v2 headline with an explicit, user-chosen C."""
    return C * overparam_factor(d, r) * kappa**2 * math.log(1.0 / eps)


def jcd_T_shape(kappa: float, eps: float, C: float = 1.0) -> float:
    """C·κ³·log(1/ε): GD from a small random init (Jiang, Chen & Ding 2022, as quoted by Ward & Kolda)."""
    return C * kappa**3 * math.log(1.0 / eps)


def ye_du_flow_T_shape(
    sigma_d: float, d: int, init_scale: float, delta: float, C1: float = 1.0, C2: float = 1.0
) -> float:
    """(C1/σ_d) ln(d σ_d/ε) + (C2/σ_d) ln(σ_d/δ): Ye & Du's gradient-flow time (Cor. 1.2), constants unstated."""
    return C1 / sigma_d * math.log(d * sigma_d / init_scale) + C2 / sigma_d * math.log(sigma_d / delta)


def certificate(a0: float, b0: float, y0: float, F0: float, theta: float = 0.5) -> tuple[bool, float]:
    """Derived sufficient condition (docs/theory.md#certificate, NOT the paper's statement).

    In scaled variables (X̄ = √η X, Ȳ = √η Y, R̄ = ηR): a0 = σ_r(X̄₀), b0 = σ₁(X̄₀), y0 = σ₁(Ȳ₀),
    F0 = ‖R̄₀‖_F. If it holds then e_t ≤ e₀(1 − a²)^{2t} for all t, a = (1−θ)a0.
    """
    a = (1 - theta) * a0
    bX = b0 + theta * a0
    sig = F0 / a**2 if a > 0 else math.inf
    ystar = y0 + bX * sig
    ok = bool(bX <= 1 and ystar**2 <= 2 and ystar * sig <= theta * a0)
    return ok, (1 - a**2) ** 2


def certified_step(a0: float, b0: float, y0: float, F0: float, step: float, theta: float = 0.5) -> float:
    """The largest step for which :func:`certificate` holds on the same Ward–Kolda draw (derived).

    With that init a0, b0 do not depend on η while y0 and F0 are proportional to it, so (ii) and (iii)
    bound η: η·λ with λ = min(√2/Y*, √(θ a0 a²/(Y* F0))) at the run's values; 0 when (i) fails.
    """
    a, bX = (1 - theta) * a0, b0 + theta * a0
    if bX > 1 or a <= 0:
        return 0.0
    K = y0 + bX * F0 / a**2
    lam = min(math.sqrt(2) / K, math.sqrt(theta * a0 * a**2 / (K * F0)) if F0 > 0 else math.inf)
    return float(step * lam)


def delta_mc(nu: float, d: int, r: int, n_samples: int = 4000, seed: int = 0) -> float:
    """Monte-Carlo estimate of P[σ_r(G) < ρ(ν)] for G ∈ R^{r×d} iid N(0, 1/d) (docs/theory.md#delta)."""
    rho_ = rho(nu, d, r)
    n_samples = check_int(n_samples, "n_samples", 1, 10_000_000)
    rng = np.random.default_rng(seed)
    out = 0
    for start in range(0, n_samples, 20000):
        k = min(20000, n_samples - start)
        G = rng.standard_normal((k, r, d)) / math.sqrt(d)
        out += int(np.sum(np.linalg.svd(G, compute_uv=False)[:, -1] < rho_))
    return out / n_samples


def local_rate(algorithm: str, step: float, sigma_r: float) -> float | None:
    """The peers' asymptotic per-iteration factor on e_t (derived linearizations, docs/theory.md#local-rates)."""
    if algorithm == "gd":
        return (1 - step * sigma_r) ** 2
    if algorithm == "scaledgd":
        return max(abs(1 - 2 * step), abs(1 - step)) ** 2
    if algorithm in ("precgd", "scaledgd-lambda"):
        return (1 - step) ** 2
    return None


def wk_step_max(C: float, nu: float, sigma1: float) -> float:
    """The step range of the Ward–Kolda assumption, η ≤ 9/(4Cνσ₁) (docs/theory.md#step-range, graded [S]);
    also the step agdcore uses by default with that init. The ε-dependent step of the guarantee
    itself is far smaller (docs/theory.md#step-range).
    """
    return 9.0 / (4.0 * C * nu * sigma1)


def __getattr__(name):  # the per-run report moved to agdcore.report; old imports keep working
    if name in ("theory_report", "theory_checks"):
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
