"""The house style of every figure: one palette, one font, log ticks, thinning and label helpers.

Okabe & Ito (2008) colour-blind-safe palette; projector-readable fonts. Every figure builder in
:mod:`agdcore.plots` uses these, so a change of style is made once, here.
"""

from __future__ import annotations

import math
import re

import numpy as np
import plotly.graph_objects as go

from ._lean import compact, house_template, set_layout  # noqa: F401  (compact: re-exported)

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
SERIES = [OKABE_ITO[k] for k in ("blue", "orange", "green", "purple", "vermillion", "sky", "black")]
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=16, color="#1a1a1a")
MAX_POINTS = 2000  # per trace sent to the browser


AXIS = dict(
    showgrid=True,
    gridcolor="#e3e3e3",
    zeroline=False,
    linecolor="#444",
    mirror=True,
    ticks="outside",
    tickfont=dict(size=15),
    title_font=dict(size=17),
    exponentformat="power",
)


_AXIS_TREE = {**{k: v for k, v in AXIS.items() if k != "title_font"}, "title": {"font": AXIS["title_font"]}}


# Phone-width wrapping (a 390 px screen leaves a ~358 px chart): characters per line of a title
# (20 px), a subtitle and a legend entry (15 px, after the legend symbol).
WRAP_CHARS = {"title": 40, "subtitle": 50, "legend": 44}
# phrase boundaries, strongest first: " — "; then "; " and " · "; then ", " and " ("; then ": "
_BREAKS = [re.compile(r"(?<=—) "), re.compile(r"(?<=[;·]) "), re.compile(r"(?<=,) | (?=\()"), re.compile(r"(?<=:) ")]


def wrap_phrases(text: str, width: int) -> str:
    """Break ``text`` (Plotly HTML) with ``<br>`` into lines of at most ``width`` visible characters,
    only at phrase boundaries and the strongest first (a dash, then a semicolon or middle dot, then a
    comma or parenthesis, then a colon), never inside a phrase: "median of 10 trials" and
    "flat here: T(ε) = …" stay whole. A phrase longer than ``width`` keeps its own line.
    """
    if not text or "<br>" in text:
        return text
    return "<br>".join(_wrap_lines(text, width, 0))


def _wrap_lines(text: str, width: int, level: int) -> list[str]:
    if _visible_len(text) <= width or level == len(_BREAKS):
        return [text]
    lines: list[str] = []
    for piece in _BREAKS[level].split(text):
        sub = _wrap_lines(piece, width, level + 1)
        if lines and _visible_len(lines[-1] + " " + sub[0]) <= width:
            lines[-1] += " " + sub.pop(0)
        lines.extend(sub)
    return lines


def _visible_len(text: str) -> int:
    return len(re.sub(r"&[a-z]+;", "x", re.sub(r"<[^>]+>", "", text)))


