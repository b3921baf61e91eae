"""The projector setting: any house figure made readable from the back of a room at 1280×720.

One rule for every builder (the Lesson page applies it to Explore's loss and spectra charts, the
comparison of runs and the pictures): larger fonts, thicker lines and markers, titles wrapped again.
The house style itself (:mod:`agdcore.plots._style`) is unchanged.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ._style import FONT, WRAP_CHARS, wrap_phrases

PROJECTOR = dict(font=1.3, line=1.5, min_line=3.0, marker=1.4)  # the Lesson's scale factors


def projector(fig: go.Figure, scale: dict | None = None, *, rewrap: bool = True) -> go.Figure:
    """The projector setting of any house figure, in place: every font (titles, axes, ticks, legend,
    hover, annotations, colour bars) ×1.3 and every line ×1.5 (at least 3 px), markers ×1.4 — so a
    chart stays readable from the back of a room at 1280×720. One rule for every builder: pass the
    figure a builder returned (``projector(loss_figure(r))``); the house style itself is unchanged.
    ``rewrap`` breaks titles and subtitles again for the larger font (for a half-width chart; a
    full-width figure with its own line breaks passes False).
    """
    s = {**PROJECTOR, **(scale or {})}

    def big(size, default):
        return round((size or default) * s["font"])

    lay = fig.layout
    fig.update_layout(
        font_size=big(lay.font.size, FONT["size"]),
        title_font_size=big(lay.title.font.size, 20),
        legend_font_size=big(lay.legend.font.size, 15),
        hoverlabel_font_size=big(lay.hoverlabel.font.size, 15),
    )
    if lay.title.subtitle is not None and lay.title.subtitle.text:
        fig.update_layout(title_subtitle_font_size=big(lay.title.subtitle.font.size, 15))
    fig.for_each_xaxis(
        lambda a: a.update(tickfont_size=big(a.tickfont.size, 15), title_font_size=big(a.title.font.size, 17))
    )
    fig.for_each_yaxis(
        lambda a: a.update(tickfont_size=big(a.tickfont.size, 15), title_font_size=big(a.title.font.size, 17))
    )
    for ann in lay.annotations or ():
        ann.font.size = big(ann.font.size, 15)
    for trace in fig.data:
        line = getattr(trace, "line", None)  # heatmaps have none
        if line is not None:
            line.width = max(s["min_line"], (line.width or 2) * s["line"])
        marker = getattr(trace, "marker", None)
        if marker is not None and isinstance(getattr(marker, "size", None), (int, float)):
            marker.size = marker.size * s["marker"]
    for shape in lay.shapes or ():  # e.g. the divergence marker's vertical line
        shape.line.width = max(s["min_line"], (shape.line.width or 2) * s["line"])
    for ax in ("coloraxis", "coloraxis2"):
        cb = getattr(lay, ax, None)
        if cb is not None and cb.colorbar is not None:
            cb.colorbar.tickfont.size = big(cb.colorbar.tickfont.size, 13)
    if lay.legend.orientation == "h" and lay.legend.y is not None and lay.legend.y < 0:
        fig.update_layout(legend_y=lay.legend.y * 1.45)  # below the (larger) x-axis title
    top = (lay.margin.t or 56) * s["font"] + (16 if lay.title.subtitle.text else 0)  # the larger subtitle
    for part, chars, line_px in (("title", "title", 26), ("subtitle", "subtitle", 19)):
        obj = lay.title if part == "title" else lay.title.subtitle
        text = (obj.text or "") if obj is not None else ""
        if text and rewrap:  # the larger font fits fewer characters a line: wrap again, and make room
            rewrapped = wrap_phrases(text.replace("<br>", " "), int(WRAP_CHARS[chars] / s["font"]))
            top += line_px * s["font"] * (rewrapped.count("<br>") - text.count("<br>"))
            fig.update_layout({f"title{'' if part == 'title' else '_subtitle'}_text": rewrapped})
    fig.update_layout(margin_t=round(top), height=round((lay.height or 460) * 1.1))
    return fig
