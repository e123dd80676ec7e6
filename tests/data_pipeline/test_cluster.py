"""Joining a real Ray cluster (`ray start --head`) with --address, as on a GPU cluster."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def head(build_dir):
    """A one-node cluster of its own; stopped by killing its own processes only
    (`ray stop` would also stop the test session's embedded Ray)."""
    tmp = build_dir / f"ray-head-{os.getpid()}"
    tmp.mkdir(exist_ok=True)
    port = _free_port()
    env = {**os.environ, "RAY_TMPDIR": str(tmp)}
    subprocess.run([str(BIN / "ray"), "start", "--head", "--num-cpus", "2", "--port", str(port),
                    "--include-dashboard", "false", "--disable-usage-stats"],
                   env=env, check=True, capture_output=True, timeout=120)
    try:
        yield f"127.0.0.1:{port}", env
    finally:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        if str(tmp).encode() in f.read():
                            os.kill(int(entry), signal.SIGKILL)
                except OSError:
                    pass


def test_profile_joins_a_cluster_with_address(head, work_dir):
    address, env = head
    env = {k: v for k, v in env.items() if k not in ("RAY_AUTH_MODE", "RAY_ADDRESS")}
    cmd = [str(BIN / "effiskel"), "profile", "--source", "mini", "--out", str(work_dir / "out"),
           "--repeat", "1", "--address", address, "progress=false"]
    # `ray start --head` turned on token authentication: without it, a clear error
    refused = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and "RAY_AUTH_MODE=token" in refused.stderr
    res = subprocess.run(cmd, env={**env, "RAY_AUTH_MODE": "token"}, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    summary = json.loads((work_dir / "out" / "summary.json").read_text())
    assert summary["tasks_kept"] == summary["tasks_in"] > 0
    assert summary["workers"] == 2  # the cluster's CPUs
