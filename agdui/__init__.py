"""Streamlit-side helpers for the AGD Explorer pages (cached runs, URL state, widgets)."""


def ensure_router() -> None:
    """Make sure the page runs under app.py's ``st.navigation``, not Streamlit's legacy ``pages/`` mode.

    Until some session has executed ``st.navigation``, Streamlit treats the ``pages/`` folder as a
    legacy multipage app: a fresh server opened directly at ``/compare?...`` runs the page file alone
    (lower-case page names in the sidebar, no ``set_page_config``). Call this first on every page: in
    that case it switches legacy mode off and reruns once, so app.py routes the same URL (query string
    kept). A session that has already been routed is never rerun here (AppTest re-enters legacy mode
    on every run, and a rerun would drop button clicks).
    """
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get("_agd_routed"):
        st.session_state["_agd_routed"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.session_state["_agd_routed"] = True
