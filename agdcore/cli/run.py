"""``agd run``: one run; prints its status and writes the JSON record."""

from __future__ import annotations

import json

from ..solver import solve
from ._args import build_problem, solver_options


def cmd_run(args) -> int:
    problem = build_problem(args)
    result = solve(
        problem,
        algorithm=args.algorithm,
        init=args.init,
        width=args.width,
        step=args.step,
        max_iter=args.max_iter,
        tol=args.tol,
        seed=args.seed,
        **solver_options(args),
    )
    doc = result.to_dict()
    doc["config"]["problem_seed"] = None if args.matrix else args.problem_seed
    doc["config"]["matrix"] = args.matrix
    doc["config"].setdefault("observe", args.observe)  # observed problems add rate / measurements themselves
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(doc, fh, indent=1)
    print(f"{result.status}: {result.message} ({result.seconds * 1e3:.1f} ms)")
    return 0
