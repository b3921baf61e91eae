"""Parameter sweeps × Monte-Carlo trials, run serially or on Dask distributed (the execution layer).

- :mod:`agdcore.sweeps.plan`: the grid, its validation, trial seeds and tasks;
- :mod:`agdcore.sweeps.table`: the tidy table of trials and its per-cell summaries;
- :mod:`agdcore.sweeps.engine`: one task on a worker, the serial and Dask engines, :func:`sweep`;
- :mod:`agdcore.sweeps.dask_clients`: the local cluster or a remote scheduler.

pandas is imported with this package; Dask only when a Dask engine is used. ``import agdcore``
loads neither (``agdcore.sweep`` imports this package on first call).
"""

from .dask_clients import close_clients, engine_info, get_client, scheduler_address
from .engine import iter_sweep, run_plan, run_task, solve_piece, sweep
from .plan import (
    BASE_DEFAULTS,
    MAX_CELLS,
    MAX_TOTAL_TRIALS,
    MAX_TRIALS,
    OPTION_INITS,
    OUTCOMES,
    PARAMETERS,
    TASK_SIZE,
    SweepPlan,
    make_tasks,
    parse_grid_arg,
    parse_values,
    plan_sweep,
    resolve_base,
    trial_seed,
)
from .table import summarize, to_table

__all__ = [
    "BASE_DEFAULTS",
    "MAX_CELLS",
    "MAX_TOTAL_TRIALS",
    "MAX_TRIALS",
    "OPTION_INITS",
    "OUTCOMES",
    "PARAMETERS",
    "TASK_SIZE",
    "SweepPlan",
    "close_clients",
    "engine_info",
    "get_client",
    "iter_sweep",
    "make_tasks",
    "parse_grid_arg",
    "parse_values",
    "plan_sweep",
    "resolve_base",
    "run_plan",
    "run_task",
    "scheduler_address",
    "solve_piece",
    "summarize",
    "sweep",
    "to_table",
    "trial_seed",
]
