"""Sweeps: a grid of settings × many random initializations on Dask; medians, bands, failure rates,
and for completion / sensing the recovery phase diagram.

The page only lays out the settings: validation, seeds and execution are :mod:`agdcore.sweeps`, the
figures :mod:`agdcore.plots.sweep` and :mod:`agdcore.plots.phase`, the running :mod:`agdui.sweeps_run`,
the results and the example the page opens on :mod:`agdui.sweeps_view`. Settings are bound to the URL
(validated, never trusted); the Observed choices come from :data:`agdcore.observe.OBSERVATIONS`.
"""

import streamlit as st

import agdcore as agd
from agdcore.observe import OBSERVATION_OPTIONS, OBSERVATIONS, default_measurements
from agdcore.plots import sweep as sp
from agdcore.sweeps import PARAMETERS, SweepPlan, parse_values, plan_sweep
from agdui import ensure_router
from agdui.style import apply_style
from agdui.sweeps_run import run
from agdui.sweeps_view import show_example, show_results
from agdui.urlstate import Param, current_values, init_state, sync_url, widget

ensure_router()  # deep links on a fresh server must go through app.py

PREFIX = "sweeps"
NAMES = tuple(PARAMETERS)
SEED_MAX = 2**31 - 1
DEFAULT_VALUES = {
    "width": "5, 10, 20",
    "width_ratio": "1, 2, 4",
    "kappa": "5, 10, 20, 40",
    "rank": "1, 2, 4",
    "rate": "0.1, 0.2, 0.4, 0.8",
    "step_mult": "0.25, 0.5, 1, 1.5",
    "C": "2, 4, 8, 16",
    "nu": "0.1, 0.25, 0.5, 0.75, 1",
    "scale": "0.0001, 0.001, 0.01",
    "noise": "0, 0.01, 0.1",
    "algorithm": "agd, gd, scaledgd",
    "init": "ward-kolda, gaussian, nystrom",
}


def default_values(name: str, dims: tuple = (100, 100, 5)) -> str:
    """Example values of a swept parameter; for a registry option without one, around its default.

    Measurements: 1, 2, 3 and 4 times the degrees of freedom r(m+n−r) of ``dims`` = (m, n, r).
    """
    if name in DEFAULT_VALUES:
        return DEFAULT_VALUES[name]
    if name == "measurements":
        dof = default_measurements(*dims) // 4
        return ", ".join(str(k * dof) for k in (1, 2, 3, 4))
    use = agd.options.option_uses().get(name)
    d = None if use is None else use.option.default
    return "" if not d else ", ".join(f"{v:g}" for v in (d / 2, d, 2 * d))


def label_of(name: str) -> str:
    return sp.LABELS.get(name) or PARAMETERS[name][1]


def observation_param(o) -> Param:
    """The fixed value of an observation's option (rate, measurements), from its registry entry."""
    if o.default is not None:
        return Param(o.name, o.default, "float", 0.0, o.hi, label=f"{o.label} (if not swept)", help=o.help, fmt="%.4g")
    return Param(
        o.name,
        None,
        "optfloat",
        0.0,
        float(o.ui_hi or 1e9),
        label=f"{o.label} (empty = {o.resolve_text}; if not swept)",
        help=o.help,
        fmt="%.0f",
    )


