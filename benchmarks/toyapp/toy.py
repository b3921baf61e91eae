"""The floor of a Streamlit + Plotly page on this machine: a form with one number and two line charts."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(layout="wide")
with st.sidebar.form("f"):
    k = st.number_input("Factor width d", 1, 500, 10)
    st.form_submit_button("Apply")
t = np.arange(300)
c1, c2 = st.columns(2)
c1.plotly_chart(go.Figure(go.Scatter(x=t, y=np.exp(-t / (10 + k)))).update_yaxes(type="log"))
c2.plotly_chart(go.Figure([go.Scatter(x=t, y=np.exp(-t * j / (50 + k))) for j in range(1, 11)]))