def house_layout(
    fig: go.Figure,
    *,
    title: str,
    height: int = 460,
    legend_below: bool = True,
    subtitle: str | None = None,
    legend_top: bool = False,
    wrap: bool = False,
    x: dict | None = None,
    y: dict | None = None,
) -> go.Figure:
    """The house style without touching axis titles or types: template, fonts, title, margins, legend,
    HTML sub/superscripts in trace names, and the house axis look on every axis (subplots included).

    ``legend_top`` puts the legend in rows between the title and the plot (it stays in view on a short
    screen, and the plot keeps its height: the figure grows by the legend's rows); ``wrap`` breaks long
    titles, subtitles and legend entries at phrase boundaries (:func:`wrap_phrases`) so that they fit a
    phone-width chart. :func:`style_figure` is this plus the axis titles and log/linear types of a
    one-panel figure; use this directly for figures whose axes are set per panel (Theory, Paper).
    """
    for trace in fig.data:
        if trace.name and "<sub>" not in trace.name:
            trace.name = html(trace.name)
        if wrap and trace.name:
            trace.name = wrap_phrases(trace.name, WRAP_CHARS["legend"])
    title_text, sub_text = html(title), html(subtitle or "")
    if wrap:
        title_text, sub_text = (
            wrap_phrases(title_text, WRAP_CHARS["title"]),
            wrap_phrases(sub_text, WRAP_CHARS["subtitle"]),
        )
    extra = 26 * title_text.count("<br>") + (19 * sub_text.count("<br>") if subtitle else 0)
    top = (84 if subtitle else 56) + extra
    legend = dict(font=dict(size=15))
    if legend_top:
        rows = sum(1 + (t.name or "").count("<br>") for t in fig.data if t.name and t.showlegend is not False)
        legend.update(orientation="h", xref="container", x=0, xanchor="left", yref="container")
        legend.update(y=1 - (top - 8) / (height + 19 * rows), yanchor="top")
        height += 19 * rows  # about the legend's height on a phone (one entry per row); less on a wide screen
    elif legend_below:
        legend.update(orientation="h", yanchor="top", y=-0.2, x=0, xanchor="left")
    house = dict(
        template=house_template(),
        font=FONT,
        height=height,
        title=dict(
            text=title_text,
            font=dict(size=20),
            x=0.01,
            subtitle=dict(text=sub_text, font=dict(size=15, color="#333")),
            **(
                dict(y=1, yref="container", yanchor="top", pad=dict(t=14 + 14 * title_text.count("<br>")))
                if legend_top
                else {}
            ),
        ),
        margin=dict(l=80, r=24, t=top, b=40),
        hovermode="closest",
        hoverlabel=dict(font=dict(size=15)),
        legend=legend,
    )
    set_layout(fig, house, axes=_AXIS_TREE, x=x, y=y)  # ``x``/``y``: per-axis extras (style_figure's titles)
    return fig


def style_figure(
    fig: go.Figure,
    *,
    title: str,
    x_title: str,
    y_title: str,
    log_y: bool = True,
    log_x: bool = False,
    height: int = 460,
    legend_below: bool = True,
    subtitle: str | None = None,
    legend_top: bool = False,
    wrap: bool = False,
) -> go.Figure:
    """Apply the house style: large fonts, white background, light grid, legend under the plot.

    Parameters
    ----------
    fig : go.Figure
        Figure to style in place (also returned).
    title, x_title, y_title : str
        Figure and axis titles (axis titles should name the unit: "iteration t" or "time t").
    log_y, log_x : bool
        Log scale on the y / x axis.
    height : int
        Height in pixels.
    legend_below : bool
        Put the legend in rows under the plot so that it never covers data.
    subtitle : str, optional
        A note under the title (e.g. where round-off values went), never over the data.
    legend_top, wrap : bool
        Legend in rows between title and plot; long texts broken at phrase boundaries (see
        :func:`house_layout`).
    """
    house_layout(
        fig,
        title=title,
        height=height,
        legend_below=legend_below,
        subtitle=subtitle,
        legend_top=legend_top,
        wrap=wrap,
        x={"title": {"text": html(x_title)}, "type": "log" if log_x else "linear"},
        y={"title": {"text": html(y_title)}, "type": "log" if log_y else "linear"},
    )
    return fig


# 1-2-3-5, 1-2-5, 1-3 or whole decades: the densest ladder whose span limit (decades) is not exceeded.
_LADDERS = {
    False: ((2.5, (1, 2, 5)), (4.0, (1, 3))),  # vertical axes: fewer labels fit
    True: ((1.6, (1, 2, 3, 5)), (3.0, (1, 2, 5)), (5.0, (1, 3))),
}  # horizontal axes: more room


def decade_step(span: float) -> int:
    """Decades between labels on a long log axis: 1 up to 6 decades, 2 up to 12, 3 beyond."""
    return 1 if span <= 6 else (2 if span <= 12 else 3)