OBS_PARAMS = [observation_param(o.option) for o in OBSERVATIONS.values() if o.option is not None]
PARAMS = [
    Param(
        "observe",
        "full",
        "choice",
        choices=tuple(OBSERVATIONS),
        label="Observed",
        help="what is observed of A: " + "; ".join(f"{o.name} = {o.help}" for o in OBSERVATIONS.values()),
    ),
    *OBS_PARAMS,
    Param("x", "kappa", "choice", choices=NAMES, label="Swept parameter"),
    Param("xv", DEFAULT_VALUES["kappa"], "str", label="Its values (comma-separated)"),
    Param("y", "width", "choice", choices=("none", *NAMES), label="Second swept parameter"),
    Param("yv", DEFAULT_VALUES["width"], "str", label="Its values (comma-separated)"),
    Param("trials", 10, "int", 1, 1000, label="Trials per cell", help="random initializations per grid cell"),
    Param("tol", 1e-8, "float", 0.0, 1.0, label="Tolerance on eₜ − floor", fmt="%.1e"),
    Param(
        "max_iter",
        5000,
        "int",
        10,
        1_000_000,
        label="Max iterations",
        help="a trial that has not reached the tolerance by then counts as a failure",
    ),
    Param("m", 100, "int", 2, 2000, label="Rows m"),
    Param("n", 100, "int", 2, 2000, label="Columns n"),
    Param("rank", 5, "int", 1, 200, label="True rank r"),
    Param("kappa", 10.0, "float", 1.0, 1e6, label="Condition number κ (if not swept)", fmt="%.4g"),
    Param("width", 10, "int", 1, 500, label="Factor width d (if not swept)"),
    Param("algorithm", "agd", "choice", choices=tuple(agd.ALGORITHMS), label="Algorithm (if not swept)"),
    Param("init", "ward-kolda", "choice", choices=tuple(agd.INITIALIZERS), label="Initialization (if not swept)"),
    Param(
        "step",
        None,
        "optfloat",
        1e-12,
        1e6,
        label="Fixed step η (empty = default step × step multiple)",
        fmt="%.5g",
        help="empty: η = the product's default step × step multiple; the default is 9/(4Cνσ₁) for the Ward–Kolda init (the largest step of its assumptions as third-party code reads them, [S]; not the ε-dependent step of the paper's guarantee, Cor. 5.2, Eq. (8))",
    ),
    Param("noise", 0.0, "float", 0.0, 10.0, label="Noise ‖N‖/‖A‖, Frobenius (if not swept)", fmt="%.3g"),
    Param("problem_seed", 0, "int", 0, SEED_MAX, label="Seed of A"),
    Param("seed", 0, "int", 0, SEED_MAX, label="Base seed of the trials"),
    Param(
        "engine",
        "dask",
        "choice",
        choices=("dask", "serial"),
        label="Run on",
        help="dask: the local cluster (one worker per core) or $AGDCORE_DASK_SCHEDULER; serial: this process",
    ),
]
BY_NAME = {p.name: p for p in PARAMS}
LISTS = (("x", "xv"), ("y", "yv"))


# ---------------------------------------------------------------------- settings
def check_lists(ss) -> list[str]:
    """First visit: value lists from the URL must parse for their parameter, else use the default list."""
    msgs = []
    for pkey, vkey in LISTS:
        name = ss[f"{PREFIX}_{pkey}"]
        if name == "none":
            continue
        try:
            parse_values(name, ss[f"{PREFIX}_{vkey}"])
        except ValueError as exc:
            msgs.append(
                f"URL parameter '{vkey}' = '{str(ss[f'{PREFIX}_{vkey}'])[:40]}' is invalid: {exc} "
                f"Using the default ({default_values(name)})."
            )
            ss[f"{PREFIX}_{vkey}"] = default_values(name)
    return msgs


def _dims() -> tuple:
    ss = st.session_state
    return tuple(int(ss.get(f"{PREFIX}_{k}", BY_NAME[k].default)) for k in ("m", "n", "rank"))


def _reset_values(pkey: str, vkey: str) -> None:
    """A new swept parameter: its example values; a sampling axis also selects its kind of observation."""
    ss = st.session_state
    name = ss[f"{PREFIX}_{pkey}"]
    ss[f"{PREFIX}_{vkey}"] = default_values(name, _dims())
    if name in OBSERVATION_OPTIONS:
        ss[f"{PREFIX}_observe"] = OBSERVATION_OPTIONS[name]


def _switch_sampling() -> None:
    """A new observation: a swept rate / measurements axis becomes the new observation's option."""
    ss = st.session_state
    option = OBSERVATIONS[ss[f"{PREFIX}_observe"]].option
    for pkey, vkey in LISTS:
        name = ss[f"{PREFIX}_{pkey}"]
        if option is not None and name in OBSERVATION_OPTIONS and name != option.name:
            ss[f"{PREFIX}_{pkey}"] = option.name
            ss[f"{PREFIX}_{vkey}"] = default_values(option.name, _dims())


