"""`make run ADDRESS=…`: loopback by default, one switch for a classroom, XSRF protection kept on.

Tested on loopback only: the network case is checked through the printed lines and the command line."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request

from conftest import ROOT, _free_port

from agdui import serve_info


def make_n(*args: str) -> str:
    return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_default_is_loopback_and_the_switch_serves_the_network_with_xsrf_on():
    default = make_n()
    assert "--server.address=127.0.0.1" in default and "--server.port=8501" in default
    lan = make_n("ADDRESS=0.0.0.0")
    assert "--server.address=0.0.0.0" in lan
    for cmd in (default, lan):
        assert "--server.enableXsrfProtection=true" in cmd
        assert "serve_info" in cmd  # the link and what is exposed are printed first


def test_printed_lines_say_the_link_and_what_is_exposed():
    (local,) = serve_info.lines("127.0.0.1", 8501)
    assert "http://127.0.0.1:8501" in local and "this machine only" in local and "ADDRESS=0.0.0.0" in local
    share, exposed = serve_info.lines("0.0.0.0", 8765)
    assert share.startswith("AGD Explorer for the class: share http://") and share.endswith(":8765")
    assert "0.0.0.0" not in share  # a link a student can open, not the wildcard address
    assert exposed.startswith("Exposes:") and "XSRF protection on" in exposed and "\n" not in exposed


def test_make_run_serves_on_loopback(tmp_path):
    port = _free_port()
    log = open(tmp_path / "log.txt", "w+")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        ["make", "run", "ADDRESS=127.0.0.1", f"PORT={port}"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # make and streamlit in one process group, stopped together below
    )
    try:
        deadline, ok = time.monotonic() + 90, False
        while time.monotonic() < deadline and not ok:
            try:
                ok = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok"
            except OSError:
                time.sleep(0.3)
        assert ok, "make run did not serve"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    log.seek(0)
    out = log.read()
    assert f"AGD Explorer: http://127.0.0.1:{port}" in out
