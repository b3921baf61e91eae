"""Streamlit-side helpers for the AGD Explorer pages (cached runs, URL state, widgets)."""
