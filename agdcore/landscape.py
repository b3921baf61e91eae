"""The smallest case where the story is visible: the rank-one landscape f(x, y) = ½(a − xy)².

Closed forms for the Landscape page, each derived in docs/theory.md and checked in
tests/test_landscape.py: the gradient and Hessian (docs/theory.md#landscape-hessian), the curvature
x² + a²/x² on the valley of minimizers xy = a (docs/theory.md#landscape-valley), the step thresholds
of GD and AGD (docs/theory.md#landscape-threshold), the AGD update and its residual factor
(docs/theory.md#landscape-agd), the conserved x² − y² of the gradient flow and where the flow lands
(docs/theory.md#landscape-flow), the starts (docs/theory.md#landscape-starts).

The *vector form* is f(x, y) = ½‖A − xyᵀ‖²_F with A = a·e₁e₁ᵀ (m×n), x ∈ ℝᵐ, y ∈ ℝⁿ; the scalar model
is its m = n = 1 case, and one iteration routine serves both. Pure numpy/scipy: no plotting here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from .initializers import ward_kolda
from .problem import Problem

C_WK = 8.0  # Ward–Kolda's C and D = Cν/9 with ν = 1/2 (docs/theory.md#wk-init)
D_WK = C_WK * 0.5 / 9.0
METHODS = {"agd": "AGD", "gd": "GD", "flow": "gradient flow"}
STARTS = {
    "balanced": "small balanced",
    "gaussian": "small Gaussian",
    "ward-kolda": "Ward–Kolda, x₀ = 1/(8√η)",  # not "unbalanced": x₀ < y₀ once ηa > 9/32
    "unbalanced": "unbalanced, x₀ = 3√a",
}
TOL = 1e-10  # converged when |a − xy| (vector: ‖A − xyᵀ‖_F) ≤ TOL·a
BOX = 1e8  # diverged when a coordinate exceeds BOX·(1 + √a + |start|) or overflows


# ------------------------------------------------------------------ closed forms (scalar model)
def loss(x, y, a: float):
    """f(x, y) = ½(a − xy)² (elementwise on arrays)."""
    return 0.5 * (a - np.asarray(x) * np.asarray(y)) ** 2


def gradient(x, y, a: float) -> np.ndarray:
    """∇f = (−(a − xy)·y, −(a − xy)·x)."""
    r = a - x * y
    return np.array([-r * y, -r * x])


def hessian(x, y, a: float) -> np.ndarray:
    """∇²f = [[y², 2xy − a], [2xy − a, x²]]."""
    b = 2 * x * y - a
    return np.array([[y * y, b], [b, x * x]])


def curvature(x, y, a: float):
    """λ_max(∇²f) = (x² + y²)/2 + √(((x² − y²)/2)² + (2xy − a)²), elementwise."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * (x * x + y * y) + np.hypot(0.5 * (x * x - y * y), 2 * x * y - a)


def valley_curvature(x, a: float):
    """λ_max at the minimizer (x, a/x) of the valley xy = a: x² + a²/x² (the other eigenvalue is 0)."""
    x = np.asarray(x, dtype=float)
    return x * x + a * a / (x * x)


def gd_step_limit(lam):
    """GD converges locally at a valley point of curvature λ iff η < 2/λ."""
    return 2.0 / np.asarray(lam, dtype=float)


def agd_step_limit(lam, a: float):
    """The largest step at which AGD is stable at a valley point of curvature λ: 4/(λ + √(λ² − 8a²)),
    the smaller root of a²η² − λη + 2 = 0; infinite when λ < 2√2·a (then 2/η + ηa² > λ for every η)."""
    lam = np.asarray(lam, dtype=float)
    with np.errstate(invalid="ignore"):
        root = np.sqrt(lam * lam - 8 * a * a)
    return np.where(lam * lam >= 8 * a * a, 4.0 / (lam + np.nan_to_num(root)), np.inf)


