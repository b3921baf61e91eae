"""The Paper page's reproducible experiments: named run lists, captions and checkable claims.

Pure Python (no Streamlit). Each :class:`Experiment` is a list of :class:`RunConfig` (plain scalar
settings), a caption, what to look for, and a ``claims`` function that checks the caption's
qualitative statements on the actual outcome, so the page can show "✓ reproduced" honestly.
Settings follow docs/theory.md#worked-example (Ward–Kolda) and the peer methods' sections of docs/theory.md.
All errors are e_t = ‖A − X_tY_tᵀ‖²_F/‖A‖²_F and every run stops at e_t − floor ≤ ``TOL``.

>>> out = run_experiment("nystrom", seed=1)
>>> [r.to_tol for r in out.runs]
[1, 4]
"""

from ._overlays import LIVE_HOVER, Overlay, thin
from ._run import (
    PROBLEMS,
    SRC,
    TOL,
    Claim,
    Experiment,
    ExperimentOutcome,
    RunConfig,
    RunOutcome,
    run_config,
)
from .catalogue import EXPERIMENTS, run_experiment

__all__ = [
    "EXPERIMENTS",
    "LIVE_HOVER",
    "PROBLEMS",
    "SRC",
    "TOL",
    "Claim",
    "Experiment",
    "ExperimentOutcome",
    "Overlay",
    "RunConfig",
    "RunOutcome",
    "run_config",
    "run_experiment",
    "thin",
]
