"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time


def pin_to_one_core() -> int:
    """Pin this process (and what it starts) to one core, for per-core figures."""
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def naive_run(program: str, stdin: str, timeout: float = 30.0) -> tuple[float, bytes]:
    """The naive method (EffiBench, Mercury, the paper's code): a fresh interpreter
    per run, timed from outside. Returns (seconds, stdout)."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(program)
    try:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, f.name], input=stdin.encode(), capture_output=True,
                             timeout=timeout)
        return time.perf_counter() - start, out.stdout
    finally:
        os.unlink(f.name)