def agd_curvature_limits(eta: float, a: float) -> tuple[float, float]:
    """AGD converges locally at a valley point of curvature λ iff ηa² < λ < 2/η + ηa²."""
    return eta * a * a, 2.0 / eta + eta * a * a


def agd_factor(x, y, eta: float):
    """The AGD residual factor at a valley point: r⁺ ≈ (1 − ηx²)(1 − ηy²)·r = (1 − ηλ + η²a²)·r."""
    return (1 - eta * np.asarray(x) ** 2) * (1 - eta * np.asarray(y) ** 2)


def agd_step(x: float, y: float, a: float, eta: float) -> tuple[float, float]:
    """One AGD step in closed form: x⁺ = x + η(a − xy)y, then y⁺ = y + η(a − x⁺y)x⁺."""
    x1 = x + eta * (a - x * y) * y
    return x1, y + eta * (a - x1 * y) * x1


def gd_step(x: float, y: float, a: float, eta: float) -> tuple[float, float]:
    """One GD step: both blocks from the same (x, y)."""
    r = a - x * y
    return x + eta * r * y, y + eta * r * x


def gd_imbalance_factor(x, y, a: float, eta: float):
    """One GD step maps x² − y² to (1 − η²(a − xy)²)·(x² − y²), exactly."""
    return 1 - (eta * (a - np.asarray(x) * np.asarray(y))) ** 2


def flow_landing(x0: float, y0: float, a: float) -> tuple[float, float, float]:
    """Where the gradient flow from (x0, y0) lands (x∞, y∞) and its curvature λ∞ = √(c² + 4a²),
    c = x0² − y0² (conserved). The branch is that of the start (sign of x0 + y0); a > 0."""
    c = x0 * x0 - y0 * y0
    x2 = 0.5 * (c + np.hypot(c, 2 * a))
    sign = 1.0 if x0 + y0 >= 0 else -1.0
    xs = sign * np.sqrt(x2)
    return xs, a / xs, float(np.hypot(c, 2 * a))


def wk_scalar_start(a: float, eta: float, phi1: float = 1.0, phi2: float = 1.0) -> tuple[float, float]:
    """Ward–Kolda's start for m = n = d = 1: x₀ = φ₁/(√η C), y₀ = √η D a φ₂ (ηx₀² = φ₁²/C², free of η)."""
    return phi1 / (np.sqrt(eta) * C_WK), np.sqrt(eta) * D_WK * a * phi2


# ------------------------------------------------------------------ vector form
def target(a: float, m: int, n: int) -> np.ndarray:
    """A = a·e₁e₁ᵀ (m×n): rank one, σ₁ = a, u = e₁, v = e₁."""
    A = np.zeros((m, n))
    A[0, 0] = a
    return A


def vector_loss(x, y, a: float):
    """½‖A − xyᵀ‖²_F = ½[(a − x₁y₁)² + ‖x‖²‖y₂…‖² + ‖x₂…‖²y₁²] (no cancellation near a minimizer); it is
    ≥ ½(a − ‖x‖‖y‖)², the scalar f at (‖x‖, ‖y‖), with equality iff x and y are multiples of e₁."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    x1, y1 = x[..., 0], y[..., 0]
    rest = np.sum(x * x, -1) * np.sum(y[..., 1:] ** 2, -1) + np.sum(x[..., 1:] ** 2, -1) * y1 * y1
    return 0.5 * ((a - x1 * y1) ** 2 + rest)


def vector_hessian(x, y, a: float) -> np.ndarray:
    """∇²f = [[‖y‖² I_m, 2xyᵀ − A], [(2xyᵀ − A)ᵀ, ‖x‖² I_n]] for f = ½‖A − xyᵀ‖²_F."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    m, n = x.size, y.size
    B = 2 * np.outer(x, y) - target(a, m, n)
    return np.block([[np.dot(y, y) * np.eye(m), B], [B.T, np.dot(x, x) * np.eye(n)]])


