"""The sandbox task tests judge solutions with: the one the pipeline uses."""

from __future__ import annotations

import pytest

from effiskel.sandbox import Limits, Sandbox


@pytest.fixture(scope="module")
def sb(build_dir):
    with Sandbox(Limits(cpu_time_s=5), scratch_root=build_dir) as s:
        yield s
