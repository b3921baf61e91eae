"""The experiments a reader of Ward & Kolda tries next (issue 10): the Gaussian baseline at several scales,
AGD against simultaneous GD from the same start, iterations against κ, and a general (full-rank) A with d > r.

Each claims function re-checks its caption on the run shown; where the run contradicts a reading of the
paper, the claim says what the run shows. Sizes are those of Experiment 1 (docs/theory.md#worked-example).
"""

from __future__ import annotations

import numpy as np

from ._fits import loglog_slope, rate_shape_constant, rate_shape_line
from ._run import SRC, TOL, Claim, Experiment, RunConfig, RunOutcome, _fmt

_WK = "AGD, Ward–Kolda init"
STEP = 0.05625  # 9/(4Cνσ₁) at C = 8, ν = ½, σ₁ = 10: the product's default step with this start, graded [S]
KAPPAS = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
SCALES = ((1e-3, "10⁻³"), (1e-2, "10⁻²"), (0.1, "1/√n = 0.1"))


def _by(runs, start: str) -> RunOutcome:
    return next(r for r in runs if r.config.label.startswith(start))


def _inf(v) -> float:
    return np.inf if v is None else float(v)


# ---------------------------------------------------------------------- Experiment 1's fitted rate shape
def rate_shape_claim(wk: RunOutcome) -> Claim:
    """The κ²·log(1/ε) shape, its constant fitted to the Ward–Kolda run: how far the run strays from it."""
    kappa = float(wk.config.spec()["kappa"])
    if wk.to_tol is None:
        return Claim(f"the paper's rate shape cannot be fitted: the run did not reach {TOL:g}.", False)
    c = rate_shape_constant(float(wk.y[0]), wk.to_tol, kappa, TOL)
    keep = wk.x <= wk.to_tol
    ratio = wk.y[keep] / rate_shape_line(float(wk.y[0]), c, kappa, wk.x[keep])
    low = int(np.argmin(ratio))
    return Claim(
        f"the shape of the paper's rate, T = ĉ·κ²·log(e₀/ε), with ĉ = {c:.3g} fitted to this run ({_fmt(wk.to_tol)} "
        f"to {TOL:g}; not the paper's constant): the run never rises more than {100 * (ratio.max() - 1):.0f}% above "
        f"the fitted line, and falls up to {-np.log10(ratio[low]):.1f} decades below it (t = {wk.x[keep][low]:.0f}) — "
        "the first iterations are faster than the κ² shape, as the paper remarks that its rate is conservative.",
        bool(ratio.max() <= 1.1),
    )


# ---------------------------------------------------------------------- 1b: Gaussian at several scales
def claims_scales(runs):
    wk = _by(runs, _WK)
    gs = [_by(runs, f"AGD, Gaussian init, scale {lab}") for _, lab in SCALES]
    best = min(gs, key=lambda r: _inf(r.to_tol))
    ratio = _inf(best.to_tol) / wk.to_tol if wk.to_tol else np.inf
    m6 = [_inf(r.milestones.get(1e-6)) for r in gs]
    w6 = _inf(wk.milestones.get(1e-6))
    return [
        Claim(f"Ward–Kolda reaches {TOL:g} in {_fmt(wk.to_tol)}.", wk.to_tol is not None),
        Claim(
            "no Gaussian scale matches it: to "
            + f"{TOL:g}, "
            + ", ".join(f"scale {lab}: {_fmt(r.to_tol)}" for (_, lab), r in zip(SCALES, gs))
            + f" (cap {gs[0].config.max_iter:,}); the best, {best.config.label.split('scale ')[1]}, is {ratio:.1f}× slower.",
            wk.to_tol is not None and ratio >= 2,
        ),
        Claim(
            "the gap opens in the tail, not at the start: down to 1e-6 every Gaussian start is within 3× of Ward–Kolda ("
            + ", ".join(_fmt(None if not np.isfinite(v) else v) for v in m6)
            + f" for 10⁻³, 10⁻², 1/√n against {_fmt(None if not np.isfinite(w6) else w6)}).",
            bool(np.isfinite(w6) and max(m6) <= 3 * w6),
        ),
    ]


