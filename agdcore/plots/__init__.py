"""Plotly figure builders (the presentation layer of agdcore; never imports Streamlit).

- :mod:`agdcore.plots.run`: one run and many trials (Explore, Compare), re-exported here, so
  ``from agdcore import plots; plots.loss_figure(result)`` works;
- :mod:`agdcore.plots.theory`: the Theory and Paper pages;
- :mod:`agdcore.plots.sweep`: the Sweeps page;
- :mod:`agdcore.plots._style`: the one house style (palette, font, log ticks, thinning).
"""
from ._style import FONT, MAX_POINTS, OKABE_ITO, SERIES, html, log_range, positive, set_log_range, style_figure, thin
from .run import (HOVER_FORMULA, OVERLAYS, ROUNDOFF, balance_figure, bound_curves, index_colors, iterations_figure,
                  loss_figure, roundoff_note, singular_values_figure, spectrum_figure, split_roundoff, trials_figure)

__all__ = [
    "FONT", "HOVER_FORMULA", "MAX_POINTS", "OKABE_ITO", "OVERLAYS", "ROUNDOFF", "SERIES", "balance_figure",
    "bound_curves", "html", "index_colors", "iterations_figure", "log_range", "loss_figure", "positive",
    "roundoff_note", "set_log_range", "singular_values_figure", "spectrum_figure", "split_roundoff", "style_figure",
    "thin", "trials_figure",
]