def _vec_step(method: str, x, y, a: float, eta: float):
    """GD / AGD on ½‖A − xyᵀ‖² without forming A: (A − xyᵀ)y = a·y₁e₁ − ‖y‖²x."""
    gx = -x * np.dot(y, y)
    gx[0] += a * y[0]
    x1 = x + eta * gx
    xs = x1 if method == "agd" else x
    gy = -y * np.dot(xs, xs)
    gy[0] += a * xs[0]
    return x1, y + eta * gy


def starts(a: float, eta: float, seed: int = 0, m: int = 1, n: int = 1) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The starts by key of :data:`STARTS` (docs/theory.md#landscape-starts); shapes (m,), (n,).

    small balanced: x₀, y₀ of equal norm 0.05√a (scalar: x₀ = y₀ = 0.05√a); small Gaussian: iid
    N(0, 0.1²a/m) and N(0, 0.1²a/n) entries (seeded; norms about 0.1√a); Ward–Kolda: agdcore's own ``ward_kolda`` initializer with d = 1
    (X₀ = AΦ₁/(√η C σ₁), Y₀ = √η D σ₁ Φ₂), in the scalar case at the root-mean-square draw φ₁ = φ₂ = 1;
    unbalanced: x₀ = 3√a·e₁, y₀ = 0.01√a·e₁, large in absolute terms and independent of η.
    """
    s = np.sqrt(a)
    rng = np.random.default_rng(seed)
    e1m, e1n = np.eye(m)[0], np.eye(n)[0]
    if m == n == 1:
        bal = (np.array([0.05 * s]), np.array([0.05 * s]))
        wk = tuple(np.array([v]) for v in wk_scalar_start(a, eta))
    else:
        u, v = rng.standard_normal(m), rng.standard_normal(n)
        bal = (0.05 * s * u / np.linalg.norm(u), 0.05 * s * v / np.linalg.norm(v))
        X0, Y0 = ward_kolda(Problem.from_array(target(a, m, n)), 1, eta, rng, C=C_WK, D=D_WK)
        wk = (X0[:, 0], Y0[:, 0])
    gauss = (0.1 * s * rng.standard_normal(m) / np.sqrt(m), 0.1 * s * rng.standard_normal(n) / np.sqrt(n))
    return {"balanced": bal, "gaussian": gauss, "ward-kolda": wk, "unbalanced": (3 * s * e1m, 0.01 * s * e1n)}


@dataclass
class Path:
    """One trajectory: iterates ``x`` (T+1, m), ``y`` (T+1, n) at steps ``t`` (the flow: time/η)."""

    method: str
    start: str
    a: float
    eta: float
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    status: str  # "converged" | "diverged" | "oscillating" | "not converged"
    diverged_at: int | None = None

    @property
    def label(self) -> str:
        return f"{METHODS[self.method]} · {STARTS.get(self.start, self.start)}"

    @property
    def scalar(self) -> bool:
        return self.x.shape[1] == 1 and self.y.shape[1] == 1

    def coords(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) for the scalar model; (‖x‖, ‖y‖) for the vector form."""
        if self.scalar:
            return self.x[:, 0], self.y[:, 0]
        return np.linalg.norm(self.x, axis=1), np.linalg.norm(self.y, axis=1)

    def curvature(self) -> np.ndarray:
        """λ_max of the Hessian at every iterate (closed form, or eigvalsh of the vector Hessian)."""
        if self.scalar:
            return curvature(self.x[:, 0], self.y[:, 0], self.a)
        return np.array([np.linalg.eigvalsh(vector_hessian(x, y, self.a))[-1] for x, y in zip(self.x, self.y)])

    def residual(self) -> np.ndarray:
        """a − xy (scalar, signed) or ‖A − xyᵀ‖_F (vector)."""
        if self.scalar:
            return self.a - self.x[:, 0] * self.y[:, 0]
        return np.sqrt(2 * np.maximum(vector_loss(self.x, self.y, self.a), 0))


def _status(res: np.ndarray, a: float) -> str:
    if abs(res[-1]) <= TOL * a:
        return "converged"
    tail = np.sign(res[-12:])
    return "oscillating" if tail.size > 4 and np.all(tail[1:] * tail[:-1] < 0) else "not converged"


def iterate(method: str, x0, y0, a: float, eta: float, steps: int = 3000, start: str = "") -> Path:
    """Run GD or AGD (or the gradient flow over time steps·η) from (x0, y0); never raises on
    overflow: a run that leaves the box or overflows ends with status "diverged"."""
    if method == "flow":
        return flow_path(x0, y0, a, eta, steps, start)
    x, y = np.array(x0, dtype=float).ravel(), np.array(y0, dtype=float).ravel()
    big = BOX * (1 + np.sqrt(a) + np.abs(x).max() + np.abs(y).max())
    xs, ys, diverged = [x], [y], None
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            x, y = _vec_step(method, x, y, a, eta)
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))) or max(np.abs(x).max(), np.abs(y).max()) > big:
                diverged = k
                break
            xs.append(x)
            ys.append(y)
            if vector_loss(x, y, a) <= 0.5 * (TOL * a) ** 2:
                break
    p = Path(method, start, a, eta, np.arange(len(xs)), np.array(xs), np.array(ys), "", diverged)
    p.status = "diverged" if diverged else _status(p.residual(), a)
    return p