# ---------------------------------------------------------------------- 1c: AGD vs simultaneous GD
def claims_agd_gd(runs):
    a1, g1 = _by(runs, "AGD, η = 9/"), _by(runs, "GD, η = 9/")
    a2, g2 = _by(runs, "AGD, η = 2×"), _by(runs, "GD, η = 2×")
    close = a1.to_tol is not None and g1.to_tol is not None and abs(g1.to_tol / a1.to_tol - 1) <= 0.1
    where = (
        "diverges" if not np.isfinite(g2.final_error) else f"is at e_t = {g2.final_error:.2g} after {_fmt(g2.x[-1])}"
    )
    return [
        Claim(
            f"at the default step the two are alike, as the paper's footnote says: AGD {_fmt(a1.to_tol)}, simultaneous "
            f"GD {_fmt(g1.to_tol)} to {TOL:g}.",
            close,
        ),
        Claim(
            f"at twice that step they part: AGD still reaches {TOL:g} ({_fmt(a2.to_tol)}) while simultaneous GD {where}.",
            a2.to_tol is not None and g2.to_tol is None,
        ),
    ]


# ---------------------------------------------------------------------- 1d: iterations vs κ
def kappa_points(runs) -> tuple[np.ndarray, np.ndarray]:
    """(κ, iterations to TOL — the median when a run has several seeds) of the runs that reached it, in κ order."""
    pts = sorted((float(r.config.spec()["kappa"]), r.to_tol) for r in runs if r.to_tol is not None)
    return np.array([p[0] for p in pts]), np.array([p[1] for p in pts], dtype=float)


def claims_kappa(runs):
    k, its = kappa_points(runs)
    ok = len(k) == len(runs) and len(k) >= 4
    if len(k) < 2:
        return [Claim(f"too few runs reached {TOL:g} to fit a slope ({len(k)} of {len(runs)}).", False)]
    s, _ = loglog_slope(k, its)
    half = len(k) // 2
    s_lo, s_hi = loglog_slope(k[: half + 1], its[: half + 1])[0], loglog_slope(k[half:], its[half:])[0]
    return [
        Claim(
            f"every κ reaches {TOL:g} (iterations {', '.join(f'{v:,.0f}' for v in its)} for κ = "
            f"{', '.join(f'{v:g}' for v in k)}).",
            ok,
        ),
        Claim(
            f"the measured log-log slope is {s:.2f}, below the 2 of the paper's κ² — the count grows more slowly "
            "than the bound's shape (which an upper bound allows).",
            ok and s < 2,
        ),
        Claim(
            f"the slope rises with κ: {s_lo:.2f} over κ = {k[0]:g}…{k[half]:g}, {s_hi:.2f} over κ = {k[half]:g}…{k[-1]:g}.",
            ok and s_hi > s_lo,
        ),
    ]


# ---------------------------------------------------------------------- 2b: general A, d > r
def claims_general(runs):
    d5, d10, ga = _by(runs, f"{_WK}, d = r = 5"), _by(runs, f"{_WK}, d = 10"), _by(runs, "AGD, Gaussian")
    gap5 = d5.final_error / d5.floor - 1
    below = d10.x[np.nonzero(d10.y < d5.floor)[0]]
    below_g = ga.x[np.nonzero(ga.y < d5.floor)[0]]
    t10 = float(below[0]) if below.size else None
    tg = float(below_g[0]) if below_g.size else None
    gaps = [r.final_error / r.floor - 1 for r in (d10, ga)]
    return [
        Claim(
            f"d = r = 5 ends on the width-5 Eckart–Young floor {d5.floor:.4g} (within {100 * gap5:.3f}%).",
            0 <= gap5 <= 1e-3,
        ),
        Claim(
            f"d = 10 > r passes below the width-5 floor at {_fmt(t10)} and ends {100 * gaps[0]:.2f}% above its own "
            f"width-10 floor {d10.floor:.4g} after {_fmt(d10.x[-1])}.",
            t10 is not None and 0 <= gaps[0] <= 0.01,
        ),
        Claim(
            f"a small Gaussian start with d = 10 gets there too ({100 * gaps[1]:.2f}% above the floor at the cap) and "
            f"passes the width-5 floor later ({_fmt(tg)}): on a full-rank A the unbalanced start keeps only its early lead.",
            tg is not None and t10 is not None and tg > t10 and 0 <= gaps[1] <= 0.01,
        ),
    ]


