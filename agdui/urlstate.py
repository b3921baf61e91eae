"""Page settings bound to the URL (st.query_params), validated by us, never trusted.

A page declares its settings once as :class:`Param` specs. The same spec drives

* the widget (:func:`widget`: number input / select box with the spec's range, so widgets enforce it),
* the URL parser (:func:`parse_query`: pure, unit-tested; every bad value gives a message that names
  the parameter and the allowed range, and the default is used instead),
* the URL writer (:func:`sync_url`: only values that differ from the default, so URLs stay short).

Typical page::

    PARAMS = [Param("m", 100, "int", 2, 5000, label="Rows m"), Param("algorithm", "agd", "choice",
              choices=tuple(agd.ALGORITHMS))]
    for msg in init_state(PARAMS, "explore"):        # first run: URL -> session_state (validated)
        st.error(msg)
    m = widget(PARAMS[0], "explore")                  # keyed "explore_m"
    ...
    sync_url(PARAMS, values, "explore")               # session -> URL, so a copied URL reproduces the view

Values stay in ``st.session_state`` under ``f"{prefix}_{name}"`` (widget keys) and a non-widget copy
``f"{prefix}__saved"`` that survives page switches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

IGNORED = frozenset({"embed", "embed_options"})  # Streamlit's own URL options


@dataclass(frozen=True)
class Param:
    """One page setting.

    Parameters
    ----------
    name : str
        URL parameter name (and widget-key suffix).
    default : object
        Value used when the URL does not give one or gives an invalid one.
    kind : {"int", "float", "optfloat", "optint", "choice", "bool", "str"}
        ``optfloat`` / ``optint`` is a number or None ("default", shown as an empty box).
    lo, hi : float, optional
        Inclusive range for numbers.
    choices : tuple of str
        Allowed values for ``choice``.
    label, help : str
        Widget label and tooltip.
    fmt : str, optional
        printf format for number widgets (e.g. "%.1e").
    """

    name: str
    default: object
    kind: str = "int"
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    label: str = ""
    help: str | None = None
    fmt: str | None = None

    def allowed(self) -> str:
        """Human description of the allowed values."""
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind == "bool":
            return "true or false"
        if self.kind == "str":
            return "text"
        what = "an integer" if self.kind == "int" else "a number"
        rng = (
            f" between {_fmt_num(self.lo)} and {_fmt_num(self.hi)}"
            if self.lo is not None and self.hi is not None
            else (f" ≥ {_fmt_num(self.lo)}" if self.lo is not None else "")
        )
        extra = " (or 'default')" if self.kind in ("optfloat", "optint") else ""
        return what + rng + extra

    def parse(self, text: str):
        """Convert URL text to a value, or raise ``ValueError`` naming the parameter and the allowed range."""
        raw = str(text).strip()
        try:
            value = self._convert(raw)
        except (ValueError, OverflowError):
            value = _BAD
        if value is _BAD or not self._in_range(value):
            raise ValueError(
                f"URL parameter '{self.name}' = '{raw[:40]}' is invalid: it must be "
                f"{self.allowed()}. Using the default ({self.format(self.default) or 'default'})."
            )
        return value

    def _convert(self, raw: str):
        if self.kind == "int":
            f = float(raw)
            if not f.is_integer():
                return _BAD
            return int(f)
        if self.kind == "float":
            return float(raw)
        if self.kind == "optfloat":
            return None if raw.lower() in ("", "default", "none") else float(raw)
        if self.kind == "optint":
            if raw.lower() in ("", "default", "none"):
                return None
            f = float(raw)
            return int(f) if f.is_integer() else _BAD
        if self.kind == "bool":
            low = raw.lower()
            return True if low in ("1", "true", "yes", "on") else False if low in ("0", "false", "no", "off") else _BAD
        if self.kind == "choice":
            return raw if raw in self.choices else _BAD
        return raw[:200]

    def _in_range(self, value) -> bool:
        if value is None or self.kind in ("choice", "bool", "str"):
            return True
        if not math.isfinite(value):
            return False
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)

    def format(self, value) -> str:
        """Value as URL text ("" for None)."""
        if value is None:
            return ""
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind in ("float", "optfloat"):
            return f"{float(value):.10g}"
        if self.kind == "optint":
            return str(int(value))
        return str(value)


class _Bad:
    pass


_BAD = _Bad()


def _fmt_num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def parse_query(
    params: Sequence[Param], query: Mapping[str, object], *, unknown: str = "report"
) -> tuple[dict, list[str]]:
    """Validate URL query parameters against ``params`` (pure function).

    Parameters
    ----------
    params : sequence of Param
    query : mapping
        ``st.query_params.to_dict()`` (values are strings; lists use their last element).
    unknown : {"report", "ignore"}
        Whether unknown parameter names give a message.

    Returns
    -------
    values : dict
        Valid values only, by name.
    errors : list of str
        One message per invalid or unknown parameter, naming it and the allowed values.
    """
    by_name = {p.name: p for p in params}
    values, errors = {}, []
    for name, raw in query.items():
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        if name in IGNORED:
            continue
        p = by_name.get(name)
        if p is None:
            if unknown == "report":
                errors.append(
                    f"Unknown URL parameter '{name}' was ignored; known parameters: {', '.join(sorted(by_name))}."
                )
            continue
        try:
            values[name] = p.parse(raw)
        except ValueError as exc:
            errors.append(str(exc))
    return values, errors


def url_values(params: Sequence[Param], values: Mapping[str, object]) -> dict[str, str]:
    """The URL query for ``values``: only the entries that differ from their defaults."""
    out = {}
    for p in params:
        if p.name in values and values[p.name] != p.default:
            out[p.name] = p.format(values[p.name])
    return out


# ---------------------------------------------------------------------- Streamlit side
def _key(prefix: str, name: str) -> str:
    return f"{prefix}_{name}"


def init_state(params: Sequence[Param], prefix: str, *, unknown: str = "report") -> list[str]:
    """Seed the widget keys: on the first visit from the URL (validated), else the defaults; on later
    runs, every setting whose widget was not drawn in the last run, from the saved copy.

    Streamlit forgets the value of every widget that was not drawn in the previous run: all of a page's
    widgets after a page switch, and the options that a change of init or algorithm hid (C, D, ν of
    Ward–Kolda, the damping of PrecGD, ...). It either deletes the key or, worse, brings back the value
    the key was first seeded with. Those settings are restored from the saved copy written by
    :func:`sync_url`. The settings whose widgets were drawn are never touched, so a widget's new value
    is never overwritten by the URL (which only reflects the previous run). Returns the URL error
    messages of the first visit, which :func:`url_errors` keeps showing until the user changes a setting.
    """
    import streamlit as st

    ss = st.session_state
    keys = [_key(prefix, p.name) for p in params]
    saved = ss.get(f"{prefix}__saved", {})
    drawn = ss.get(f"{prefix}__drawn", frozenset())
    ever = ss.get(f"{prefix}__ever_drawn", frozenset())  # settings with a urlstate widget at all
    ss[f"{prefix}__drawing"] = set()
    if ss.get(f"{prefix}__init"):
        for p, k in zip(params, keys):
            if k not in ss or (p.name in ever and p.name not in drawn and p.name in saved):
                ss[k] = saved.get(p.name, p.default)
        return []
    from_url, errors = parse_query(params, st.query_params.to_dict(), unknown=unknown)
    for p, k in zip(params, keys):
        ss[k] = from_url[p.name] if p.name in from_url else saved.get(p.name, p.default)
    ss[f"{prefix}__init"] = True
    ss[f"{prefix}__url_errors"] = (errors, {p.name: ss[k] for p, k in zip(params, keys)})
    return errors


def url_errors(params: Sequence[Param], prefix: str) -> list[str]:
    """URL messages from the last :func:`init_state`, while the settings are still the loaded ones."""
    import streamlit as st

    errors, loaded = st.session_state.get(f"{prefix}__url_errors", ([], {}))
    return errors if errors and current_values(params, prefix) == loaded else []


def current_values(params: Sequence[Param], prefix: str) -> dict:
    """The settings as they are in session state (after the widgets ran)."""
    import streamlit as st

    ss = st.session_state
    return {p.name: ss.get(_key(prefix, p.name), p.default) for p in params}


def set_values(params: Sequence[Param], prefix: str, values: Mapping[str, object]) -> None:
    """Set settings programmatically (e.g. a preset); call from a callback, before the widgets run."""
    import streamlit as st

    names = {p.name for p in params}
    for name, v in values.items():
        if name not in names:
            raise KeyError(f"unknown setting {name!r}")
        st.session_state[_key(prefix, name)] = v


def sync_url(params: Sequence[Param], prefix: str, values: Mapping[str, object] | None = None) -> None:
    """Write the non-default settings to the URL (and the saved copy), only when they changed."""
    import streamlit as st

    values = current_values(params, prefix) if values is None else dict(values)
    st.session_state[f"{prefix}__saved"] = dict(values)
    # the widgets drawn in this run (sync_url runs after them): init_state trusts only their keys
    drawn = frozenset(st.session_state.get(f"{prefix}__drawing", ()))
    st.session_state[f"{prefix}__drawn"] = drawn
    st.session_state[f"{prefix}__ever_drawn"] = st.session_state.get(f"{prefix}__ever_drawn", frozenset()) | drawn
    want = url_values(params, values)
    have = {k: v for k, v in st.query_params.to_dict().items() if k not in IGNORED}
    if have == want:
        return
    if want:
        st.query_params.from_dict(want)
    else:
        st.query_params.clear()


def widget(p: Param, prefix: str, container=None, *, label: str | None = None, radio: bool = False, **kwargs):
    """The input widget for ``p`` (range from the spec, so the widget enforces it); returns its value.

    Choices are a select box (``radio=True``: a radio group), booleans a toggle, numbers a number
    input with the spec's range; extra keyword arguments go to the Streamlit widget.
    """
    import streamlit as st

    c = container if container is not None else st
    key = _key(prefix, p.name)
    drawing = st.session_state.get(f"{prefix}__drawing")
    if isinstance(drawing, set):
        drawing.add(p.name)
    label = label or p.label or p.name
    kwargs.setdefault("help", p.help)
    if p.kind == "choice" and radio:
        return c.radio(label, p.choices, key=key, **kwargs)
    if p.kind == "choice":
        return c.selectbox(label, p.choices, key=key, **kwargs)
    if p.kind == "bool":
        return c.toggle(label, key=key, **kwargs)
    if p.kind in ("int", "optint"):
        lo = None if p.lo is None else int(p.lo)
        hi = None if p.hi is None else int(p.hi)
        if p.kind == "optint":
            kwargs.setdefault("value", None)
        return c.number_input(label, min_value=lo, max_value=hi, step=1, key=key, **kwargs)
    lo = None if p.lo is None else float(p.lo)
    hi = None if p.hi is None else float(p.hi)
    if p.kind == "optfloat":
        kwargs.setdefault("value", None)
    return c.number_input(label, min_value=lo, max_value=hi, format=p.fmt or "%g", key=key, **kwargs)
