"""Running the Paper page's experiments: the settings types, one run, its overlays and outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import bounds
from ..completion import make_completion
from ..problem import make_problem
from ..sensing import make_sensing
from ..solver import solve
from ..trials import iteration_quartiles
from ._overlays import overlays, thin

TOL = 1e-10
PROBLEMS = {  # docs/theory.md#worked-example: both 100×100, rank 5, κ = 10
    "wk": dict(m=100, n=100, rank=5, kappa=10.0, spectrum="linear", sigma1=10.0, seed=0),
    "peers": dict(m=100, n=100, rank=5, kappa=10.0, spectrum="geometric", sigma1=1.0, seed=0),
    # observed problems (the plotted curve is the recovery error); sensing: 4× the r(m+n−r) = 96 degrees of freedom
    "sensing": dict(observe="sensing", m=25, n=25, rank=2, kappa=5.0, measurements=384, seed=0),
    "completion": dict(observe="completion", m=100, n=100, rank=5, kappa=5.0, rate=0.3, seed=0),
}
MAKERS = {"dense": make_problem, "sensing": make_sensing, "completion": make_completion}
SRC = {
    "wk": "Ward & Kolda 2023",
    "yd": "Ye & Du 2021",
    "tmc": "ScaledGD: Tong, Ma & Chi 2021",
    "ny": "Nyström: Li, Zhang, Mokhtari & He 2025",
    "pg": "PrecGD: Zhang, Fattahi & Zhang 2021",
    "fa": "Garg & Vempala 2022",
}


@dataclass(frozen=True)
class RunConfig:
    """One curve of an experiment: plain scalars only (hashable, cache-friendly)."""

    label: str
    source: str
    algorithm: str
    init: str
    width: int
    step: float | None = None
    max_iter: int = 5000
    options: tuple = ()  # (name, value) pairs passed to agdcore.solve
    problem: str = "wk"
    noise: float = 0.0
    seeds: int = 1  # > 1: pointwise median over that many consecutive seeds
    overlays: tuple = ()  # any of "live_bound", "floor", "local_rate", "as_time", "rate_shape"
    theory_columns: bool = False  # add the v1/v2 factors and the derived a-priori T to the table
    color: int | None = None  # index into the figure's palette (None: the run's position)
    dash: str = "solid"  # Plotly line dash of the run's curve
    problem_over: tuple = ()  # (name, value) pairs overriding PROBLEMS[problem], e.g. (("kappa", 4.0),)

    @property
    def panel(self) -> str:
        """Which x-axis the run belongs on: ``"time"`` for the gradient flow, else ``"iteration"``."""
        return "time" if self.algorithm == "flow" else "iteration"

    @property
    def observed(self) -> bool:
        """Whether the run is on an observed problem (completion, sensing): the curve is the recovery error."""
        return "observe" in PROBLEMS[self.problem]

    def spec(self) -> dict:
        """The problem's settings: PROBLEMS[problem] with ``problem_over`` applied."""
        return {**PROBLEMS[self.problem], **dict(self.problem_over)}

    def make_problem(self):
        spec = self.spec()
        return MAKERS[spec.pop("observe", "dense")](**spec, noise=self.noise)


@dataclass
class RunOutcome:
    """What the page plots and tabulates for one :class:`RunConfig` (arrays thinned for plotting)."""

    config: RunConfig
    x: np.ndarray
    y: np.ndarray
    status: str
    to_tol: float | None
    final_error: float
    floor: float
    seconds: float
    step: float
    overlays: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    milestones: dict = field(default_factory=dict)  # level -> iterations (flow: time) to y − floor ≤ level
    training: np.ndarray | None = None  # observed problems: the training loss e_t (y is the recovery error)
    no_theory: str = ""  # observed problems: why no Ward–Kolda bound applies (the problem's why_no_theory)


@dataclass(frozen=True)
class Claim:
    text: str
    ok: bool


@dataclass(frozen=True)
class Experiment:
    key: str
    title: str
    caption: str
    look_for: str
    runs: tuple
    claims: Callable
    x_log: bool = False
    milestones: tuple = ()  # extra error levels tabulated besides TOL
    summary: str = ""  # what a reader needs before the chart: the claim and what to look for (2–3 sentences)
    figure: str = "curves"  # "curves": e_t of every run; "kappa": iterations to TOL against κ (log-log)


@dataclass
class ExperimentOutcome:
    key: str
    seed: int
    runs: list
    stopped: bool = False
    check: Callable | None = field(default=None, repr=False)  # the experiment's claims function
    figure: str = "curves"  # which figure the Paper page draws (Experiment.figure)

    def table(self) -> list[dict]:
        """One row per run: iterations (or flow time) to e_t − floor ≤ TOL and the milestones, final e_t, floor, seconds."""
        rows = []
        for r in self.runs:
            c = r.config
            unit = "time" if c.panel == "time" else "iterations"
            if r.training is not None:
                rows.append(_observed_row(r))
                continue
            rows.append(
                {
                    "run": c.label,
                    **r.extra,
                    "source": c.source,
                    "status": r.status,
                    **{f"reached {lv:g} at": _fmt(v, unit) for lv, v in r.milestones.items()},
                    f"reached {TOL:g} at": _fmt(r.to_tol, unit),
                    "final e_t": f"{r.final_error:.3g}",
                    "floor": f"{r.floor:.3g}",
                    "seconds": round(r.seconds, 2),
                }
            )
        return rows

    def claims(self) -> list[Claim]:
        return [] if self.stopped or self.check is None else self.check(self.runs)


