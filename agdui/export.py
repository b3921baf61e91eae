"""Downloads and "Python snippet" text (pure functions: no streamlit, unit-tested).

The snippets reproduce a dashboard run with agdcore alone; the tests execute them and compare the
final error with the app's.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from agdcore.plots import bound_curves

from .settings import observation_of, options_of


def curves_csv(result) -> str:
    """CSV of e_t and every overlay that applies, one row per iteration (flow: per output time)."""
    t = np.asarray(result.t, dtype=float)
    df = pd.DataFrame({result.x_label.replace(" ", "_"): t, "e_t": np.asarray(result.error, dtype=float)})
    for c in bound_curves(result):
        if c["y"].size == 0:
            continue
        col = np.full(t.size, np.nan)
        if c["key"] in ("floor", "tol"):
            col[:] = c["y"][0]
        else:
            col[: c["y"].size] = c["y"][: t.size]
        df[c["key"]] = col
    if getattr(result, "recovery_error", None) is not None:  # observed data: e_t is the training loss
        df["recovery_error"] = np.asarray(result.recovery_error, dtype=float)[: t.size]
    return df.to_csv(index=False, float_format="%.10g")


def trials_csv(runs) -> str:
    """CSV of median and quartiles of e_t per configuration (long format: config, t, q25, median, q75)."""
    frames = []
    for label, tr in runs:
        q = tr.quantiles((0.25, 0.5, 0.75))
        frames.append(pd.DataFrame({"config": label, "t": tr.t, "q25": q[0], "median": q[1], "q75": q[2]}))
    if not frames:
        return ""
    buf = io.StringIO()
    pd.concat(frames).to_csv(buf, index=False, float_format="%.10g")
    return buf.getvalue()


def _problem_code(p: dict, upload_name: str | None, measurements: int | None = None) -> str:
    obs, option = observation_of(p)
    if obs.option is not None and option is not None:
        option = int(option) if obs.option.kind == "int" else float(option)
    if p.get("source") == "photo":
        load = "A = agd.images.load_image()  # the stored photograph, 112x96 greyscale in [0, 1]\n"
        if obs.name == "completion":
            return load + f"p = agd.completion_from_matrix(A, rate={option!r}, seed={int(p.get('problem_seed', 0))})\n"
        if obs.name == "sensing":
            return load + f"p = agd.sensing_from_matrix(A, {option if option is not None else measurements!r})\n"
        return "p = agd.make_image_problem()  # the stored photograph, 112x96 greyscale in [0, 1]\n"
    if p.get("source") == "upload" and upload_name:
        rank = int(p.get("upload_rank", 0)) or None
        load = f"A = agd.load_matrix({upload_name!r})  # your uploaded file\n"
        if obs.name == "completion":
            return load + f"p = agd.completion_from_matrix(A, rate={option!r}, rank={rank!r})\n"
        if obs.name == "sensing":
            count = option if option is not None else measurements  # the resolved 4·r(m+n−r)
            return load + f"p = agd.sensing_from_matrix(A, {count!r}, rank={rank!r})\n"
        return load + f"p = agd.Problem.from_array(A, rank={rank!r})\n"
    maker, extra = "make_problem", ""
    if obs.name == "completion":
        maker, extra = "make_completion", f"rate={option!r}, "
    elif obs.name == "sensing":
        count = option if option is not None else measurements  # None: 4·r(m+n−r), resolved by agdcore too
        maker, extra = "make_sensing", f"measurements={count!r}, "
    pad = " " * (len(maker) + 9)
    return (
        f"p = agd.{maker}(m={int(p['m'])}, n={int(p['n'])}, rank={int(p['rank'])}, "
        f"kappa={float(p['kappa'])!r}, spectrum={p['spectrum']!r},\n"
        f"{pad}{extra}noise={float(p['noise'])!r}, seed={int(p['problem_seed'])}, "
        f"sigma1={float(p['sigma1'])!r})\n"
    )


def _options_code(v: dict) -> str:
    opts = options_of(v["algorithm"], v["init"])
    return "".join(
        f", {o.name}={(int if o.kind == 'int' else float)(v[o.name])!r}" for o in opts if v.get(o.name) is not None
    )


def explore_snippet(values: dict, upload_name: str | None = None, measurements: int | None = None) -> str:
    """Python code that reproduces one Explore run (same problem, settings and seed); ``measurements``
    is the resolved count of an uploaded matrix's sensing problem when its setting is empty."""
    step = None if values.get("step") is None else float(values["step"])
    return (
        "import agdcore as agd\n\n"
        + _problem_code(values, upload_name, measurements)
        + f"r = agd.solve(p, algorithm={values['algorithm']!r}, init={values['init']!r}, "
        f"width={int(values['width'])}, step={step!r},\n"
        f"              max_iter={int(values['max_iter'])}, tol={float(values['tol'])!r}, "
        f"seed={int(values['seed'])}{_options_code(values)})\n"
        + "print(r.status, r.n_iter, r.final_error)\n"
        + ("print(r.final_recovery_error, r.recovered)\n" if observation_of(values)[0].option else "")
        + "print(r.message)\n"
    )


def compare_snippet(
    problem: dict, configs: list[dict], trials: int, max_iter: int, tol: float, upload_name: str | None = None
) -> str:
    """Python code that reproduces a Compare run (same A, same seeds 0..K−1 for every configuration)."""
    lines = [
        "import agdcore as agd",
        "import numpy as np",
        "",
        _problem_code(problem, upload_name).rstrip(),
        "runs = {}",
    ]
    for c in configs:
        step = None if c.get("step") is None else float(c["step"])
        lines.append(
            f"runs[{c['label']!r}] = agd.solve_trials(p, seeds=range({int(trials)}), algorithm={c['algorithm']!r}, "
            f"init={c['init']!r}, width={int(c['width'])}, step={step!r}, max_iter={int(max_iter)}, "
            f"tol={float(tol)!r}{_options_code(c)})"
        )
    lines += [
        "for label, tr in runs.items():",
        "    print(label, 'median iterations to tol (unreached = inf):', tr.iteration_quartiles()[1],",
        "          'reached:', int(np.isfinite(tr.iterations_to_tol).sum()), '/', len(tr.seeds))",
    ]
    if observation_of(problem)[0].option is not None:  # completion / sensing: the recovery error too
        lines += [
            "    print('  median final recovery error:', np.nanmedian(tr.final_recovery_error),",
            "          'recovered:', int(tr.recovered.sum()), '/', len(tr.seeds))",
        ]
    return "\n".join(lines) + "\n"