# ---------------------------------------------------------------------- the experiments
def _gauss(label: str, scale: float, width: int = 10, cap: int = 4000, **kw) -> RunConfig:
    src = "small Gaussian init (" + SRC["yd"] + ")"
    return RunConfig(label, src, "agd", "gaussian", width, STEP, cap, (("scale", scale),), **kw)


SCALES_EXP = Experiment(
    "scales",
    "1b · The Gaussian baseline at three scales (10⁻³, 10⁻², 1/√n)",
    "Experiment 1's matrix and step (η = 0.05625 for every run, the product's default with the Ward–Kolda start), "
    "width d = 10. Gaussian starts X₀, Y₀ with iid N(0, s²) entries at s = 10⁻³ (Experiment 1's), 10⁻² and 1/√n = 0.1 "
    "— the scales a reader would try. Gaussian runs are capped at 5 000 iterations. Log x-axis.",
    "Seed 1: Ward–Kolda 299 iterations to 1e-10. The 1/√n start gets there in 1 396 (4.7× slower); 10⁻² and 10⁻³ do "
    "not within the cap (their full runs take 29 562 and 38 987). A larger Gaussian scale shortens the warm-up "
    "plateau, but none matches the unbalanced start.",
    (
        RunConfig(f"{_WK} (C = 8, ν = ½), d = 10", SRC["wk"], "agd", "ward-kolda", 10),
        *(_gauss(f"AGD, Gaussian init, scale {lab}", s, color=i + 1) for i, (s, lab) in enumerate(SCALES)),
    ),
    claims_scales,
    summary="Claim: a larger Gaussian scale does not close the gap to the unbalanced start. Look at where each "
    "curve reaches the bottom: the Gaussian starts at 10⁻³, 10⁻² and 1/√n all arrive later than Ward–Kolda, the "
    "largest scale soonest.",
    x_log=True,
    milestones=(1e-6,),
)

AGD_GD_EXP = Experiment(
    "agd_gd",
    "1c · AGD vs simultaneous GD from the same unbalanced start",
    "Experiment 1's matrix, the Ward–Kolda start (C = 8, ν = ½, d = 10, the same draw for both methods). Alternating "
    "GD (X first, then Y with the new X) against simultaneous GD (both from the old iterate) at the default step "
    'η = 9/(4Cνσ₁) = 0.05625 and at twice it. The paper\'s footnote 1 says the two "exhibit similar behavior" '
    "empirically; its analysis covers the alternating order only (docs/theory.md#residual-recursion). Capped at 3 000 "
    "iterations. Log x-axis.",
    "Seed 1: at the default step AGD needs 299 iterations and GD 307 — alike, as the footnote says. At twice the step "
    "AGD needs 200 while GD stalls, oscillating near e_t ≈ 3e-2 up to the cap: near the largest stable step the alternating order is the "
    "more robust one.",
    tuple(
        RunConfig(
            f"{lab}, η = {eta}",
            SRC["wk"] if alg == "agd" else SRC["wk"] + ", footnote 1",
            alg,
            "ward-kolda",
            10,
            STEP * mult,
            3000,
            color=c,
            dash=dash,
        )
        for mult, eta, dash in ((1, "9/(4Cνσ₁)", "solid"), (2, "2×9/(4Cνσ₁)", "dash"))
        for alg, lab, c in (("agd", "AGD", 0), ("gd", "GD", 1))
    ),
    claims_agd_gd,
    summary="Claim (the paper's footnote 1): alternating and simultaneous gradient descent behave alike. Look at the "
    "solid pair (default step): the curves almost coincide; the dashed pair (twice the step) shows where they part.",
    x_log=True,
)

