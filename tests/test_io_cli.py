"""Matrix loading (never unpickles) and the command line (exit 2, one line, no traceback)."""

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

import agdcore as agd


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "agdcore", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_load_npy_and_csv(tmp_path):
    A = np.arange(12.0).reshape(3, 4) + 1
    np.save(tmp_path / "a.npy", A)
    np.testing.assert_array_equal(agd.load_matrix(tmp_path / "a.npy"), A)
    (tmp_path / "a.csv").write_text("c1,c2,c3,c4\n" + "\n".join(",".join(map(str, r)) for r in A))
    np.testing.assert_array_equal(agd.load_matrix(tmp_path / "a.csv"), A)
    np.testing.assert_array_equal(agd.load_matrix((tmp_path / "a.npy").read_bytes(), name="x.npy"), A)


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("a.txt", b"1,2\n3,4\n", "must end in .npy or .csv"),
        ("a.csv", b"1,2\n3,x\n", "row 2 has a non-numeric entry 'x'"),
        ("a.csv", b"1,2\n3\n", "rows have different lengths"),
        ("a.csv", b"1,nan\n3,4\n", "NaN or Inf"),
        ("a.csv", b"", "empty"),
        ("a.npy", b"not an npy file", "malformed"),
    ],
)
def test_load_rejects_bad_files(tmp_path, name, content, match):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ValueError, match=match):
        agd.load_matrix(tmp_path / name)


def test_load_never_unpickles(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    np.save(tmp_path / "obj.npy", np.array([Evil()], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="Python objects"):
        agd.load_matrix(tmp_path / "obj.npy")
    (tmp_path / "p.npy").write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ValueError):
        agd.load_matrix(tmp_path / "p.npy")
    assert not marker.exists()


@pytest.mark.parametrize(
    "arr, match",
    [
        (np.ones(4), "2-D"),
        (np.ones((2, 2, 2)), "2-D"),
        (np.array([[np.inf, 1.0]]), "NaN or Inf"),
        (np.zeros((2, 2)), "all zeros"),
    ],
)
def test_load_rejects_bad_arrays(tmp_path, arr, match):
    np.save(tmp_path / "b.npy", arr)
    with pytest.raises(ValueError, match=match):
        agd.load_matrix(tmp_path / "b.npy")


def test_load_size_limit(tmp_path):
    np.save(tmp_path / "big.npy", np.ones((100, 100)))
    with pytest.raises(ValueError, match="limit"):
        agd.load_matrix(tmp_path / "big.npy", max_bytes=1000)


def test_cli_run_json_round_trip(tmp_path):
    out = tmp_path / "run.json"
    proc = run_cli("run", "--m", "60", "--n", "50", "--rank", "3", "--width", "6", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("converged")
    doc = json.loads(out.read_text())
    p = agd.make_problem(60, 50, 3, 10.0, seed=0)
    assert doc["config"]["step"] == pytest.approx(9 / (4 * 8 * 0.5 * p.sigma1))
    cfg = doc["config"]
    assert cfg["width"] == 6 and cfg["init"] == "ward-kolda" and cfg["algorithm"] == "agd"
    assert cfg["init_C"] == 8.0 and cfg["init_nu"] == 0.5 and cfg["init_D"] == pytest.approx(8 * 0.5 / 9)
    assert cfg["max_iter"] == 10_000 and cfg["tol"] == 1e-10 and cfg["seed"] == 1 and cfg["problem_seed"] == 0
    assert doc["status"] == "converged" and doc["message"]
    assert doc["iterations"][0] == 0 and len(doc["iterations"]) == len(doc["error"]) == len(doc["sv_x"])
    assert all(len(row) == 6 for row in doc["sv_x"] + doc["sv_y"])
    assert doc["error"][-1] <= 1e-10 and doc["floor"] == 0.0
    b = doc["bounds"]
    assert {"rho", "rate_a_priori", "T_a_priori", "rate_frozen_x", "live_bound", "delta_mc"} <= set(b)
    assert len(b["live_bound"]) == len(doc["iterations"]) and b["live_bound"][0] == pytest.approx(doc["error"][0])
    r = agd.solve(p, width=6, seed=1)
    assert doc["error"][-1] == pytest.approx(r.final_error, rel=1e-9)


def test_cli_matrix_file_and_noisy_flow(tmp_path):
    A = agd.make_problem(40, 30, 3, 4.0, noise=0.01, seed=0).A
    np.savetxt(tmp_path / "A.csv", A, delimiter=",")
    out = tmp_path / "o.json"
    proc = run_cli(
        "run",
        "--matrix",
        str(tmp_path / "A.csv"),
        "--rank",
        "3",
        "--width",
        "3",
        "--algorithm",
        "flow",
        "--init",
        "gaussian",
        "--init-scale",
        "0.1",
        "--step",
        "0.5",
        "--max-iter",
        "400",
        "--tol",
        "1e-9",
        "--json",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["config"]["algorithm"] == "flow" and doc["floor"] > 0
    assert doc["bounds"]["live_bound"] is None


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "--width", "0"], "width must be an integer between 1 and 100"),
        (["run", "--algorithm", "newton"], "invalid choice: 'newton'"),
        (["run", "--kappa", "0.5"], "kappa must be a finite number >= 1"),
        (["run", "--step", "-1"], "step must be a finite number > 0"),
        (["run", "--m", "abc"], "invalid int value: 'abc'"),
        (["run", "--matrix", "/nonexistent/A.npy"], "cannot be read"),
        (["run", "--init", "gaussian", "--C", "3"], "--C, --D and --nu apply only to --init ward-kolda"),
        (["run", "--m", "300000", "--n", "300000"], "memory budget"),
        ([], "missing command"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(args, needle):
    proc = run_cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_rejects_pickled_matrix(tmp_path):
    np.save(tmp_path / "o.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    proc = run_cli("run", "--matrix", str(tmp_path / "o.npy"))
    assert proc.returncode == 2 and "Python objects" in proc.stderr and "Traceback" not in proc.stderr
