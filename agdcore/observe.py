"""What is observed of the matrix: every entry, a fraction p of them (completion), or p Gaussian
measurements (sensing). The one home of that choice: its names, labels, the option each one adds
(``rate``, ``measurements``) with default and range, and the builder of the synthetic problem. The
CLI (``--observe``, ``--rate``, ``--measurements``), the sweeps (base settings, grid parameters,
worker problems) and the dashboard's "Observed" selector all derive from :data:`OBSERVATIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._options import Option
from ._validation import check_choice


def default_measurements(m: int, n: int, rank: int) -> int:
    """4·r(m + n − r): four times the degrees of freedom of a rank-r m×n matrix."""
    return 4 * rank * (m + n - rank)


@dataclass(frozen=True)
class Observation:
    """One way of observing the matrix.

    ``kind`` is the problem kind the registries' ``problems`` tuples name (``dense`` for all entries);
    ``option`` the setting it adds (None for all entries); ``label`` / ``short`` the texts of widgets
    and legends; ``help`` one sentence for ``--help`` and tooltips.
    """

    name: str
    kind: str
    label: str
    short: str
    help: str
    option: Option | None = None

    def resolve(self, value, m: int, n: int, rank: int):
        """The option's value: given (checked) or its default (4·r(m + n − r) measurements)."""
        if self.option is None:
            if value is not None:
                raise ValueError(f"observe={self.name!r} takes no {value!r}.")
            return None
        if value is not None:
            return self.option.check(value)
        if self.option.default is not None:
            return self.option.default
        return default_measurements(m, n, rank)


RATE = Option(
    "rate",
    0.3,
    lo=0.0,
    hi=1.0,
    lo_open=True,
    label="Sampling rate p",
    help="fraction 0 < p ≤ 1 of the entries observed, each independently",
    ui_lo=0.001,
)
MEASUREMENTS = Option(
    "measurements",
    None,
    kind="int",
    lo=1,
    label="Measurements p",
    help="number p ≥ 1 of Gaussian measurements ⟨A_i, M⟩; the default is four times the degrees of freedom",
    resolve_text="4·r(m+n−r)",
    ui_hi=10**7,
)

OBSERVATIONS: dict[str, Observation] = {
    "full": Observation("full", "dense", "all entries", "all entries", "every entry of A is observed (the default)"),
    "completion": Observation(
        "completion",
        "completion",
        "a fraction p of the entries (completion)",
        "completion",
        "matrix completion: the entries of a set Ω sampled uniformly at rate p",
        RATE,
    ),
    "sensing": Observation(
        "sensing",
        "sensing",
        "p Gaussian measurements (sensing)",
        "sensing",
        "matrix sensing: p measurements ⟨A_i, M⟩ with A_i's entries iid N(0, 1/p)",
        MEASUREMENTS,
    ),
}
OBSERVE_NAMES = tuple(OBSERVATIONS)
OBSERVATION_OPTIONS = {o.option.name: o.name for o in OBSERVATIONS.values() if o.option is not None}


def check_observation(observe: str, values: dict) -> dict:
    """``{option: value}`` of the given observe with every other observation's option refused."""
    check_choice(observe, "observe", OBSERVATIONS)
    for name, owner in OBSERVATION_OPTIONS.items():
        if values.get(name) is not None and owner != observe:
            raise ValueError(f"{name} applies only to observe={owner!r} (got observe={observe!r}).")
    return {name: values.get(name) for name, owner in OBSERVATION_OPTIONS.items() if owner == observe}


def make_observed(
    observe: str,
    m: int,
    n: int,
    rank: int,
    kappa: float,
    spectrum: str = "geometric",
    noise: float = 0.0,
    seed=0,
    *,
    rate=None,
    measurements=None,
    sigma1: float = 1.0,
    memory_budget=None,
):
    """The synthetic problem for an observation: :func:`make_problem`, :func:`make_completion` or
    :func:`make_sensing` with the same M★ for the same seed.
    """
    from .completion import make_completion
    from .problem import make_problem
    from .sensing import make_sensing

    check_observation(observe, {"rate": rate, "measurements": measurements})
    if observe == "full":
        return make_problem(m, n, rank, kappa, spectrum, noise, seed, sigma1=sigma1)
    if observe == "completion":
        rate = RATE.default if rate is None else rate
        return make_completion(
            m, n, rank, kappa, rate, noise, seed, spectrum=spectrum, sigma1=sigma1, memory_budget=memory_budget
        )
    return make_sensing(
        m, n, rank, kappa, measurements, noise, seed, spectrum=spectrum, sigma1=sigma1, memory_budget=memory_budget
    )