KAPPA_EXP = Experiment(
    "kappa",
    "1d · Iterations vs κ: the measured slope beside the κ² of the bound",
    "A = 100×100, rank 5, σ linear from 10 down to 10/κ for κ = 2, 4, …, 64; Ward–Kolda start, d = 10, default step "
    "0.05625 (the product's default, not the guarantee's ε-dependent step); one run per κ, iterations to 1e-10. The "
    "paper's count is C·factor·κ²·log(1/ε) [V] — an upper bound, so its κ² is a worst-case exponent. The dashed line "
    "has slope 2 (through the κ = 2 point; its constant is not the paper's); the solid line is the least-squares fit of "
    "log T on log κ, slope and constant fitted (docs/theory.md#fitted-shapes). Log-log axes.",
    "Seed 1: 45, 105, 231, 538, 1 470 and 4 728 iterations; measured slope 1.32 — the count grows more slowly than "
    "κ², as the paper's remark that its rate is conservative allows. The slope rises with κ (1.19 for κ ≤ 16, 1.57 "
    "for κ ≥ 16). A likely reason, not checked here: at this step the factors re-balance, which gives a rate ∝ 1/κ, "
    "while the smallest direction of X starts at the frozen-X rate ∝ 1/κ² (docs/theory.md#frozen-x) and takes longer "
    "to catch up when κ is large.",
    tuple(
        RunConfig(
            f"{_WK}, κ = {k:g}",
            SRC["wk"],
            "agd",
            "ward-kolda",
            10,
            max_iter=20_000,
            problem_over=(("kappa", k),),
        )
        for k in KAPPAS
    ),
    claims_kappa,
    summary="Claim (the paper's headline): the iteration count grows at most like κ². Look at the measured points "
    "against the dashed slope-2 line: they rise more slowly, with a slope that creeps up as κ grows.",
    figure="kappa",
)

GENERAL_EXP = Experiment(
    "general",
    "2b · A general (full-rank) A with d > r: down to the Eckart–Young floor",
    "Experiment 1's rank-5 matrix plus iid Gaussian noise with ‖N‖_F/‖A‖_F = 0.1: A is full rank, the paper's "
    "column-span lemmas no longer apply (Remark 4.7), and its Fig. 4 reports that AGD still finds the best low-rank "
    "approximation [V]. Ward–Kolda start at d = r = 5 and at d = 10 > r, and a small Gaussian start (N(0, 10⁻⁶)) at "
    "d = 10, default step 0.05625, capped at 4 000 iterations. Each run's dashed line is its own Eckart–Young floor "
    "(σ_d+1² + σ_d+2² + …)/‖A‖²_F (exact); the right panel draws e_t minus that floor, which the two floors' "
    "closeness (8.9e-3 vs 7.3e-3) would otherwise hide. Log x-axes.",
    "Seed 1: d = 5 ends on its floor 8.9e-3. d = 10 passes below that floor at iteration 92 and creeps towards its "
    "own floor 7.3e-3 (within 1% at the cap): the spare columns fit the largest noise directions, whose small σ makes "
    "that last stretch slow. The Gaussian start gets there too, passing the width-5 floor later (148).",
    (
        RunConfig(
            f"{_WK}, d = r = 5",
            SRC["wk"],
            "agd",
            "ward-kolda",
            5,
            max_iter=4000,
            noise=0.1,
            overlays=("floor", "excess"),
        ),
        RunConfig(
            f"{_WK}, d = 10", SRC["wk"], "agd", "ward-kolda", 10, max_iter=4000, noise=0.1, overlays=("floor", "excess")
        ),
        _gauss("AGD, Gaussian init N(0, 10⁻⁶), d = 10", 1e-3, cap=4000, noise=0.1, overlays=("excess",)),
    ),
    claims_general,
    summary="Claim (the paper's Remark 4.7 and Fig. 4): on a general, full-rank A the error falls to the best "
    "rank-d approximation, the Eckart–Young floor. Look for the d = 10 curve going below the d = 5 floor and "
    "settling on its own dashed floor; the right panel shows each run's distance to its own floor.",
    x_log=True,
    milestones=(1e-4,),
)
