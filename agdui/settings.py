"""The settings of a problem and of a solver run, as URL-bound :class:`~agdui.urlstate.Param` specs,
and their translation into agdcore calls (cached on the plain values, never on arrays).
"""

from __future__ import annotations

import streamlit as st

import agdcore as agd

from .urlstate import Param

MAX_DIM = 5000
SEED_MAX = 2**31 - 1

PROBLEM_PARAMS = [
    Param("source", "synthetic", "choice", choices=("synthetic", "upload"), label="Matrix A"),
    Param("m", 100, "int", 2, MAX_DIM, label="Rows m", help=f"2 … {MAX_DIM}"),
    Param("n", 100, "int", 2, MAX_DIM, label="Columns n", help=f"2 … {MAX_DIM}"),
    Param("rank", 5, "int", 1, 500, label="True rank r", help="1 … min(m, n)"),
    Param("kappa", 10.0, "float", 1.0, 1e8, label="Condition number κ = σ₁/σ_r", fmt="%.4g"),
    Param("spectrum", "geometric", "choice", choices=agd.problem.SPECTRA, label="Spectrum σ₁ … σ_r"),
    Param(
        "noise",
        0.0,
        "float",
        0.0,
        10.0,
        label="Noise ‖N‖_F/‖A‖_F",
        fmt="%.3g",
        help="Gaussian noise relative to A; 0 keeps A exactly rank r",
    ),
    Param("sigma1", 1.0, "float", 1e-6, 1e6, label="Largest singular value σ₁", fmt="%.4g"),
    Param("problem_seed", 0, "int", 0, SEED_MAX, label="Seed of A"),
    Param("upload_rank", 0, "int", 0, 500, label="Rank r used by the theory (0 = numerical rank)"),
]


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
        Param("step", None, "optfloat", 1e-12, 1e6, label="Step size η (empty = theory default)", fmt="%.5g"),
        Param(
            "max_iter",
            10_000,
            "int",
            1,
            1_000_000,
            label="Max iterations",
            help="for the gradient flow: horizon = max_iter·η time units",
        ),
        Param("tol", 1e-10, "float", 0.0, 1.0, label="Tolerance on e_t − floor", fmt="%.1e"),
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


def problem_key(values: dict, upload=None) -> dict:
    """The plain values that identify the problem (the content hash for uploads)."""
    if values.get("source") == "upload" and upload is not None:
        return {"upload": upload.digest, "upload_rank": int(values.get("upload_rank", 0))}
    return {k: values[k] for k in ("m", "n", "rank", "kappa", "spectrum", "noise", "problem_seed", "sigma1")}


def build_problem(values: dict, upload=None) -> agd.Problem:
    """The (cached) Problem for these settings; raises ValueError with agdcore's message."""
    if values.get("source") == "upload" and upload is not None:
        return uploaded_problem(upload.digest, int(values.get("upload_rank", 0)), upload.array)
    return synthetic_problem(
        int(values["m"]),
        int(values["n"]),
        int(values["rank"]),
        float(values["kappa"]),
        values["spectrum"],
        float(values["noise"]),
        int(values["problem_seed"]),
        float(values["sigma1"]),
    )


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
