"""Boundary validation: every public entry point checks its inputs here, once.

Each helper raises ``ValueError`` whose message names the parameter and the allowed range or
the valid names, so the CLI and the dashboard can show it verbatim.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable

DEFAULT_MEMORY_BUDGET = 2 * 1024**3  # bytes; override with AGDCORE_MEMORY_BUDGET or memory_budget=


def check_int(value, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``value`` as an int in ``[lo, hi]`` or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer{_range_text(lo, hi)}, got {value!r}.")
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be an integer{_range_text(lo, hi)}, got {value}.")
    return value


def check_float(
    value, name: str, lo: float | None = None, hi: float | None = None, *, lo_open: bool = False, hi_open: bool = False
) -> float:
    """Return ``value`` as a finite float in the given (open or closed) range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number{_frange_text(lo, hi, lo_open, hi_open)}, got {value!r}.")
    value = float(value)
    bad = not math.isfinite(value)
    if lo is not None:
        bad |= value <= lo if lo_open else value < lo
    if hi is not None:
        bad |= value >= hi if hi_open else value > hi
    if bad:
        raise ValueError(f"{name} must be a finite number{_frange_text(lo, hi, lo_open, hi_open)}, got {value}.")
    return value


def check_choice(value, name: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"Unknown {name} {value!r}; expected one of {', '.join(map(repr, choices))}.")
    return value


def memory_budget(budget: float | None = None) -> float:
    """The byte budget for a problem's arrays (argument, else $AGDCORE_MEMORY_BUDGET, else 2 GB)."""
    if budget is None:
        env = os.environ.get("AGDCORE_MEMORY_BUDGET")
        if env:
            try:
                budget = float(env)
            except ValueError:
                raise ValueError(f"AGDCORE_MEMORY_BUDGET must be a number of bytes, got {env!r}.") from None
        else:
            budget = DEFAULT_MEMORY_BUDGET
    return check_float(budget, "memory_budget", 0, lo_open=True)


def check_memory(nbytes: float, what: str, budget: float | None = None) -> None:
    """Refuse, before anything is allocated, work whose arrays would exceed the memory budget."""
    limit = memory_budget(budget)
    if nbytes > limit:
        raise ValueError(
            f"{what} would need about {nbytes / 1e9:.2f} GB, over the memory budget of "
            f"{limit / 1e9:.2f} GB; use smaller sizes (or raise memory_budget / AGDCORE_MEMORY_BUDGET)."
        )


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f" between {lo} and {hi}"
    if lo is not None:
        return f" >= {lo}"
    if hi is not None:
        return f" <= {hi}"
    return ""


def _frange_text(lo, hi, lo_open, hi_open) -> str:
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '<='} {hi:g}")
    return (" " + " and ".join(parts)) if parts else ""
