"""Axis labels and hover symbols of the swept parameters: the fixed ones here, every registered
option's from its registry entry (so a newly registered option is labelled with no edit here)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..observe import OBSERVATIONS
from ..options import option_uses

_FIXED_LABELS = {
    "width": "factor width d",
    "rank": "true rank r",
    "width_ratio": "width ratio d/r",
    "kappa": "condition number κ",
    "step_mult": "step η ÷ default step",
    "C": "Ward–Kolda C",
    "nu": "Ward–Kolda ν",
    "scale": "init scale",
    "noise": "noise ‖N‖_F/‖A‖_F",
    "algorithm": "algorithm",
    "init": "initialization",
}
_FIXED_SYMBOLS = {
    "width": "d",
    "rank": "r",
    "width_ratio": "d/r",
    "kappa": "κ",
    "step_mult": "η/η₀",
    "C": "C",
    "nu": "ν",
    "scale": "scale",
    "noise": "noise",
    "algorithm": "",
    "init": "",
}


class _Live(Mapping):
    """name -> text: the fixed table, then each registered option (its label, or its name), then the
    option each kind of observation adds (:data:`agdcore.observe.OBSERVATIONS`: rate, measurements)."""

    def __init__(self, fixed: dict, from_option):
        self._fixed, self._from_option = fixed, from_option

    def _table(self) -> dict:
        opts = {n: self._from_option(u.option) for n, u in option_uses().items()}
        obs = {o.option.name: self._from_option(o.option) for o in OBSERVATIONS.values() if o.option is not None}
        return {**opts, **obs, **self._fixed}

    def __getitem__(self, name):
        return self._table()[name]

    def __iter__(self):
        return iter(self._table())

    def __len__(self):
        return len(self._table())


def _label(o) -> str:
    """An option's axis title: its label, or its name; observation options in lower case ("sampling rate p")."""
    text = o.label or o.name
    return text[0].lower() + text[1:] if o.name in OBSERVATION_NAMES else text


def _symbol(o) -> str:
    return "p" if o.name in OBSERVATION_NAMES else o.name


OBSERVATION_NAMES = {o.option.name for o in OBSERVATIONS.values() if o.option is not None}
LABELS = _Live(_FIXED_LABELS, _label)
SYMBOLS = _Live(_FIXED_SYMBOLS, _symbol)


def _is_numeric(values) -> bool:
    return all(isinstance(v, (int, float, np.integer, np.floating)) for v in values)


def _levels(summary, col) -> list:
    vals = list(dict.fromkeys(summary[col].tolist()))
    return sorted(vals) if _is_numeric(vals) else vals