def _observed_row(r: RunOutcome) -> dict:
    """A table row of a run on an observed problem: recovery milestones, when it stopped, both final errors."""
    return {
        "run": r.config.label,
        **r.extra,
        "source": r.config.source,
        "status": r.status,
        **{f"recovery error ≤ {lv:g} at": _fmt(v) for lv, v in r.milestones.items()},
        f"stopped: training loss ≤ {TOL:g} at": _fmt(r.to_tol),
        "final recovery error": f"{r.final_error:.3g}",
        "final training loss": f"{r.training[-1]:.3g}",
        "seconds": round(r.seconds, 2),
    }


# ---------------------------------------------------------------------- running
def _fmt(v, unit="iterations") -> str:
    if v is None:
        return "not reached"
    return (f"{v:,.0f} iteration" + ("" if v == 1 else "s")) if unit == "iterations" else f"time {v:.4g}"


def _first(x: np.ndarray, e: np.ndarray, level: float):
    hit = np.nonzero(e <= level)[0]
    return None if hit.size == 0 else float(x[hit[0]])


def run_config(cfg: RunConfig, seed: int, callback=None, milestones: tuple = ()) -> RunOutcome:
    """Run one configuration (median over ``cfg.seeds`` seeds when > 1) and summarise it."""
    if cfg.observed and cfg.seeds > 1:
        raise ValueError(f"{cfg.label}: runs on observed problems use one seed (seeds = 1), got {cfg.seeds}.")
    problem = cfg.make_problem()
    results = []
    for s in range(seed, seed + cfg.seeds):
        results.append(
            solve(
                problem,
                cfg.algorithm,
                cfg.init,
                cfg.width,
                cfg.step,
                cfg.max_iter,
                TOL,
                s,
                callback=callback,
                callback_interval=0.2,
                theory=False,
                **dict(cfg.options),
            )
        )
        if results[-1].status == "stopped":
            break
    res = results[0]
    if len(results) > 1:
        L = max(len(r.error) for r in results)
        E = np.array([np.concatenate([r.error, np.full(L - len(r.error), r.error[-1])]) for r in results])
        x, y = np.arange(L, dtype=float), np.median(E, axis=0)
        its = np.array([np.inf if r.iterations_to_tol is None else r.iterations_to_tol for r in results])
        to_tol = float(iteration_quartiles(its)[1]) if np.all(np.isfinite(its)) else None
        extra = {"iterations, per seed": ", ".join(f"{v:.0f}" for v in its)}
    else:
        x, y, to_tol, extra = res.t, res.error, (res.time_to_tol if res.is_flow else res.iterations_to_tol), {}
    observed = res.recovery_error is not None  # completion, sensing: plot the recovery error, keep e_t as training
    training, y = (y, res.recovery_error) if observed else (None, y)
    if cfg.theory_columns:
        extra = {**_theory_columns(cfg, problem), **extra}
    if cfg.problem_over:
        extra = {_OVER_NAMES.get(k, k): v for k, v in cfg.problem_over} | extra
    idx = np.nonzero(np.isfinite(y))[0] if observed else np.arange(len(y))  # recovery: where evaluated
    k = idx[thin(len(idx))]
    status = "stopped" if any(r.status == "stopped" for r in results) else res.status
    marks = {lv: _first(x, y - res.floor, lv) for lv in milestones}
    return RunOutcome(
        cfg,
        x[k],
        y[k],
        status,
        to_tol,
        res.final_recovery_error if observed else float(y[-1]),
        res.floor,
        sum(r.seconds for r in results),
        res.config["step"],
        overlays(cfg, res, problem),
        extra,
        marks,
        None if training is None else training[k],
        problem.why_no_theory if observed else "",
    )


_OVER_NAMES = {"kappa": "κ"}


def _theory_columns(cfg: RunConfig, problem, C: float = 8.0, nu: float = 0.5, theta: float = 0.5) -> dict:
    d, r = cfg.width, problem.rank
    fac = bounds.rate_a_priori(bounds.rho(nu, d, r), C, problem.kappa, theta)
    return {
        "v2 factor [paper]": round(bounds.overparam_factor(d, r), 2),
        "v1 factor [paper]": round(bounds.overparam_factor(d, r, "v1"), 2),
        "a-priori T(1e-10) [derived]": bounds.iterations_for(1.0, TOL, fac),
    }


def _capped(cfg: RunConfig, cap: int) -> RunConfig:
    from dataclasses import replace

    return replace(cfg, max_iter=min(cfg.max_iter, cap))


def _progress_callback(on_progress, i: int, n: int, cfg: RunConfig):
    def cb(p):
        horizon = cfg.max_iter * (cfg.step or 1.0)
        frac = min(1.0, p.t / horizon if cfg.panel == "time" else p.fraction)
        where = f"t = {p.t:.4g}" if cfg.panel == "time" else f"iteration {p.iteration:,}"
        return bool(on_progress((i + frac) / n, f"run {i + 1}/{n}: {cfg.label} — {where}, e_t = {p.error:.2e}"))

    return cb
