"""Pictures of the reconstruction on a page: A, XₜYₜᵀ, the best rank-d image and the residual at a
chosen recorded iterate.

The factors come from a second solve of the same settings with ``keep_factors=True`` (the same seed
gives the same iterates, bit for bit: tests/test_reconstruction.py), cached on the run's id, so the
first view of a page pays nothing until the pictures are asked for.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import agdcore as agd
from agdcore.images import IMAGES
from agdcore.plots import reconstruction as RP

from . import player, style

PHOTO_CAPTION = (
    f"A = the {IMAGES['grace_hopper'][1]}, stored with the app (pixel values in [0, 1]). "
    "A photograph is far from low rank: e_t stops at the Eckart–Young floor."
)


@st.cache_resource(show_spinner=False)
def photo_facts() -> tuple[int, int, int]:
    """(rows, columns, rank r used by the theory) of the stored photograph."""
    p = agd.make_image_problem()
    return (*p.shape, p.rank)


def photo_shape() -> tuple[int, int]:
    return photo_facts()[:2]


def toggle_key(key: str) -> str:
    return f"{key}_pictures_on"


def wants_factors(problem, width: int, photo: bool, key: str = "explore") -> bool:
    """Whether the run should keep its factors: the pictures are switched on (on by default for the
    photograph) and the factors fit in agdcore's limit. Then the page's one solve feeds the pictures."""
    on = st.session_state.get(toggle_key(key), photo)
    m, n = problem.shape
    return bool(on) and 8.0 * 101 * (m + n) * int(width) <= agd.solver.KEEP_FACTORS_BYTES


@st.cache_resource(max_entries=4, show_spinner="Replaying the run to keep its factors…")
def factors_run(run_id: str, _problem, _kwargs: dict):
    """The same run with ``keep_factors=True`` (cached on ``run_id``; problem and kwargs not hashed)."""
    return agd.solve(_problem, keep_factors=True, theory=False, **_kwargs)


def factors_for(problem, kwargs: dict, run_id: str, result=None):
    """A run with its factors kept: ``result`` itself when it has them, else the cached replay
    (a stopped run is replayed to the iteration it stopped at). Raises ValueError when the factors
    would take too much memory (agdcore's message)."""
    if result is not None and result.factors is not None:
        return result
    kw = dict(kwargs)
    if result is not None and result.status == "stopped":
        kw["max_iter"] = max(1, result.n_iter)
        run_id = f"{run_id}-stopped{result.n_iter}"
    return factors_run(run_id, problem, kw)


def sensing_note() -> str:
    return (
        "Sensing observes no entries of A: each measurement is a random weighted sum of all of them, so there "
        "is no picture with holes to show; the pictures compare XₜYₜᵀ with the hidden M★."
    )


def picture_figure(problem, run, k: int, *, target_name: str = "A", height: int = 400):
    """The reconstruction figure at the k-th recorded iterate of ``run`` (a run with its factors)."""
    X, Y = run.factors_at(k)
    t = float(run.t[int(run.record_index[k])])
    word = "time" if run.is_flow else "iteration"
    label = f"{word} t = {t:,.6g}"
    data = RP.picture_data(problem, X, Y)
    return RP.reconstruction_figure(data, t_label=label, d=X.shape[1], target_name=target_name, height=height)


def panel(problem, kwargs: dict, run_id: str, result, key: str, *, default_k: int | None = None, decorate=None):
    """A slider over the recorded iterates, a Play button, and the pictures at the chosen iterate (a
    fragment: moving the slider redraws only the pictures; Play advances it a few times a second).
    ``default_k`` is the first iterate shown (default: the last); ``decorate(fig)`` restyles the figure
    (e.g. for a projector)."""
    try:
        run = factors_for(problem, kwargs, run_id, result)
    except ValueError as exc:
        st.info(f"No pictures for this run: {exc}", icon=":material/hide_image:")
        return
    play_key = f"{key}__pic_playing"
    timer_on = bool(st.session_state.get(play_key))
    st.fragment(_panel_body, run_every=0.5 if timer_on else None)(
        problem, run, f"{key}_pic_{run_id}", default_k, decorate, play_key, timer_on
    )


def _panel_body(problem, run, skey: str, default_k, decorate, play_key: str, timer_on: bool) -> None:
    n = len(run.record_index)
    if problem.kind == "sensing":
        st.caption(sensing_note())
    target = "M★" if problem.kind != "dense" else "A"
    k = 0
    if n > 1:
        if skey not in st.session_state:
            st.session_state[skey] = n - 1 if default_k is None else min(max(default_k, 0), n - 1)
        playing = player.tick(play_key, skey, n, timer_on)
        c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
        k = c1.slider(
            f"Recorded iterate for the pictures ({n} recorded, log-spaced: early iterates are dense)",
            0,
            n - 1,
            key=skey,
            format="%d",
        )
        c2.button(
            "Pause" if playing else "Play",
            key=f"{skey}_play",
            on_click=player.toggle,
            args=(play_key, skey, n),
            icon=":material/pause:" if playing else ":material/play_arrow:",
            width="stretch",
            help="Step through the recorded iterates and watch XₜYₜᵀ sharpen",
        )
    fig = picture_figure(problem, run, k, target_name=target)
    if decorate is not None:
        fig = decorate(fig)
    style.show_chart(fig, f"{skey}__chart_pictures")
    e = run.error[int(run.record_index[k])]
    ey = problem.floor(run.X.shape[1]) if problem.kind == "dense" else None
    text = f"eₜ = {e:.3g} here"
    if ey is not None and ey > 0:
        text += f"; the best rank-{run.X.shape[1]} image has e = {ey:.3g} (the Eckart–Young floor on the loss chart)"
    rec = _recovery_at(run, int(run.record_index[k]))
    if rec is not None:
        held = problem.kind == "completion" and problem.observation().get("recovery") == "held-out entries"
        text += f"; recovery error {'on the unseen entries' if held else f'against {target}'}: {rec:.3g}"
    st.caption(text + ".")


def _recovery_at(run, t: int):
    rec = run.recovery_error
    if rec is None or t >= len(rec) or not np.isfinite(rec[t]):
        return None
    return float(rec[t])


def explore_section(problem, kwargs: dict, run_id: str, result, photo: bool, key: str = "explore") -> None:
    """Explore's panel: off until switched on (on for the photograph), so the first view stays fast.
    Switched on, the page's run keeps its factors (:func:`wants_factors`); a run without them is
    replayed once with them (same seed, same iterates)."""
    on = st.toggle(
        "Pictures of the reconstruction: A, XₜYₜᵀ and the residual at a recorded iterate",
        value=photo,
        key=toggle_key(key),
        help="Replays the run once with its factors kept (same seed, same iterates), then draws them.",
    )
    if on:
        panel(problem, kwargs, run_id, result, key)
