"""The settings of a problem and of a solver run, as URL-bound :class:`~agdui.urlstate.Param` specs,
and their translation into agdcore calls (cached on the plain values, never on arrays).
"""

from __future__ import annotations

import streamlit as st

import agdcore as agd
from agdcore.observe import OBSERVATIONS, OBSERVE_NAMES, make_observed

from .urlstate import Param

MAX_DIM = 5000
SEED_MAX = 2**31 - 1

PROBLEM_PARAMS = [
    Param("source", "synthetic", "choice", choices=("synthetic", "upload", "photo"), label="Matrix A"),
    Param("m", 100, "int", 2, MAX_DIM, label="Rows m", help=f"2 … {MAX_DIM}"),
    Param("n", 100, "int", 2, MAX_DIM, label="Columns n", help=f"2 … {MAX_DIM}"),
    Param("rank", 5, "int", 1, 500, label="True rank r", help="1 … min(m, n)"),
    Param("kappa", 10.0, "float", 1.0, 1e8, label="Condition number κ = σ₁/σᵣ", fmt="%.4g"),
    Param("spectrum", "geometric", "choice", choices=agd.problem.SPECTRA, label="Spectrum σ₁ … σᵣ"),
    Param(
        "noise",
        0.0,
        "float",
        0.0,
        10.0,
        label="Noise ‖N‖/‖A‖ (Frobenius norms)",
        fmt="%.3g",
        help="Gaussian noise relative to A; 0 keeps A exactly rank r",
    ),
    Param("sigma1", 1.0, "float", 1e-6, 1e6, label="Largest singular value σ₁", fmt="%.4g"),
    Param("problem_seed", 0, "int", 0, SEED_MAX, label="Seed of A"),
    Param("upload_rank", 0, "int", 0, 500, label="Rank r used by the theory (0 = numerical rank)"),
]


def _observe_option_param(option) -> Param:
    """The URL-bound number of an observation's option (``rate``, ``measurements``), from its Option."""
    lo, hi = option.widget_range
    if option.kind == "int":
        kind = "int" if option.default is not None else "optint"
        return Param(option.name, option.default, kind, lo, hi, label=option.label, help=option.help)
    return Param(option.name, float(option.default), "float", lo, hi, label=option.label, fmt="%.4g", help=option.help)


# What is observed of A ("Observed"): all of agdcore.observe.OBSERVATIONS, its labels, options and ranges.
OBSERVE_PARAMS = [
    Param(
        "observe",
        OBSERVE_NAMES[0],
        "choice",
        choices=OBSERVE_NAMES,
        label="Observed",
        help=" · ".join(f"{o.label}: {o.help}" for o in OBSERVATIONS.values()),
    ),
    *(_observe_option_param(o.option) for o in OBSERVATIONS.values() if o.option is not None),
]
PROBLEM_PARAMS += OBSERVE_PARAMS


def observation_of(values: dict):
    """The :class:`agdcore.observe.Observation` chosen in ``values`` and its option's value (or None)."""
    obs = OBSERVATIONS[values.get("observe") or OBSERVE_NAMES[0]]
    return obs, (None if obs.option is None else values.get(obs.option.name))


def degrees_of_freedom(m: int, n: int, rank: int) -> int:
    """r(m + n − r): the dimension of the rank-r m×n matrices (the count observations are judged by)."""
    return int(rank) * (int(m) + int(n) - int(rank))


def option_params() -> list[Param]:
    """One URL-bound setting per registered option (shared by the entries that declare it).

    Derived from the registries on every call, so an entry registered later appears at once. An
    option whose entries disagree on the default, or whose default is resolved (D = Cν/9), is an
    optional number: empty means "the entry's default", shown as the placeholder.
    """
    out = []
    for name, use in agd.options.option_uses().items():
        opt, default = use.option, use.shared_default
        lo, hi = opt.widget_range
        if opt.kind == "int":
            out.append(Param(name, default, "int", lo, hi, label=opt.label or name, help=opt.help or None))
        elif default is None:
            out.append(
                Param(name, None, "optfloat", lo, hi, label=opt.label or name, fmt="%.4g", help=opt.help or None)
            )
        else:
            out.append(
                Param(name, float(default), "float", lo, hi, label=opt.label or name, fmt="%.4g", help=opt.help or None)
            )
    return out


