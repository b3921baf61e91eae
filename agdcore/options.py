"""Every option of every registered initializer and algorithm, as one derived table.

The options themselves are declared once, in the registry entries (:data:`agdcore.INITIALIZERS`,
:data:`agdcore.ALGORITHMS`); this module only reads them, at call time, so an entry registered
later (a plug-in, a test) shows up everywhere: the CLI flags, the sweep parameters, the dashboard.
Two entries may share an option name (``scale``); they then share its kind and range, and may
differ in default.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._options import Option
from .algorithms import ALGORITHMS
from .initializers import INITIALIZERS


@dataclass(frozen=True)
class OptionUse:
    """One option name and the entries that declare it."""

    option: Option  # the first declaration (label, kind, range)
    inits: tuple[str, ...]
    algorithms: tuple[str, ...]
    defaults: dict  # entry name -> its default (None = resolved)

    @property
    def name(self) -> str:
        return self.option.name

    def applies(self, algorithm: str, init: str) -> bool:
        return algorithm in self.algorithms or init in self.inits

    def where(self) -> str:
        """``--init ward-kolda`` / ``--algorithm precgd`` style text of where it applies."""
        parts = []
        if self.inits:
            parts.append("init " + " or ".join(self.inits))
        if self.algorithms:
            parts.append("algorithm " + " or ".join(self.algorithms))
        return " / ".join(parts)

    @property
    def shared_default(self):
        """The default when every declaring entry agrees on it, else None."""
        values = set(self.defaults.values())
        return values.pop() if len(values) == 1 else None


def option_uses() -> dict[str, OptionUse]:
    """Option name -> :class:`OptionUse`, inits' options first, in registry order."""
    found: dict[str, dict] = {}
    for kind, registry in (("inits", INITIALIZERS), ("algorithms", ALGORITHMS)):
        for entry in registry.values():
            for opt in entry.options:
                use = found.setdefault(opt.name, {"option": opt, "inits": [], "algorithms": [], "defaults": {}})
                use[kind].append(entry.name)
                use["defaults"][entry.name] = opt.default
    return {
        name: OptionUse(u["option"], tuple(u["inits"]), tuple(u["algorithms"]), u["defaults"])
        for name, u in found.items()
    }


def options_for(algorithm: str, init) -> list[Option]:
    """The options that apply to this algorithm and init, init's first (the entries' own declarations)."""
    entry = INITIALIZERS.get(init) if isinstance(init, str) else None
    return [*(entry.options if entry is not None else ()), *ALGORITHMS[algorithm].options]


def check_applicable(given: dict, algorithm: str, init) -> None:
    """Raise ``ValueError`` naming an option that is set but does not apply to this algorithm/init."""
    uses = option_uses()
    for name, value in given.items():
        if value is None:
            continue
        use = uses.get(name)
        if use is None:
            raise ValueError(f"Unknown option {name!r}; options are: {', '.join(uses)}.")
        if not use.applies(algorithm, init):
            raise ValueError(f"{name} applies only to {use.where()} (got algorithm {algorithm}, init {init}).")


def check_supports(kind: str, algorithm: str, init) -> None:
    """Refuse an algorithm or init (a registry name; anything else passes) that does not apply to a
    problem kind, naming the entries that do (the API, CLI, sweeps and pages all say the same)."""
    for what, registry, name in (("algorithm", ALGORITHMS, algorithm), ("init", INITIALIZERS, init)):
        entry = registry.get(name) if isinstance(name, str) else None
        if entry is not None and kind not in entry.problems:
            ok = [k for k, v in registry.items() if kind in v.problems]
            raise ValueError(
                f"{what} {entry.name!r} does not support {kind} problems; the {what}s that do: {', '.join(ok) or 'none'}."
            )
