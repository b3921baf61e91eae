"""Step rules: one small function per algorithm and the ``ALGORITHMS`` registry.

Every rule works in Gram form (never forming the m×n residual) and on a leading batch axis:
``X`` is (B, m, d), ``Y`` is (B, n, d). A rule maps ``(ctx, X, Y, H)`` with ``H = XᵀX`` (or None)
to ``(X⁺, Y⁺, H⁺ or None, s, grams)`` where ``s`` (shape (B,)) is the cheap value of
‖A − X Yᵀ‖_F² *at the input iterate*:

    ‖A − XYᵀ‖² = ‖A‖² − 2⟨X, AY⟩ + ⟨XᵀX, YᵀY⟩,

and ``grams = (YᵀY at the input, XᵀX of the X used in the Y update)`` (for the live bound).
The naive reference implementations (``naive``) form the residual and are used by the tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

PINV_RCOND = 1e-10


def _T(M: np.ndarray) -> np.ndarray:
    return np.swapaxes(M, -1, -2)


def _inner(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...ij,...ij->...", a, b)


@dataclass
class StepContext:
    """What a step rule may read: the target, its transpose, ‖A‖², η, options and per-trial state.

    ``block`` > 0 switches the two products to one fused pass over row blocks of that many rows.
    """

    A: np.ndarray
    At: np.ndarray
    norm2: float
    step: float
    options: dict
    state: dict = field(default_factory=dict)
    block: int = 0


def block_rows(A: np.ndarray) -> int:
    """Row-block size for the fused pass (0 = two plain products).

    One block of A should stay in the 1 MiB L2 cache while both of its products are formed, which
    halves the memory traffic of an iteration; below ~2 MB of A the plain products win. Measured
    on this project's machine (1 BLAS thread): 16 rows are at or near the best for n ≥ 2000
    (2000–5000 columns, d = 10–20), wider blocks for narrower A. The rule is deterministic on
    purpose: the block size changes the summation order, so it must not depend on timings.
    """
    if A.nbytes < 2e6:
        return 0
    return 16 if A.shape[1] >= 1500 else 64


def products(ctx: StepContext, X, Y, M=None):
    """(AY, X', AᵀX') with X' = X M + η AY (or X' = X when M is None), in one pass over A if possible.

    X' is row-local in X and AY, so for each row block A_b the products A_b Y and A_bᵀ X'_b are
    formed while A_b is in cache: A is read once per call instead of twice (same result).
    """
    eta, A = ctx.step, ctx.A
    if not ctx.block:
        AY = A @ Y
        Xn = X if M is None else X @ M + eta * AY
        return AY, Xn, ctx.At @ Xn
    AY = np.empty(X.shape)
    Xn = X if M is None else np.empty(X.shape)
    AtX = np.zeros(Y.shape)
    b = ctx.block
    for i in range(0, A.shape[0], b):
        Ab = A[i:i + b]
        ay = Ab @ Y
        AY[..., i:i + b, :] = ay
        if M is None:
            xb = X[..., i:i + b, :]
        else:
            xb = X[..., i:i + b, :] @ M + eta * ay
            Xn[..., i:i + b, :] = xb
        AtX += Ab.T @ xb
    return AY, Xn, AtX


def _cheap(ctx, X, AY, H, G):
    return ctx.norm2 - 2.0 * _inner(X, AY) + _inner(H, G)


def agd_step(ctx: StepContext, X, Y, H):
    """Alternating GD (Ward & Kolda): X first, then Y with the new X.

    X⁺ = X − η (X Yᵀ − A) Y = X (I − η YᵀY) + η A Y,   Y⁺ = Y − η (X⁺ Yᵀ − A)ᵀ X⁺.
    """
    eta = ctx.step
    if H is None:
        H = _T(X) @ X
    G = _T(Y) @ Y
    AY, Xn, AtX = products(ctx, X, Y, np.eye(G.shape[-1]) - eta * G)
    s = _cheap(ctx, X, AY, H, G)
    Hn = _T(Xn) @ Xn
    Yn = Y - eta * (Y @ Hn - AtX)
    return Xn, Yn, Hn, s, (G, Hn)


def _simultaneous(ctx, X, Y, H):
    """What every simultaneous rule needs at (X, Y): AY, AᵀX, YᵀY, XᵀX and the cheap ‖R‖²."""
    if H is None:
        H = _T(X) @ X
    AY, _, AtX = products(ctx, X, Y)
    G = _T(Y) @ Y
    return AY, AtX, G, H, _cheap(ctx, X, AY, H, G)


def gd_step(ctx: StepContext, X, Y, H):
    """Simultaneous GD (Ye & Du 2021): both factors from the old iterate."""
    eta = ctx.step
    AY, AtX, G, H, s = _simultaneous(ctx, X, Y, H)
    Xn = X - eta * (X @ G - AY)
    Yn = Y - eta * (Y @ H - AtX)
    return Xn, Yn, None, s, (G, H)


def _precondition(grad, gram, lam):
    """grad · (gram + λI)⁻¹ (λ scalar or (B,) array); pseudo-inverse when λ = 0."""
    if np.all(lam == 0):
        return grad @ np.linalg.pinv(gram, rcond=PINV_RCOND, hermitian=True)
    d = gram.shape[-1]
    lam = np.asarray(lam, dtype=float).reshape(-1, 1, 1)
    return _T(np.linalg.solve(gram + lam * np.eye(d), _T(grad)))


def _scaled(ctx, X, Y, H, lam):
    eta = ctx.step
    AY, AtX, G, H, s = _simultaneous(ctx, X, Y, H)
    if callable(lam):
        lam = lam(s)
    Xn = X - eta * _precondition(X @ G - AY, G, lam)
    Yn = Y - eta * _precondition(Y @ H - AtX, H, lam)
    return Xn, Yn, None, s, (G, H)


def scaledgd_step(ctx: StepContext, X, Y, H):
    """ScaledGD (Tong, Ma & Chi 2021): X⁺ = X − η ∇_X f (YᵀY)⁺, Y⁺ = Y − η ∇_Y f (XᵀX)⁺."""
    return _scaled(ctx, X, Y, H, 0.0)


def precgd_step(ctx: StepContext, X, Y, H):
    """PrecGD-type damping, asymmetric: λ_t = c‖R_t‖_F (Zhang, Fattahi & Zhang 2021; our adaptation)."""
    c = ctx.options["damping"]
    return _scaled(ctx, X, Y, H, lambda s: c * np.sqrt(np.maximum(s, 0.0)))


def scaledgd_lambda_step(ctx: StepContext, X, Y, H):
    """ScaledGD(λ) (Xu, Shen, Chi & Ma 2023): fixed damping λ (default 0.01·σ₁(A))."""
    return _scaled(ctx, X, Y, H, ctx.options["lam"])


def fa_step(ctx: StepContext, X, Y, H):
    """Feedback alignment (Garg & Vempala 2022): the Y update uses a fixed random B in place of Xᵀ.

    X⁺ = X − η (X Yᵀ − A) Y,   Y⁺ = Y − η (X Yᵀ − A)ᵀ Bᵀ,  B ∈ R^{d×m} iid N(0, 1/m).
    """
    eta = ctx.step
    B, AtB = ctx.state["B"], ctx.state["AtB"]
    if H is None:
        H = _T(X) @ X
    AY = ctx.A @ Y
    G = _T(Y) @ Y
    s = _cheap(ctx, X, AY, H, G)
    Xn = X - eta * (X @ G - AY)
    Yn = Y - eta * (Y @ _T(B @ X) - AtB)
    return Xn, Yn, None, s, (G, H)


def fa_state(A: np.ndarray, width: int, rng: np.random.Generator) -> dict:
    m = A.shape[0]
    B = rng.standard_normal((width, m)) / np.sqrt(m)
    return {"B": B, "AtB": A.T @ B.T}


# ---------------------------------------------------------------------- naive references (tests)
def naive_step(name: str, A, X, Y, eta, options, state):
    """Reference step that forms the residual R = X Yᵀ − A (2-D arrays, tests only)."""
    R = X @ Y.T - A
    if name == "agd":
        Xn = X - eta * R @ Y
        Rn = Xn @ Y.T - A
        return Xn, Y - eta * Rn.T @ Xn
    if name in ("gd", "flow"):
        return X - eta * R @ Y, Y - eta * R.T @ X
    if name == "fa":
        return X - eta * R @ Y, Y - eta * R.T @ state["B"].T
    lam = {"scaledgd": 0.0, "precgd": options.get("damping", 0) * np.linalg.norm(R),
           "scaledgd-lambda": options.get("lam", 0)}[name]
    d = X.shape[1]

    def inv(M):
        return np.linalg.pinv(M, rcond=PINV_RCOND, hermitian=True) if lam == 0 else np.linalg.inv(M + lam * np.eye(d))
    return X - eta * R @ Y @ inv(Y.T @ Y), Y - eta * R.T @ X @ inv(X.T @ X)


# ---------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Algorithm:
    name: str
    label: str
    step: Callable | None           # None for the gradient flow (own driver)
    defaults: dict = field(default_factory=dict)
    preconditioned: bool = False    # step size is dimensionless (default 0.5) instead of ∝ 1/σ₁
    make_state: Callable | None = None
    reference: str = ""


ALGORITHMS: dict[str, Algorithm] = {
    "agd": Algorithm("agd", "alternating GD", agd_step, reference="Ward & Kolda, NeurIPS 2023"),
    "gd": Algorithm("gd", "gradient descent", gd_step, reference="Ye & Du, NeurIPS 2021"),
    "flow": Algorithm("flow", "gradient flow (DOP853)", None, {"rtol": 1e-8, "atol": 1e-12},
                      reference="Ye & Du 2021, Cor. 1.2"),
    "scaledgd": Algorithm("scaledgd", "ScaledGD", scaledgd_step, preconditioned=True,
                          reference="Tong, Ma & Chi, JMLR 2021"),
    "precgd": Algorithm("precgd", "PrecGD (λ_t = c‖R_t‖)", precgd_step, {"damping": 0.1},
                        preconditioned=True, reference="Zhang, Fattahi & Zhang, NeurIPS 2021"),
    "scaledgd-lambda": Algorithm("scaledgd-lambda", "ScaledGD(λ)", scaledgd_lambda_step, {"lam": None},
                                 preconditioned=True, reference="Xu, Shen, Chi & Ma, ICML 2023"),
    "fa": Algorithm("fa", "feedback alignment", fa_step, make_state=fa_state,
                    reference="Garg & Vempala, AISTATS 2022"),
}


def default_step(algorithm: str, init, sigma1: float, init_options: dict | None = None) -> float:
    """The step used when ``step=None``.

    Preconditioned rules: 0.5 (dimensionless). Ward–Kolda init: the theory default
    η = 9/(4Cνσ₁) (theory.md §4.2, graded [S]). Otherwise 0.5/σ₁.
    """
    if ALGORITHMS[algorithm].preconditioned:
        return 0.5
    if init == "ward-kolda":
        from ._validation import check_float

        opts = init_options or {}
        C = check_float(opts.get("C", 8.0), "C", 0.0, lo_open=True)
        nu = check_float(opts.get("nu", 0.5), "nu", 0.0, 1.0, lo_open=True)
        return 9.0 / (4.0 * C * nu * sigma1)
    return 0.5 / sigma1
