"""The settings of a problem and of a solver run, as URL-bound :class:`~agdui.urlstate.Param` specs,
and their translation into agdcore calls (cached on the plain values, never on arrays).
"""
from __future__ import annotations

import agdcore as agd
import streamlit as st

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
    Param("noise", 0.0, "float", 0.0, 10.0, label="Noise ‖N‖_F/‖A‖_F", fmt="%.3g",
          help="Gaussian noise relative to A; 0 keeps A exactly rank r"),
    Param("sigma1", 1.0, "float", 1e-6, 1e6, label="Largest singular value σ₁", fmt="%.4g"),
    Param("problem_seed", 0, "int", 0, SEED_MAX, label="Seed of A"),
    Param("upload_rank", 0, "int", 0, 500, label="Rank r used by the theory (0 = numerical rank)"),
]

SOLVER_PARAMS = [
    Param("algorithm", "agd", "choice", choices=tuple(agd.ALGORITHMS), label="Algorithm"),
    Param("init", "ward-kolda", "choice", choices=tuple(agd.INITIALIZERS), label="Initialization"),
    Param("width", 10, "int", 1, 500, label="Factor width d"),
    Param("C", 8.0, "float", 1e-3, 1e4, label="C (Ward–Kolda)", fmt="%.4g",
          help="X₀ = AΦ₁/(√η·C·σ₁): larger C, smaller X₀"),
    Param("D", None, "optfloat", 0.0, 1e4, label="D (Ward–Kolda; empty = Cν/9)", fmt="%.4g",
          help="Y₀ = √η·D·σ₁·Φ₂"),
    Param("nu", 0.5, "float", 1e-3, 1.0, label="ν (Ward–Kolda confidence)", fmt="%.3g"),
    Param("scale", None, "optfloat", 0.0, 1e4, label="Init scale (empty = default)", fmt="%.3g"),
    Param("perturbation", 0.0, "float", 0.0, 10.0, label="Perturbation (spectral init)", fmt="%.3g"),
    Param("damping", 0.1, "float", 0.0, 100.0, label="Damping c in λ_t = c‖R_t‖ (PrecGD)", fmt="%.3g"),
    Param("lam", None, "optfloat", 0.0, 1e6, label="λ (ScaledGD(λ); empty = 0.01σ₁)", fmt="%.3g"),
    Param("step", None, "optfloat", 1e-12, 1e6, label="Step size η (empty = theory default)", fmt="%.5g"),
    Param("max_iter", 10_000, "int", 1, 1_000_000, label="Max iterations",
          help="for the gradient flow: horizon = max_iter·η time units"),
    Param("tol", 1e-10, "float", 0.0, 1.0, label="Tolerance on e_t − floor", fmt="%.1e"),
    Param("seed", 1, "int", 0, SEED_MAX, label="Seed (initialization)"),
]

INIT_OPTIONS = {"ward-kolda": ("C", "D", "nu"), "gaussian": ("scale",), "nystrom": ("scale",),
                "spectral": ("perturbation",), "zeros": ()}
ALGO_OPTIONS = {"precgd": ("damping",), "scaledgd-lambda": ("lam",)}


def init_default(init: str, name: str):
    """The default of an init option (``scale`` differs between Gaussian and Nyström)."""
    return agd.INITIALIZERS[init].defaults.get(name)


@st.cache_resource(max_entries=16, show_spinner="Building the matrix…")
def synthetic_problem(m: int, n: int, rank: int, kappa: float, spectrum: str, noise: float, seed: int,
                      sigma1: float) -> agd.Problem:
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
    return synthetic_problem(int(values["m"]), int(values["n"]), int(values["rank"]), float(values["kappa"]),
                             values["spectrum"], float(values["noise"]), int(values["problem_seed"]),
                             float(values["sigma1"]))


def solve_kwargs(values: dict) -> dict:
    """Keyword arguments for :func:`agdcore.solve` (only the options that apply to the init/algorithm)."""
    kw = {k: values[k] for k in ("algorithm", "init", "width", "step", "max_iter", "tol", "seed")}
    kw["width"], kw["max_iter"], kw["seed"] = int(kw["width"]), int(kw["max_iter"]), int(kw["seed"])
    kw["tol"] = float(kw["tol"])
    for name in INIT_OPTIONS[values["init"]] + ALGO_OPTIONS.get(values["algorithm"], ()):
        if values.get(name) is not None:
            kw[name] = float(values[name])
    return kw


def theory_default_step(values: dict, sigma1: float) -> float:
    """The step agdcore uses when η is left empty (shown next to the input)."""
    opts = {k: values[k] for k in INIT_OPTIONS[values["init"]] if values.get(k) is not None}
    return agd.default_step(values["algorithm"], values["init"], sigma1, opts)
