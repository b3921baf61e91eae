"""Initializations: one small function per scheme and the ``INITIALIZERS`` registry.

Each initializer is ``fn(problem, width, step, rng, **options) -> (X0, Y0)`` with X0 of shape (m, d)
and Y0 of shape (n, d). ``step`` is the step size η the run will use (the Ward–Kolda scaling
depends on it); the others ignore it. ``init=`` in :func:`agdcore.solve` also accepts a callable of
that signature, or an explicit pair of arrays ``(X0, Y0)``.

An initializer reads the problem only through its protocol (:mod:`agdcore.problem`):
``problem.shape``, ``problem.sigma1``, ``problem.apply(Φ)`` (the data times Φ: ``AΦ`` for a fully
observed A) and ``problem.top_svd(k)``. Its options (name, default, range, label, help, resolved
defaults) are declared once, in its registry entry; :func:`resolve_init` validates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._options import Option, resolve_options
from ._validation import check_choice
from .problem import Problem


@dataclass(frozen=True)
class Initializer:
    """A registered initialization.

    ``options`` declare its keyword options; ``default_step(options, sigma1)`` (optional) is the step
    its theory prescribes when the user gives none; ``problems`` lists the problem kinds it supports.
    """

    name: str
    label: str
    fn: Callable
    options: tuple[Option, ...] = ()
    reference: str = ""
    default_step: Callable[[dict, float], float] | None = None
    problems: tuple[str, ...] = ("dense",)
    short: str = ""
    caveats: tuple[tuple[str, str], ...] = ()  # (problem kind, what to say wherever it is offered there)

    @property
    def defaults(self) -> dict:
        """``{name: default}`` of the options (None for a resolved default)."""
        return {o.name: o.default for o in self.options}

    def label_for(self, kind: str = "dense") -> str:
        """The label on a problem of this kind, with its caveat (e.g. "experiment, no theory")."""
        note = dict(self.caveats).get(kind)
        return f"{self.label} ({note})" if note else self.label

    def resolve(self, given: dict, sigma1: float) -> dict:
        """Every option's value: given (checked), default, or resolved (e.g. D = Cν/9)."""
        return resolve_options(self.options, given, sigma1)


def wk_D(options: dict, sigma1: float = 1.0) -> float:
    """Ward–Kolda's default D = Cν/9 (docs/theory.md#wk-init, graded [S])."""
    return float(options["C"]) * float(options["nu"]) / 9.0


def wk_step(options: dict, sigma1: float) -> float:
    """The default step with this init, η = 9/(4Cνσ₁): the largest step of the assumptions as
    third-party code reads them (graded [S]); the guarantee itself uses a far smaller ε-dependent step."""
    from .bounds import wk_step_max

    return wk_step_max(float(options["C"]), float(options["nu"]), sigma1)


