"""`python -m agdcore sweep`: CSV/JSON round trip, progress on stderr, one-line errors with exit 2."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from agdcore.cli import main
from agdcore.sweeps import sweep

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--m", "30", "--n", "24", "--rank", "3", "--tol", "1e-8", "--max-iter", "3000"]
BASE = {"m": 30, "n": 24, "rank": 3, "tol": 1e-8, "max_iter": 3000}


def test_round_trip_csv_and_json(tmp_path, capsys):
    csv, js = tmp_path / "s.csv", tmp_path / "s.json"
    rc = main(
        [
            "sweep",
            "--grid",
            "width=3,6",
            "--grid",
            "kappa=2,8",
            "--trials",
            "3",
            *SMALL,
            "--serial",
            "--quiet",
            "--csv",
            str(csv),
            "--json",
            str(js),
        ]
    )
    out, err = capsys.readouterr()
    assert rc == 0 and "12 trials in" in err
    table = pd.read_csv(csv)
    assert len(table) == 12 and table["status"].eq("converged").all()
    api = sweep({"width": [3, 6], "kappa": [2, 8]}, trials=3, base=BASE, seed=1, engine="serial")
    pd.testing.assert_frame_equal(table.drop(columns="seconds"), api.drop(columns="seconds"), check_dtype=False)
    doc = json.loads(js.read_text())
    assert doc["config"]["grid"] == {"width": [3, 6], "kappa": [2.0, 8.0]} and doc["config"]["trials"] == 3
    assert doc["config"]["base"]["m"] == 30 and doc["config"]["complete"] is True
    rows = pd.DataFrame(doc["rows"])
    assert rows["seed"].tolist() == table["seed"].tolist()  # 63-bit seeds survive JSON
    assert rows["iterations_to_tol"].tolist() == table["iterations_to_tol"].tolist()
    assert [(s["width"], s["kappa"]) for s in doc["summary"]] == [(3, 2.0), (3, 8.0), (6, 2.0), (6, 8.0)]
    med = table.groupby(["width", "kappa"])["iterations_to_tol"].median().tolist()
    assert [s["median"] for s in doc["summary"]] == med
    assert "median" in out and "failure_rate" in out  # the summary table on stdout


@pytest.mark.dask
def test_default_engine_is_the_local_cluster_with_a_progress_bar(tmp_path):
    csv = tmp_path / "s.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "agdcore", "sweep", "--grid", "kappa=2,4", "--trials", "4", *SMALL, "--csv", str(csv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "sweep: 100%" in proc.stderr and "8/8" in proc.stderr  # tqdm on stderr
    assert "(local Dask cluster, " in proc.stderr
    assert "Traceback" not in proc.stderr
    api = sweep({"kappa": [2, 4]}, trials=4, base=BASE, seed=1, engine="serial")
    pd.testing.assert_frame_equal(
        pd.read_csv(csv).drop(columns="seconds"), api.drop(columns="seconds"), check_dtype=False
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--grid", "depth=1,2"], "Unknown sweep parameter 'depth'"),
        (["--grid", "kappa="], "'kappa' has no values"),
        (["--grid", "kappa=5,x"], "'kappa': 'x' is not a number"),
        (["--grid", "kappa"], "must look like NAME=V1,V2"),
        (
            [
                "--grid",
                f"width={','.join(map(str, range(1, 101)))}",
                "--grid",
                f"kappa={','.join(map(str, range(1, 102)))}",
            ],
            "at most 10,000",
        ),
        (["--grid", "kappa=5", "--grid", "kappa=6"], "given twice"),
        ([], "give at least one --grid"),
        (["--grid", "nu=0.2,0.5", "--init", "gaussian"], "nu applies only to init ward-kolda"),
        (["--grid", "kappa=5", "--trials", "0"], "trials must be an integer"),
        (["--grid", "kappa=5", "--trials", "many"], "invalid int value"),
        (["--grid", "kappa=5", "--matrix", "A.npy"], "--matrix is not supported"),
        (["--grid", "kappa=5", "--scheduler", "my laptop"], "must look like tcp://HOST:PORT"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, needle):
    rc = main(["sweep", *args, "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("agd: error: ") and needle in err, err


def test_unreachable_scheduler_fails_with_one_line_within_10_s(capsys):
    addr = f"tcp://127.0.0.1:{_closed_port()}"  # nothing listens there
    t0 = time.monotonic()
    rc = main(["sweep", "--grid", "kappa=5", "--scheduler", addr, "--quiet"])
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert err.startswith(f"agd: error: could not reach the Dask scheduler at {addr} within 5 s")
    assert elapsed < 10, elapsed
