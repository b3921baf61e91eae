"""Argument groups shared by the commands, and the one-line usage error."""
from __future__ import annotations

import argparse

from ..algorithms import ALGORITHMS
from ..initializers import INITIALIZERS
from ..io import load_matrix
from ..problem import SPECTRA, Problem, make_problem


class UsageError(Exception):
    """Invalid input: reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage + exits 2; we want one line, same code
        raise UsageError(message)


def add_problem_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("problem")
    g.add_argument("--m", type=int, default=100, help="rows of A (default 100)")
    g.add_argument("--n", type=int, default=100, help="columns of A (default 100)")
    g.add_argument("--rank", type=int, default=5, help="true rank r (default 5)")
    g.add_argument("--kappa", type=float, default=10.0, help="condition number σ₁/σ_r (default 10)")
    g.add_argument("--spectrum", choices=SPECTRA, default="geometric")
    g.add_argument("--noise", type=float, default=0.0, help="‖N‖_F/‖A‖_F of added Gaussian noise (default 0)")
    g.add_argument("--problem-seed", type=int, default=0, help="seed of A (default 0)")
    g.add_argument("--matrix", metavar="FILE", help="use this matrix (.npy or .csv) instead of a synthetic A")


def add_solver_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("solver")
    g.add_argument("--width", type=int, default=10, help="factor width d (default 10)")
    g.add_argument("--algorithm", choices=list(ALGORITHMS), default="agd")
    g.add_argument("--init", choices=list(INITIALIZERS), default="ward-kolda")
    g.add_argument("--step", type=float, default=None, help="step size η (default: the theory default)")
    g.add_argument("--C", type=float, default=None, help="Ward–Kolda C (default 8)")
    g.add_argument("--D", type=float, default=None, help="Ward–Kolda D (default Cν/9)")
    g.add_argument("--nu", type=float, default=None, help="Ward–Kolda ν (default 0.5)")
    g.add_argument("--init-scale", type=float, default=None, help="Gaussian init scale (default 1e-3)")
    g.add_argument("--max-iter", type=int, default=10_000)
    g.add_argument("--tol", type=float, default=1e-10, help="stop when e_t − floor ≤ tol (default 1e-10)")
    g.add_argument("--seed", type=int, default=1, help="seed of the initialization (default 1)")


def build_problem(args):
    if args.matrix:
        return Problem.from_array(load_matrix(args.matrix), rank=args.rank if args.rank_given else None)
    return make_problem(args.m, args.n, args.rank, args.kappa, args.spectrum, args.noise, args.problem_seed)


def solver_options(args) -> dict:
    opts = {}
    if args.init == "ward-kolda":
        opts.update({k: v for k, v in (("C", args.C), ("D", args.D), ("nu", args.nu)) if v is not None})
    elif any(v is not None for v in (args.C, args.D, args.nu)):
        raise UsageError(f"--C, --D and --nu apply only to --init ward-kolda (got --init {args.init})")
    if args.init_scale is not None:
        if args.init not in ("gaussian", "nystrom"):
            raise UsageError(f"--init-scale applies to --init gaussian or nystrom (got --init {args.init})")
        opts["scale"] = args.init_scale
    return opts
