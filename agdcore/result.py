"""Results: the same shape for every algorithm (discrete or flow)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class RunSettings:
    """The resolved settings of a run, typed (what theory code and plots read; ``config`` is their
    flat JSON form)."""

    algorithm: str
    init: str
    width: int
    step: float
    max_iter: int
    tol: float
    seed: int | None
    init_options: dict = field(default_factory=dict)
    algo_options: dict = field(default_factory=dict)
    unit: str = "iteration"  # what the x-axis counts: "iteration" or (gradient flow) "time"


class Progress(NamedTuple):
    """What a callback receives. ``snapshot()`` builds a partial :class:`Result` (for live plots)."""

    iteration: int
    max_iter: int
    t: float
    error: float
    elapsed: float
    snapshot: object  # Callable[[], Result]

    @property
    def fraction(self) -> float:
        return min(1.0, self.iteration / max(1, self.max_iter))


@dataclass(frozen=True, eq=False)
class Result:
    """One run.

    Attributes
    ----------
    config : dict
        Every setting with defaults resolved, including the step actually used.
    status : {"converged", "max_iter", "diverged", "stopped"}
    message : str
        Plain-English account of how the run ended.
    error : ndarray of shape (n_iter + 1,)
        e_t = ‖A − X_t Y_tᵀ‖_F² / ‖A‖_F² at every iteration (flow: at every output time); NaN where
        it was not evaluated (only in the exact-evaluation phase below ~1e-12, every
        ``exact_every`` iterations).
    t : ndarray
        The x-axis: iteration index, or time for the gradient flow.
    record_index : ndarray of int
        Indices into ``error``/``t`` of the ~100 log-spaced recorded iterates (plus the last).
    sv_x, sv_y : ndarray of shape (n_records, d)
        All d singular values of X_t and Y_t at the recorded iterates.
    balance : ndarray of shape (n_records,)
        ‖X_tᵀX_t − Y_tᵀY_t‖_F at the recorded iterates.
    live_bound : ndarray or None
        e₀ ∏_{k<t} q_k² (docs/theory.md#live-bound) at every iteration, where it applies; else None.
    floor : float
        Eckart–Young floor for width d: Σ_{i>d} σ_i² / ‖A‖_F².
    X, Y : final factors.
    seconds : float
        Wall time of the iterations (excludes problem set-up and theory).
    bounds : dict
        Theory report (see :func:`agdcore.report.theory_report`).
    recovery_error : ndarray or None
        Observed problems (completion, sensing) only: ‖X_tY_tᵀ − M★‖²/‖M★‖² (held-out entries for a
        given matrix and mask) at every iteration where evaluated (NaN elsewhere); ``error`` is then
        the relative *training* loss on what was observed. None for the fully observed problem.
    factors : (ndarray (n_records, m, d), ndarray (n_records, n, d)) or None
        X_t and Y_t at the recorded iterates, only when solved with ``keep_factors=True`` (not part
        of the JSON schema); see :meth:`factors_at`.
    """

    config: dict
    status: str
    message: str
    error: np.ndarray
    t: np.ndarray
    record_index: np.ndarray
    sv_x: np.ndarray
    sv_y: np.ndarray
    balance: np.ndarray
    live_bound: np.ndarray | None
    floor: float
    X: np.ndarray
    Y: np.ndarray
    seconds: float
    bounds: dict = field(default_factory=dict)
    diverged_at: int | None = None
    settings: RunSettings | None = None
    recovery_error: np.ndarray | None = None
    factors: tuple | None = field(default=None, repr=False)

    def factors_at(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(X_t, Y_t) at the k-th recorded iterate (t = ``t[record_index[k]]``); needs ``keep_factors=True``."""
        if self.factors is None:
            raise ValueError("factors_at needs a run solved with keep_factors=True.")
        n = len(self.factors[0])
        if not -n <= k < n:
            raise ValueError(f"k must be in 0 … {n - 1} (the recorded iterates), got {k}.")
        return self.factors[0][k], self.factors[1][k]

    @property
    def n_iter(self) -> int:
        return len(self.error) - 1

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def is_flow(self) -> bool:
        if self.settings is not None:
            return self.settings.unit == "time"
        return self.config.get("algorithm") == "flow"

    @property
    def x_label(self) -> str:
        return "time t" if self.is_flow else "iteration t"

    @property
    def final_error(self) -> float:
        finite = self.error[np.isfinite(self.error)]
        return float(finite[-1]) if finite.size else float("nan")

    @property
    def training_loss(self) -> np.ndarray:
        """The relative loss on what was observed: ``error`` (all entries for the dense problem)."""
        return self.error

    @property
    def final_recovery_error(self) -> float | None:
        """The last evaluated recovery error (None when the problem has no M★ to compare with)."""
        if self.recovery_error is None:
            return None
        finite = self.recovery_error[np.isfinite(self.recovery_error)]
        return float(finite[-1]) if finite.size else float("nan")

    @property
    def recovered(self) -> bool | None:
        """Whether the final recovery error is ≤ 1e-3 (None without an M★)."""
        from ._observed import RECOVERY_TOL

        rec = self.final_recovery_error
        return None if rec is None else bool(np.isfinite(rec) and rec <= RECOVERY_TOL)

    @property
    def iterations_to_tol(self) -> int | None:
        """First index where e_t − floor ≤ tol (iteration count; for the flow, the output index)."""
        tol = self.config.get("tol", 0.0)
        hit = np.nonzero(self.error - self.floor <= tol)[0]
        return int(hit[0]) if hit.size else None

    @property
    def time_to_tol(self) -> float | None:
        k = self.iterations_to_tol
        return None if k is None else float(self.t[k])

    def observed_rate(self, lo: float = 1e-10, hi: float = 1e-3) -> float | None:
        """Fitted per-iteration factor of e_t in the window [lo, hi] above the floor (log-linear fit)."""
        e = self.error - self.floor
        idx = np.nonzero(np.isfinite(e) & (e >= lo) & (e <= hi))[0]
        if idx.size < 5:
            return None
        t = self.t[idx]
        slope = np.polyfit(t, np.log(e[idx]), 1)[0]
        return float(np.exp(slope))

    def to_dict(self) -> dict:
        """The CLI's JSON schema (also used by the dashboard's download)."""
        rec = self.record_index
        live = None
        if self.live_bound is not None:
            live = [_num(self.live_bound[i]) for i in rec]
        bounds = dict(self.bounds)
        bounds["live_bound"] = live
        return _clean(
            {
                "config": self.config,
                "status": self.status,
                "message": self.message,
                "iterations": [int(i) for i in rec],
                "t": [float(self.t[i]) for i in rec],
                "error": [_num(self.error[i]) for i in rec],
                "sv_x": self.sv_x.tolist(),
                "sv_y": self.sv_y.tolist(),
                "balance": self.balance.tolist(),
                "floor": self.floor,
                "final_error": self.final_error,
                "iterations_to_tol": self.iterations_to_tol,
                "n_iter": self.n_iter,
                "bounds": bounds,
                "seconds": self.seconds,
                "training_loss": [_num(self.error[i]) for i in rec],
                "recovery_error": None if self.recovery_error is None else [_num(self.recovery_error[i]) for i in rec],
                "final_recovery_error": self.final_recovery_error,
                "recovered": self.recovered,
            }
        )

    def to_json(self, **kw) -> str:
        return json.dumps(self.to_dict(), **kw)


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _clean(obj):
    """Make a structure JSON-safe: numpy scalars to Python, non-finite floats to None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    return obj
