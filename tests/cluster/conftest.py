"""What the cluster files must agree on with the project: its pinned torch and Ray."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def pins() -> dict[str, str]:
    """The exact versions of [project] dependencies in pyproject.toml, by distribution name
    (extras dropped). Read with a regex: tomllib is 3.11+, and the project supports 3.10."""
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M)[1]
    return {name.lower(): version for name, version in
            re.findall(r'"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^"]+)"', block)}
