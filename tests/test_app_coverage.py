"""Every Explore run shows "Covered by a guarantee: yes / no (which condition, by how much)"."""

from conftest import APP
from streamlit.testing.v1 import AppTest


def _explore(query: dict | None = None):
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def _texts(at):
    return [e.value for e in [*at.warning, *at.success]]


def test_default_run_says_not_covered_and_why():
    at = _explore()
    assert not at.exception
    lines = [t for t in _texts(at) if t.startswith("Covered by a guarantee")]
    assert len(lines) == 1 and "no" in lines[0].split("—")[0]
    assert "docs/theory.md#certificate" in lines[0] and "larger" in lines[0]
    assert not any("All assumptions hold" in t for t in _texts(at))  # no claim the run is covered


def test_a_certified_step_says_covered():
    at = _explore({"m": "40", "n": "30", "rank": "3", "width": "5", "step": "1e-7", "max_iter": "50"})
    assert not at.exception
    lines = [e.value for e in at.success if e.value.startswith("Covered by a guarantee")]
    assert len(lines) == 1 and "yes" in lines[0].split("—")[0] and "not the paper's" in lines[0]