def log_tickvals(lo: float, hi: float, *, dense: bool = False) -> list[float]:
    """The one log-axis tick rule: tick values inside [lo, hi] (log10 units), at least two.

    1-2-5 ticks on spans up to 2.5 decades, 1-3 up to 4, whole decades (every 2nd/3rd) beyond;
    ``dense=True`` (a horizontal axis, with room for more labels) shifts that to 1-2-3-5 up to 1.6
    decades, 1-2-5 up to 3, 1-3 up to 5. So every decade spanned is labelled, and no point of the
    axis is further than 0.3 decades (0.4 for 1-2-5) from a label. When no ladder value falls
    inside, the two ends are returned.
    """
    span = hi - lo
    mult = next((m for limit, m in _LADDERS[bool(dense)] if span <= limit), None)
    if mult is None:
        step = decade_step(span)
        vals = [10.0**k for k in range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1) if k % step == 0]
    else:
        vals = [m * 10.0**k for k in range(math.floor(lo) - 1, math.ceil(hi) + 1) for m in mult]
        vals = [v for v in vals if lo - 1e-9 <= math.log10(v) <= hi + 1e-9]
    return vals if len(vals) >= 2 else [10.0**lo, 10.0**hi]


def tick_text(vals) -> list[str]:
    """Full-value tick labels ("0.5", not Plotly's bare minor "5"; 1×10⁶ beyond 10⁶)."""
    return [_sci(v) for v in vals]


def set_log_range(
    fig: go.Figure, rng: list[float] | None, axis: str = "y", *, dense: bool | None = None, **where
) -> None:
    """Set a log-axis range with readable ticks from :func:`log_tickvals`, labelled with their full value
    (Plotly's own minor labels print a bare "5" for 0.5) on spans up to 4 decades (5 when dense),
    Plotly's power-format decades beyond.

    ``dense`` defaults to True for the x axis (horizontal: room for 1-2-3-5 labels); ``where`` is
    passed on to ``update_xaxes``/``update_yaxes`` (``row=``, ``col=`` for subplots).
    """
    if rng is None:
        return
    dense = axis == "x" if dense is None else dense
    upd = dict(range=list(rng))
    span = rng[1] - rng[0]
    if span <= _LADDERS[bool(dense)][-1][0]:
        vals = log_tickvals(rng[0], rng[1], dense=dense)
        upd.update(tickmode="array", tickvals=vals, ticktext=tick_text(vals))
    else:
        upd.update(tickmode="linear", tick0=0, dtick=decade_step(span))
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**upd, **where)


def html(text: str) -> str:
    """Turn TeX-ish sub/superscripts (``e_t``, ``σ_{r+1}``, ``X^T``) into Plotly's <sub>/<sup> HTML."""
    text = str(text).replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"_\{([^}]*)\}", r"<sub>\1</sub>", text)
    text = re.sub(r"\^\{([^}]*)\}", r"<sup>\1</sup>", text)
    return re.sub(r"(?<=[A-Za-zα-ωσ‖)\]])_([A-Za-z0-9])(?![A-Za-z0-9])", r"<sub>\1</sub>", text)


def thin(n: int, max_points: int = MAX_POINTS, *, log: bool = False) -> np.ndarray:
    """At most ``max_points`` indices into a length-``n`` series (first and last kept).

    Evenly spread for a linear axis; ``log=True`` spreads them geometrically (every early index is
    kept), which is what a log axis needs.
    """
    if n <= max_points:
        return np.arange(n)
    if log:
        idx = np.geomspace(1, n - 1, max_points - 1).round().astype(int)
        return np.unique(np.concatenate([[0], idx]))
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def positive(values) -> np.ndarray:
    """Float copy with non-positive and non-finite entries replaced by NaN (for log axes)."""
    v = np.array(values, dtype=float)
    with np.errstate(invalid="ignore"):
        v[~np.isfinite(v) | (v <= 0)] = np.nan
    return v


def log_range(values, pad: float = 0.25) -> list[float] | None:
    """A log10 axis range covering the finite positive ``values`` with ``pad`` decades of margin."""
    v = positive(np.ravel(np.asarray(values, dtype=float)))
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    lo, hi = math.log10(v.min()), math.log10(v.max())
    if hi - lo < 0.5:
        lo, hi = lo - 0.5, hi + 0.5
    return [lo - pad, hi + pad]


def _sci(x: float) -> str:
    """1.23×10⁶-style number for legend text."""
    if x is None or not math.isfinite(x):
        return "∞"
    if x == 0 or 1e-3 <= abs(x) < 1e6:
        return f"{x:.6g}"
    exp = int(math.floor(math.log10(abs(x))))
    sup = str(exp).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{x / 10**exp:.2g}×10{sup}"


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
