"""Plotly figure builders (the presentation layer of agdcore; never imports Streamlit).

- :mod:`agdcore.plots.run`: one run (Explore), re-exported here, so
  ``from agdcore import plots; plots.loss_figure(result)`` works;
- :mod:`agdcore.plots.spectra`: the singular values of one run (Explore), re-exported too;
- :mod:`agdcore.plots.trials`: many trials (Compare), re-exported here too;
- :mod:`agdcore.plots.observed`: training loss and recovery error on observed data (completion,
  sensing), used by ``loss_figure`` for such runs; re-exported too;
- :mod:`agdcore.plots.theory`: the Theory and Paper pages;
- :mod:`agdcore.plots.sweep`: the Sweeps page;
- :mod:`agdcore.plots._style`: the one house style (palette, font, log ticks, thinning).
"""

from ._style import (
    FONT,
    MAX_POINTS,
    OKABE_ITO,
    SERIES,
    house_layout,
    html,
    log_range,
    log_tickvals,
    positive,
    set_log_range,
    style_figure,
    thin,
)
from .observed import curve_names, is_observed, observed_loss_figure
from .run import HOVER_FORMULA, OVERLAYS, bound_curves, loss_figure
from .spectra import (
    ROUNDOFF,
    balance_figure,
    index_colors,
    roundoff_note,
    singular_values_figure,
    spectrum_figure,
    split_roundoff,
)
from .trials import iterations_figure, trials_figure

__all__ = [
    "FONT",
    "HOVER_FORMULA",
    "MAX_POINTS",
    "OKABE_ITO",
    "OVERLAYS",
    "ROUNDOFF",
    "SERIES",
    "balance_figure",
    "bound_curves",
    "curve_names",
    "house_layout",
    "html",
    "index_colors",
    "is_observed",
    "iterations_figure",
    "log_range",
    "log_tickvals",
    "loss_figure",
    "observed_loss_figure",
    "positive",
    "roundoff_note",
    "set_log_range",
    "singular_values_figure",
    "spectrum_figure",
    "split_roundoff",
    "style_figure",
    "thin",
    "trials_figure",
]
