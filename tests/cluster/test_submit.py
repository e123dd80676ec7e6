"""`effiskel submit` and `effiskel jobs` against a real head with its dashboard (the job
server), started for this module by cluster/local.py with its own temp dir and token; a
stage really runs as a Ray job on it and writes its output here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.dataset as pads
import pytest
import yaml

from cluster.local import CLIENT_VARS, client_env
from effiskel.tasks.mini import MINI_DIR
from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(900)

BIN = Path(sys.executable).parent
LOCAL = ROOT / "cluster" / "local.py"
RAY_VARS = CLIENT_VARS  # what a client's own environment must not bring


@pytest.fixture(scope="module")
def head(build_dir):
    """A head with 2 CPUs and the dashboard, no workers: (state, the client's env without
    the address variables, the dashboard URL)."""
    root = build_dir / "tmp" / "cluster-submit"
    shutil.rmtree(root, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k not in RAY_VARS}
    cmd = [sys.executable, str(LOCAL), "--dir", str(root)]
    started = subprocess.run(cmd + ["start", "--workers", "0", "--head-cpus", "2"], env=env,
                             capture_output=True, text=True, timeout=400)
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        state = json.loads((root / "cluster.json").read_text())
        auth = {k: v for k, v in client_env(state).items() if k.startswith("RAY_AUTH")}
        yield state, {**env, **auth}, state["dashboard"]
    finally:
        stopped = subprocess.run(cmd + ["stop"], env=env, capture_output=True, text=True,
                                 timeout=400)
        assert stopped.returncode == 0, stopped.stderr[-3000:]


def _effiskel(*args, env, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "effiskel"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _job_id(stdout: str) -> str:
    return next(line.split()[1] for line in stdout.splitlines() if line.startswith("submitted "))


def _corpus(work_dir: Path) -> Path:
    corpus = work_dir / "corpus"
    for task in ("0000", "0001"):
        shutil.copytree(MINI_DIR / task, corpus / task)
    return corpus


def test_submit_follows_a_stage_to_success_and_jobs_sees_it(head, work_dir):
    state, env, url = head
    corpus, out = _corpus(work_dir), work_dir / "out"
    res = _effiskel("submit", "profile", "--address", url, "--config",
                    "cluster/configs/profile-mini.yaml", "--follow", "--",
                    "--data", str(corpus), "--out", str(out), env=env)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    job = _job_id(res.stdout)
    assert "profile done" in res.stdout  # the stage's own report, followed live
    assert res.stdout.strip().splitlines()[-1].startswith(f"job {job} SUCCEEDED")
    # The job ran the stage with the config's settings and wrote its output here.
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks_in"] == summary["tasks_kept"] == 2
    settings = yaml.safe_load((ROOT / "cluster/configs/profile-mini.yaml").read_text())
    runs = pads.dataset(out / "runs").to_table(columns=["verdict", "repeats"]).to_pylist()
    assert {r["repeats"] for r in runs if r["verdict"] == "AC"} == {settings["repeat"]}
    top = Counter(r["task_id"] for r in pads.dataset(out / "efficient").to_table(
        columns=["task_id", "role"]).to_pylist() if r["role"] == "top_k")
    assert set(top.values()) == {settings["top_k"]}  # both tasks have more correct solutions
    # What was uploaded: the code, not the environment, the outputs or the caches.
    packages = {p.resolve() for p in Path(state["nodes"]["head"]["temp_dir"]).glob(
        "session_*/runtime_resources/working_dir_files/_ray_pkg_*") if p.is_dir()}
    assert packages
    for pkg in packages:
        assert (pkg / "jobs" / "profile.py").is_file() and (pkg / "effiskel").is_dir()
        assert not any((pkg / d).exists() for d in (".venv", "build", ".git"))
        assert not list(pkg.rglob("__pycache__"))
    # `effiskel jobs`, the address from RAY_API_SERVER_ADDRESS as `cluster/local.py env` sets it.
    by_env = {**env, "RAY_API_SERVER_ADDRESS": url}
    listed = _effiskel("jobs", "list", env=by_env)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(job))
    assert row.split()[1:3] == ["SUCCEEDED", "profile"]
    status = _effiskel("jobs", "status", job, "--address", url, env=env)
    assert status.returncode == 0 and status.stdout.startswith("SUCCEEDED"), status.stderr
    logs = _effiskel("jobs", "logs", job, "--address", url, env=env)
    assert logs.returncode == 0 and "profile done" in logs.stdout


def test_a_failing_job_exits_1_with_its_error(head):
    _, env, url = head
    # apps without --data passes the parser (checked here) and fails in the stage (there).
    res = _effiskel("submit", "profile", "--address", url, "--follow", "--", "--source", "apps",
                    env=env)
    assert res.returncode == 1, res.stdout[-2000:] + res.stderr[-2000:]
    assert "needs --data" in res.stdout
    assert f"job {_job_id(res.stdout)} FAILED" in res.stderr
    waited = _effiskel("jobs", "status", _job_id(res.stdout), "--wait", "--address", url, env=env)
    assert waited.returncode == 1 and "FAILED" in waited.stderr


def test_bad_settings_and_a_missing_token_fail_before_anything_runs(head, work_dir):
    _, env, url = head
    listed = _effiskel("jobs", "list", "--address", url, env=env)
    assert listed.returncode == 0, listed.stderr
    before = listed.stdout.count("raysubmit_")
    typo = _effiskel("submit", "profile", "--address", url, "--", "--top_kk", "3", env=env)
    assert typo.returncode == 2 and "not submitted" in typo.stderr and "top_kk" in typo.stderr
    nostage = _effiskel("submit", "profil", "--address", url, env=env)
    assert nostage.returncode == 2 and "the stages: " in nostage.stderr
    # A client that does not ask for token auth hears why it was refused, and what to do.
    no_auth = {k: v for k, v in env.items() if k != "RAY_AUTH_MODE"}
    refused = _effiskel("submit", "profile", "--address", url, "--", "--source", "mini",
                        env=no_auth)
    assert refused.returncode == 2, refused.stderr
    error = [line for line in refused.stderr.splitlines() if "error:" in line]
    assert len(error) == 1 and "refused" in error[0] and "RAY_AUTH_MODE=token" in error[0]
    assert "Traceback" not in refused.stderr
    wrong = {**no_auth, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": "not-the-token"}
    wrong.pop("RAY_AUTH_TOKEN_PATH")
    denied = _effiskel("jobs", "list", "--address", url, env=wrong)
    assert denied.returncode == 2 and "not the cluster's" in denied.stderr
    unreachable = _effiskel("jobs", "list", "--address", "http://127.0.0.1:9", env=env)
    assert unreachable.returncode == 2 and "cannot reach" in unreachable.stderr
    listed = _effiskel("jobs", "list", "--address", url, env=env)
    assert listed.returncode == 0 and listed.stdout.count("raysubmit_") == before


def test_a_config_outside_the_project_travels_and_a_job_can_be_stopped(head, work_dir):
    _, env, url = head
    config = work_dir / "long.yaml"  # under build/: excluded from the upload, sent inline
    config.write_text("# a long run\nsource: mini\nrepeat: 30\nprogress: false\n")
    res = _effiskel("submit", "profile", "--address", url, "--config", str(config), "--",
                    "--out", str(work_dir / "out"), env=env)
    assert res.returncode == 0, res.stderr
    job = _job_id(res.stdout)
    deadline = time.monotonic() + 300
    while "profile: " not in (logs := _effiskel("jobs", "logs", job, "--address", url,
                                                env=env).stdout):
        assert time.monotonic() < deadline, logs
        time.sleep(1)
    assert "--config '{source: mini, repeat: 30, progress: false}'" in logs
    stopped = _effiskel("jobs", "stop", job, "--wait", "--address", url, env=env)
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.strip().splitlines()[-1] == f"{job} STOPPED"
    status = _effiskel("jobs", "status", job, "--wait", "--address", url, env=env)
    assert status.returncode == 1 and f"job {job} STOPPED" in status.stderr
