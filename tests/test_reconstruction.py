"""Pictures of the reconstruction: kept factors (same seed, same iterates), the picture data and
figure (one shared colour scale, the Eckart–Young image), the stored photograph, the projector style."""

import json
import tomllib

import numpy as np
import pytest
from conftest import ROOT

import agdcore as agd
from agdcore import plots
from agdcore.images import best_rank_approximation, load_image
from agdcore.plots import reconstruction as R


@pytest.fixture(scope="module")
def problem():
    return agd.make_problem(m=40, n=30, rank=3, kappa=5.0, seed=0)


def test_keep_factors_changes_nothing_else(problem):
    plain = agd.solve(problem, width=4, seed=3)
    kept = agd.solve(problem, width=4, seed=3, keep_factors=True)
    assert plain.factors is None
    np.testing.assert_array_equal(plain.error, kept.error)  # same seed: the same iterates, bit for bit
    np.testing.assert_array_equal(plain.X, kept.X)
    np.testing.assert_array_equal(plain.record_index, kept.record_index)
    a, b = plain.to_dict(), kept.to_dict()  # the JSON schema is unchanged
    a.pop("seconds"), b.pop("seconds")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_kept_factors_are_the_recorded_iterates(problem):
    r = agd.solve(problem, width=4, seed=3, keep_factors=True)
    Xs, Ys = r.factors
    assert Xs.shape == (len(r.record_index), 40, 4) and Ys.shape == (len(r.record_index), 30, 4)
    for k, t in enumerate(r.record_index):
        X, Y = r.factors_at(k)
        e = problem.sq_error(X, Y) / problem.norm2
        assert e == pytest.approx(r.error[t], rel=1e-8, abs=1e-14)
        np.testing.assert_allclose(np.linalg.svd(X, compute_uv=False), r.sv_x[k], rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(r.factors_at(-1)[0], r.X)


def test_replay_is_deterministic_for_observed_problems_and_the_flow():
    c = agd.make_completion(m=30, n=30, rank=2, kappa=3.0, rate=0.5, seed=0)
    a = agd.solve(c, init="spectral", width=2, seed=5, max_iter=300, keep_factors=True)
    b = agd.solve(c, init="spectral", width=2, seed=5, max_iter=300, keep_factors=True)
    np.testing.assert_array_equal(a.factors[0], b.factors[0])
    f = agd.solve(agd.make_problem(20, 15, 2, 3.0, seed=0), algorithm="flow", init="gaussian", width=2, max_iter=100,
                  keep_factors=True)  # fmt: skip
    assert len(f.factors[0]) == len(f.record_index)
    X, Y = f.factors_at(len(f.record_index) - 1)
    np.testing.assert_array_equal(X, f.X)


def test_keep_factors_refuses_too_much_memory_and_bad_indices(problem):
    big = agd.make_problem(m=500, n=500, rank=2, seed=0)
    with pytest.raises(ValueError, match="keep_factors would keep .* MB"):
        agd.solve(big, width=50, n_records=2000, keep_factors=True, max_iter=2)
    r = agd.solve(problem, width=3, max_iter=20)
    with pytest.raises(ValueError, match="keep_factors=True"):
        r.factors_at(0)
    r = agd.solve(problem, width=3, max_iter=20, keep_factors=True)
    with pytest.raises(ValueError, match="k must be in 0"):
        r.factors_at(len(r.record_index))


def test_pictures_share_one_colour_scale(problem):
    r = agd.solve(problem, width=3, max_iter=30, keep_factors=True)
    X, Y = r.factors_at(5)
    data = R.picture_data(problem, X, Y)
    fig = R.reconstruction_figure(data, t_label="iteration t = 5", d=3)
    axes = [tr.coloraxis for tr in fig.data]
    assert axes == ["coloraxis"] * 3 + ["coloraxis2"]  # A, X_tY_tᵀ, best rank 3 share one scale
    A = problem.A
    big = np.abs(A).max()
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == pytest.approx((-big, big))  # signed A
    assert (fig.layout.coloraxis2.cmin, fig.layout.coloraxis2.cmax) == pytest.approx((-big, big))  # A's units
    np.testing.assert_allclose(data["residual"], A - X @ Y.T)
    assert [a.text for a in fig.layout.annotations] == ["A", "XₜYₜᵀ", "best rank 3", "residual"]


def test_photograph_scale_is_grey_and_the_eckart_young_image_sits_on_the_floor():
    p = agd.make_image_problem()
    A = load_image()
    assert A.shape == (112, 96) and A.dtype == np.float64 and 0 <= A.min() and A.max() <= 1
    r = agd.solve(p, width=10, max_iter=50, keep_factors=True)
    data = R.picture_data(p, *r.factors_at(-1))
    best = data["best"]
    assert np.linalg.matrix_rank(best) == 10
    assert np.linalg.norm(A - best) ** 2 / np.linalg.norm(A) ** 2 == pytest.approx(p.floor(10), rel=1e-9)
    np.testing.assert_allclose(best, best_rank_approximation(A, 10), atol=1e-10)
    fig = R.reconstruction_figure(data, t_label="iteration t = 50", d=10)
    assert fig.layout.coloraxis.colorscale[0][1].replace(" ", "") == "rgb(0,0,0)"  # grey: 0 is black
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == pytest.approx((A.min(), A.max()))
    assert "Eckart–Young" in fig.layout.title.subtitle.text


def test_completion_shows_holes_and_sensing_none():
    c = agd.make_completion(m=30, n=25, rank=2, kappa=3.0, rate=0.3, seed=0)
    r = agd.solve(c, init="spectral", width=2, max_iter=50, keep_factors=True)
    data = R.picture_data(c, r.X, r.Y)
    assert np.isnan(data["observed"]).sum() == 30 * 25 - c.n_observed
    assert data["best"] is None
    M = c.truth.US @ c.truth.V.T
    np.testing.assert_allclose(data["target"], M)
    seen = ~np.isnan(data["observed"])
    np.testing.assert_allclose(data["observed"][seen], M[seen])  # noise-free: what was seen is M★
    fig = R.reconstruction_figure(data, t_label="t", d=2, target_name="M★")
    assert fig.layout.plot_bgcolor == R.HOLE_COLOR and fig.layout.annotations[0].text == "seen entries"
    s = agd.make_sensing(m=12, n=10, rank=2, kappa=2.0, measurements=200, seed=0)
    rs = agd.solve(s, init="spectral", width=2, max_iter=20, keep_factors=True)
    ds = R.picture_data(s, rs.X, rs.Y)
    assert ds["observed"] is None and ds["best"] is None and ds["target"].shape == (12, 10)


def test_large_matrices_are_drawn_on_a_grid():
    p = agd.make_problem(m=400, n=50, rank=2, seed=0)
    r = agd.solve(p, width=2, max_iter=5)
    data = R.picture_data(p, r.X, r.Y, max_side=100)
    assert data["approx"].shape == (100, 50)
    np.testing.assert_allclose(data["approx"], (r.X @ r.Y.T)[data["rows"]])
    fig = R.reconstruction_figure(data, t_label="t", d=2)
    assert "100×50 of 400×50" in fig.layout.title.subtitle.text


def test_projector_enlarges_fonts_and_lines_without_touching_the_house_style(problem):
    r = agd.solve(problem, width=3, max_iter=50)
    plain = plots.loss_figure(r)
    big = plots.projector(plots.loss_figure(r))
    assert big.layout.font.size > plain.layout.font.size
    assert big.layout.title.font.size > plain.layout.title.font.size
    assert big.layout.xaxis.tickfont.size > plain.layout.xaxis.tickfont.size
    assert all(b.line.width >= 3 and b.line.width >= a.line.width for a, b in zip(plain.data, big.data))
    assert plots.loss_figure(r).layout.font.size == plain.layout.font.size  # builders unchanged


def test_photograph_is_package_data():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setup = cfg["tool"]["setuptools"]
    assert "agdcore.data" in setup["packages"] and "*.npy" in setup["package-data"]["agdcore.data"]
    assert (ROOT / "agdcore" / "data" / "README.md").read_text().count("public domain") >= 1
