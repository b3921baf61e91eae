"""The "Observed" choice on a page (all entries / completion / sensing) and the headline numbers of a
run on observed data. Labels, defaults and ranges come from :data:`agdcore.observe.OBSERVATIONS`
through the settings' :data:`~agdui.settings.OBSERVE_PARAMS`.
"""

from __future__ import annotations

import streamlit as st

import agdcore as agd
from agdcore.observe import OBSERVATIONS, default_measurements

from . import run_text
from . import settings as S
from .urlstate import widget

_P = {p.name: p for p in S.OBSERVE_PARAMS}


def kind_of(observe: str) -> str:
    """The problem kind (``dense``, ``completion``, ``sensing``) the registries' ``problems`` name."""
    return OBSERVATIONS[observe].kind


def algorithm_label(name: str, observe: str) -> str:
    """Select-box text of an algorithm, saying when it does not apply to the observed data."""
    e = agd.ALGORITHMS[name]
    kind = kind_of(observe)
    return f"{e.label} ({name})" + ("" if kind in e.problems else f" — not for {OBSERVATIONS[observe].short}")


def init_label(name: str, observe: str) -> str:
    """Select-box text of an init: its label for this kind of data (Ward–Kolda: "experiment, no theory")."""
    e = agd.INITIALIZERS[name]
    kind = kind_of(observe)
    return e.label_for(kind) + ("" if kind in e.problems else f" — not for {OBSERVATIONS[observe].short}")


def selector(prefix: str, container) -> str:
    """The "Observed" select box (reruns at once, so the matching option input appears)."""
    return widget(_P["observe"], prefix, container, format_func=lambda o: OBSERVATIONS[o].label)


def option_field(prefix: str, observe: str, m: int, n: int, rank: int) -> None:
    """The rate or measurements input of the chosen observation (nothing for all entries), with the
    expected number of observations against the degrees of freedom r(m+n−r)."""
    obs = OBSERVATIONS[observe]
    if obs.option is None:
        return
    p = _P[obs.option.name]
    dof = S.degrees_of_freedom(m, n, rank)
    if p.kind == "optint":
        default = default_measurements(m, n, rank)
        widget(p, prefix, label=f"{p.label} (empty = {obs.option.resolve_text})", placeholder=f"{default:,}")
        count = st.session_state.get(f"{prefix}_{p.name}") or default
        st.caption(f"p = {int(count):,} measurements vs r(m+n−r) = {dof:,} degrees of freedom")
    else:
        widget(p, prefix)
        rate = float(st.session_state.get(f"{prefix}_{p.name}") or p.default)
        st.caption(f"|Ω| ≈ p·m·n = {rate * m * n:,.0f} entries vs r(m+n−r) = {dof:,} degrees of freedom")


def metrics(result, problem) -> None:
    """Headline numbers of a run on observed data: both errors and the observation count."""
    k = result.iterations_to_tol
    cols = st.columns(5)
    cols[0].metric("Iterations to tol", "not reached" if k is None else f"{k:,}")
    cols[1].metric("Final training loss", f"{result.final_error:.3e}", help="on what was observed (the objective)")
    rec = result.final_recovery_error
    cols[2].metric(
        "Final recovery error",
        "—" if rec is None else f"{rec:.3e}",
        delta=None if result.recovered is None else ("recovered" if result.recovered else "not recovered"),
        delta_color="normal" if result.recovered else "inverse",
        delta_arrow="off",
        help="‖XYᵀ − M★‖²/‖M★‖² (uploads: on the held-out entries); ≤ 1e-3 counts as recovered",
    )
    obs = problem.observation()
    m, n = problem.shape
    count = obs.get("n_observed", obs.get("measurements"))
    cols[3].metric(
        ("|Ω|" if "n_observed" in obs else "p") + " / r(m+n−r)",
        f"{int(count):,} / {S.degrees_of_freedom(m, n, problem.rank):,}",
        help=run_text.observations_text(problem),
    )
    sec = result.seconds
    cols[4].metric("Wall time", f"{sec * 1000:.0f} ms" if sec < 0.1 else f"{sec:.2f} s", help="solver loop only")
