import streamlit as st

st.title("Paper")
st.info("This page is being built.")
