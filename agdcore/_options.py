"""Options of initializers and algorithms: each one's single home.

An :class:`Option` carries everything the layers above need about one tunable setting: its name,
default, kind, allowed range, label and help, and, when its default depends on other values, how
that default is resolved (``D = Cν/9``, ``λ = 0.01·σ₁``). Registry entries
(:class:`agdcore.initializers.Initializer`, :class:`agdcore.algorithms.Algorithm`) declare a tuple
of options; the solver's validation, the CLI flags, the sweep parameters and the dashboard's widgets
are all derived from these tuples, so adding an option (or a whole initializer) is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ._validation import check_float, check_int


@dataclass(frozen=True)
class Option:
    """One option of a registry entry.

    Parameters
    ----------
    name : str
        Keyword of :func:`agdcore.solve` (and URL / sweep parameter name).
    default : float or None
        Value used when the option is not given; None means "resolved" (see ``resolve``).
    kind : {"float", "int"}
        Value type.
    lo, hi, lo_open : optional
        Allowed range (``lo_open`` excludes ``lo``), checked by :meth:`check`.
    label, help : str
        Short text for widgets and ``--help``.
    resolve : callable, optional
        ``resolve(options, sigma1) -> value`` giving the default from the entry's other (already
        resolved) options and σ₁(A) when ``default`` is None.
    resolve_text : str
        How the resolved default reads (``"Cν/9"``), for placeholders and help.
    ui_lo, ui_hi : optional
        Finite bounds for number widgets when ``lo``/``hi`` are open or absent.
    """

    name: str
    default: float | int | None
    kind: str = "float"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    label: str = ""
    help: str = ""
    resolve: Callable[[dict, float], float] | None = None
    resolve_text: str = ""
    ui_lo: float | None = None
    ui_hi: float | None = None

    def check(self, value):
        """``value`` converted and range-checked, or ``ValueError`` naming the option and its range."""
        if self.kind == "int":
            return check_int(value, self.name, self.lo, self.hi)
        return check_float(value, self.name, self.lo, self.hi, lo_open=self.lo_open)

    @property
    def widget_range(self) -> tuple[float | None, float | None]:
        """Inclusive bounds for a number widget."""
        return (self.lo if self.ui_lo is None else self.ui_lo), (self.hi if self.ui_hi is None else self.ui_hi)

    def default_text(self) -> str:
        """The default as people read it: ``8``, or ``Cν/9`` for a resolved one."""
        return self.resolve_text if self.default is None else f"{self.default:g}"


def resolve_options(options: tuple[Option, ...], given: dict, sigma1: float) -> dict:
    """All of an entry's options, in declared order: given values checked, the rest defaulted, then
    the resolved ones computed from those (``None`` in ``given`` means "use the default").
    """
    out: dict = {}
    for opt in options:
        value = given.get(opt.name)
        out[opt.name] = opt.check(value) if value is not None else opt.default
    for opt in options:
        if out[opt.name] is None and opt.resolve is not None:
            out[opt.name] = opt.check(opt.resolve(out, sigma1))
    return out


def option_names(options: tuple[Option, ...]) -> list[str]:
    return [o.name for o in options]


def find_option(entries, name: str) -> Option | None:
    """The first option called ``name`` among registry entries (they share name, kind and range)."""
    for entry in entries:
        for opt in entry.options:
            if opt.name == name:
                return opt
    return None