def sidebar() -> None:
    sb = st.sidebar
    sb.header("Sweep")
    widget(
        BY_NAME["observe"],
        PREFIX,
        sb,
        on_change=_switch_sampling,
        format_func=lambda v: OBSERVATIONS[v].label,
    )
    option = OBSERVATIONS[st.session_state[f"{PREFIX}_observe"]].option
    if option is not None:
        widget(BY_NAME[option.name], PREFIX, sb)
    for pkey, vkey in LISTS:
        widget(
            BY_NAME[pkey],
            PREFIX,
            sb,
            on_change=_reset_values,
            args=(pkey, vkey),
            format_func=lambda v: "(none)" if v == "none" else f"{v} — {label_of(v)}",
        )
        if st.session_state[f"{PREFIX}_{pkey}"] != "none":
            sb.text_input(BY_NAME[vkey].label, key=f"{PREFIX}_{vkey}")
    for name in ("trials", "tol", "max_iter"):
        widget(BY_NAME[name], PREFIX, sb)
    with sb.expander("Fixed settings", expanded=False):
        for name in ("m", "n", "rank", "kappa", "width", "algorithm", "init", "step", "noise", "problem_seed", "seed"):
            widget(BY_NAME[name], PREFIX)
    widget(BY_NAME["engine"], PREFIX, sb, format_func=lambda v: {"dask": "Dask", "serial": "this process"}[v])


def make_plan(v: dict) -> SweepPlan:
    """The validated plan for the settings (ValueError names what is wrong)."""
    if v["y"] != "none" and v["y"] == v["x"]:
        raise ValueError(f"the two swept parameters are both {v['x']!r}; choose two different ones (or none).")
    grid = {v["x"]: v["xv"]}
    if v["y"] != "none":
        grid[v["y"]] = v["yv"]
    base = {
        k: v[k]
        for k in (
            "m",
            "n",
            "rank",
            "kappa",
            "width",
            "algorithm",
            "init",
            "step",
            "noise",
            "problem_seed",
            "max_iter",
            "tol",
            "observe",
        )
    }
    option = OBSERVATIONS[v["observe"]].option
    if option is not None and v[option.name] is not None and option.name not in grid:
        value = v[option.name]
        base[option.name] = int(value) if option.kind == "int" and float(value).is_integer() else value
    return plan_sweep(grid, v["trials"], base=base, seed=v["seed"])


# ---------------------------------------------------------------------- the screen
def main() -> None:
    apply_style()
    ss = st.session_state
    first = not ss.get(f"{PREFIX}__init")
    errors = init_state(PARAMS, PREFIX)
    if first:  # URL messages stay up until a setting changes
        errors += check_lists(ss)
        ss[f"{PREFIX}__errors"] = (errors, current_values(PARAMS, PREFIX))
    sidebar()
    v = current_values(PARAMS, PREFIX)
    sync_url(PARAMS, PREFIX, v)
    st.title("Sweeps")
    st.markdown(
        "A grid of settings × many random initializations: how the iterations to tolerance scale with "
        "κ, the width d and the other knobs, and how often a run fails."
    )
    msgs, loaded = ss.get(f"{PREFIX}__errors", ([], None))
    for msg in msgs if loaded == v else []:
        st.error(msg, icon=":material/link_off:")
    if st.button("Run sweep", type="primary", icon=":material/play_arrow:", key=f"{PREFIX}_run"):
        ss[f"{PREFIX}__pressed"] = True  # from now on the page shows the user's sweeps, not the example
        try:
            run(make_plan(v), v)
        except (ValueError, ConnectionError) as exc:
            st.error(f"Sweep settings: {exc}", icon=":material/error:")
        except Exception as exc:  # noqa: BLE001 - lost workers, a task error: keep what finished
            st.error(
                f"The sweep failed while running ({type(exc).__name__}: {str(exc)[:300]}). "
                "The trials that finished are shown below.",
                icon=":material/error:",
            )
    state = ss.get(f"{PREFIX}__run")
    if state is None and not ss.get(f"{PREFIX}__pressed"):
        show_example()
    elif state is None:
        st.info("Choose one or two swept parameters and their values in the sidebar, then press **Run sweep**.")
    else:
        show_results(state)


main()
