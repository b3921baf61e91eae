"""Compare: the configuration specs, presets, the trials runs (cached, with progress/Stop) and the table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import agdcore as agd

from . import job_tasks, jobs, live
from . import settings as S
from .urlstate import Param

PREFIX = "compare"
MAX_CONFIGS = 6
MAX_TRIAL_ITERATIONS = 20_000_000  # K × max_iter per configuration: 160 MB of error curves


def algos() -> tuple:
    """Algorithms Compare offers: those with iterations (the flow's x-axis is time)."""
    return tuple(a for a, e in agd.ALGORITHMS.items() if e.driver == "loop")


def init_param(init: str):
    """The init's primary option (its first declared one), set by the configuration's "Init parameter"."""
    entry = agd.INITIALIZERS.get(init)
    return entry.options[0] if entry is not None and entry.options else None


def init_param_help() -> str:
    parts = []
    for e in agd.INITIALIZERS.values():
        o = e.options[0] if e.options else None
        parts.append(f"{e.short or e.name}: " + (f"{o.name} ({o.default_text()})" if o else "unused"))
    return " · ".join(parts) + ". Empty = the default."


RUN_PARAMS = [
    Param("trials", 10, "int", 1, 100, label="Trials K per configuration", help="seeds 0 … K−1, the same for all"),
    Param("max_iter", 10_000, "int", 1, 1_000_000, label="Max iterations"),
    Param("tol", 1e-10, "float", 0.0, 1.0, label="Tolerance on eₜ − floor", fmt="%.1e"),
    Param("n_configs", 2, "int", 2, MAX_CONFIGS, label="Number of configurations"),
    Param("log_x", False, "bool", label="Log iteration axis"),
]
_DEFAULTS = [
    ("agd", "ward-kolda", None),
    ("agd", "gaussian", 0.1),
    ("gd", "ward-kolda", None),
    ("scaledgd", "spectral", 0.1),
    ("precgd", "gaussian", 1e-3),
    ("gd", "gaussian", 1e-3),
]


def config_params(j: int) -> list[Param]:
    """URL-bound settings of configuration ``j`` (1-based)."""
    alg, init, par = _DEFAULTS[j - 1]
    return [
        Param(f"c{j}_algorithm", alg, "choice", choices=algos(), label="Algorithm"),
        Param(f"c{j}_init", init, "choice", choices=tuple(agd.INITIALIZERS), label="Initialization"),
        Param(f"c{j}_width", 10, "int", 1, 500, label="Width d"),
        Param(f"c{j}_step", None, "optfloat", 1e-12, 1e6, label="Step η (empty = default)", fmt="%.5g"),
        Param(f"c{j}_param", par, "optfloat", 0.0, 1e4, label="Init parameter", fmt="%.4g", help=init_param_help()),
    ]


PROBLEM_PARAMS = [p for p in S.PROBLEM_PARAMS if p.name not in ("source", "upload_rank")]


def params() -> list[Param]:
    """Compare's URL-bound settings (derived from the registries on every call)."""
    return PROBLEM_PARAMS + RUN_PARAMS + [p for j in range(1, MAX_CONFIGS + 1) for p in config_params(j)]


def __getattr__(name: str):
    """Live views kept for callers of the first release: PARAMS, ALGOS, INIT_PARAM."""
    if name == "PARAMS":
        return params()
    if name == "ALGOS":
        return algos()
    if name == "INIT_PARAM":
        return {i: e.options[0].name for i, e in agd.INITIALIZERS.items() if e.options}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PRESETS = {
    "Ward–Kolda vs Gaussian (paper)": dict(
        m=100,
        n=100,
        rank=5,
        kappa=10.0,
        spectrum="linear",
        noise=0.0,
        sigma1=10.0,
        problem_seed=0,
        trials=10,
        max_iter=60_000,
        tol=1e-10,
        n_configs=2,
        log_x=True,
        c1_algorithm="agd",
        c1_init="ward-kolda",
        c1_width=10,
        c1_step=0.05625,
        c1_param=8.0,
        c2_algorithm="agd",
        c2_init="gaussian",
        c2_width=10,
        c2_step=0.05625,
        c2_param=1e-3,
    ),
    "AGD vs GD (same init)": dict(
        n_configs=2,
        c1_algorithm="agd",
        c1_init="ward-kolda",
        c1_step=None,
        c1_param=None,
        c2_algorithm="gd",
        c2_init="ward-kolda",
        c2_step=None,
        c2_param=None,
        c2_width=10,
        c1_width=10,
    ),
    "Peers (AGD, GD, ScaledGD, PrecGD)": dict(
        n_configs=4,
        c1_algorithm="agd",
        c1_init="ward-kolda",
        c1_step=None,
        c1_param=None,
        c1_width=10,
        c2_algorithm="gd",
        c2_init="gaussian",
        c2_step=None,
        c2_param=1e-3,
        c2_width=10,
        c3_algorithm="scaledgd",
        c3_init="spectral",
        c3_step=None,
        c3_param=0.1,
        c3_width=10,
        c4_algorithm="precgd",
        c4_init="gaussian",
        c4_step=None,
        c4_param=1e-3,
        c4_width=10,
    ),
    "Width d = r, 2r, 4r (AGD, Ward–Kolda)": dict(
        n_configs=3,
        **{
            f"c{j}_{k}": v
            for j, w in ((1, 5), (2, 10), (3, 20))
            for k, v in (("algorithm", "agd"), ("init", "ward-kolda"), ("width", w), ("step", None), ("param", None))
        },
    ),
}


def configs(values: dict) -> list[dict]:
    """The active configurations as dicts with Explore-style keys (for solve_kwargs and snippets)."""
    out = []
    for j in range(1, int(values["n_configs"]) + 1):
        c = {k: values[f"c{j}_{k}"] for k in ("algorithm", "init", "width", "step", "param")}
        opt = init_param(c["init"])
        if opt is not None and c["param"] is not None:
            c[opt.name] = c["param"]
        c["label"] = f"#{j} {label(c)}"
        out.append(c)
    return out


def label(c: dict) -> str:
    """Short text for a configuration: 'AGD · Ward–Kolda C=8 · d=10 · η=0.5'."""
    entry = agd.INITIALIZERS.get(c["init"])
    init = (entry.short or entry.name) if entry is not None else str(c["init"])
    par = init_param(c["init"])
    if par is not None and c.get("param") is not None:
        init += f" {par.name}={c['param']:g}"
    step = "η default" if c.get("step") is None else f"η={c['step']:.4g}"
    return f"{c['algorithm'].upper()} · {init} · d={int(c['width'])} · {step}"


def trial_kwargs(c: dict, values: dict) -> dict:
    """Keyword arguments of :func:`agdcore.solve_trials` for one configuration."""
    kw = {
        "algorithm": c["algorithm"],
        "init": c["init"],
        "width": int(c["width"]),
        "step": c["step"],
        "max_iter": int(values["max_iter"]),
        "tol": float(values["tol"]),
    }
    opt = init_param(c["init"])
    if opt is not None and c.get("param") is not None:
        kw[opt.name] = int(c["param"]) if opt.kind == "int" else float(c["param"])
    return kw


def run_trials(
    lv: live.LiveRun, problem, kw: dict, K: int, prefix: str, done_before: int, total: int, key: str | None = None
):
    """:func:`agdcore.solve_trials` off the page's thread (the server's fair queue, :mod:`agdui.jobs`).

    The script thread shows the queue place, then progress (several updates a second). Stop or any
    widget change interrupts it at such an update; it then withdraws the session from the job, whose
    worker ends within one iteration (``solve_trials`` polls ``should_stop``) unless another session
    shares it. ``key`` (the configuration's settings id) lets two sessions comparing the same
    configuration share one computation.
    """
    q, owner = jobs.default_queue(), live.session_id()
    key = key or f"trials:{id(problem)}:{live.run_key(kw)}:{K}"  # the live job holds the problem: ids stay unique
    lv.update(done_before / total, f"{prefix}: starting")  # Stop is honoured even before the job is sent
    job = q.submit(owner, key, job_tasks.trials_task, jobs.Shared(problem), kw, K, local=not job_tasks.portable(kw))
    try:
        while not job.wait(0.1):
            if job.state == jobs.QUEUED and hasattr(lv, "queued"):
                lv.queued(q.ahead(job), len(q.running))
                continue
            n_done = q.latest(job) or 0
            lv.update((done_before + n_done) / total, f"{prefix}: {n_done} of {K} trials done")
    except BaseException:
        q.cancel(job, owner)
        raise
    return job.result()


def _median(tr) -> float:
    return float(tr.iteration_quartiles()[1])


def summary_table(runs: list[tuple[str, object]], max_iter: int) -> pd.DataFrame:
    """Iterations to tolerance (median, IQR, reached) and the ratio to configuration #1."""
    rows, base = [], None
    for j, (lab, tr) in enumerate(runs):
        its = tr.iterations_to_tol
        q1, med, q3 = tr.iteration_quartiles()
        reached = int(np.isfinite(tr.iterations_to_tol).sum())
        if j == 0:
            base = med
        rows.append(
            {
                "configuration": lab,
                "reached tol": f"{reached}/{its.size}",
                "median iterations": _its(med, max_iter),
                "interquartile range": f"{_its(q1, max_iter)} – {_its(q3, max_iter)}",
                "iterations ÷ #1": _ratio(med, base, max_iter),
                "median seconds / trial": f"{np.median(tr.seconds):.3g}",
                "diverged": int(np.sum(tr.status == "diverged")),
                **_observed_columns(tr),
            }
        )
    return pd.DataFrame(rows)


def _observed_columns(tr) -> dict:
    """Completion / sensing: the final training loss and recovery error (medians), the recovered count."""
    rec = tr.final_recovery_error
    if rec is None:
        return {}
    ok = tr.recovered
    return {
        "median final training loss": f"{np.median(tr.final_error):.3e}",
        "median final recovery error": f"{np.nanmedian(rec):.3e}" if np.isfinite(rec).any() else "—",
        "recovered (≤ 1e-3)": f"{int(np.sum(ok))}/{ok.size}",
    }


def _its(x: float, max_iter: int) -> str:
    return f"> {max_iter:,}" if not math.isfinite(x) else f"{int(x):,}"


def _ratio(x: float, base: float, max_iter: int) -> str:
    if base is None or not math.isfinite(base) or base <= 0:
        return "—" if math.isfinite(x) else "—"
    if not math.isfinite(x):
        return f"> {max_iter / base:.3g}×"
    return f"{x / base:.3g}×"


def headline(runs: list[tuple[str, object]], max_iter: int) -> str | None:
    """One sentence comparing each configuration with #1 (None when #1 never reached tol)."""
    if len(runs) < 2:
        return None
    meds = [_median(tr) for _, tr in runs]  # the table's definition, so the two always agree
    if not math.isfinite(meds[0]) or meds[0] <= 0:
        return None
    parts = []
    for (lab, _), med in zip(runs[1:], meds[1:]):
        tag = lab.split(" ", 1)[0]
        if not math.isfinite(med):
            parts.append(f"{tag} needs more than {max_iter:,} (> {max_iter / meds[0]:.3g}× as many)")
        else:
            parts.append(f"{tag} needs {int(med):,} ({med / meds[0]:.3g}× as many)")
    return f"In median, #1 reaches the tolerance in {int(meds[0]):,} iterations; " + "; ".join(parts) + "."
