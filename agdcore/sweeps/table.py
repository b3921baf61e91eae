"""A sweep's results as a tidy table (one row per trial) and its per-cell summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._observed import RECOVERY_TOL
from ..options import option_uses
from ..trials import iteration_quartiles
from .plan import LEGACY_OPTIONS, OUTCOMES, RECOVERY, SweepPlan, base_defaults


def to_table(plan: SweepPlan, parts: list) -> pd.DataFrame:
    """Tidy rows from finished pieces, ordered by (cell, trial)."""
    rows = []
    columns = _setting_columns(plan)
    for cell, trial_idx, out in parts:
        s = plan.settings[cell]
        for j, k in enumerate(trial_idx):
            row = {"cell": cell, "trial": k, **{p: plan.cells[cell][p] for p in plan.params}}
            row.update({key: np.nan if s[key] is None else s[key] for key in columns})
            row.update(width=s["width"], step=out["step"], seed=int(plan.seeds[cell, k]))
            its = out["iterations_to_tol"][j]
            row.update(
                iterations_to_tol=float(its),
                final_error=float(out["final_error"][j]),
                status=str(out["status"][j]),
                seconds=float(out["seconds"][j]),
            )
            if "final_recovery_error" in out:
                rec = float(out["final_recovery_error"][j])
                row.update(final_recovery_error=rec, recovered=bool(np.isfinite(rec) and rec <= RECOVERY_TOL))
            rows.append(row)
    cols = ["cell", "trial", *plan.params]
    empty = list(dict.fromkeys(cols + columns + ["width", "step"] + OUTCOMES))
    df = pd.DataFrame(rows) if rows else pd.DataFrame(columns=empty)
    tail = OUTCOMES + [c for c in RECOVERY if c in df.columns]
    order = cols + [c for c in df.columns if c not in cols and c not in tail] + tail
    return df[order].sort_values(["cell", "trial"], kind="stable").reset_index(drop=True)


def _setting_columns(plan: SweepPlan) -> list:
    """Fixed settings shown in the table: the base ones, the legacy options, and options some cell uses."""
    uses = option_uses()
    keep = [k for k in base_defaults() if k not in plan.params and k != "step"]
    if all(s["observe"] == "full" for s in plan.settings):  # fully observed: the first release's columns
        keep = [k for k in keep if k not in ("observe", "rate", "measurements")]
    return [k for k in keep if k not in uses or k in LEGACY_OPTIONS or any(s.get(k) is not None for s in plan.settings)]


# ---------------------------------------------------------------------- summaries
def summarize(df: pd.DataFrame, by: list | None = None) -> pd.DataFrame:
    """Per cell: trials, failures (tol not reached within max_iter), and quartiles of iterations to tol.

    Failures count as "never" (+inf) in the quartiles, so a median is finite only while fewer
    than half of the trials failed.
    """
    by = list(by if by is not None else df.attrs.get("swept", []))
    rows = []
    for key, g in df.groupby(by, sort=False) if by else [((), df)]:
        its = g["iterations_to_tol"].to_numpy(float)
        ok = np.isfinite(its)
        q = iteration_quartiles(its)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(by, key)),
                "trials": len(g),
                "failures": int((~ok).sum()),
                "failure_rate": float((~ok).mean()),
                "q25": q[0],
                "median": q[1],
                "q75": q[2],
                **{c: g[c].iloc[0] for c in ("width", "rank") if c in g and c not in by},
                **_recovery_summary(g),
            }
        )
    return pd.DataFrame(rows)


def _recovery_summary(g: pd.DataFrame) -> dict:
    """Observed problems: the fraction of trials that recovered M★ (≤ 1e-3) and the median error."""
    if "final_recovery_error" not in g:
        return {}
    rec = g["final_recovery_error"].to_numpy(float)
    return {"recovery_rate": float(g["recovered"].mean()), "median_recovery_error": float(np.nanmedian(rec))}
