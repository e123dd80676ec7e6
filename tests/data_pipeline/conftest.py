"""A small APPS-layout corpus built from the bundled mini suite, with broken tasks added."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from effiskel.tasks.mini import MINI_DIR


def make_corpus(root: Path, good: list[str], broken: bool = True) -> Path:
    """Copy mini tasks `good`; add tasks that are malformed, testless, unsolvable,
    without solutions, or an empty folder."""
    root.mkdir(parents=True, exist_ok=True)
    for name in good:
        shutil.copytree(MINI_DIR / name, root / name)
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
