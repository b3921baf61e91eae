"""AGD Explorer: the router. Pages live in pages/ and only lay out the screen."""

import streamlit as st

from agdui.icon import page_icon

PAGES = [
    ("pages/explore.py", "Explore", ":material/monitoring:", True),
    ("pages/compare.py", "Compare", ":material/compare_arrows:", False),
    ("pages/theory.py", "Theory", ":material/functions:", False),
    ("pages/paper.py", "Paper", ":material/article:", False),
    ("pages/sweeps.py", "Sweeps", ":material/grid_on:", False),
    ("pages/lesson.py", "Lesson", ":material/school:", False),
    ("pages/landscape.py", "Landscape", ":material/landscape:", False),
]


def main() -> None:
    st.set_page_config(page_title="AGD Explorer", page_icon=page_icon(), layout="wide")
    pages = [st.Page(path, title=title, icon=icon, default=default) for path, title, icon, default in PAGES]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