def ward_kolda(
    problem: Problem,
    width: int,
    step: float,
    rng: np.random.Generator,
    *,
    C: float = 8.0,
    D: float | None = None,
    nu: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Unbalanced random init of Ward & Kolda (NeurIPS 2023), as restored in docs/theory.md#wk-init.

    X₀ = A Φ₁ / (√η C σ₁) (large, inside col(A)),  Y₀ = √η D σ₁ Φ₂ (small),
    Φ₁ ∈ R^{n×d} iid N(0, 1/d),  Φ₂ ∈ R^{n×d} iid N(0, 1/n),  D = Cν/9 by default.
    The variances and D = Cν/9 are graded [U]/[S] in docs/theory.md#wk-init.
    """
    D = wk_D({"C": C, "nu": nu}) if D is None else D
    m, n = problem.shape
    s1 = problem.sigma1
    phi1 = rng.standard_normal((n, width)) / np.sqrt(width)
    phi2 = rng.standard_normal((n, width)) / np.sqrt(n)
    X0 = problem.apply(phi1) / (np.sqrt(step) * C * s1)
    Y0 = (np.sqrt(step) * D * s1) * phi2
    return X0, Y0


def gaussian(
    problem: Problem, width: int, step: float, rng: np.random.Generator, *, scale: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """Small iid Gaussian factors, entries N(0, scale²) (Ye & Du 2021; Jiang, Chen & Ding 2022)."""
    m, n = problem.shape
    return scale * rng.standard_normal((m, width)), scale * rng.standard_normal((n, width))


def spectral(
    problem: Problem, width: int, step: float, rng: np.random.Generator, *, perturbation: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Balanced top-d SVD factors X₀ = U_d Σ_d^{1/2}, Y₀ = V_d Σ_d^{1/2} (ScaledGD's init).

    ``perturbation`` > 0 adds iid Gaussian noise of that size relative to ‖Σ_d^{1/2}‖ so that a
    noise-free problem does not start at the optimum.
    """
    m, n = problem.shape
    k = min(width, min(m, n))
    U, s, Vt = problem.top_svd(k)
    root = np.sqrt(s)
    X0 = np.zeros((m, width))
    Y0 = np.zeros((n, width))
    X0[:, :k] = U * root
    Y0[:, :k] = Vt.T * root
    if perturbation > 0:
        size = perturbation * np.linalg.norm(root) / np.sqrt(width)
        X0 += size * rng.standard_normal((m, width)) / np.sqrt(m)
        Y0 += size * rng.standard_normal((n, width)) / np.sqrt(n)
    return X0, Y0


def nystrom(
    problem: Problem, width: int, step: float, rng: np.random.Generator, *, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Nyström sketch init (Li, Zhang, Mokhtari & He, ICLR 2025): X₀ = A Ω, Y₀ = 0, Ω iid N(0, scale²)."""
    m, n = problem.shape
    omega = scale * rng.standard_normal((n, width))
    return problem.apply(omega), np.zeros((n, width))


def zeros(problem: Problem, width: int, step: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """X₀ = 0, Y₀ = 0: the feedback-alignment start of Garg & Vempala (only FA moves from it)."""
    m, n = problem.shape
    return np.zeros((m, width)), np.zeros((n, width))


_POS = {"lo": 0.0, "lo_open": True}
OBSERVED_TOO = ("dense", "completion", "sensing")
WK_EXPERIMENT = "experiment: applied to the back-projection of the observations; no theory in this setting"
INITIALIZERS: dict[str, Initializer] = {
    "ward-kolda": Initializer(
        "ward-kolda",
        "Ward–Kolda unbalanced",
        ward_kolda,
        (
            Option(
                "C",
                8.0,
                **_POS,
                ui_lo=1e-3,
                ui_hi=1e4,
                label="C (Ward–Kolda)",
                help="X₀ = AΦ₁/(√η·C·σ₁): larger C, smaller X₀",
            ),
            Option(
                "D",
                None,
                lo=0.0,
                ui_hi=1e4,
                resolve=wk_D,
                resolve_text="Cν/9",
                label="D (Ward–Kolda; empty = Cν/9)",
                help="Y₀ = √η·D·σ₁·Φ₂",
            ),
            Option(
                "nu",
                0.5,
                lo=0.0,
                hi=1.0,
                lo_open=True,
                ui_lo=1e-3,
                label="ν (Ward–Kolda confidence)",
                help="confidence parameter in (0, 1]; the default D = Cν/9 and the default step 9/(4Cνσ₁) use it",
            ),
        ),
        "Ward & Kolda, NeurIPS 2023, Assumption 2",
        default_step=wk_step,
        problems=OBSERVED_TOO,
        short="WK",
        caveats=(("completion", WK_EXPERIMENT), ("sensing", WK_EXPERIMENT)),
    ),
    "gaussian": Initializer(
        "gaussian",
        "small Gaussian",
        gaussian,
        (Option("scale", 1e-3, lo=0.0, ui_hi=1e4, label="Init scale", help="entries N(0, scale²)"),),
        "Ye & Du, NeurIPS 2021, Thm 1.1",
        problems=OBSERVED_TOO,
        short="Gaussian",
    ),
    "spectral": Initializer(
        "spectral",
        "spectral (top-d SVD)",
        spectral,
        (
            Option(
                "perturbation",
                0.0,
                lo=0.0,
                ui_hi=10.0,
                label="Perturbation (spectral init)",
                help="iid noise relative to ‖Σ_d^½‖, so a noise-free problem does not start at the optimum",
            ),
        ),
        "Tong, Ma & Chi, JMLR 2021",
        problems=OBSERVED_TOO,
        short="spectral",
    ),
    "nystrom": Initializer(
        "nystrom",
        "Nyström (X₀ = AΩ, Y₀ = 0)",
        nystrom,
        (Option("scale", 1.0, **_POS, ui_lo=1e-12, ui_hi=1e4, label="Init scale", help="Ω iid N(0, scale²)"),),
        "Li, Zhang, Mokhtari & He, ICLR 2025",
        short="Nyström",
    ),
    "zeros": Initializer("zeros", "zeros (X₀ = Y₀ = 0)", zeros, (), "Garg & Vempala, AISTATS 2022", short="zeros"),
}


def resolve_init(
    init, problem: Problem, width: int, step: float, rng: np.random.Generator, options: dict
) -> tuple[np.ndarray, np.ndarray, str]:
    """Return ``(X0, Y0, name)`` for an init given as a name, a callable, or an explicit pair."""
    m, n = problem.shape
    if isinstance(init, str):
        check_choice(init, "init", INITIALIZERS)
        spec = INITIALIZERS[init]
        unknown = set(options) - set(spec.defaults)
        if unknown:
            raise ValueError(
                f"Unknown option(s) {sorted(unknown)} for init {init!r}; valid: {sorted(spec.defaults) or 'none'}."
            )
        X0, Y0 = spec.fn(problem, width, step, rng, **spec.resolve(options, problem.sigma1))
        name = init
    elif callable(init):
        X0, Y0 = init(problem, width, step, rng, **options)
        name = getattr(init, "__name__", "callable")
    elif isinstance(init, (tuple, list)) and len(init) == 2:
        X0, Y0 = (np.array(a, dtype=float) for a in init)
        name = "explicit"
    else:
        raise ValueError(
            f"init must be one of {sorted(INITIALIZERS)}, a callable, or a pair (X0, Y0); got {type(init).__name__}."
        )
    X0 = np.asarray(X0, dtype=float)
    Y0 = np.asarray(Y0, dtype=float)
    if X0.shape != (m, width) or Y0.shape != (n, width):
        raise ValueError(
            f"init must give X0 of shape {(m, width)} and Y0 of shape {(n, width)}; got {X0.shape} and {Y0.shape}."
        )
    if not (np.all(np.isfinite(X0)) and np.all(np.isfinite(Y0))):
        raise ValueError("init produced non-finite X0 or Y0.")
    return np.ascontiguousarray(X0), np.ascontiguousarray(Y0), name
