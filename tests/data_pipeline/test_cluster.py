"""Joining a real Ray cluster (`ray start --head`) with --address, as on a GPU cluster.

What Ray 2.60 does, measured and pinned here: `ray start --head` turns token
authentication on when RAY_AUTH_MODE=token is set or a token already exists
(RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, ~/.ray/auth_token — and any embedded
`ray.init()` writes the latter on its first start), and leaves it off on a
machine that has none. Each test sets the token state it needs, so the result
is the same on a fresh machine and on one with ~/.ray/auth_token.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from data_pipeline.common import ray_temp_dir

BIN = Path(sys.executable).parent
AUTH_VARS = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "RAY_ADDRESS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_head(root: Path, env: dict) -> tuple[str, str, subprocess.CompletedProcess]:
    """`ray start --head` with its own temp dir; returns (address, temp dir, its output)."""
    tmp = ray_temp_dir(root / "ray")
    port = _free_port()
    started = subprocess.run(
        [str(BIN / "ray"), "start", "--head", "--num-cpus", "2", "--port", str(port),
         "--temp-dir", tmp, "--include-dashboard", "false", "--disable-usage-stats"],
        env=env, check=True, capture_output=True, text=True, timeout=120)
    return f"127.0.0.1:{port}", tmp, started


def _stop_head(tmp: str) -> None:
    """Kill the head's own processes only (`ray stop` would also stop the test
    session's embedded Ray): those whose command line names its temp dir."""
    marks = {tmp, os.path.realpath(tmp)}
    for proc in psutil.process_iter(["cmdline"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or ())
            if any(m in cmdline for m in marks):
                proc.kill()
        except psutil.Error:
            pass


def _clean_env(home: Path) -> dict:
    """The environment of a user with home `home` and no Ray auth settings."""
    env = {k: v for k, v in os.environ.items() if k not in AUTH_VARS}
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)
    return env


@pytest.fixture
def token_head(work_dir):
    """A head that requires a token (RAY_AUTH_MODE=token, its own token file)."""
    token = work_dir / "auth_token"
    token.write_text(secrets.token_hex(32))
    env = _clean_env(work_dir / "home")
    address, tmp, _ = _start_head(work_dir, {**env, "RAY_AUTH_MODE": "token",
                                             "RAY_AUTH_TOKEN_PATH": str(token)})
    try:
        yield address, env, token
    finally:
        _stop_head(tmp)


def test_profile_joins_a_token_cluster_with_address(token_head, work_dir):
    address, env, token = token_head
    cmd = [str(BIN / "effiskel"), "profile", "--source", "mini", "--out", str(work_dir / "out"),
           "--repeat", "1", "--address", address, "progress=false"]
    # A client that does not ask for token auth hears why it was refused, and what to do.
    refused = subprocess.run(cmd, env={**env, "RAY_AUTH_TOKEN_PATH": str(token)},
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2, refused.stderr[-2000:]
    assert "RAY_AUTH_MODE=token" in refused.stderr and "Traceback" not in refused.stderr
    res = subprocess.run(cmd, env={**env, "RAY_AUTH_MODE": "token",
                                   "RAY_AUTH_TOKEN_PATH": str(token)},
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    summary = json.loads((work_dir / "out" / "summary.json").read_text())
    assert summary["tasks_kept"] == summary["tasks_in"] > 0
    assert summary["workers"] == 2  # the cluster's CPUs


def test_head_on_a_machine_without_a_token_needs_no_auth(work_dir):
    """A fresh home (no ~/.ray) and no RAY_AUTH_MODE: the head starts without token
    auth and a plain client joins it; the hint in data_pipeline.common says so."""
    env = _clean_env(work_dir / "fresh-home")
    assert not (work_dir / "fresh-home" / ".ray").exists()
    address, tmp, started = _start_head(work_dir, env)
    try:
        assert "Token authentication is disabled" in started.stderr + started.stdout
        joined = subprocess.run(
            [sys.executable, "-c", f"import ray; ray.init(address={address!r}, log_to_driver=False); "
                                   "print(int(ray.cluster_resources()['CPU']))"],
            env=env, capture_output=True, text=True, timeout=120)
        assert joined.returncode == 0, joined.stderr[-2000:]
        assert joined.stdout.strip().splitlines()[-1] == "2"
    finally:
        _stop_head(tmp)
