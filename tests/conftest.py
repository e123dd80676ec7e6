"""Shared fixtures: one local Ray per test session, temp dirs inside build/.

Ray start-up costs tens of seconds, so every test that needs Ray takes the
`ray_session` fixture and shares one instance. Ray writes its session files
under build/ray (not ~/.ray or /tmp) so a test run leaves nothing outside the
project's ignored build directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
SHARED_DATA = (ROOT / ".." / "shared" / "data").resolve()

# Compiled DeepSpeed ops cached.
os.environ.setdefault("TORCH_EXTENSIONS_DIR", str(BUILD / "torch_extensions"))
os.environ.setdefault("RAY_DEDUP_LOGS", "0")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def build_dir() -> Path:
    BUILD.mkdir(exist_ok=True)
    return BUILD


@pytest.fixture
def work_dir(build_dir, request) -> Path:
    """A fresh directory under build/tmp for one test."""
    import shutil

    d = build_dir / "tmp" / request.node.name.replace("/", "_")[:80]
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


@pytest.fixture(scope="session")
def ray_session(build_dir):
    """One embedded local Ray for the whole test session."""
    import ray

    tmp = build_dir / "ray"
    tmp.mkdir(exist_ok=True)
    if not ray.is_initialized():
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            _temp_dir=str(tmp),
            log_to_driver=False,
            configure_logging=False,
        )
    yield ray
    ray.shutdown()


def shared_data(*parts: str) -> Path:
    """A path inside ../shared/data, or skip the test when it is absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data {p} is absent")
    return p
