"""agdcore: alternating gradient descent and its peers for min ½‖A − XYᵀ‖²_F.

Pure NumPy/SciPy; never imports streamlit. Public surface::

    import agdcore as agd
    p = agd.make_problem(m=100, n=100, rank=5, kappa=10.0, seed=0)
    r = agd.solve(p, algorithm="agd", init="ward-kolda", width=10)
    t = agd.solve_trials(p, seeds=range(64), width=10)
    df = agd.sweep({"width": [5, 10], "kappa": [5, 10]}, trials=20)   # Dask; see agdcore.sweeps
"""

from . import bounds, options
from ._options import Option
from .algorithms import ALGORITHMS, Algorithm, default_step
from .completion import CompletionProblem, completion_from_matrix, make_completion
from .images import make_image_problem
from .initializers import INITIALIZERS, Initializer
from .io import load_matrix
from .problem import Problem, make_problem
from .result import Progress, Result, RunSettings
from .sensing import SensingProblem, make_sensing, sensing_from_matrix
from .solver import solve
from .trials import TrialsResult, solve_trials


def sweep(grid, trials: int = 10, **kwargs):
    """Grid × Monte-Carlo trials on Dask (or serially); see :func:`agdcore.sweeps.sweep`.

    Imported lazily so that ``import agdcore`` does not load pandas and Dask.
    """
    from .sweeps import sweep as _sweep

    return _sweep(grid, trials, **kwargs)


__all__ = [
    "ALGORITHMS",
    "INITIALIZERS",
    "Algorithm",
    "CompletionProblem",
    "Initializer",
    "Option",
    "Problem",
    "Progress",
    "Result",
    "RunSettings",
    "SensingProblem",
    "TrialsResult",
    "bounds",
    "completion_from_matrix",
    "default_step",
    "options",
    "sensing_from_matrix",
    "load_matrix",
    "make_completion",
    "make_image_problem",
    "make_problem",
    "make_sensing",
    "solve",
    "solve_trials",
    "sweep",
]
__version__ = "0.1.0"
