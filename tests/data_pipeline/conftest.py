"""A small APPS-layout corpus built from the bundled mini suite, with broken tasks added;
helpers for running a stage as a user does and watching its processes."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import psutil
import pytest

from effiskel.tasks.mini import MINI_DIR
from effiskel.tasks.mini_suite import copy_tasks


def make_corpus(root: Path, good: list[str], broken: bool = True) -> Path:
    """Copy mini tasks `good`; add tasks that are malformed, testless, unsolvable,
    without solutions, or an empty folder."""
    copy_tasks(root, good)
    if broken:
        bad_json = root / "9001"
        shutil.copytree(MINI_DIR / good[0], bad_json)
        (bad_json / "input_output.json").write_text('{"inputs": ["1"], "outputs": [')
        no_tests = root / "9002"
        shutil.copytree(MINI_DIR / good[0], no_tests)
        (no_tests / "input_output.json").write_text('{"inputs": [], "outputs": []}')
        unsolvable = root / "9003"
        shutil.copytree(MINI_DIR / good[0], unsolvable)
        (unsolvable / "solutions.json").write_text(json.dumps(
            ["print('wrong')\n", "def broken(:\n    pass\n", "import sys\nsys.exit(3)\n"]))
        (unsolvable / "metadata.json").unlink()
        no_solutions = root / "9004"
        shutil.copytree(MINI_DIR / good[0], no_solutions)
        (no_solutions / "solutions.json").write_text("[]")
        (no_solutions / "metadata.json").unlink()
        (root / "9005").mkdir()  # an empty problem folder
    return root


@pytest.fixture
def corpus(work_dir) -> Path:
    return make_corpus(work_dir / "corpus", ["0000", "0001", "0002"])


def cli_env(build_dir: Path) -> dict:
    """The environment of a stage run as a user runs it, Ray's files kept in build/."""
    env = dict(os.environ)
    env["RAY_TMPDIR"] = str(build_dir / "ray-cli")
    (build_dir / "ray-cli").mkdir(exist_ok=True)
    return env


def process_tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants now (Ray's raylet, agents, workers, sandboxes)."""
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def still_running(procs: list[psutil.Process], within_s: float) -> list[str]:
    """Those of `procs` still alive after up to `within_s` seconds ("pid name")."""
    deadline = time.monotonic() + within_s
    while True:
        alive = []
        for p in procs:
            try:  # is_running() also guards against a reused pid (it checks the start time)
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{p.pid} {p.name()}")
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)
