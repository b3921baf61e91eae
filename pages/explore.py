"""Explore: one run of one method on one matrix, with the theory next to what happens."""

import streamlit as st

from agdcore import notes, plots
from agdui import ensure_router, live, run_text, style, upload, urlstate
from agdui import explore_view as V
from agdui import reconstruction_view as RV
from agdui import settings as S
from agdui.theory_check import theory_check

PREFIX, PARAMS = V.PREFIX, V.PARAMS

ensure_router()
style.apply_style()
urlstate.init_state(PARAMS, PREFIX)
current_upload = upload.handle_pending(PREFIX)
V.sidebar(current_upload)
values = urlstate.current_values(PARAMS, PREFIX)
urlstate.sync_url(PARAMS, PREFIX, values)

st.title("Explore")
st.markdown(
    r"Gradient methods on $\min_{X,Y}\ \tfrac12\|A-XY^\top\|_F^2$ with $A\in\mathbb R^{m\times n}$ of rank "
    r"$r$, factors $X\in\mathbb R^{m\times d}$, $Y\in\mathbb R^{n\times d}$. The error is "
    r"$e_t=\|A-X_tY_t^\top\|_F^2/\|A\|_F^2$."
)
if values["observe"] != "full":  # the solver sees only what is observed
    st.markdown(run_text.observed_intro(values["observe"], values["source"] != "synthetic"))
for msg in urlstate.url_errors(PARAMS, PREFIX):
    st.error(msg, icon=":material/link_off:")
if values["source"] == "upload" and current_upload is None:
    st.info("No uploaded matrix in this session: upload one in the sidebar. Using the synthetic matrix meanwhile.")
    values = {**values, "source": "synthetic"}

LAST_GOOD = f"{PREFIX}__last_good"  # (problem, result, values, run_id, upload) of the last run shown


def keep_previous(message: str):
    """Bad settings: the core's one-line message, then the last good run (if any) in place of nothing."""
    notice_slot.error(message, icon=":material/error:")
    prev = st.session_state.get(LAST_GOOD)
    if prev is None:
        st.stop()
    notice_slot.info("The previous result is kept below (the Python snippet reproduces it).", icon=":material/history:")
    return prev


notice_slot = st.container()
previous = None
try:
    problem = S.build_problem(values, current_upload)
except ValueError as exc:
    previous = keep_previous(f"Problem settings: {exc}")
if previous is None:
    st.session_state[f"{PREFIX}__sigma1"] = problem.sigma1
    st.session_state[f"{PREFIX}__numerical_rank"] = problem.rank
    kwargs = S.solve_kwargs(values)
    if RV.wants_factors(problem, kwargs["width"], values["source"] == "photo"):
        kwargs["keep_factors"] = True  # the pictures of the reconstruction read them (no replay)
    run_id = live.run_key({"problem": S.problem_key(values, current_upload), **kwargs})

progress_slot = st.container()
status_slot = st.container()
slots = {"loss": st.empty()}
metrics_slot = st.container()  # below the loss chart: the status line above already gives its key numbers
c1, c2 = st.columns(2)
slots["svy"], slots["svx"] = c1.empty(), c2.empty()
redraws = iter(range(10**9))


def compute(lv):
    return lv.solve(problem, **kwargs)  # off the page's thread, through the fair queue (agdui/jobs.py)


if previous is None:
    try:
        result, stopped = live.run_live(
            PREFIX,
            run_id,
            compute,
            kind="explore",
            label="Solving",
            where=progress_slot,
            draw=lambda snap: V.draw_main(snap, slots, live=True, n=next(redraws)),
            redraw_every=0.25,  # toward 3 redraws a second (README, browser speed)
        )
    except ValueError as exc:
        previous = keep_previous(f"Solver settings: {exc}")
if previous is not None:
    (problem, result, values, run_id, current_upload), stopped = previous, False
elif result is None:
    st.info("Stopped before anything was computed.")
    st.stop()
else:
    st.session_state[LAST_GOOD] = (problem, result, values, run_id, current_upload)

with status_slot:
    style.status_message(result)
    if stopped and st.button("Run to the end", key=f"{PREFIX}_resume", icon=":material/replay:"):
        live.clear_stop(PREFIX)
        st.rerun()
with metrics_slot:
    V.metrics(result, problem)
V.draw_main(result, slots)
caption_y, caption_x = run_text.factor_captions(result)  # read off this run, not asserted
c1.caption(caption_y)
c2.caption(caption_x)
V.overlay_caption(result, problem)
if not plots.is_observed(result) and (links := notes.bound_links(c["key"] for c in plots.bound_curves(result))):
    st.caption(links)  # each drawn bound's derivation on the Theory page (docs/theory.md)

V.more_views(result, problem.singular_values, run_id)  # drawn only while open: two charts fewer per change
RV.explore_section(problem, S.solve_kwargs(values), run_id, result, values["source"] == "photo")
theory_check(result)
st.subheader("Downloads")
V.downloads(result, values, current_upload, problem)
