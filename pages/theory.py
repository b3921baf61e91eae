import streamlit as st

st.title("Theory")
st.info("This page is being built.")
