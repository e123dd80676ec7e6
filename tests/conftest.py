"""Shared fixtures: one local Ray per test session, every file inside build/.

Ray start-up costs tens of seconds, so every test that needs Ray takes the
`ray_session` fixture and shares one instance.

Tests neither read nor write the user's home: HOME itself points at build/home
for the whole session (and every process it starts), so Ray's auth token
(~/.ray/auth_token, written by the first embedded `ray.init()`), Hugging Face,
torch and matplotlib caches all land there. A test that needs a particular
token state sets it explicitly (see tests/data_pipeline/test_cluster.py), so
the suite behaves the same on a fresh machine and on one that ran it before.
Ray's session files go to build/ray, reached through a short symlink when the
checkout's path is too long for Ray's Unix sockets (data_pipeline.common.ray_temp_dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
SHARED_DATA = (ROOT / ".." / "shared" / "data").resolve()

HOME = BUILD / "home"
HOME.mkdir(parents=True, exist_ok=True)
os.environ["HOME"] = str(HOME)
for var, sub in (("XDG_CACHE_HOME", ".cache"), ("HF_HOME", ".cache/huggingface"),
                 ("TORCH_HOME", ".cache/torch"), ("MPLCONFIGDIR", ".config/matplotlib"),
                 ("TRITON_CACHE_DIR", ".cache/triton")):
    os.environ[var] = str(HOME / sub)
# Temp files too (sandbox scratch dirs, tempfile users) stay inside build/.
os.environ["TMPDIR"] = str(BUILD / "systmp")
(BUILD / "systmp").mkdir(exist_ok=True)
os.environ.pop("RAY_ADDRESS", None)  # a test joins a cluster only when it says so
# Compiled DeepSpeed ops cached across sessions (the first build takes ~60 s).
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

    from data_pipeline.common import ray_temp_dir

    if not ray.is_initialized():
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            _temp_dir=ray_temp_dir(build_dir / "ray"),
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