def solver_params() -> list[Param]:
    """The run's settings: method, width, every registered option, step, limits and seed."""
    return [
        Param("algorithm", "agd", "choice", choices=tuple(agd.ALGORITHMS), label="Algorithm"),
        Param("init", "ward-kolda", "choice", choices=tuple(agd.INITIALIZERS), label="Initialization"),
        Param("width", 10, "int", 1, 500, label="Factor width d"),
        *option_params(),
        Param(
            "step",
            None,
            "optfloat",
            1e-12,
            1e6,
            label="Step size η (empty = default step)",
            fmt="%.5g",
            help="empty: the product's default step — 9/(4Cνσ₁) with the Ward–Kolda init (the largest step of its assumptions as third-party code reads them, graded [S]; not the ε-dependent step of the paper's guarantee, Cor. 5.2, Eq. (8)), 0.5 for the preconditioned methods (docs/theory.md#step-range)",
        ),
        Param(
            "max_iter",
            10_000,
            "int",
            1,
            1_000_000,
            label="Max iterations",
            help="for the gradient flow: horizon = max_iter·η time units",
        ),
        Param("tol", 1e-10, "float", 0.0, 1.0, label="Tolerance on eₜ − floor", fmt="%.1e"),
        Param("seed", 1, "int", 0, SEED_MAX, label="Seed (initialization)"),
    ]


def options_of(algorithm: str, init: str) -> list:
    """The :class:`agdcore.Option` entries that apply to this algorithm and init (init's first)."""
    return agd.options.options_for(algorithm, init)


def __getattr__(name: str):
    """Live views kept for callers of the first release: SOLVER_PARAMS, INIT_OPTIONS, ALGO_OPTIONS."""
    if name == "SOLVER_PARAMS":
        return solver_params()
    if name == "INIT_OPTIONS":
        return {k: tuple(o.name for o in e.options) for k, e in agd.INITIALIZERS.items()}
    if name == "ALGO_OPTIONS":
        return {k: tuple(o.name for o in e.options) for k, e in agd.ALGORITHMS.items() if e.options}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def init_default(init: str, name: str):
    """The default of an init option (``scale`` differs between Gaussian and Nyström)."""
    return agd.INITIALIZERS[init].defaults.get(name)


@st.cache_resource(max_entries=16, show_spinner="Building the matrix…")
def synthetic_problem(
    m: int, n: int, rank: int, kappa: float, spectrum: str, noise: float, seed: int, sigma1: float
) -> agd.Problem:
    """Cached :func:`agdcore.make_problem` (the Problem is read-only, so one shared object is safe)."""
    return agd.make_problem(m, n, rank, kappa, spectrum, noise, seed, sigma1=sigma1)


@st.cache_resource(max_entries=8, show_spinner="Analysing the uploaded matrix…")
def uploaded_problem(digest: str, rank: int, _array) -> agd.Problem:
    """Problem for an uploaded matrix, cached on its content hash (``_array`` is not hashed)."""
    return agd.Problem.from_array(_array, rank=rank or None)


@st.cache_resource(max_entries=8, show_spinner="Sampling the observations…")
def observed_problem(
    observe: str,
    option,
    m: int,
    n: int,
    rank: int,
    kappa: float,
    spectrum: str,
    noise: float,
    seed: int,
    sigma1: float,
):
    """Cached :func:`agdcore.make_completion` / :func:`agdcore.make_sensing` (the same M★ as the
    fully observed problem of the same seed); ``option`` is the rate or the number of measurements."""
    kw = {OBSERVATIONS[observe].option.name: option}
    return make_observed(observe, m, n, rank, kappa, spectrum, noise, seed, sigma1=sigma1, **kw)


