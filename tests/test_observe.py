"""The "Observed" choice has one home (agdcore.observe): CLI, sweeps and builders derive from it."""

import numpy as np
import pytest

import agdcore as agd
from agdcore.cli import make_parser
from agdcore.observe import OBSERVATION_OPTIONS, OBSERVATIONS, make_observed
from agdcore.sweeps.plan import PARAMETERS, base_defaults, plan_sweep


def test_cli_flags_come_from_the_registry():
    parser = make_parser()
    run = parser._subparsers._group_actions[0].choices["run"]
    flags = {a.dest: a for a in run._actions}
    assert tuple(flags["observe"].choices) == tuple(OBSERVATIONS)
    for name, owner in OBSERVATION_OPTIONS.items():
        opt = OBSERVATIONS[owner].option
        assert name in flags and opt.help in flags[name].help


def test_sweep_parameters_and_base_come_from_the_registry():
    for name, owner in OBSERVATION_OPTIONS.items():
        assert name in PARAMETERS and PARAMETERS[name][0] == OBSERVATIONS[owner].option.kind
        assert name in base_defaults() and base_defaults()[name] is None
    plan = plan_sweep({"rate": [0.2, 0.5]}, trials=1, base={"observe": "completion", "m": 20, "n": 20, "rank": 2})
    assert [s["rate"] for s in plan.settings] == [0.2, 0.5]
    plan = plan_sweep({"width": [2]}, trials=1, base={"observe": "sensing", "m": 10, "n": 8, "rank": 2})
    assert plan.settings[0]["measurements"] == 4 * 2 * (10 + 8 - 2)  # the registry's resolved default


@pytest.mark.parametrize(
    "base,needle",
    [
        ({"observe": "completion", "rate": 1.5}, "rate"),
        ({"observe": "full", "rate": 0.5}, "rate applies only to observe='completion'"),
        ({"observe": "sensing", "measurements": 0}, "measurements"),
        ({"observe": "partial"}, "observe"),
    ],
)
def test_bad_observation_settings_are_refused_naming_the_parameter(base, needle):
    with pytest.raises(ValueError, match=needle):
        plan_sweep({"width": [2]}, trials=1, base={"m": 10, "n": 10, "rank": 2, **base})


def test_make_observed_draws_the_same_truth_for_each_observation():
    dense = make_observed("full", 15, 12, 2, 4.0, seed=3)
    comp = make_observed("completion", 15, 12, 2, 4.0, seed=3, rate=0.4)
    sens = make_observed("sensing", 15, 12, 2, 4.0, seed=3, measurements=200)
    assert isinstance(dense, agd.Problem) and comp.kind == "completion" and sens.kind == "sensing"
    X, Y = np.random.default_rng(0).standard_normal((15, 2)), np.random.default_rng(1).standard_normal((12, 2))
    assert comp.recovery_error(X, Y) == pytest.approx(dense.error(X, Y), rel=1e-10)
    assert sens.recovery_error(X, Y) == pytest.approx(dense.error(X, Y), rel=1e-10)
    assert (
        comp.rate == 0.4 and make_observed("completion", 6, 6, 1, 1.0).rate == OBSERVATIONS["completion"].option.default
    )
