"""The registry of task sources: every name, and an unknown one refused."""

from __future__ import annotations

import pytest

from effiskel.tasks import SOURCES, get_source


def test_registry_names_every_source_and_rejects_unknown_names():
    assert set(SOURCES) == {
        "mini",
        "apps",
        "codenet",
        "humaneval",
        "humanevalplus",
        "mbppplus",
        "enamel",
        "effibench",
        "mercury",
    }
    with pytest.raises(ValueError, match="mini, apps, codenet"):
        get_source("leetcode")
