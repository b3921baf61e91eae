"""The Lesson: eight steps, each one whole state (problem, runs, charts), a short explanation whose
numbers are read off the runs it shows, and one question for the class.

No Streamlit here: ``pages/lesson.py`` only lays a step out, and tests/test_lesson.py checks that
every number a text states holds on the run. Sizes are small, so each step solves in well under a
second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .algorithms import default_step
from .completion import completion_from_matrix
from .images import best_rank_approximation, load_image, make_image_problem
from .problem import make_problem
from .solver import solve

BASE = dict(m=60, n=50, rank=3, kappa=10.0, seed=0)  # the lesson's matrix: 60×50, rank 3, κ = 10


@dataclass(frozen=True)
class LessonRun:
    """One solve of a step: its legend label, problem (``kind`` and settings) and solver settings."""

    label: str
    solve: dict
    problem: dict = field(default_factory=lambda: dict(BASE))
    kind: str = "synthetic"  # "synthetic" (make_problem), "photo" (make_image_problem), "photo-completion"


@dataclass(frozen=True)
class Step:
    """One click of the lesson. ``charts`` name the figures the page draws (see pages/lesson.py):
    ``compare`` (e_t of every run), ``loss`` (the first run's loss chart with its floor),
    ``sv_x`` (singular values of X_t of the first run; ``sv_x@<label>``: of that run), ``pictures``
    (A, X_tY_tᵀ, best rank-d, residual)."""

    title: str
    runs: tuple[LessonRun, ...]
    charts: tuple[str, ...]
    facts: Callable[[dict], dict]  # the runs (label -> Result) -> the numbers the text states
    text: str  # explanation, formatted with the facts
    question: str
    picture_at: float = 1.0  # where the pictures' slider starts, as a fraction of the recorded iterates
    landscape: str = ""  # a pointer to the Landscape page (the same idea on the rank-one model), if any


def build_problem(run: LessonRun):
    """The problem of a run (a fresh object; the page caches it)."""
    if run.kind == "photo":
        return make_image_problem()
    if run.kind == "photo-completion":  # a rank-k version of the photograph, pixels seen at a rate
        p = run.problem
        low = best_rank_approximation(load_image(), p["rank"])
        return completion_from_matrix(low, rate=p["rate"], rank=p["rank"], seed=p["seed"])
    return make_problem(**run.problem)


def solve_run(run: LessonRun, keep_factors: bool = False):
    return solve(build_problem(run), keep_factors=keep_factors, **run.solve)


def first_below(result, level: float) -> int | None:
    """The first iteration with e_t < level (None if never)."""
    hit = np.nonzero(np.asarray(result.error) < level)[0]
    return int(hit[0]) if hit.size else None


def reached(result) -> str:
    k = result.iterations_to_tol
    tol = result.config["tol"]
    if k is None:
        return f"had not reached {tol:.0e} after {result.n_iter:,} iterations"
    return f"reached {tol:.0e} in {k:,} iterations"


def waking_order(result) -> list[int]:
    """For each singular value of X_t (largest first): the first recorded iteration at which it
    reached half its final size."""
    sv, idx = np.asarray(result.sv_x), np.asarray(result.record_index)
    final = sv[-1]
    return [int(idx[np.nonzero(sv[:, i] >= final[i] / 2)[0][0]]) for i in range(sv.shape[1])]


# ---------------------------------------------------------------------- the eight steps
WK = dict(algorithm="agd", init="ward-kolda", seed=1, tol=1e-10)
GAUSS = dict(algorithm="agd", init="gaussian", seed=1, tol=1e-10)
ETA0 = default_step("agd", "ward-kolda", 1.0)  # the default step on the lesson's A (σ₁ = 1): 9/(4Cν)


def _f1(r):
    res, (m, n), d = r["AGD"], (BASE["m"], BASE["n"]), 3
    return {"mn": m * n, "dmn": d * (m + n), "reached": reached(res), "e0": float(res.error[0])}


def _f2(r):
    res = r["Gaussian start"]
    return {
        "plateau": first_below(res, 0.9),
        "wake": ", ".join(f"{k:,}" for k in waking_order(res)),
        "reached": reached(res),
    }


def _f3(r):
    wk, g = r["Ward–Kolda"], r["Gaussian 1e-3"]
    return {"wk": reached(wk), "g": reached(g), "g8": first_below(g, 1e-8), "wk8": first_below(wk, 1e-8)}


def _f4(r):
    ok, big, bad = r["η = default"], r["η = 2 × default"], r["η = 3 × default"]
    return {
        "eta": ok.config["step"],
        "ok": reached(ok),
        "big": reached(big),
        "bad_eta": bad.config["step"],
        "status": bad.status,
        "at": bad.diverged_at,
    }


def _f5(r):
    return {f"d{d}": reached(r[f"d = {d}"]) for d in (3, 6, 12)}


def _f6(r):
    a10, a30, s30 = r["AGD, κ = 10"], r["AGD, κ = 30"], r["ScaledGD, κ = 30"]
    k10, k30 = a10.iterations_to_tol, a30.iterations_to_tol
    return {
        "a10": reached(a10),
        "a30": reached(a30),
        "ratio": k30 / k10 if k10 and k30 else float("nan"),
        "s30": reached(s30),
    }


def _f7(r):
    res = r["AGD on the photo"]
    k = res.iterations_to_tol
    within = (
        f"came within {res.config['tol']:.0e} of it in {k:,} iterations"
        if k is not None
        else f"was still {res.final_error - res.floor:.1e} above it after {res.n_iter:,} iterations"
    )
    return {"floor": res.floor, "within": within, "final": res.final_error, "d": res.config["width"]}


def _f8(r):
    res = r["AGD, spectral start"]
    p = res.config
    return {
        "pct": 100 * p["observed_fraction"],
        "k": p["rank"],
        "dof": p["rank"] * (p["m"] + p["n"] - p["rank"]),
        "n_obs": p["n_observed"],
        "reached": reached(res),
        "rec": res.final_recovery_error,
    }


STEPS: tuple[Step, ...] = (
    Step(
        "The problem and its error",
        (LessonRun("AGD", {**WK, "width": 3}),),
        ("pictures", "loss"),
        _f1,
        "We look for a thin X (m×d) and Y (n×d) whose product X·Yᵀ equals a matrix A: here A is 60×50 of rank 3, "
        "so {mn:,} numbers are described by d(m+n) = {dmn:,}. The error eₜ = ‖A − XₜYₜᵀ‖²/‖A‖² starts at "
        "{e0:.2f} and alternating gradient descent (AGD: first X, then Y) {reached}. "
        "Press Play (or move the slider) to watch XₜYₜᵀ fill in and the residual fade.",
        "Why do we divide by ‖A‖² — what would change if A were ten times larger?",
        picture_at=0.0,
    ),
    Step(
        "A small random start and its plateau",
        (LessonRun("Gaussian start", {**GAUSS, "width": 3, "scale": 1e-6, "max_iter": 5000}),),
        ("loss", "sv_x"),
        _f2,
        "Start from tiny random factors (entries of size 10⁻⁶): the gradient is as small as the factors, so eₜ "
        "stays above 0.9 for the first {plateau} iterations. The singular values of X wake up one at a time "
        "(each reaches half its final size by iterations {wake}), and eₜ drops in stairs; the run {reached}.",
        "Why does a smaller start make the first plateau longer, and which singular value wakes first?",
    ),
    Step(
        "The unbalanced start (Ward–Kolda)",
        (
            LessonRun("Ward–Kolda", {**WK, "width": 6, "max_iter": 5000}),
            LessonRun("Gaussian 1e-3", {**GAUSS, "width": 6, "max_iter": 5000}),
        ),
        ("compare", "sv_x@Ward–Kolda", "sv_x@Gaussian 1e-3"),
        _f3,
        "Ward and Kolda start unbalanced: X₀ inside the column space of A and scaled by 1/√η, Y₀ scaled by √η "
        "(so X₀ is the larger factor only when the step is small). With d = 6 > r = 3 "
        "columns, the small Gaussian start even reaches eₜ < 1e-8 first (at iteration {g8}, against {wk8}), but "
        "then it stalls: it {g}, while the Ward–Kolda start {wk}. Compare the extra singular values σ₄…σ₆ of X.",
        "What do the extra d − r columns of X do in each run, and why can they slow down the Gaussian one?",
        landscape="Where each start lands on the valley xy = a, and how flat it is there: the Landscape page",
    ),
    Step(
        "A step that is too large",
        (
            LessonRun("η = default", {**WK, "width": 3, "max_iter": 3000}),
            LessonRun("η = 2 × default", {**WK, "width": 3, "max_iter": 3000, "step": 2 * ETA0}),
            LessonRun("η = 3 × default", {**WK, "width": 3, "max_iter": 3000, "step": 3 * ETA0}),
        ),
        ("compare",),
        _f4,
        "The same problem and start with three step sizes. At η = {eta:.4g} AGD {ok}; doubling the step it "
        "{big}. At η = {bad_eta:.4g} the run {status} at iteration {at}: the iterates overflowed (the cross on "
        "the chart).",
        "Bigger steps were faster — until they were not. What sets the largest step that still converges?",
        landscape="The step against the curvature 2/η on the rank-one model: the Landscape page",
    ),
    Step(
        "Over-parameterization: d > r",
        tuple(LessonRun(f"d = {d}", {**WK, "width": d, "max_iter": 5000}) for d in (3, 6, 12)),
        ("compare",),
        _f5,
        "A has rank 3, but nothing stops us from giving X and Y more columns. From the Ward–Kolda start, AGD with "
        "d = 3 {d3}; with d = 6 it {d6}; with d = 12 it {d12}.",
        "The answer needs only three columns: what do the extra ones buy, and what do they cost per iteration?",
    ),
    Step(
        "Ill-conditioning and ScaledGD",
        (
            LessonRun("AGD, κ = 10", {**WK, "width": 3, "max_iter": 20000}),
            LessonRun("AGD, κ = 30", {**WK, "width": 3, "max_iter": 20000}, {**BASE, "kappa": 30.0}),
            LessonRun("ScaledGD, κ = 30", {**WK, "algorithm": "scaledgd", "width": 3}, {**BASE, "kappa": 30.0}),
        ),
        ("compare",),
        _f6,
        "The condition number κ = σ₁/σᵣ measures how unequal the singular values of A are. At κ = 10 AGD {a10}; "
        "at κ = 30 it {a30} ({ratio:.1f}× as many; Ward and Kolda's bound on the iterations grows like κ²). ScaledGD rescales each "
        "step by the inverse Gram matrix of the other factor and {s30} from the same start.",
        "Why does a small σᵣ slow plain gradient steps down, and what does ScaledGD pay for its speed?",
    ),
    Step(
        "Noise and the Eckart–Young floor: a photograph",
        (LessonRun("AGD on the photo", {**WK, "width": 10, "max_iter": 5000, "tol": 1e-6}, {}, "photo"),),
        ("pictures", "loss"),
        _f7,
        "A photograph is not low rank: beyond its main structure it has fine detail that acts like noise. No "
        "rank-{d} matrix gets closer than the Eckart–Young floor (the sum of σᵢ² over i > {d}, divided by ‖A‖²) = {floor:.4f} (exact; docs/theory.md#floor; the dashed line), "
        "and AGD stops there: it {within} (eₜ = {final:.4f}). Its picture and the best rank-{d} "
        "image (the truncated SVD) look the same.",
        "Which details of the face are the first to go as d shrinks, and why those?",
    ),
    Step(
        "Seeing only part of the matrix (completion)",
        (
            LessonRun(
                "AGD, spectral start",
                {"algorithm": "agd", "init": "spectral", "seed": 1, "tol": 1e-10, "width": 5, "max_iter": 3000},
                dict(rank=5, rate=0.3, seed=0),
                "photo-completion",
            ),
        ),
        ("pictures", "loss"),
        _f8,
        "Take a rank-{k} version of the photograph (its truncated SVD) and show the solver only {pct:.0f}% of its "
        "pixels: {n_obs:,} numbers, where a rank-{k} matrix of this size has {dof:,} degrees of freedom. It fits "
        "what it sees — the training loss {reached} — and the pixels it never saw come out right too: their "
        "relative error is {rec:.1e}.",
        "How few pixels could possibly determine a rank-5 picture, and which patterns of holes would make it "
        "impossible?",
        picture_at=0.0,
    ),
)


def step_text(step: Step, results: dict) -> str:
    """The step's explanation with the numbers of its runs filled in."""
    return step.text.format(**step.facts(results))
