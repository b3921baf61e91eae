"""``python -m agdcore sweep``: a grid × trials sweep on Dask (or serially), written as CSV/JSON.

Example::

    python -m agdcore sweep --grid width=5,10,20 --grid kappa=5,10,20,40 --trials 20 \\
        --csv sweep.csv --json sweep.json [--scheduler tcp://HOST:8786]

Invalid input exits with status 2 and one line on stderr (the ``run`` convention); a sweep that
fails while running (a task error, lost workers) exits with status 1, also with one line.
"""

from __future__ import annotations

import json
import sys

from ._args import UsageError, add_problem_args, add_solver_args, given_options

BASE_FLAGS = {
    "m": "m",
    "n": "n",
    "rank": "rank",
    "kappa": "kappa",
    "spectrum": "spectrum",
    "noise": "noise",
    "problem_seed": "problem_seed",
    "width": "width",
    "algorithm": "algorithm",
    "init": "init",
    "step": "step",
    "max_iter": "max_iter",
    "tol": "tol",
    "observe": "observe",
    "rate": "rate",
    "measurements": "measurements",
}  # + every option (given_options)


def add_sweep_parser(subparsers) -> None:
    """Register the ``sweep`` command (called by :func:`agdcore.cli.make_parser`)."""
    from ..sweeps import PARAMETERS

    sp = subparsers.add_parser(
        "sweep",
        help="grid x trials sweep on Dask; writes one row per trial as CSV/JSON",
        description="Run every combination of the --grid values, --trials random initializations each. "
        "Flags not swept fix the other settings (as in 'run'); --seed is the base seed of the trials.",
    )
    add_problem_args(sp)
    add_solver_args(sp)
    g = sp.add_argument_group("sweep")
    g.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2,...",
        help=f"a swept parameter and its values (repeat for 2-D); NAME one of: {', '.join(PARAMETERS)}",
    )
    g.add_argument("--trials", type=int, default=10, help="random initializations per grid cell (default 10)")
    g.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="tcp://HOST:PORT of a running Dask scheduler (default: $AGDCORE_DASK_SCHEDULER, "
        "else a local cluster on 127.0.0.1)",
    )
    g.add_argument("--serial", action="store_true", help="run in this process instead of on Dask")
    g.add_argument("--task-size", type=int, default=None, help="trials per Dask task (default 16)")
    g.add_argument("--csv", metavar="OUT", help="write the table (one row per trial) as CSV")
    g.add_argument("--json", metavar="OUT", help="write the settings, per-cell summary and rows as JSON")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_sweep)


def grid_from_args(args) -> dict:
    from ..sweeps import parse_grid_arg

    if not args.grid:
        raise UsageError("give at least one --grid NAME=V1,V2,... (e.g. --grid kappa=5,10,20)")
    grid = {}
    for text in args.grid:
        name, values = parse_grid_arg(text)
        if name in grid:
            raise UsageError(f"--grid {name} is given twice; list all its values in one --grid")
        grid[name] = values
    return grid


def cmd_sweep(args) -> int:
    import time

    from ..sweeps import close_clients, get_client, plan_sweep, run_plan, scheduler_address, summarize

    if args.matrix:
        raise UsageError("sweep builds a synthetic A for every cell; --matrix is not supported here (use 'run')")
    if not args.serial:
        scheduler_address(args.scheduler)  # a malformed address fails before any work
    base = {**{key: getattr(args, flag) for key, flag in BASE_FLAGS.items()}, **given_options(args)}
    plan = plan_sweep(grid_from_args(args), args.trials, base=base, seed=args.seed, task_size=args.task_size)
    bar = None if args.quiet else _bar(plan.n_trials)
    try:
        t0 = time.perf_counter()
        client = None if args.serial else get_client(args.scheduler)
        start = time.perf_counter() - t0
        df = run_plan(
            plan,
            engine="serial" if args.serial else "dask",
            client=client,
            callback=None if bar is None else _advance(bar),
        )
    except Exception as exc:  # noqa: BLE001 - only failures *while running* are reported here
        if not isinstance(exc, RuntimeError) and type(exc).__name__ != "KilledWorker":
            raise  # ValueError / ConnectionError: cli.main prints one line and exits 2
        print(f"agd: error: the sweep failed while running: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
        close_clients()
    _write(args, df, summarize(df))
    where = df.attrs["engine"] + ("" if args.serial else f", start {start:.2f} s")
    print(f"{len(df)} trials in {df.attrs['seconds']:.2f} s ({where})", file=sys.stderr)
    return 0


def _bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="trial", file=sys.stderr, mininterval=0.25, desc="sweep")


def _advance(bar):
    def callback(done: int, total: int) -> bool:
        bar.update(done - bar.n)
        return False  # never stops the sweep (Ctrl-C does, cancelling the outstanding tasks)

    return callback


def _write(args, df, summary) -> None:
    if args.csv:
        df.to_csv(args.csv, index=False)
    if args.json:
        doc = {
            "config": {k: df.attrs[k] for k in ("grid", "trials", "seed", "base", "engine", "complete", "seconds")},
            "summary": json.loads(summary.to_json(orient="records")),
            "rows": json.loads(df.to_json(orient="records")),
        }
        with open(args.json, "w") as fh:
            json.dump(doc, fh, indent=1)
    cols = [c for c in summary.columns if c not in ("rank",)]
    print(summary[cols].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
