import streamlit as st

st.title("Sweeps")
st.info("This page is being built.")
