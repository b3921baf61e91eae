"""Play / Pause over a slider of recorded iterates, shared by Explore's scrubber and its pictures.

A fragment reruns itself on a timer while playing; each rerun moves the slider one step and stops at
the end. The page keeps two session-state keys: the slider's and a "playing" flag.
"""

from __future__ import annotations

import streamlit as st


def toggle(play_key: str, slider_key: str, n: int) -> None:
    """Play/Pause callback (runs before the fragment): flip the state; replay from the start at the end."""
    playing = not st.session_state.get(play_key, False)
    st.session_state[play_key] = playing
    if playing and st.session_state.get(slider_key, n - 1) >= n - 1:
        st.session_state[slider_key] = 0


def tick(play_key: str, slider_key: str, n: int, timer_on: bool) -> bool:
    """Inside the fragment, before its slider is drawn: switch the timer on or off with a full rerun,
    and while playing move the slider one step (stopping at the last iterate). Returns whether it plays."""
    playing = bool(st.session_state.get(play_key))
    if playing != timer_on:
        st.rerun()  # a full rerun switches the fragment's timer on or off
    if playing:
        if st.session_state[slider_key] >= n - 1:
            st.session_state[play_key] = False
            st.rerun()
        st.session_state[slider_key] += 1
    return playing