def flow_path(x0, y0, a: float, eta: float, steps: int = 3000, start: str = "", n_out: int = 400) -> Path:
    """The gradient flow ẋ = (A − xyᵀ)y, ẏ = (A − xyᵀ)ᵀx with solve_ivp (DOP853) up to time steps·η;
    ``t`` is time/η so that it shares the iteration axis of GD and AGD."""
    x0, y0 = np.array(x0, dtype=float).ravel(), np.array(y0, dtype=float).ravel()
    m = x0.size

    def rhs(_t, z):
        x, y = z[:m], z[m:]
        gx, gy = -x * np.dot(y, y), -y * np.dot(x, x)
        gx[0] += a * y[0]
        gy[0] += a * x[0]
        return np.concatenate([gx, gy])

    def done(_t, z):
        return vector_loss(z[:m], z[m:], a) - 0.5 * (TOL * a) ** 2

    done.terminal = True
    horizon = steps * eta
    t_eval = np.unique(np.concatenate([[0.0], np.geomspace(eta * 1e-2, horizon, n_out)]))
    sol = solve_ivp(rhs, (0, horizon), np.concatenate([x0, y0]), "DOP853", t_eval, events=done, rtol=1e-10, atol=1e-12)
    z, t = sol.y.T, sol.t
    if sol.t_events[0].size:
        z, t = np.vstack([z, sol.y_events[0][:1]]), np.append(t, sol.t_events[0][0])
    p = Path("flow", start, a, eta, t / eta, z[:, :m], z[:, m:], "")
    p.status = "converged" if sol.t_events[0].size else _status(p.residual(), a)
    return p


def run_all(
    a: float, eta: float, methods, start_keys, *, seed: int = 0, vector: bool = False, dim: int = 20, steps: int = 3000
):
    """Every (method, start) pair, in the order given: the Landscape page's one call."""
    if not (a > 0 and np.isfinite(a)):
        raise ValueError(f"a must be a positive number, got {a!r}")
    if not (eta > 0 and np.isfinite(eta)):
        raise ValueError(f"the step η must be a positive number, got {eta!r}")
    m = n = dim if vector else 1
    st = starts(a, eta, seed, m, n)
    return [iterate(meth, *st[s], a, eta, steps, start=s) for s in start_keys for meth in methods]
