"""The Lesson's content (agdcore/lesson.py): every step's settings solve, and every number and claim
its text states holds on the runs it shows."""

import re

import numpy as np
import pytest

import agdcore as agd
from agdcore import lesson as L
from agdcore import plots
from agdcore.images import best_rank_approximation, load_image


@pytest.fixture(scope="module")
def runs():
    out = {}
    for i, step in enumerate(L.STEPS, start=1):
        out[i] = {r.label: L.solve_run(r, keep_factors=(j == 0)) for j, r in enumerate(step.runs)}
    return out


def _iterations(text: str, what: str) -> list[int]:
    return [int(x.replace(",", "")) for x in re.findall(rf"{what} in ([\d,]+) iterations", text)]


def test_shape_of_the_lesson():
    assert 6 <= len(L.STEPS) <= 8
    for s in L.STEPS:
        assert s.question.endswith("?") and s.question.count("?") == 1
        labels = [r.label for r in s.runs]
        assert len(set(labels)) == len(labels)
        for c in s.charts:
            assert c in ("compare", "loss", "pictures") or c == "sv_x" or c.partition("@")[2] in labels


def test_every_step_solves_and_its_text_fills_in(runs):
    for i, s in enumerate(L.STEPS, start=1):
        res = runs[i]
        assert all(r.status in ("converged", "max_iter", "diverged") for r in res.values())
        text = L.step_text(s, res)
        assert "{" not in text and "nan" not in text.lower()
        sentences = [x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if x]
        assert 2 <= len(sentences) <= 4, (i, sentences)


def test_step1_problem_and_error(runs):
    r = runs[1]["AGD"]
    text = L.step_text(L.STEPS[0], runs[1])
    m, n = r.config["m"], r.config["n"]
    assert f"{m * n:,} numbers" in text and f"d(m+n) = {3 * (m + n)}" in text
    assert r.converged and _iterations(text, "reached 1e-10") == [r.iterations_to_tol]
    assert f"starts at {r.error[0]:.2f}" in text


def test_step2_plateau_and_stairs(runs):
    r = runs[2]["Gaussian start"]
    f = L.STEPS[1].facts(runs[2])
    p = f["plateau"]
    assert np.all(r.error[:p] >= 0.9) and r.error[p] < 0.9  # "stays above 0.9 for the first p iterations"
    wake = L.waking_order(r)
    assert wake == sorted(wake) and len(set(wake)) == 3  # "one at a time"
    assert wake[1] > 2 * wake[0] and wake[2] > 2 * wake[1]  # well apart: the stairs of the chart
    assert r.converged


def test_step3_gaussian_first_to_1e8_then_stalls(runs):
    wk, g = runs[3]["Ward–Kolda"], runs[3]["Gaussian 1e-3"]
    assert L.first_below(g, 1e-8) < L.first_below(wk, 1e-8)  # "even reaches e_t < 1e-8 first"
    assert g.status == "max_iter" and g.iterations_to_tol is None  # "had not reached 1e-10 after 5,000"
    assert wk.converged and wk.config["width"] == 6 > wk.config.get("rank", 3)
    text = L.step_text(L.STEPS[2], runs[3])
    assert f"after {g.n_iter:,} iterations" in text and _iterations(text, "reached 1e-10") == [wk.iterations_to_tol]
    tail = g.error[-1000:]  # "stalls": the last 1,000 iterations gain less than a factor 2
    assert tail[0] / tail[-1] < 2 and tail[-1] > 1e-10


def test_step4_large_step_diverges_on_the_chart_and_in_the_message(runs):
    ok, big, bad = runs[4].values()
    assert ok.config["step"] == pytest.approx(agd.default_step("agd", "ward-kolda", 1.0))
    assert big.config["step"] == pytest.approx(2 * ok.config["step"]) and bad.config["step"] == pytest.approx(
        3 * ok.config["step"]
    )
    assert ok.converged and big.converged and big.iterations_to_tol < ok.iterations_to_tol  # "bigger was faster"
    assert bad.status == "diverged" and bad.message.startswith(f"Diverged at iteration {bad.diverged_at}")
    text = L.step_text(L.STEPS[3], runs[4])
    assert f"diverged at iteration {bad.diverged_at}" in text
    fig = plots.runs_figure(list(runs[4].items()), title="t")
    assert any("diverged at iteration" in (tr.name or "") for tr in fig.data)


def test_step5_and_6_numbers(runs):
    text5 = L.step_text(L.STEPS[4], runs[5])
    assert _iterations(text5, "reached 1e-10") == [r.iterations_to_tol for r in runs[5].values()]
    a10, a30, s30 = runs[6].values()
    assert a30.iterations_to_tol > 3 * a10.iterations_to_tol  # worse conditioning, many more iterations
    assert s30.iterations_to_tol < a10.iterations_to_tol / 10
    assert a30.config["kappa"] == pytest.approx(30.0) and a10.config["kappa"] == pytest.approx(10.0)
    text6 = L.step_text(L.STEPS[5], runs[6])
    assert f"({a30.iterations_to_tol / a10.iterations_to_tol:.1f}× as many" in text6


def test_step7_photo_sits_on_the_eckart_young_floor(runs):
    r = runs[7]["AGD on the photo"]
    A = load_image()
    d = r.config["width"]
    s = np.linalg.svd(A, compute_uv=False)
    assert r.floor == pytest.approx(np.sum(s[d:] ** 2) / np.sum(s**2), rel=1e-9)
    assert r.converged and r.final_error - r.floor <= r.config["tol"]
    X, Y = r.factors_at(-1)
    best = best_rank_approximation(A, d)
    assert np.linalg.norm(X @ Y.T - best) ** 2 / np.linalg.norm(A) ** 2 < 1e-4  # "look the same"
    assert f"= {r.floor:.4f}" in L.step_text(L.STEPS[6], runs[7])


def test_step8_completion_recovers_unseen_pixels(runs):
    r = runs[8]["AGD, spectral start"]
    c = r.config
    text = L.step_text(L.STEPS[7], runs[8])
    assert f"{c['n_observed']:,} numbers" in text and f"{5 * (112 + 96 - 5):,} degrees of freedom" in text
    assert c["n_observed"] > 5 * (112 + 96 - 5) and c["observed_fraction"] < 0.35
    assert r.converged and r.final_recovery_error < 1e-6  # "come out right too"
    assert f"{r.final_recovery_error:.1e}" in text
