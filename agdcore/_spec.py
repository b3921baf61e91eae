"""The run specification: validated, resolved settings, the record schedule and the run's messages.

Shared by both drivers (the discrete loop in :mod:`agdcore._loop` and the flow in
:mod:`agdcore.flow`) and by :func:`agdcore.solve` / :func:`agdcore.solve_trials`; it imports
neither driver, so no import points back up.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_choice, check_float, check_int, check_memory
from .algorithms import ALGORITHMS, default_step
from .initializers import INITIALIZERS
from .problem import Problem
from .result import Result

MAX_ITER_LIMIT = 10_000_000

MESSAGES = {
    "converged": "Converged: e_t − floor fell to {err:.3g} ≤ tol = {tol:.3g} after {it} {unit}.",
    "max_iter": "Stopped at max_iter = {it} {unit} with e_t = {err:.3g} (floor {floor:.3g}, tol {tol:.3g}).",
    "diverged": "Diverged at {unit_single} {it}: the iterates overflowed or became NaN. "
                "Try a smaller step (η = {step:.3g} now; the largest stable step is about {hint}).",
    "stopped": "Stopped by the callback at {unit_single} {it} with e_t = {err:.3g}.",
}


@dataclass
class RunSpec:
    """Validated, resolved settings of a run (shared by solve, solve_trials and the flow)."""

    problem: Problem
    algorithm: str
    init: object
    init_name: str
    width: int
    step: float
    max_iter: int
    tol: float
    init_options: dict
    algo_options: dict

    def config(self, seed) -> dict:
        p = self.problem
        cfg = {
            "m": p.shape[0], "n": p.shape[1], "rank": p.rank, "kappa": p.kappa, "sigma1": p.sigma1,
            "problem": p.description, "algorithm": self.algorithm, "init": self.init_name,
            "width": self.width, "step": self.step, "step_times_sigma1": self.step * p.sigma1,
            "max_iter": self.max_iter, "tol": self.tol, "seed": seed,
        }
        init_opts = dict(self.init_options)
        if self.init_name in INITIALIZERS and isinstance(self.init, str):
            init_opts = {**INITIALIZERS[self.init_name].defaults, **init_opts}
            if self.init_name == "ward-kolda" and init_opts.get("D") is None:
                init_opts["D"] = float(init_opts["C"]) * float(init_opts["nu"]) / 9.0
        cfg.update({f"init_{k}": v for k, v in init_opts.items()})
        cfg.update(self.algo_options)
        return cfg


def make_spec(problem: Problem, algorithm: str, init, width: int, step, max_iter: int, tol: float,
              options: dict, memory_budget=None) -> RunSpec:
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be an agdcore.Problem (see make_problem / Problem.from_array), got {type(problem).__name__}.")
    check_choice(algorithm, "algorithm", ALGORITHMS)
    m, n = problem.shape
    width = check_int(width, "width", 1, min(m, n))
    max_iter = check_int(max_iter, "max_iter", 0, MAX_ITER_LIMIT)
    tol = check_float(tol, "tol", 0.0)
    check_memory(8.0 * (m + n) * width * 12, f"width {width} factors for a {m}x{n} problem", memory_budget)
    algo = ALGORITHMS[algorithm]
    init_keys = set(INITIALIZERS[init].defaults) if isinstance(init, str) and init in INITIALIZERS else set()
    if isinstance(init, str):
        check_choice(init, "init", INITIALIZERS)
    unknown = set(options) - init_keys - set(algo.defaults)
    if unknown:
        valid = sorted(init_keys | set(algo.defaults))
        raise ValueError(f"Unknown option(s) {sorted(unknown)} for algorithm {algorithm!r} with init "
                         f"{init if isinstance(init, str) else 'explicit'!r}; valid options: {valid or 'none'}.")
    init_options = {k: v for k, v in options.items() if k in init_keys and v is not None}
    algo_options = {**algo.defaults, **{k: v for k, v in options.items() if k in algo.defaults}}
    if algorithm == "scaledgd-lambda":
        lam = algo_options.get("lam")
        algo_options["lam"] = 0.01 * problem.sigma1 if lam is None else check_float(lam, "lam", 0.0)
    if algorithm == "precgd":
        algo_options["damping"] = check_float(algo_options["damping"], "damping", 0.0)
    init_name = init if isinstance(init, str) else ("explicit" if isinstance(init, (tuple, list)) else getattr(init, "__name__", "callable"))
    if step is None:
        step = default_step(algorithm, init_name, problem.sigma1, init_options)
    step = check_float(step, "step", 0.0, lo_open=True)
    return RunSpec(problem, algorithm, init, init_name, width, step, max_iter, tol, init_options, algo_options)


def record_schedule(max_iter: int, n_records: int = 100) -> np.ndarray:
    """0 and about ``n_records`` log-spaced iterations up to ``max_iter``."""
    if max_iter <= 0:
        return np.array([0])
    pts = np.geomspace(1, max_iter, max(2, n_records)).astype(int)
    return np.unique(np.concatenate([[0], pts, [max_iter]]))


def stability_hint(spec: RunSpec) -> str:
    if ALGORITHMS[spec.algorithm].preconditioned:
        return "0.5 (dimensionless; ScaledGD needs η ≤ 2/3)"
    return f"{1.0 / spec.problem.sigma1:.3g} = 1/σ₁(A)"


def call_callback(callback, progress) -> bool:
    try:
        return bool(callback(progress))
    except StopIteration:
        return True


def run_message(status, spec, err, k, floor) -> str:
    finite = err[np.isfinite(err)]
    last = float(finite[-1]) if finite.size else float("nan")
    unit = "time units" if spec.algorithm == "flow" else "iterations"
    return MESSAGES[status].format(err=last - floor if status == "converged" else last, tol=spec.tol, it=k,
                                   unit=unit, unit_single="time" if spec.algorithm == "flow" else "iteration",
                                   floor=floor, step=spec.step, hint=stability_hint(spec))


def assemble(spec, cfg, status, message, err, rec, sx, sy, bal, live, floor, X, Y, seconds,
              t=None, diverged_at=None) -> Result:
    d = spec.width
    return Result(
        config=cfg, status=status, message=message, error=np.asarray(err, dtype=float),
        t=np.arange(len(err), dtype=float) if t is None else np.asarray(t, dtype=float),
        record_index=np.asarray(rec, dtype=int),
        sv_x=np.asarray(sx, dtype=float).reshape(-1, d), sv_y=np.asarray(sy, dtype=float).reshape(-1, d),
        balance=np.asarray(bal, dtype=float), live_bound=live, floor=float(floor), X=X, Y=Y,
        seconds=float(seconds), diverged_at=diverged_at,
    )
