"""Lesson: a guided walk through the story in eight steps, one click each, readable on a projector."""

import streamlit as st

from agdcore import lesson as L
from agdui import ensure_router, style
from agdui import lesson_view as LV

ensure_router()
style.apply_style()
st.html(LV.CSS)
step, url_error = LV.step_from_url()
if url_error:
    st.error(url_error, icon=":material/link_off:")
if st.query_params.get("step") != str(step):
    st.query_params["step"] = str(step)  # the address always names the step shown (shareable)
s = L.STEPS[step - 1]

nav = st.columns([4, 1.4, 1.4], vertical_alignment="center")
nav[0].markdown(f"### Step {step} of {LV.N_STEPS} · {s.title}")
nav[1].button(
    "Previous",
    icon=":material/arrow_back:",
    on_click=LV.go_to,
    args=(step - 1,),
    disabled=step == 1,
    shortcut="Left",
    key="lesson_prev",
    width="stretch",
)
nav[2].button(
    "Next",
    icon=":material/arrow_forward:",
    icon_position="right",
    on_click=LV.go_to,
    args=(step + 1,),
    disabled=step == LV.N_STEPS,
    shortcut="Right",
    key="lesson_next",
    type="primary",
    width="stretch",
)

res = LV.results(step)
LV.text_block(L.step_text(s, res))
for label, r in res.items():
    if r.status == "diverged":
        st.warning(f"{label}: {r.message}", icon=":material/warning:")
with st.container(border=True):
    LV.text_block(f"Question for the class: {s.question}", "lesson-question")
if s.landscape:
    st.page_link("pages/landscape.py", label=s.landscape, icon=":material/landscape:")
LV.charts(step, res)
st.caption(
    f"Step {step} of {LV.N_STEPS} · this page's address (…/lesson?step={step}) opens this step · "
    "← and → keys, or the buttons, move between steps · every number above is read off the runs shown."
)