@st.cache_resource(max_entries=8, show_spinner="Sampling the observations of the uploaded matrix…")
def observed_upload_problem(digest: str, rank: int, observe: str, option, _array):
    """Completion / sensing of an uploaded matrix, cached on its content hash and the plain settings."""
    if observe == "completion":
        return agd.completion_from_matrix(_array, rate=option, rank=rank or None)
    return agd.sensing_from_matrix(_array, option, rank=rank or None)


@st.cache_resource(max_entries=4, show_spinner="Loading the photograph…")
def photo_problem(observe: str, option, seed: int):
    """The stored photograph (:func:`agdcore.make_image_problem`), fully observed or sampled."""
    if observe == "completion":
        return agd.completion_from_matrix(agd.images.load_image(), rate=option, seed=seed)
    if observe == "sensing":
        return agd.sensing_from_matrix(agd.images.load_image(), option)
    return agd.make_image_problem()


def _option_value(obs, option):
    if obs.option is None or option is None:
        return option
    return int(option) if obs.option.kind == "int" else float(option)


def problem_key(values: dict, upload=None) -> dict:
    """The plain values that identify the problem (the content hash for uploads)."""
    obs, option = observation_of(values)
    seen = {} if obs.option is None else {"observe": obs.name, obs.option.name: _option_value(obs, option)}
    if values.get("source") == "photo":
        return {"photo": "grace_hopper", "problem_seed": int(values.get("problem_seed", 0)), **seen}
    if values.get("source") == "upload" and upload is not None:
        return {"upload": upload.digest, "upload_rank": int(values.get("upload_rank", 0)), **seen}
    return {k: values[k] for k in ("m", "n", "rank", "kappa", "spectrum", "noise", "problem_seed", "sigma1")} | seen


def build_problem(values: dict, upload=None) -> agd.Problem:
    """The (cached) Problem for these settings; raises ValueError with agdcore's message."""
    obs, option = observation_of(values)
    option = _option_value(obs, option)
    if values.get("source") == "photo":
        if obs.name == "sensing" and option is None:  # the resolved default, 4·r(m+n−r)
            option = obs.resolve(None, *photo_problem("full", None, 0).shape, photo_problem("full", None, 0).rank)
        return photo_problem(obs.name, option, int(values.get("problem_seed", 0)))
    if values.get("source") == "upload" and upload is not None:
        rank = int(values.get("upload_rank", 0))
        if obs.option is None:
            return uploaded_problem(upload.digest, rank, upload.array)
        if obs.name == "sensing" and option is None:  # the resolved default, 4·r(m+n−r)
            option = obs.resolve(None, *upload.shape, rank or uploaded_problem(upload.digest, 0, upload.array).rank)
        return observed_upload_problem(upload.digest, rank, obs.name, option, upload.array)
    synthetic = (
        int(values["m"]),
        int(values["n"]),
        int(values["rank"]),
        float(values["kappa"]),
        values["spectrum"],
        float(values["noise"]),
        int(values["problem_seed"]),
        float(values["sigma1"]),
    )
    if obs.option is not None:
        return observed_problem(obs.name, option, *synthetic)
    return synthetic_problem(*synthetic)


def solve_kwargs(values: dict) -> dict:
    """Keyword arguments for :func:`agdcore.solve` (only the options that apply to the init/algorithm)."""
    kw = {k: values[k] for k in ("algorithm", "init", "width", "step", "max_iter", "tol", "seed")}
    kw["width"], kw["max_iter"], kw["seed"] = int(kw["width"]), int(kw["max_iter"]), int(kw["seed"])
    kw["tol"] = float(kw["tol"])
    for opt in options_of(values["algorithm"], values["init"]):
        if values.get(opt.name) is not None:
            kw[opt.name] = int(values[opt.name]) if opt.kind == "int" else float(values[opt.name])
    return kw


def theory_default_step(values: dict, sigma1: float) -> float:
    """The step agdcore uses when η is left empty (shown next to the input)."""
    entry = agd.INITIALIZERS[values["init"]]
    opts = {o.name: values[o.name] for o in entry.options if values.get(o.name) is not None}
    return agd.default_step(values["algorithm"], values["init"], sigma1, opts)
