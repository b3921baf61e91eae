"""The run's messages say what their advice is and never contradict the run shown (issue 14 item 2)."""

import re

import agdcore as agd


def _suggested(message: str) -> float:
    return float(re.search(r"Try a smaller step: η ≤ ([0-9.e+-]+)", message).group(1))


def test_divergence_hint_is_labelled_a_rule_of_thumb_and_is_below_the_diverged_step():
    p = agd.make_problem(100, 100, 5, 10.0, seed=0)
    ok = agd.solve(p, step=1.5, seed=1)
    bad = agd.solve(p, step=2.0, seed=1)
    assert ok.status == "converged" and bad.status == "diverged"
    assert "rule of thumb" in bad.message and "not a bound" in bad.message
    assert "largest stable step" not in bad.message  # 1.5 converged: no such claim may be made
    assert _suggested(bad.message) < 2.0


def test_divergence_below_the_rule_of_thumb_suggests_half_the_step():
    p = agd.make_problem(100, 100, 5, 10.0, seed=0)
    r = agd.solve(p, "gd", "gaussian", step=0.9, seed=1, scale=30.0)
    assert r.status == "diverged"
    assert _suggested(r.message) == 0.45 and "half this step" in r.message
