"""Command line: ``python -m agdcore run ...`` (also the console script ``agd``).

Exit codes: 0 for a completed run whatever its status, 2 for invalid input (one line on stderr,
no traceback).
"""

from __future__ import annotations

import argparse
import sys

from ._args import UsageError, _Parser, add_problem_args, add_solver_args
from .run import cmd_run
from .sweep import add_sweep_parser


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="agd", description="Alternating gradient descent and its peers for matrix factorization.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = sub.add_parser("run", help="one run; prints its status and writes the JSON record")
    add_problem_args(run)
    add_solver_args(run)
    run.add_argument("--json", metavar="OUT", help="write the run (config, curves, bounds) as JSON")
    run.set_defaults(func=cmd_run)
    add_sweep_parser(sub)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            raise UsageError("missing command: use 'run' or 'sweep' (see --help)")
        args.rank_given = "--rank" in argv or any(a.startswith("--rank=") for a in argv)
        return args.func(args)
    except (UsageError, ValueError) as exc:
        print(f"agd: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"agd: error: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("agd: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
