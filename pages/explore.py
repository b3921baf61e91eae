"""Explore: one run of one method on one matrix, with the theory next to what happens."""

import streamlit as st

import agdcore as agd
from agdcore import plots
from agdui import ensure_router, live, style, upload, urlstate
from agdui import explore_view as V
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
for msg in urlstate.url_errors(PARAMS, PREFIX):
    st.error(msg, icon=":material/link_off:")
if values["source"] == "upload" and current_upload is None:
    st.info("No uploaded matrix in this session: upload one in the sidebar. Using the synthetic matrix meanwhile.")
    values = {**values, "source": "synthetic"}

try:
    problem = S.build_problem(values, current_upload)
except ValueError as exc:
    st.error(f"Problem settings: {exc}", icon=":material/error:")
    st.stop()
st.session_state[f"{PREFIX}__sigma1"] = problem.sigma1
st.session_state[f"{PREFIX}__numerical_rank"] = problem.rank
kwargs = S.solve_kwargs(values)
run_id = live.run_key({"problem": S.problem_key(values, current_upload), **kwargs})

progress_slot = st.container()
status_slot = st.container()
slots = {"loss": st.empty()}
c1, c2 = st.columns(2)
slots["svy"], slots["svx"] = c1.empty(), c2.empty()
redraws = iter(range(10**9))


def compute(lv):
    return agd.solve(problem, callback=lv.solve_callback, **kwargs)


try:
    result, stopped = live.run_live(
        PREFIX,
        run_id,
        compute,
        kind="explore",
        label="Solving",
        where=progress_slot,
        draw=lambda snap: V.draw_main(snap, slots, live=True, n=next(redraws)),
    )
except ValueError as exc:
    st.error(f"Solver settings: {exc}", icon=":material/error:")
    st.stop()
if result is None:
    st.info("Stopped before anything was computed.")
    st.stop()

with status_slot:
    style.status_message(result)
    if stopped and st.button("Run to the end", key=f"{PREFIX}_resume", icon=":material/replay:"):
        live.clear_stop(PREFIX)
        st.rerun()
    V.metrics(result, problem)
V.draw_main(result, slots)
with c1:
    st.caption(r"All $d$ singular values of $Y_t$; with the Ward–Kolda init $Y_0$ starts small and grows.")
with c2:
    st.caption(
        r"Singular values of $X_t$; with the Ward–Kolda init $X_t$ stays in $\operatorname{col}(A)$, "
        r"so $d-r$ of them stay at round-off level."
    )
V.overlay_caption(result)

c3, c4 = st.columns(2)
with c3:
    style.show_chart(plots.balance_figure(result), f"{PREFIX}__chart_balance")
with c4:
    V.scrubber(result, problem.singular_values, run_id)
theory_check(result)
st.subheader("Downloads")
V.downloads(result, values, current_upload)
