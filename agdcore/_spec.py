"""The run specification: validated, resolved settings, the record schedule and the run's messages.

Shared by both drivers (the discrete loop in :mod:`agdcore._loop` and the flow in
:mod:`agdcore.flow`) and by :func:`agdcore.solve` / :func:`agdcore.solve_trials`; it imports
neither driver, so no import points back up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._observed import RECOVERY_TOL
from ._validation import check_choice, check_float, check_int, check_memory
from .algorithms import ALGORITHMS, default_step
from .initializers import INITIALIZERS
from .options import check_supports
from .problem import Problem
from .result import Result, RunSettings

MAX_ITER_LIMIT = 10_000_000

MESSAGES = {
    "converged": "Converged: e_t − floor fell to {err:.3g} ≤ tol = {tol:.3g} after {it} {unit}.",
    "max_iter": "Stopped at max_iter = {it} {unit} with e_t = {err:.3g} (floor {floor:.3g}, tol {tol:.3g}).",
    "diverged": "Diverged at {unit_single} {it}: the iterates overflowed or became NaN at η = {step:.3g}. "
    "Try a smaller step: {hint}.",
    "stopped": "Stopped by the callback at {unit_single} {it} with e_t = {err:.3g}.",
}


@dataclass
class RunSpec:
    """Validated, resolved settings of a run (shared by solve, solve_trials and the flow).

    ``init_options`` and ``algo_options`` hold every option of the chosen entries with its
    default or resolved value (D = Cν/9, λ = 0.01σ₁): what runs is what is reported.
    """

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

    @property
    def unit(self) -> str:
        return ALGORITHMS[self.algorithm].unit

    def settings(self, seed) -> RunSettings:
        return RunSettings(
            self.algorithm,
            self.init_name,
            self.width,
            self.step,
            self.max_iter,
            self.tol,
            seed,
            dict(self.init_options),
            dict(self.algo_options),
            self.unit,
        )

    def config(self, seed) -> dict:
        """The flat JSON form of the settings (the CLI's schema)."""
        p = self.problem
        cfg = {
            "m": p.shape[0],
            "n": p.shape[1],
            "rank": p.rank,
            "kappa": p.kappa,
            "sigma1": p.sigma1,
            "problem": p.description,
            "algorithm": self.algorithm,
            "init": self.init_name,
            "width": self.width,
            "step": self.step,
            "step_times_sigma1": self.step * p.sigma1,
            "max_iter": self.max_iter,
            "tol": self.tol,
            "seed": seed,
        }
        observation = getattr(p, "observation", None)
        if observation is not None:
            cfg.update(observation())
            entry = INITIALIZERS.get(self.init_name)
            note = dict(entry.caveats).get(p.kind) if entry is not None else None
            if note:
                cfg["init_note"] = f"{self.init_name}: {note}"
        cfg.update({f"init_{k}": v for k, v in self.init_options.items()})
        cfg.update(self.algo_options)
        return cfg


PROTOCOL = ("kind", "shape", "rank", "sigma1", "norm2", "floor", "sq_error", "step_context", "apply", "top_svd")


def is_problem(problem) -> bool:
    """A :class:`Problem` or any object providing the problem protocol (completion, sensing)."""
    return isinstance(problem, Problem) or all(hasattr(type(problem), a) or hasattr(problem, a) for a in PROTOCOL)


def recovery_note(rec: float | None) -> str:
    """The sentence a run's message gains when the problem knows M★ (completion, sensing)."""
    if rec is None:
        return ""
    if not np.isfinite(rec):
        return " Recovery error: not available (the iterates are not finite)."
    verdict = "recovered" if rec <= RECOVERY_TOL else "NOT recovered"
    return f" Recovery error ‖XYᵀ − M★‖²/‖M★‖² = {rec:.3g}: {verdict} (threshold {RECOVERY_TOL:g})."


def _init_name(init) -> str:
    if isinstance(init, str):
        return init
    return "explicit" if isinstance(init, (tuple, list)) else getattr(init, "__name__", "callable")


def make_spec(
    problem: Problem,
    algorithm: str,
    init,
    width: int,
    step,
    max_iter: int,
    tol: float,
    options: dict,
    memory_budget=None,
) -> RunSpec:
    if not is_problem(problem):
        raise ValueError(
            f"problem must be an agdcore.Problem (see make_problem / Problem.from_array), got {type(problem).__name__}."
        )
    check_choice(algorithm, "algorithm", ALGORITHMS)
    m, n = problem.shape
    width = check_int(width, "width", 1, min(m, n))
    max_iter = check_int(max_iter, "max_iter", 0, MAX_ITER_LIMIT)
    tol = check_float(tol, "tol", 0.0)
    work = getattr(problem, "work_bytes", None)
    nbytes = 8.0 * (m + n) * width * 12 + (work(width) if work is not None else 0.0)
    check_memory(nbytes, f"width {width} factors for a {m}x{n} problem", memory_budget)
    algo = ALGORITHMS[algorithm]
    entry = INITIALIZERS[check_choice(init, "init", INITIALIZERS)] if isinstance(init, str) else None
    check_supports(problem.kind, algorithm, init)
    init_keys = set(entry.defaults) if entry is not None else set()
    unknown = set(options) - init_keys - set(algo.defaults)
    if unknown:
        valid = sorted(init_keys | set(algo.defaults))
        raise ValueError(
            f"Unknown option(s) {sorted(unknown)} for algorithm {algorithm!r} with init "
            f"{_init_name(init)!r}; valid options: {valid or 'none'}."
        )
    s1 = problem.sigma1
    init_options = entry.resolve({k: options.get(k) for k in init_keys}, s1) if entry is not None else {}
    algo_options = algo.resolve({k: options.get(k) for k in algo.defaults}, s1)
    if step is None:
        step = default_step(algorithm, _init_name(init), s1, init_options)
    step = check_float(step, "step", 0.0, lo_open=True)
    return RunSpec(problem, algorithm, init, _init_name(init), width, step, max_iter, tol, init_options, algo_options)


def record_schedule(max_iter: int, n_records: int = 100) -> np.ndarray:
    """0 and about ``n_records`` log-spaced iterations up to ``max_iter``."""
    if max_iter <= 0:
        return np.array([0])
    pts = np.geomspace(1, max_iter, max(2, n_records)).astype(int)
    return np.unique(np.concatenate([[0], pts, [max_iter]]))


def stability_hint(spec: RunSpec) -> str:
    """What to try after a divergence, labelled for what it is and never contradicting the run.

    1/σ₁(A) is a rule of thumb (linearizing GD at a balanced minimizer, whose Hessian has top
    eigenvalue about 2σ₁), not a bound: unbalanced starts often converge above it. So it is offered
    only when the diverged step is above it; otherwise the advice is to halve the step.
    """
    if ALGORITHMS[spec.algorithm].preconditioned:
        ref, what = 0.5, "0.5 (the default of the preconditioned rules; ScaledGD's analysis takes η ≤ 2/3)"
    else:
        ref = 1.0 / spec.problem.sigma1
        what = (
            f"{ref:.3g} = 1/σ₁(A), a rule of thumb from linearizing at a balanced minimizer, not a bound "
            "(unbalanced starts often converge above it)"
        )
    if spec.step > ref:
        return f"η ≤ {what}"
    return f"η ≤ {spec.step / 2:.3g}, half this step (it is already below the rule of thumb {ref:.3g})"


def call_callback(callback, progress) -> bool:
    try:
        return bool(callback(progress))
    except StopIteration:
        return True


def run_message(status, spec, err, k, floor) -> str:
    finite = err[np.isfinite(err)]
    last = float(finite[-1]) if finite.size else float("nan")
    flow = spec.unit == "time"
    text = MESSAGES[status]
    if spec.problem.kind != "dense":  # e_t is the training loss; there is no floor
        text = text.replace("e_t − floor", "the training loss e_t").replace("e_t =", "training loss e_t =")
    return text.format(
        err=last - floor if status == "converged" else last,
        tol=spec.tol,
        it=k,
        unit="time units" if flow else "iterations",
        unit_single=spec.unit,
        floor=floor,
        step=spec.step,
        hint=stability_hint(spec),
    )


def assemble(
    spec, cfg, status, message, err, rec, sx, sy, bal, live, floor, X, Y, seconds, t=None, diverged_at=None,
    recovery=None, factors=None,
) -> Result:  # fmt: skip
    d = spec.width
    return Result(
        config=cfg,
        status=status,
        message=message,
        error=np.asarray(err, dtype=float),
        t=np.arange(len(err), dtype=float) if t is None else np.asarray(t, dtype=float),
        record_index=np.asarray(rec, dtype=int),
        sv_x=np.asarray(sx, dtype=float).reshape(-1, d),
        sv_y=np.asarray(sy, dtype=float).reshape(-1, d),
        balance=np.asarray(bal, dtype=float),
        live_bound=live,
        floor=float(floor),
        X=X,
        Y=Y,
        seconds=float(seconds),
        diverged_at=diverged_at,
        settings=spec.settings(cfg.get("seed")),
        recovery_error=None if recovery is None else np.asarray(recovery, dtype=float),
        factors=factors,
    )
