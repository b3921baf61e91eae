"""Shared look of the pages: chart display, status messages, small CSS for projector readability.

Figures come from :mod:`agdcore.plots` (pure Plotly, already styled); show them with
:func:`show_chart` so every page uses the same Plotly config and Streamlit options.
"""

from __future__ import annotations

import streamlit as st

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},  # crisp PNGs for slides
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}

_CSS = """
<style>
/* projector: larger metric values and labels, readable captions */
[data-testid="stMetricValue"] { font-size: 1.9rem; }
[data-testid="stMetricLabel"] p { font-size: 1.02rem; }
[data-testid="stCaptionContainer"] { font-size: 0.98rem; color: #333; }
/* short screens: Streamlit's 6rem above the title and its 2.75rem title pushed the first chart's
   legend below a 1280x720 fold; 2.25rem still clears the header bar (sidebar toggle, menu) */
[data-testid="stMainBlockContainer"] { padding-top: 2.25rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.25rem; padding: 0.5rem 0 0.5rem; }
/* where the header bar is opaque (it holds the sidebar's expand button: phones, collapsed sidebar),
   the title starts below it */
.stApp:has([data-testid="stHeader"] [data-testid="stExpandSidebarButton"]) [data-testid="stMainBlockContainer"] {
  padding-top: 4rem;
}
[data-testid="stAlertContainer"] { padding-top: 0.55rem; padding-bottom: 0.55rem; }
/* narrow screens: a display formula wider than the column scrolls inside its box, never clipped */
.katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.1em 0 0.3em; }
@media (max-width: 640px) {
  .katex-display > .katex { font-size: 1.05em; }
}
</style>
"""


def lazy_section(label: str, key: str, body, *args, icon: str | None = None) -> None:
    """A collapsed expander whose ``body(*args)`` is drawn only while it is open, in a fragment.

    A closed ``st.expander`` still computes and sends its content, and the browser still renders it
    (a highlighted code block cost ~0.3 s of every Explore load; README, browser speed). With
    ``on_change="rerun"`` Streamlit tracks the open state under ``key`` (kept for the session), so
    closed content costs nothing; inside a fragment, opening or closing it reruns this section alone,
    not the page (fragments may nest: the scrubber inside keeps its own).
    """

    def section() -> None:
        box = st.expander(label, icon=icon, key=key, on_change="rerun")
        if box.open:
            with box:
                body(*args)

    st.fragment(section)()


def apply_style() -> None:
    """Inject the small shared CSS (call once near the top of a page)."""
    st.html(_CSS)


def show_chart(fig, key: str, container=None, *, width_hint: int | None = None) -> None:
    """Display a Plotly figure full-width with the shared config (``theme=None`` keeps our styling).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    key : str
        Unique element key (use a fresh key per live redraw, a stable one for the final chart).
    container : DeltaGenerator, optional
        Placeholder or column to draw into (default: the current container).
    width_hint : int, optional
        Pixel width to draw with until Streamlit has measured the container. Every redraw mounts a new
        chart, which Streamlit keeps invisible until it knows the width; during live redraws that made
        charts blink. With a hint the new chart shows at once and then snaps to the container width.
    """
    if width_hint:
        fig.update_layout(width=width_hint)
    target = container if container is not None else st
    target.plotly_chart(fig, width="stretch", key=key, theme=None, config=PLOTLY_CONFIG)


def status_message(result, container=None) -> None:
    """Show how a run ended: success (converged), info (max_iter / stopped), warning (diverged)."""
    c = container if container is not None else st
    status = getattr(result, "status", None)
    msg = getattr(result, "message", "")
    if status == "converged":
        c.success(msg, icon=":material/check_circle:")
    elif status == "diverged":
        c.warning(msg, icon=":material/warning:")
    elif status == "stopped":
        c.info(msg, icon=":material/stop_circle:")
    else:
        c.info(msg, icon=":material/info:")


def check_row(ok: bool, name: str, detail: str) -> str:
    """Markdown for one assumption: green tick or red cross, the name, and the reason."""
    mark = ":green[**✔**]" if ok else ":red[**✘**]"
    colour = "green" if ok else "red"
    return f"{mark} :{colour}[**{md_escape(name)}**] — {md_escape(detail)}"


def md_escape(text: str) -> str:
    """Escape Markdown/LaTeX-active characters in plain text shown with st.markdown."""
    for ch in ("\\", "*", "_", "$", "[", "]", "`", "~"):
        text = str(text).replace(ch, "\\" + ch)
    return text
