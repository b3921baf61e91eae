"""Landscape: the rank-one model ½(a − xy)², its valley of minimizers, and where GD and AGD land."""

import streamlit as st

from agdui import ensure_router, style
from agdui import landscape_view as V

ensure_router()
style.apply_style()
values, errors = V.settings()
st.title("Landscape: the rank-one valley")
st.markdown(
    r"The rank-one model $f(x,y)=\tfrac12(a-xy)^2$: its minimizers form the valley $xy=a$, flat along the "
    r"valley and curved across it by $\lambda=x^2+a^2/x^2$, flattest at the balanced point. A step $\eta$ "
    r"can settle only where $\lambda<2/\eta$ (GD) — press **▶ Play** and drag the slider under the map."
)
for msg in errors:
    st.error(msg, icon=":material/link_off:")
if not values["starts"] or not values["methods"]:
    st.info("Choose at least one start and one method in the sidebar.", icon=":material/info:")
    st.stop()
vector = values["model"] == "vector"
paths, landscape_fig, curvature_fig = V.figures(
    values["a"], values["eta"], tuple(values["methods"]), tuple(values["starts"]), values["seed"], vector
)
V.messages(paths, values["a"], values["eta"])
style.show_chart(landscape_fig, key="landscape_map")
style.show_chart(curvature_fig, key="landscape_curvature")
st.dataframe(
    V.table(paths, values["eta"]),
    hide_index=True,
    column_config={
        "t": st.column_config.NumberColumn(format="%.0f"),
        "λ at the end": st.column_config.NumberColumn(format="%.4g"),
        "flow's λ∞": st.column_config.NumberColumn(format="%.4g"),
    },
)
st.caption(
    style.md_escape(
        "flow's λ∞: the curvature where the gradient flow from the same start lands, √(c² + 4a²) with "
        "c = x₀² − y₀² (docs/theory.md#landscape-flow); small steps follow it. The limit is 2/η for GD and the flow, "
        "2/η + ηa² for AGD: a path whose λ∞ is above it cannot settle there — it is thrown to a flatter point or "
        "diverges. Ward–Kolda's x₀ = 1/(√η C) is not large in absolute terms (and exceeds y₀ only while ηa < 9/32): "
        "what it fixes is ηx₀² = 1/64 for every step, so its λ∞ stays below 2/η (docs/theory.md#landscape-starts)."
    )
)
V.theory_card()
