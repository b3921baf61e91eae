"""Running the Paper page's experiments: the settings types, one run, its overlays and outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import bounds
from ..problem import make_problem
from ..solver import solve
from ..trials import iteration_quartiles

TOL = 1e-10
PROBLEMS = {  # theory.md Part I §10 and Part II §0: both 100×100, rank 5, κ = 10
    "wk": dict(m=100, n=100, rank=5, kappa=10.0, spectrum="linear", sigma1=10.0, seed=0),
    "peers": dict(m=100, n=100, rank=5, kappa=10.0, spectrum="geometric", sigma1=1.0, seed=0),
}
LIVE_HOVER = "e₀ ∏ q_k², q_k = max_i≤r |1 − η σ_i²(X_k+1)| · max(1, |1 − η σ₁²(Y_k)|)"
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
    overlays: tuple = ()  # any of "live_bound", "floor", "local_rate"
    theory_columns: bool = False  # add the v1/v2 factors and the derived a-priori T to the table

    @property
    def panel(self) -> str:
        """Which x-axis the run belongs on: ``"time"`` for the gradient flow, else ``"iteration"``."""
        return "time" if self.algorithm == "flow" else "iteration"

    def make_problem(self):
        return make_problem(**PROBLEMS[self.problem], noise=self.noise)


@dataclass(frozen=True)
class Overlay:
    """A reference line drawn over a run, labelled with its grade and a plain-text formula."""

    label: str
    formula: str
    x: np.ndarray
    y: np.ndarray
    panel: str | None = None  # None: the run's own panel


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
    milestones: dict = field(default_factory=dict)  # level -> iterations (flow: time) to e_t − floor ≤ level


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


@dataclass
class ExperimentOutcome:
    key: str
    seed: int
    runs: list
    stopped: bool = False
    check: Callable | None = field(default=None, repr=False)  # the experiment's claims function

    def table(self) -> list[dict]:
        """One row per run: iterations (or flow time) to e_t − floor ≤ TOL and the milestones, final e_t, floor, seconds."""
        rows = []
        for r in self.runs:
            c = r.config
            unit = "time" if c.panel == "time" else "iterations"
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


# ---------------------------------------------------------------------- running
def _fmt(v, unit="iterations") -> str:
    if v is None:
        return "not reached"
    return (f"{v:,.0f} iteration" + ("" if v == 1 else "s")) if unit == "iterations" else f"time {v:.4g}"


def thin(n: int, max_points: int = 2000) -> np.ndarray:
    """Indices 0..n-1 to plot: all of them if few, else a union of linear and log spacing (+ last)."""
    if n <= max_points:
        return np.arange(n)
    half = max_points // 2
    idx = np.concatenate([np.linspace(0, n - 1, half), np.geomspace(1, n - 1, half), [0, n - 1]])
    return np.unique(idx.astype(int))


def _overlays(cfg: RunConfig, res, problem) -> list[Overlay]:
    out = []
    info = bounds.BOUND_INFO
    if "live_bound" in cfg.overlays and res.live_bound is not None:
        k = thin(len(res.live_bound))
        out.append(Overlay(info["live_bound"].label, LIVE_HOVER, res.t[k], res.live_bound[k]))
    if "as_time" in cfg.overlays:
        k = thin(len(res.t))
        out.append(
            Overlay(
                f"{cfg.label} replotted at time η·t",
                f"time = η × iteration, η = {res.config['step']:g}",
                res.config["step"] * res.t[k],
                res.error[k],
                panel="time",
            )
        )
    if "floor" in cfg.overlays and res.floor > 0:
        k = thin(len(res.t), 200)
        out.append(
            Overlay(
                f"Eckart–Young floor, width {cfg.width}: {res.floor:.3g} (exact)",
                "Σ_{i>d} σ_i²(A) / ‖A‖²_F",
                res.t[k],
                np.full(len(k), res.floor),
            )
        )
    rate = (
        bounds.local_rate(cfg.algorithm, res.config["step"], problem.sigma_r) if "local_rate" in cfg.overlays else None
    )
    if rate is not None and res.final_error > 0:
        t_end, e_end = res.t[-1], res.final_error
        span = min(t_end, np.log(1e-2 / e_end) / -np.log(rate)) if rate < 1 else 0
        tt = np.linspace(t_end - span, t_end, 50)
        key = {"gd": "local_gd", "scaledgd": "local_scaledgd"}.get(cfg.algorithm, "local_precgd")
        out.append(
            Overlay(
                f"{info[key].label}, slope anchored at the last iterate",
                f"e_t+1/e_t = {rate:.4g}",
                tt,
                e_end * rate ** (tt - t_end),
            )
        )
    return out


def _first(x: np.ndarray, e: np.ndarray, level: float):
    hit = np.nonzero(e <= level)[0]
    return None if hit.size == 0 else float(x[hit[0]])


def run_config(cfg: RunConfig, seed: int, callback=None, milestones: tuple = ()) -> RunOutcome:
    """Run one configuration (median over ``cfg.seeds`` seeds when > 1) and summarise it."""
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
    if cfg.theory_columns:
        extra = {**_theory_columns(cfg, problem), **extra}
    k = thin(len(x))
    status = "stopped" if any(r.status == "stopped" for r in results) else res.status
    marks = {lv: _first(x, y - res.floor, lv) for lv in milestones}
    return RunOutcome(
        cfg,
        x[k],
        y[k],
        status,
        to_tol,
        float(y[-1]),
        res.floor,
        sum(r.seconds for r in results),
        res.config["step"],
        _overlays(cfg, res, problem),
        extra,
        marks,
    )


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
