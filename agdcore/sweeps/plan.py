"""Parameter sweeps × Monte-Carlo trials, run serially or on Dask distributed.

A sweep is a grid over a few settings (:data:`PARAMETERS`) times ``trials`` random
initializations per grid cell. Trials are grouped into tasks of several trials (each piece of a
cell is one stacked :func:`agdcore.solve_trials` call), never single iterations. Seeds are fixed by
the plan, so the table is the same whatever the engine::

    from agdcore.sweeps import sweep
    df = sweep({"width": [5, 10, 20], "kappa": [5, 10]}, trials=20, engine="serial")

Trial seed = the first 63 bits of SHA-256(``"{seed}|{cell}|{trial}"``), where ``cell`` is the
canonical text of the cell's swept settings (e.g. ``"kappa=10.0;width=5"``); the matrix A of a
cell is :func:`agdcore.make_problem` of the cell's problem settings and ``problem_seed``.
Pure: no streamlit. Dask is imported only when a Dask engine is used.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_float, check_int
from ..algorithms import ALGORITHMS
from ..initializers import INITIALIZERS
from ..observe import OBSERVATION_OPTIONS, OBSERVATIONS, check_observation
from ..options import check_supports, option_uses
from ..problem import SPECTRA
from ..sensing import check_sensing_memory

MAX_CELLS = 10_000
MAX_TRIALS = 10_000
MAX_TOTAL_TRIALS = 1_000_000
TASK_SIZE = 16  # trials per task: stacking 16 trials is the fastest chunk (docs/performance.md#task-size)
LEGACY_OPTIONS = ("C", "D", "nu", "scale")  # always columns of the table (schema of the first release)
_OBS_OPTIONS = [(o.option, o.name) for o in OBSERVATIONS.values() if o.option is not None]
_FIXED = {
    "width": ("int", "factor width d"),
    "width_ratio": ("float", "width ratio d/r (d = round(ratio·r))"),
    "kappa": ("float", "condition number κ"),
    "rank": ("int", "true rank r"),
    "step_mult": ("float", "step as a multiple of the default step"),
}
_TAIL = {
    "noise": ("float", "noise ‖N‖_F/‖A‖_F"),
    **{o.name: (o.kind, f"{o.label[0].lower()}{o.label[1:]} ({obs})") for o, obs in _OBS_OPTIONS},
    "algorithm": ("choice", "algorithm"),
    "init": ("choice", "initialization"),
}
_FIXED_RANGES = {
    "width_ratio": {"lo": 0.0, "lo_open": True},
    "kappa": {"lo": 1.0},
    "noise": {"lo": 0.0, "hi": 10.0},
    **{o.name: {"lo": o.lo, "hi": o.hi, "lo_open": o.lo_open} for o, _ in _OBS_OPTIONS if o.kind == "float"},
    "step_mult": {"lo": 0.0, "lo_open": True},
}
_BASE = {
    "m": 100,
    "n": 100,
    "rank": 5,
    "kappa": 10.0,
    "spectrum": "geometric",
    "noise": 0.0,
    "problem_seed": 0,
    "width": 10,
    "algorithm": "agd",
    "init": "ward-kolda",
    "step": None,
    "step_mult": 1.0,
    "observe": "full",
    **{o.name: None for o, _ in _OBS_OPTIONS},
}
OBSERVATION = OBSERVATION_OPTIONS  # parameter -> the observe it needs


def parameters() -> dict:
    """Sweepable name -> (kind, label): the fixed ones and every registered init/algorithm option."""
    opts = {name: (u.option.kind, u.option.label or name) for name, u in option_uses().items()}
    return {**_FIXED, **opts, **_TAIL}


def base_defaults() -> dict:
    """Every fixed setting of a sweep with its default (options: None = the entry's default)."""
    return {**_BASE, **{name: None for name in option_uses()}, "max_iter": 10_000, "tol": 1e-10}


def _ranges() -> dict:
    out = dict(_FIXED_RANGES)
    for name, use in option_uses().items():
        o = use.option
        out[name] = {"lo": o.lo, "hi": o.hi, "lo_open": o.lo_open}
    return out


class _Live(Mapping):
    """A read-only mapping recomputed from the registries on every access (late registrations show)."""

    def __init__(self, build):
        self._build = build

    def __getitem__(self, key):
        return self._build()[key]

    def __iter__(self):
        return iter(self._build())

    def __len__(self):
        return len(self._build())

    def __repr__(self):
        return repr(self._build())


PARAMETERS = _Live(parameters)
BASE_DEFAULTS = _Live(base_defaults)
OPTION_INITS = _Live(lambda: {n: u.inits for n, u in option_uses().items() if u.inits})
OUTCOMES = ["seed", "iterations_to_tol", "final_error", "status", "seconds"]
RECOVERY = ["final_recovery_error", "recovered"]  # outcome columns of observed problems (completion, sensing)


# ---------------------------------------------------------------------- grid and validation
def parse_grid_arg(text: str) -> tuple[str, list]:
    """``"kappa=5,10,20"`` -> ``("kappa", [5.0, 10.0, 20.0])`` (ValueError naming what is wrong)."""
    name, sep, values = str(text).partition("=")
    if not sep:
        raise ValueError(f"grid entry {text!r} must look like NAME=V1,V2,... (e.g. kappa=5,10,20).")
    name = name.strip()
    return name, parse_values(name, values)


def parse_values(name: str, values) -> list:
    """Validate the values of one swept parameter (a list, or text like ``"5, 10, 20"``)."""
    params = parameters()
    if name not in params:
        raise ValueError(f"Unknown sweep parameter {name!r}; expected one of {', '.join(params)}.")
    kind = params[name][0]
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").replace(" ", ",").split(",") if v.strip()]
    values = list(np.atleast_1d(np.asarray(values, dtype=object))) if not isinstance(values, list) else values
    if not values:
        raise ValueError(f"grid parameter {name!r} has no values; give at least one (e.g. {name}=5,10).")
    out = [_convert(name, kind, v) for v in values]
    dup = sorted({str(v) for v in out if out.count(v) > 1})
    if dup:
        raise ValueError(f"grid parameter {name!r} lists {', '.join(dup)} more than once.")
    return out


def _convert(name: str, kind: str, v):
    if kind == "choice":
        return check_choice(str(v).strip(), name, ALGORITHMS if name == "algorithm" else INITIALIZERS)
    try:
        x = float(str(v).strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise ValueError(f"grid parameter {name!r}: {v!r} is not a number.") from None
    if kind == "int":
        if not math.isfinite(x) or not x.is_integer():
            raise ValueError(f"grid parameter {name!r}: {v!r} is not an integer.")
        return check_int(int(x), name, 1) if name in OBSERVATION or name == "rank" else int(x)
    return check_float(x, f"grid parameter {name!r}", **_ranges().get(name, {}))


def resolve_base(base: dict | None) -> dict:
    """Base settings (defaults overridden by ``base``), checked once."""
    defaults = base_defaults()
    unknown = sorted(set(base or {}) - set(defaults))
    if unknown:
        raise ValueError(f"Unknown sweep setting(s) {unknown}; expected some of {', '.join(defaults)}.")
    b = {**defaults, **(base or {})}
    b["m"], b["n"] = check_int(b["m"], "m", 1), check_int(b["n"], "n", 1)
    b["rank"] = check_int(b["rank"], "rank", 1, min(b["m"], b["n"]))
    b["max_iter"] = check_int(b["max_iter"], "max_iter", 1, 10_000_000)
    b["tol"] = check_float(b["tol"], "tol", 0.0)
    b["problem_seed"] = check_int(b["problem_seed"], "problem_seed", 0)
    check_choice(b["spectrum"], "spectrum", SPECTRA)
    check_choice(b["observe"], "observe", OBSERVATIONS)
    for name in ("kappa", "noise", "step_mult", "width", "algorithm", "init", *OBSERVATION, *option_uses()):
        if b[name] is not None:
            b[name] = parse_values(name, [b[name]])[0]
    if b["step"] is not None:
        b["step"] = check_float(b["step"], "step", 0.0, lo_open=True)
    return b


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: cells (full settings), seeds, and the tasks that cover them."""

    params: tuple
    grid: dict
    base: dict
    cells: tuple  # per cell: dict of swept values
    settings: tuple  # per cell: dict of every setting used
    seeds: np.ndarray  # (n_cells, trials) int64
    tasks: tuple  # each task: tuple of (cell index, tuple of trial indices)
    trials: int
    seed: int

    @property
    def n_trials(self) -> int:
        return self.seeds.size


def plan_sweep(
    grid: dict, trials: int = 10, *, base: dict | None = None, seed: int = 0, task_size: int | None = None
) -> SweepPlan:
    """Validate everything and lay out cells, seeds and tasks; raises ValueError before anything runs."""
    if not isinstance(grid, dict) or not grid:
        raise ValueError("grid must be a non-empty mapping parameter -> values (e.g. {'kappa': [5, 10]}).")
    trials = check_int(trials, "trials", 1, MAX_TRIALS)
    seed = check_int(seed, "seed", 0)
    values = {name: tuple(parse_values(name, v)) for name, v in grid.items()}
    n_cells = math.prod(len(v) for v in values.values())
    if n_cells > MAX_CELLS:
        raise ValueError(f"the grid has {n_cells:,} cells; at most {MAX_CELLS:,} are allowed.")
    if n_cells * trials > MAX_TOTAL_TRIALS:
        raise ValueError(f"{n_cells:,} cells x {trials} trials is over the limit of {MAX_TOTAL_TRIALS:,} trials.")
    if "width" in values and "width_ratio" in values:
        raise ValueError("sweep either 'width' or 'width_ratio', not both.")
    b = resolve_base(base)
    check_observation(b["observe"], {**b, **{k: v[0] for k, v in values.items()}})
    if "step_mult" in values and b["step"] is not None:
        raise ValueError("step_mult is swept, so no absolute step may be given (it scales the default step).")
    cells = tuple(dict(zip(values, combo)) for combo in itertools.product(*values.values()))
    settings = tuple(_cell_settings(b, c, set(values)) for c in cells)
    _check_options(b, settings, set(values))
    keys = [";".join(f"{k}={c[k]!r}" for k in sorted(c)) for c in cells]
    seeds = np.array([[trial_seed(seed, k, t) for t in range(trials)] for k in keys], dtype=np.int64)
    size = task_size or TASK_SIZE
    tasks = make_tasks(n_cells, trials, check_int(size, "task_size", 1, 1024))
    return SweepPlan(tuple(values), values, b, cells, settings, seeds, tasks, trials, seed)


def _cell_settings(b: dict, cell: dict, swept: set) -> dict:
    s = {**b, **cell}
    if "width_ratio" in cell:
        s["width"] = max(1, int(round(cell["width_ratio"] * s["rank"])))
    hi = min(s["m"], s["n"])
    if not s["rank"] <= hi:
        raise ValueError(f"rank {s['rank']}; the rank must be between 1 and min(m, n) = {hi}.")
    if not 1 <= s["width"] <= hi:
        what = (
            f"width_ratio {cell['width_ratio']:g} gives width {s['width']}"
            if "width_ratio" in cell
            else f"width {s['width']}"
        )
        raise ValueError(f"{what}; the width must be between 1 and min(m, n) = {hi}.")
    obs = OBSERVATIONS[s["observe"]]
    if obs.option is not None:  # the default (0.3, 4·r(m+n−r)) shown in the table; memory checked now
        s[obs.option.name] = obs.resolve(s[obs.option.name], s["m"], s["n"], s["rank"])
    if obs.name == "sensing":
        check_sensing_memory(s["measurements"], s["m"], s["n"])
    kind = obs.kind
    check_supports(kind, s["algorithm"], s["init"])
    uses = option_uses()
    for name, use in uses.items():
        if not use.applies(s["algorithm"], s["init"]) and name not in swept:
            s[name] = None  # a base option applies only where its init/algorithm uses it
    for entry in (INITIALIZERS[s["init"]], ALGORITHMS[s["algorithm"]]):
        for o in entry.options:  # the table shows the value used
            if s[o.name] is None and o.default is not None:
                s[o.name] = o.default
        for o in entry.options:  # resolved defaults that need only the options (D = Cν/9)
            if s[o.name] is None and o.resolve is not None:
                v = o.resolve(s, math.nan)
                s[o.name] = float(v) if math.isfinite(v) else None  # σ₁-dependent: resolved at run time
    return s


def _check_options(b: dict, settings: tuple, swept: set) -> None:
    for name, use in option_uses().items():
        used = [use.applies(s["algorithm"], s["init"]) for s in settings]
        if (name in swept and not all(used)) or (b[name] is not None and not any(used)):
            unused = [s for s, u in zip(settings, used) if not u]
            bad = sorted(
                {f"init {s['init']}" for s in unused} if use.inits else {f"algorithm {s['algorithm']}" for s in unused}
            )
            raise ValueError(f"{name} applies only to {use.where()}, not to {', '.join(bad)}.")


def trial_seed(seed: int, cell_key: str, trial: int) -> int:
    """Deterministic 63-bit seed of one trial from (base seed, cell, trial index)."""
    digest = hashlib.sha256(f"{seed}|{cell_key}|{trial}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def make_tasks(n_cells: int, trials: int, size: int) -> tuple:
    """Split each cell's trials into near-equal pieces of at most ``size`` and pack pieces into tasks."""
    n_pieces = math.ceil(trials / size)
    bounds = np.linspace(0, trials, n_pieces + 1).round().astype(int)
    tasks, current, count = [], [], 0
    for cell in range(n_cells):
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            if current and count + hi - lo > size:  # pieces are combined only up to `size` trials
                tasks.append(tuple(current))
                current, count = [], 0
            current.append((cell, tuple(range(lo, hi))))
            count += hi - lo
    if current:
        tasks.append(tuple(current))
    return tuple(tasks)
