"""Paper page: one-click reproductions of the experiments the sources describe."""

import pandas as pd
import streamlit as st

from agdcore import experiments as ex
from agdcore import grades
from agdcore.plots import theory as tp
from agdui import ensure_router, live, style

ensure_router()  # deep links on a fresh server must go through app.py

KIND = "paper"


def run_id(key: str, seed: int) -> str:
    """Cache key of an experiment: its name, the seed and a digest of its settings (every RunConfig, the levels).

    The result is stored in ``st.cache_data`` (agdui.live) under this key, so the opening chart costs one run
    per server and settings, and nothing on reruns.
    """
    exp = ex.EXPERIMENTS[key]
    return f"{key}:{seed}:" + live.run_key({"runs": [repr(c) for c in exp.runs], "levels": exp.milestones})


def outcome_for(exp: ex.Experiment, seed: int, clicked: bool, auto: bool = False):
    """The cached outcome, a fresh run (on click, or unasked when ``auto``; with progress and Stop), the
    stopped partial one, or None."""
    key, rid = f"pp_{exp.key}", run_id(exp.key, seed)
    hit = live.cache_get(KIND, rid)
    if hit is not None:
        return hit
    if clicked:
        live.clear_stop(key)
    elif not (auto or live.stop_requested(key, rid)):
        return None

    def compute(lv):
        sink: list = []

        def on_progress(fraction: float, message: str) -> bool:
            lv.snapshot = ex.ExperimentOutcome(exp.key, seed, list(sink), stopped=True)
            # Stored now, not only in run_live's except: with fast reruns the Stop rerun starts (and reads it)
            # before the interrupted run unwinds.
            st.session_state[f"{key}__partial"] = (rid, lv.snapshot)
            lv.update(fraction, message)
            return False

        return ex.run_experiment(exp.key, seed, on_progress, sink)

    outcome, _ = live.run_live(
        key,
        rid,
        compute,
        kind=KIND,
        label=exp.title.split(" · ")[0],
        stopped_value=lambda snap: snap or ex.ExperimentOutcome(exp.key, seed, [], stopped=True),
    )
    return outcome


def show(exp: ex.Experiment, outcome: ex.ExperimentOutcome) -> None:
    if outcome.stopped:
        st.warning(
            f"Stopped before the end: showing the {len(outcome.runs)} of {len(exp.runs)} runs that had finished "
            f"(seed {outcome.seed}). Click Run to start again.",
            icon=":material/stop_circle:",
        )
        if not outcome.runs:
            return
    title = f"{exp.title.split(' · ')[1]} (seed {outcome.seed})"
    style.show_chart(tp.experiment_figure(outcome, title, exp.x_log), key=f"pp_fig_{exp.key}")
    no_theory = next((r.no_theory for r in outcome.runs if r.no_theory), "")
    if no_theory:
        st.caption(style.md_escape(f"No Ward–Kolda bound here: {no_theory}."))
    for claim in outcome.claims():
        st.markdown(
            (":green[:material/check_circle:] " if claim.ok else ":red[:material/cancel:] **not reproduced:** ")
            + tp.escape_md(claim.text)
        )
    st.dataframe(pd.DataFrame(outcome.table()), hide_index=True, key=f"pp_table_{exp.key}")


def experiment_block(exp: ex.Experiment, seed: int, auto: bool = False) -> None:
    """One experiment: its claim in two or three sentences, the full settings folded away, Run, the result.

    ``auto``: the experiment runs without a click (the page's first, so that Paper opens on a chart).
    """
    with st.container(border=True, key=f"pp_block_{exp.key}"):
        st.subheader(exp.title)
        st.markdown(tp.escape_md(exp.summary or exp.look_for))
        with st.expander("Full settings, and the numbers to expect (seed 1)", key=f"pp_more_{exp.key}"):
            st.markdown(tp.escape_md(exp.caption))
            st.markdown(f"**What to look for.** {tp.escape_md(exp.look_for)}")
        clicked = st.button(
            "Run",
            key=f"pp_run_{exp.key}",
            type="primary",
            icon=":material/play_arrow:",
            help="Runs every configuration of this experiment; results are cached on (experiment, seed)",
        )
        outcome = outcome_for(exp, seed, clicked, auto)
        if outcome is not None:
            show(exp, outcome)


def seed_input() -> int:
    raw = st.columns([1, 2])[0].number_input(
        "seed of the initializations (and of FA's B)",
        value=1,
        step=1,
        key="pp_seed",
        help="integer between 0 and 2³¹ − 1; the captions quote seed 1",
    )
    if raw is None or raw != int(raw) or not 0 <= int(raw) < 2**31:
        st.error(f"seed must be an integer between 0 and 2147483647, got {raw!r}; using 1.", icon=":material/error:")
        return 1
    return int(raw)


def main() -> None:
    style.apply_style()
    st.title("Paper: one-click reproductions")
    st.caption(
        tp.escape_md(
            "Each experiment reruns, with this dashboard's solver, a comparison the sources describe. Settings come from "
            f"docs/theory.md#worked-example and the peer methods' sections there; every run stops at e_t − floor ≤ {ex.TOL:g} with "
            "e_t = ‖A − XYᵀ‖²_F/‖A‖²_F. The numbers in the captions are for seed 1; the check-marked lines under each "
            "chart re-check the caption's claims on the run you see; fitted lines say so (docs/theory.md#fitted-shapes). "
            "Experiments 1b–1d and 2b are the runs a reader of the paper tries next. Experiments 5a–5b are on observed "
            "problems (sensing, "
            "completion): they plot the recovery error ‖XYᵀ − M★‖²/‖M★‖² and stop on the training loss. Grades: "
            + grades.legend()
            + "."
        )
    )
    seed = seed_input()
    for i, exp in enumerate(ex.EXPERIMENTS.values()):
        experiment_block(exp, seed, auto=i == 0)


main()
