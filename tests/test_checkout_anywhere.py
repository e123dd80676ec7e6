"""A checkout lives anywhere: Ray's Unix sockets must fit their 107-byte limit from a long path.

The project is cloned (its tracked and untracked, not-ignored files, so the
working tree is what is tested) to a directory whose path is far longer than
this checkout's, and Ray is started there the two ways the project starts it:
a stage's embedded Ray (under a long TMPDIR) and a test's `ray start --head`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from data_pipeline.common import MAX_RAY_TEMP_DIR

ROOT = Path(__file__).resolve().parents[1]


def _clone(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for rel in filter(None, files):
        src = ROOT / os.fsdecode(rel)
        if src.is_file():  # a tracked file deleted in the working tree is not cloned
            (dest / os.fsdecode(rel)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / os.fsdecode(rel))
    return dest


def test_ray_starts_from_a_long_checkout_path(work_dir):
    clone = _clone(work_dir / ("a-checkout-path-much-longer-than-usual-" + "x" * 24) / "effiskel")
    assert len(str(clone / "build" / "ray")) > MAX_RAY_TEMP_DIR  # Ray could not bind there
    env = {**os.environ, "PYTHONPATH": str(clone)}  # the clone's code, not this checkout's
    env.pop("RAY_ADDRESS", None)
    long_tmp = clone / "build" / "systmp"
    long_tmp.mkdir(parents=True)
    # 1. A stage's embedded Ray, with its default temp dir under a long TMPDIR.
    stage = subprocess.run(
        [sys.executable, "-c",
         "import ray, data_pipeline.common as c; c.init_ray(None, 1); "
         "print(c.__file__); print(ray.get(ray.remote(lambda: 41 + 1).remote()))"],
        cwd=clone, env={**env, "TMPDIR": str(long_tmp), "HOME": str(clone / "build" / "home")},
        capture_output=True, text=True, timeout=300)
    assert stage.returncode == 0, stage.stderr[-3000:]
    module, answer = stage.stdout.split()[-2:]
    assert module.startswith(str(clone)) and answer == "42"
    assert any((long_tmp / "ray").glob("session_*")), "Ray's files left the clone's build/"
    # 2. The test suite's own `ray start --head`, run from the clone.
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/data_pipeline/test_cluster.py::test_head_on_a_machine_without_a_token_needs_no_auth"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert any((clone / "build" / "tmp").rglob("session_*"))
