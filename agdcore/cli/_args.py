"""Argument groups shared by the commands, and the one-line usage error."""

from __future__ import annotations

import argparse

from ..algorithms import ALGORITHMS
from ..completion import completion_from_matrix
from ..initializers import INITIALIZERS
from ..io import load_matrix
from ..observe import OBSERVATION_OPTIONS, OBSERVATIONS, OBSERVE_NAMES, RATE, make_observed
from ..options import check_applicable, option_uses
from ..problem import SPECTRA, Problem, make_problem
from ..sensing import sensing_from_matrix

# options with a hand-written flag (documented since the first release); every other registered option
# gets a generated ``--NAME`` flag, and any option can be given as ``--opt NAME=VALUE``
DOCUMENTED = {"C": "C", "D": "D", "nu": "nu", "scale": "init_scale"}


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
    g.add_argument(
        "--observe",
        choices=OBSERVE_NAMES,
        default="full",
        help="what is observed: "
        + "; ".join(
            f"{o.name} = {o.help}" + (f" (--{o.option.name})" if o.option else "") for o in OBSERVATIONS.values()
        )
        + "; --noise then perturbs the observations",
    )
    for obs in OBSERVATIONS.values():
        if obs.option is not None:
            o = obs.option
            g.add_argument(
                f"--{o.name}",
                type=int if o.kind == "int" else float,
                default=None,
                help=f"{obs.name}: {o.help} (default {o.default_text()})",
            )


def add_solver_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("solver")
    g.add_argument("--width", type=int, default=10, help="factor width d (default 10)")
    g.add_argument("--algorithm", choices=list(ALGORITHMS), default="agd")
    g.add_argument("--init", choices=list(INITIALIZERS), default="ward-kolda")
    g.add_argument(
        "--step",
        type=float,
        default=None,
        help="step size η (default: the product's default step; 9/(4Cνσ₁) for the Ward–Kolda init, the largest step of its assumptions as third-party code reads them, not the guarantee's step)",
    )
    g.add_argument("--C", type=float, default=None, help="Ward–Kolda C (default 8)")
    g.add_argument("--D", type=float, default=None, help="Ward–Kolda D (default Cν/9)")
    g.add_argument("--nu", type=float, default=None, help="Ward–Kolda ν (default 0.5)")
    g.add_argument("--init-scale", type=float, default=None, help="Gaussian init scale (default 1e-3)")
    g.add_argument("--max-iter", type=int, default=10_000)
    g.add_argument("--tol", type=float, default=1e-10, help="stop when e_t − floor ≤ tol (default 1e-10)")
    g.add_argument("--seed", type=int, default=1, help="seed of the initialization (default 1)")
    add_option_args(p)


def add_option_args(p: argparse.ArgumentParser) -> None:
    """A ``--NAME`` flag for every registered option without a documented flag, and ``--opt``."""
    g = p.add_argument_group("init and algorithm options (from the registries)")
    taken = {s for a in p._actions for s in a.option_strings}
    for name, use in option_uses().items():
        flag = f"--{name.replace('_', '-')}"
        if name in DOCUMENTED or flag in taken:
            continue
        opt = use.option
        g.add_argument(
            flag,
            dest=f"opt_{name}",
            type=int if opt.kind == "int" else float,
            default=None,
            metavar=name.upper(),
            help=f"{opt.label or name}: {use.where()} (default {opt.default_text()})",
        )
    g.add_argument(
        "--opt",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any registered option, e.g. --opt damping=0.2 (repeatable)",
    )


def build_problem(args):
    observe = getattr(args, "observe", "full")
    for flag, kind in OBSERVATION_OPTIONS.items():
        if getattr(args, flag, None) is not None and observe != kind:
            raise UsageError(f"--{flag} applies only to --observe {kind} (got --observe {observe})")
    if observe != "full":
        return _observed_problem(args, observe)
    if args.matrix:
        return Problem.from_array(load_matrix(args.matrix), rank=args.rank if args.rank_given else None)
    return make_problem(args.m, args.n, args.rank, args.kappa, args.spectrum, args.noise, args.problem_seed)


def _observed_problem(args, observe: str):
    """A completion or sensing problem from the flags (synthetic M★, or --matrix as M★)."""
    rank = args.rank if args.rank_given else None
    if args.matrix is None:
        return make_observed(
            observe, args.m, args.n, args.rank, args.kappa, args.spectrum, args.noise, args.problem_seed,
            rate=args.rate, measurements=args.measurements,
        )  # fmt: skip
    A = load_matrix(args.matrix)
    if observe == "completion":
        if args.noise:
            raise UsageError("--noise with --matrix applies to --observe sensing only")
        rate = RATE.default if args.rate is None else args.rate
        return completion_from_matrix(A, rate=rate, seed=args.problem_seed, rank=rank)
    if args.measurements is None:
        raise UsageError("--observe sensing with --matrix needs --measurements P (P >= 1)")
    return sensing_from_matrix(A, args.measurements, noise=args.noise, seed=args.problem_seed, rank=rank)


def given_options(args) -> dict:
    """The options set on the command line (flags and ``--opt NAME=VALUE``), by option name."""
    uses = option_uses()
    opts = {}
    for name in uses:
        value = getattr(args, DOCUMENTED.get(name, f"opt_{name}"), None)
        if value is not None:
            opts[name] = value
    for text in getattr(args, "opt", []) or []:
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep or name not in uses:
            raise UsageError(f"--opt {text!r}: expected NAME=VALUE with NAME one of {', '.join(uses)}")
        try:
            opts[name] = int(value) if uses[name].option.kind == "int" else float(value)
        except ValueError:
            raise UsageError(f"--opt {name}: {value!r} is not a number") from None
    return opts


def solver_options(args) -> dict:
    opts = given_options(args)
    wk = [k for k in ("C", "D", "nu") if k in opts]
    if wk and args.init not in option_uses()["C"].inits:
        raise UsageError(f"--C, --D and --nu apply only to --init ward-kolda (got --init {args.init})")
    try:
        check_applicable(opts, args.algorithm, args.init)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return opts
